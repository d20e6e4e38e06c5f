#!/bin/sh
# Flows/request and the 7-day erasure deadline (SPEC 4 "request", 5 CLI),
# law 4 (a request is recorded as identifier hashes) and law 3 (exactly one
# tombstone per erasure): `request erase` prints "ID due TIME" with due =
# received + 7 days; a request for a live subject erases it, its
# communications and tickets and masks its orders (linked by email,
# case-insensitively); a request for an unknown person completes with a
# null-subject tombstone carrying the request's identifier hashes;
# `request list --json` and its --pending/--overdue filters; `run`
# executes a request whatever its due time, and one done after its due
# time is marked late (`request list`, `report`).
. "$TESTS_TOP/tests/lib.sh"

# jl FILE QUERY: QUERY over the JSON Lines of FILE, one row v per line in j
jl() {
	{ echo '['; sed '$!s/$/,/' "$1"; echo ']'; } >"$T/jl.json"
	sqlite3 -batch -noheader :memory: "CREATE TABLE j AS SELECT value AS v
	  FROM json_each(readfile('$T/jl.json')); $2"
}
lsql() { sql "$T/ledger.db" "$1"; }
# rj PATH: a field of the JSON document in $T/out
rj() { sql :memory: "SELECT json_extract(readfile('$T/out'), '$1')"; }

A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b
setup
add_subject live.db $A client 'Alice Example' alice@example.com \
	'+44 7700 900123' 2026-11-01T00:00:00Z
add_subject live.db $B client 'Bob Keep' bob@example.com \
	'+44 7700 900456' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$A', '2026-10-01', 'mail', 'hi'), ('$A', '2026-10-02', 'phone', 'call'),
 ('$B', '2026-10-03', 'mail', 'bob stays');
INSERT INTO tickets(subject_id, opened_at, title, body, status) VALUES
 ('$A', '2026-10-05', 'broken', 'it is broken', 'open'),
 ('$B', '2026-10-06', 'bob ticket', 'x', 'open');
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES
 ('Alice@Example.COM ', 'Alice Example', '1 Main St', '2026-09-01', 1200),
 ('alice@example.com', 'A. Example', '2 Side St', '2026-09-02', 800),
 ('bob@example.com', 'Bob Keep', '3 Bob Rd', '2026-09-03', 500)"

# --- recording: ID due TIME, due = received + 7 days
lt request erase --email alice@example.com
expect 0 "request erase --email"
check "prints 'ID due TIME' with due = received + 7 days" \
	grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} due 2026-11-29T10:00:00Z' out
eq "one line of output" "$(wc -l <out | tr -d ' ')" 1
RA=$(cut -d' ' -f1 out)
eq "the request event holds only the email's hash" \
	"$(lsql "SELECT ids GLOB 'email:[0-9a-f]*' AND length(ids) = 70
	  FROM events WHERE request = '$RA' AND type = 'request'")" 1
eq "the request event records received, due, approval" \
	"$(lsql "SELECT json_extract(data, '$.received') || ' ' ||
	  json_extract(data, '$.due') || ' ' || json_extract(data, '$.approval')
	  FROM events WHERE request = '$RA' AND type = 'request'")" \
	"2026-11-22T10:00:00Z 2026-11-29T10:00:00Z 0"

lt request list --json
expect 0 "request list --json"
eq "one JSON line" "$(jl out "SELECT count(*) FROM j")" 1
eq "carries id, received, due, status, approved" \
	"$(jl out "SELECT json_extract(v, '$.id') || '|' ||
	  json_extract(v, '$.received') || '|' || json_extract(v, '$.due') ||
	  '|' || json_extract(v, '$.status') || '|' ||
	  json_type(v, '$.approved') FROM j")" \
	"$RA|2026-11-22T10:00:00Z|2026-11-29T10:00:00Z|pending|false"

# --- executed on the next run, long before it is due
lt run
expect 0 "run executes the request before its due time"
eq "the subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "its communications are erased" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE subject_id = '$A'")" 0
eq "its tickets are erased" \
	"$(sql live.db "SELECT count(*) FROM tickets WHERE subject_id = '$A'")" 0
eq "its orders are kept, masked (both email spellings)" \
	"$(sql live.db "SELECT count(*) FROM orders WHERE id IN (1, 2) AND
	  customer_email IS NULL AND customer_name IS NULL AND
	  delivery_address IS NULL")" 2
eq "the masked orders keep their other columns" \
	"$(sql live.db "SELECT group_concat(placed_at || '/' || total_cents, ' ')
	  FROM orders WHERE id IN (1, 2)")" "2026-09-01/1200 2026-09-02/800"
eq "another client is untouched" \
	"$(sql live.db "SELECT (SELECT count(*) FROM subjects WHERE id = '$B') ||
	  (SELECT count(*) FROM communications WHERE subject_id = '$B') ||
	  (SELECT count(*) FROM tickets WHERE subject_id = '$B') ||
	  (SELECT customer_name FROM orders WHERE id = 3)")" "111Bob Keep"
eq "exactly one tombstone for the subject" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND subject = '$A'")" 1
eq "the tombstone names the request and reason" \
	"$(lsql "SELECT reason || ' ' || request FROM events WHERE type = 'erase'")" \
	"request $RA"
eq "the tombstone counts the rows per table" \
	"$(lsql "SELECT json_extract(data, '$.tables.subjects') ||
	  json_extract(data, '$.tables.communications') ||
	  json_extract(data, '$.tables.tickets') ||
	  json_extract(data, '$.tables.orders') FROM events WHERE type = 'erase'")" \
	"1212"
lt request list --json
eq "the request is now done" \
	"$(jl out "SELECT json_extract(v, '$.status') FROM j")" done

