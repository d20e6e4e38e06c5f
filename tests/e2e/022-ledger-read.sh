#!/bin/sh
# CLI contract for the ledger readers (SPEC 5) and law 4 (no personal data
# in the ledger): `ledger lookup` exits 0 with the events for an erased
# person, 1 for an unknown one, 1 with the request printed for a person
# with only a pending request; `ledger list --json` lines carry seq, at,
# type, subject, reason, request, hash; `--csv` has a header; `--since`
# filters by time; `ledger show SEQ`; no email or phone appears in any
# listing or in the ledger file's bytes.
. "$TESTS_TOP/tests/lib.sh"

jl() {
	{ echo '['; sed '$!s/$/,/' "$1"; echo ']'; } >"$T/jl.json"
	sqlite3 -batch -noheader :memory: "CREATE TABLE j AS SELECT value AS v
	  FROM json_each(readfile('$T/jl.json')); $2"
}
lsql() { sql "$T/ledger.db" "$1"; }
# no_personal WHAT FILE...: none of the people's identifiers in the files
no_personal() {
	for s in alice@example.com ALICE@example.com bob@example.com \
		lee.lead@example.com 900123 900456 900789 7700900123; do
		for f in "$@"; do
			[ -e "$f" ] || continue
			if strings -a "$f" | grep -qi -- "$s"; then
				not_ok "$1: '$s' found in $f"; return
			fi
		done
	done
	ok "$1"
}

A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b
L=cccccccc-0000-4000-8000-00000000000c
setup
add_subject live.db $A client 'Alice' alice@example.com '+44 7700 900123' \
	2026-11-01T00:00:00Z
add_subject live.db $B client 'Bob' bob@example.com '+44 7700 900456' \
	2026-11-01T00:00:00Z
add_subject live.db $L lead 'Lee Lead' lee.lead@example.com '+44 7700 900789' \
	2025-10-01T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at, amount_cents)
  VALUES ('$A', 'A1', '2026-01-01T00:00:00Z', 100)"

NOW=2026-11-20T10:00:00Z
lt request erase --email ALICE@example.com --phone '07700 900123' --ref HD-77
expect 0 "request for Alice"
RA=$(cut -d' ' -f1 out)
lt run
expect 0 "run on the 20th: Alice and the stale lead erased"
NOW=2026-11-22T10:00:00Z
lt request erase --email bob@example.com
expect 0 "request for Bob, not yet run"
RB=$(cut -d' ' -f1 out)
N=$(lsql "SELECT count(*) FROM events")

# --- lookup
lt ledger lookup --email alice@example.com
expect 0 "lookup of an erased person"
out_has "erase .*subject $A" "it prints the tombstone"
out_has "request $RA" "and the request"
out_has "hold .*invoices" "and the hold on her invoices"
lt ledger lookup --phone '+44 7700 900123'
expect 0 "lookup by phone, in another spelling"
out_has "subject $A" "it finds the same tombstone"
lt ledger lookup --email 'Lee.Lead@Example.com'
expect 0 "lookup of a lead erased by expiry"
out_has "lead-expiry" "it says why"
lt ledger lookup --email nobody@example.com
expect 1 "lookup of an unknown person"
out_lacks "erase" "no tombstone printed"
lt ledger lookup --email bob@example.com
expect 1 "lookup of a person with only a pending request"
out_has "$RB" "the pending request is printed"
out_has "pending" "it says it is pending"
lt ledger lookup --email alice@example.com --phone '+44 7700 900123'
expect 64 "lookup with both --email and --phone"
lt ledger lookup --email 'not an email'
expect 64 "lookup of something that is not an email"

# --- list --json
lt ledger list --json
expect 0 "ledger list --json"
eq "one JSON line per event" "$(jl out "SELECT count(*) FROM j")" "$N"
eq "every line is a JSON object" \
	"$(jl out "SELECT count(*) FROM j WHERE json_type(v) = 'object'")" "$N"
