#!/bin/sh
# Law 1 (intent, then the live change, then `applied` naming the intent)
# seen by the request's readers: when the application refuses an erasure
# (a trigger aborts the DELETE), the request's tombstone is durable but
# no `applied` event covers it, so the request is not done: `request
# list` (and --json, --pending, --overdue) shows it pending, then overdue
# past its due time; `run` exits 1 naming it overdue and never writes a
# second tombstone (law 3); `report` (text, json, html) counts it
# overdue; `ledger lookup` prints the events, says the erasure is
# recorded but not yet applied, and exits 1 (SPEC 5).  Once the
# application allows it, a run applies it: done, at that run's time,
# late; lookup exits 0.
. "$TESTS_TOP/tests/lib.sh"

# jl FILE QUERY: QUERY over the JSON Lines of FILE, one row v per line in j
jl() {
	{ echo '['; sed '$!s/$/,/' "$1"; echo ']'; } >"$T/jl.json"
	sqlite3 -batch -noheader :memory: "CREATE TABLE j AS SELECT value AS v
	  FROM json_each(readfile('$T/jl.json')); $2"
}
# rj PATH: a field of the JSON document in $T/out
rj() { sql :memory: "SELECT json_extract(readfile('$T/out'), '$1')"; }
# reqs FIELD...: those fields of the report's requests, space-separated
reqs() {
	for f in "$@"; do printf '%s ' "$(rj "\$.requests.$f")"; done
}
# status: the request's status, done time and late flag, from list --json
status() {
	jl out "SELECT json_extract(v, '$.status') || ' ' ||
	  coalesce(json_extract(v, '$.done'), '-') || ' ' ||
	  json_extract(v, '$.late') FROM j WHERE json_extract(v, '$.id') =
	  '$RID'"
}
# unapplied: tombstones no applied event covers
unapplied() {
	sql ledger.db "SELECT count(*) FROM events e WHERE e.type = 'erase'
	  AND NOT EXISTS (SELECT 1 FROM events a WHERE a.type = 'applied'
	  AND e.seq BETWEEN a.ref AND a.ref_last)"
}

A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b
setup
add_subject live.db $A client Ann ann@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body)
  VALUES ('$A', '2026-10-01', 'mail', 'hello'),
  ('$B', '2026-10-02', 'mail', 'bob stays');
CREATE TRIGGER nodel BEFORE DELETE ON communications
  BEGIN SELECT RAISE(ABORT, 'the application says no'); END;"

NOW=2026-12-01T00:00:00Z
lt request erase --email ann@example.com
expect 0 "Ann asks to be erased"
RID=$(cut -d' ' -f1 out)
eq "due in 7 days" "$(cut -d' ' -f3 out)" 2026-12-08T00:00:00Z
lt run
expect 1 "the application refuses the erasure: run fails"
err_has "cannot erase from table 'communications'.*the application says no" \
	"the refusal is shown"
eq "the tombstone is durable" "$(nevents erase $A)" 1
eq "no applied event covers it" "$(unapplied)" 1
eq "Ann is still in the live store" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 1

# --- before the due time: pending, not done
lt request list --json
expect 0 "request list --json: nothing overdue yet"
eq "the request is pending, with no done time" "$(status)" "pending - 0"
lt request list
out_has "$RID  pending .*erasure not yet applied" \
	"the text listing says its erasure is not yet applied"
lt request list --pending --json
eq "--pending lists it" "$(jl out "SELECT json_extract(v, '$.id') FROM j")" \
	"$RID"
lt request list --overdue --json
expect 0 "--overdue: none"
eq "--overdue lists nothing" "$(jl out "SELECT count(*) FROM j")" 0
lt report --format json
expect 0 "report: a pending request only"
eq "report counts it pending, not done" \
	"$(reqs total done pending overdue)" "1 0 1 0 "
lt ledger lookup --email ann@example.com
expect 1 "lookup: the erasure is not applied, so not erased"
out_has "erase .*subject $A" "lookup prints the tombstone"
out_has "request $RID pending" "and the request, pending"
out_has "recorded (1 tombstone) but not yet applied in the live store" \
	"and says the erasure is recorded but not yet applied"
out_lacks "^erased" "it does not say erased"

# --- past the due time: overdue everywhere
NOW=2026-12-20T00:00:00Z
lt request list --json
expect 1 "request list --json exits 1: the request is overdue"
eq "the request is overdue, not done, not late" "$(status)" "overdue - 0"
lt request list --overdue --json
expect 1 "request list --overdue"
eq "--overdue lists it" "$(jl out "SELECT json_extract(v, '$.id') FROM j")" \
	"$RID"
lt run
expect 1 "run exits 1: still refused, the request overdue"
err_has "request $RID is overdue: due 2026-12-08T00:00:00Z, its erasure \
is recorded but not yet applied in the live store" \
	"run names the overdue request and why"
err_has "run done: .*1 request OVERDUE" "the summary counts it"
lt run
expect 1 "another run: the same"
eq "still one tombstone: the request is never executed again" \
	"$(nevents erase $A)" 1
lt report --format json
expect 1 "report exits 1 with the overdue request"
eq "report (json) counts it overdue" \
	"$(reqs done overdue overdue_ids)" "0 1 [\"$RID\"] "
lt report
expect 1 "report (text)"
out_has "1 total, 0 done (0 late), 0 pending, 1 overdue" \
	"report (text) counts it overdue"
out_has "overdue requests  *$RID" "and names it"
lt report --format html
expect 1 "report (html)"
out_has "0 done (0 late), 0 pending, 1 overdue" "report (html) too"
out_has "$RID" "and names it"
lt ledger lookup --email ann@example.com
expect 1 "lookup: still not erased"
out_has "request $RID overdue: .*erasure not yet applied" \
	"lookup shows the request overdue"
out_has "not yet applied in the live store" "and the erasure not applied"
lt ledger lookup --email bob@example.com
expect 1 "lookup of someone never erased"
out_has "no erasure recorded" "says so"

# --- the application allows it: the next run applies it, late
sql live.db "DROP TRIGGER nodel"
NOW=2026-12-21T00:00:00Z
lt run
expect 0 "the run finishes the intent"
err_has "1 unfinished intent completed" "the summary says so"
eq "Ann is gone from the live store" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "Bob stays" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE
	  subject_id = '$B'")" 1
eq "every tombstone is applied" "$(unapplied)" 0
eq "one tombstone in all" "$(nevents erase $A)" 1
lt request list --json
expect 0 "request list: nothing overdue"
eq "done at the time of the run that applied it, late" "$(status)" \
	"done $NOW 1"
lt request list
out_has "$RID  done .* done $NOW (late)" "the text listing says so"
lt report --format json
expect 0 "report: nothing overdue"
eq "report counts it done and late" \
	"$(reqs done late overdue)" "1 1 0 "
lt ledger lookup --email ann@example.com
expect 0 "lookup: erased"
out_has "^erased: 1 tombstone$" "says erased"
out_lacks "not yet applied" "and nothing about an unapplied erasure"
lt ledger verify
expect 0 "the ledger verifies"
done_testing