# --- a request for nobody we hold still completes with a tombstone (and
# masks the rows linked by the request's email, e.g. a guest's order)
sql live.db "INSERT INTO orders(id, customer_email, customer_name,
  delivery_address, placed_at, total_cents) VALUES
  (9, 'Nobody@Example.ORG', 'Guest', '9 Guest Rd', '2026-08-01', 300)"
lt request erase --email nobody@example.org --phone '+44 7700 900999'
expect 0 "request for an unknown person"
RU=$(cut -d' ' -f1 out)
lt run
expect 0 "run"
eq "one tombstone for the unknown person's request" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND request = '$RU'")" 1
eq "its subject is null" \
	"$(lsql "SELECT subject IS NULL FROM events WHERE type = 'erase' AND request = '$RU'")" 1
eq "it carries the request's identifier hashes" \
	"$(lsql "SELECT e.ids = r.ids FROM events e, events r WHERE
	  e.type = 'erase' AND r.type = 'request' AND e.request = '$RU' AND
	  r.request = '$RU'")" 1
eq "both identifier types are in it" \
	"$(lsql "SELECT ids LIKE 'email:%' AND ids LIKE '% phone:%' FROM events
	  WHERE type = 'erase' AND request = '$RU'")" 1
eq "the live store lost nothing more" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
eq "the guest's order linked by that email is masked" \
	"$(sql live.db "SELECT quote(customer_email) || quote(customer_name) ||
	  quote(delivery_address) || total_cents FROM orders WHERE id = 9")" \
	"NULLNULLNULL300"
eq "Bob's order is untouched" \
	"$(sql live.db "SELECT customer_name FROM orders WHERE id = 3")" "Bob Keep"
lt ledger list --json
eq "the null-subject tombstone is JSON null" \
	"$(jl out "SELECT json_type(v, '$.subject') FROM j WHERE
	  json_extract(v, '$.type') = 'erase' AND json_extract(v, '$.request') = '$RU'")" null

# --- filters: done, pending, overdue; run executes an overdue request
C=cccccccc-0000-4000-8000-00000000000c
add_subject live.db $C client 'Carol Late' carol@example.com \
	'+44 7700 900789' 2026-11-01T00:00:00Z
NOW=2026-11-10T09:00:00Z
lt request erase --email carol@example.com
expect 0 "request recorded 12 days before now"
ROLD=$(cut -d' ' -f1 out)
eq "its due time is received + 7 days" "$(cut -d' ' -f3 out)" \
	2026-11-17T09:00:00Z
NOW=2026-11-22T10:00:00Z
lt request erase --email bob@example.com
expect 0 "request recorded now"
RNEW=$(cut -d' ' -f1 out)
lt request list --json
expect 1 "request list --json with four requests, one overdue"
eq "four JSON lines" "$(jl out "SELECT count(*) FROM j")" 4
eq "statuses: done, done, overdue, pending" \
	"$(jl out "SELECT group_concat(json_extract(v, '$.status'), ' ') FROM j")" \
	"done done overdue pending"
lt request list --overdue --json
expect 1 "request list --overdue, one overdue"
eq "--overdue lists only the overdue request" \
	"$(jl out "SELECT group_concat(json_extract(v, '$.id'), ' ') FROM j")" "$ROLD"
lt request list --pending --json
expect 1 "request list --pending, one overdue"
eq "--pending lists no done request" \
	"$(jl out "SELECT count(*) FROM j WHERE json_extract(v, '$.status') = 'done'")" 0
eq "--pending lists the request not yet due" \
	"$(jl out "SELECT count(*) FROM j WHERE json_extract(v, '$.id') = '$RNEW'")" 1
lt request list --pending
expect 1 "request list --pending (text), one overdue"
out_has "$RNEW" "the text listing names the pending request"
out_lacks "$RA" "the text listing leaves the done request out"
lt request list --pending --overdue
expect 64 "--pending and --overdue together are a usage error"

lt run
expect 0 "run executes the overdue and the fresh request"
err_has "request $ROLD is executed past its due time 2026-11-17T09:00:00Z" \
	"the run says the overdue request was executed late"
eq "the overdue request's subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$C'")" 0
eq "the fresh request's subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$B'")" 0
lt request list --pending --json
eq "nothing is pending any more" "$(jl out "SELECT count(*) FROM j")" 0
lt request list --json
eq "request list marks the overdue one late, with the time it was done" \
	"$(jl out "SELECT json_extract(v, '$.late') || ' ' ||
	  json_extract(v, '$.done') FROM j WHERE json_extract(v, '$.id') =
	  '$ROLD'")" "1 $NOW"
eq "and the fresh one done in time" \
	"$(jl out "SELECT json_extract(v, '$.late') FROM j WHERE
	  json_extract(v, '$.id') = '$RNEW'")" 0
eq "a request not done has no done time" \
	"$(jl out "SELECT count(*) FROM j WHERE json_extract(v, '$.status') =
	  'done' AND json_type(v, '$.done') = 'text'")/$(jl out "SELECT
	  count(*) FROM j")" "4/4"
lt request list
out_has "$ROLD  done  received .* done $NOW (late)" \
	"the text listing says when and that it was late"
lt report --format json
eq "report counts the late request among the done ones" \
	"$(rj '$.requests.late')/$(rj '$.requests.late_ids')" "1/[\"$ROLD\"]"
lt report
out_has "(1 late)" "the text report says one was late"
out_has "late requests  *$ROLD" "and names it"
eq "one tombstone per erasure in all" \
	"$(lsql "SELECT count(*) || '/' || count(DISTINCT coalesce(subject, request))
	  FROM events WHERE type = 'erase'")" "4/4"
lt ledger verify
expect 0 "ledger verifies"
done_testing
