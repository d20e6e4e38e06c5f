#!/bin/sh
# A stale lead record whose email is also an active client's (the lead
# became a client under a new record): lead expiry erases the lead, not
# the client's email.  The client's order (linked by email) is not
# masked, her messages not redacted, and restoring a backup taken before
# the run brings her back whole (laws 5 and 8: only what was erased is
# replayed); the tombstone names the shared email apart ("shared").
. "$TESTS_TOP/tests/lib.sh"
L=11111111-0000-4000-8000-000000000001
C=22222222-0000-4000-8000-000000000002
setup
add_subject live.db $L lead 'Pat Lead' pat@example.com '+44 7700 900111' \
	2024-01-01T00:00:00Z
add_subject live.db $C client 'Pat Client' Pat@Example.com '+44 7700 900222' \
	2026-11-01T00:00:00Z
add_order live.db pat@example.com 'Pat Client' '5 Client Rd' 2026-11-01 5000
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
  ('$C', '2026-11-01', 'mail', 'confirmation sent to pat@example.com'),
  ('$L', '2024-01-01', 'mail', 'brochure for +44 7700 900111')"
lt backup -o "$T/before.tar"
expect 0 "a backup before the run"
lt run
expect 0 "run"
eq "the lead is erased, the client stays" \
	"$(sql live.db "SELECT group_concat(id) FROM subjects")" "$C"
eq "the client's order is not masked" \
	"$(sql live.db "SELECT customer_name FROM orders")" "Pat Client"
eq "the client's message is not redacted" \
	"$(sql live.db "SELECT body FROM communications WHERE subject_id = '$C'")" \
	"confirmation sent to pat@example.com"
eq "the lead's own message is gone" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE subject_id = '$L'")" 0
eq "the tombstone carries the lead's phone, and the email apart" \
	"$(sql ledger.db "SELECT (ids LIKE 'phone:%' AND ids NOT LIKE '%email:%')
	  || ' ' || (json_extract(data, '$.shared') LIKE 'email:%')
	  FROM events WHERE type = 'erase'")" "1 1"
lt restore "$T/before.tar" --to "$T/r"
expect 0 "restore of the backup taken before the run"
eq "the restored store has the client and not the lead" \
	"$(sql "$T/r/live.db" "SELECT group_concat(id) FROM subjects")" "$C"
eq "with her order whole" \
	"$(sql "$T/r/live.db" "SELECT customer_name || '/' || delivery_address
	  FROM orders")" "Pat Client/5 Client Rd"
lt ledger verify
expect 0 "the chain verifies"
done_testing
