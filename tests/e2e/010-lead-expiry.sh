#!/bin/sh
# Law 10 and the 12-month rule: a lead idle 12 months minus a day stays,
# plus a day goes; clients are never expired; a lead without a readable
# date is left alone with a warning.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 lead 'Fresh Lead' \
	fresh@example.com '+44 7700 900001' 2025-11-23T10:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead 'Stale Lead' \
	stale@example.com '+44 7700 900002' 2025-11-21T10:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000003 client 'Old Client' \
	client@example.com '+44 7700 900003' 2019-01-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000004 lead 'Undated' \
	undated@example.com '' 'not a date'
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('aaaaaaaa-0000-4000-8000-000000000002', '2025-11-21', 'hello from stale@example.com'),
 ('aaaaaaaa-0000-4000-8000-000000000002', '2025-11-20', 'second'),
 ('aaaaaaaa-0000-4000-8000-000000000001', '2025-11-23', 'fresh one')"

lt run --dry-run
expect 0 "dry run"
err_has "would erase subject aaaaaaaa-0000-4000-8000-000000000002" \
	"dry run names the stale lead"
eq "dry run changes nothing" "$(sql live.db 'SELECT count(*) FROM subjects')" 4

lt run
expect 0 "run"
eq "stale lead (12 months + 1 day) erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email = 'stale@example.com'")" 0
eq "its communications erased" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE subject_id LIKE '%0002'")" 0
eq "fresh lead (12 months - 1 day) kept" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email = 'fresh@example.com'")" 1
eq "old client kept" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE kind = 'client'")" 1
eq "undated lead kept" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE name = 'Undated'")" 1
err_has "row 4: lead without a readable" "warning names the table row"
no_bytes "erased email gone from the bytes" stale@example.com live.db live.db-wal

lt ledger list --json
eq "one tombstone, reason lead-expiry" \
	"$(grep -c '"type":"erase".*"reason":"lead-expiry"' out)" 1
out_lacks "stale@example.com" "ledger holds no email"

NOW=2026-11-24T10:00:00Z
lt run
expect 0 "two days later"
eq "the fresh lead is now past 12 months and erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email = 'fresh@example.com'")" 0
lt ledger verify
expect 0 "ledger verifies"
done_testing