for k in seq at type subject reason request hash; do
	eq "every event carries '$k'" \
		"$(jl out "SELECT count(*) FROM j WHERE json_type(v, '\$.$k') IS NOT NULL")" "$N"
done
eq "seqs are 1..N in order" \
	"$(jl out "SELECT group_concat(json_extract(v, '$.seq'), ',') FROM j")" \
	"$(seq -s, 1 "$N")"
eq "types are the documented ones" \
	"$(jl out "SELECT count(*) FROM j WHERE json_extract(v, '$.type') NOT IN
	  ('request', 'approve', 'erase', 'hold', 'release', 'purge', 'applied',
	  'backup', 'restore', 'scrub')")" 0
eq "subject is a UUID or null" \
	"$(jl out "SELECT count(*) FROM j WHERE NOT (json_type(v, '$.subject') =
	  'null' OR json_extract(v, '$.subject') GLOB
	  '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*')")" 0
eq "hashes are 64 hex digits" \
	"$(jl out "SELECT count(*) FROM j WHERE length(json_extract(v, '$.hash'))
	  = 64 AND NOT json_extract(v, '$.hash') GLOB '*[^0-9a-f]*'")" "$N"
eq "the json agrees with the ledger" \
	"$(jl out "SELECT group_concat(json_extract(v, '$.hash'), ' ') FROM j")" \
	"$(lsql "SELECT group_concat(hash, ' ') FROM (SELECT hash FROM events ORDER BY seq)")"
cp out list.json
no_personal "no email or phone in ledger list --json" list.json

# --- list --csv and text
lt ledger list --csv
expect 0 "ledger list --csv"
check "the first line is a header naming the columns" \
	grep -q '^seq,at,type,subject,reason,request,.*hash' out
eq "header plus one line per event" "$(wc -l <out | tr -d ' ')" $((N + 1))
cp out list.csv
no_personal "no email or phone in ledger list --csv" list.csv
lt ledger list
expect 0 "ledger list"
cp out list.txt
no_personal "no email or phone in ledger list" list.txt
lt ledger list --json --csv
expect 64 "--json and --csv together"

# --- since
lt ledger list --json --since 2026-11-21T00:00:00Z
expect 0 "ledger list --since"
eq "only the events at or after that time" \
	"$(jl out "SELECT count(*) FROM j")" \
	"$(lsql "SELECT count(*) FROM events WHERE at >= '2026-11-21T00:00:00Z'")"
eq "that is Bob's request alone" \
	"$(jl out "SELECT group_concat(json_extract(v, '$.type') || ' ' ||
	  json_extract(v, '$.request')) FROM j")" "request $RB"
lt ledger list --json --since 2026-11-20
expect 0 "ledger list --since a date"
eq "a date means its midnight" "$(jl out "SELECT count(*) FROM j")" "$N"
lt ledger list --since yesterday
expect 64 "--since that is not a time"

# --- show
S=$(lsql "SELECT seq FROM events WHERE type = 'erase' AND subject = '$A'")
lt ledger show "$S"
expect 0 "ledger show SEQ"
out_has "^seq: *$S\$" "it shows the seq"
out_has "^type: *erase" "the type"
out_has "^subject: *$A" "the subject"
out_has "^request: *$RA" "the request"
out_has "^hash: *$(lsql "SELECT hash FROM events WHERE seq = $S")" "the hash"
lt ledger show 9999
check "ledger show of a missing seq fails" test "$rc" -ne 0
lt ledger show abc
expect 64 "ledger show of a non-number"

# --- the ledger's own bytes
no_personal "no email or phone in the ledger's bytes" ledger.db ledger.db-wal
eq "the ref is kept" "$(lsql "SELECT json_extract(data, '$.ref') FROM events
  WHERE type = 'request' AND request = '$RA'")" HD-77
done_testing
