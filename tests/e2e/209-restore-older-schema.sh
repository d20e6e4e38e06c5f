#!/bin/sh
# SPEC 4 "restore" and law 5 on a backup made before the application's
# schema grew: a restored database that lacks a column the data map names
# only to mask, to redact or to match identifiers in (added since) is
# still filtered -- there is nothing of the erased person in a column that
# is not there -- instead of refusing the restore (65) and leaving the
# operator unable to restore any older backup; the rows she had are
# erased and masked as usual.  A table that lacks the column linking its
# rows to a subject cannot be filtered: that stays refused (65).
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
setup
add_subject live.db $A client A a@example.com '+447700900111' \
	2026-11-01T00:00:00Z
add_subject live.db $B client B b@example.com '+447700900222' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('$A', '2026-01-01', 'x'), ('$B', '2026-01-01', 'y');
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES
  ('a@example.com', 'A', 'addr A', '2026-01-01', 1),
  ('b@example.com', 'B', 'addr B', '2026-01-01', 2)"
mkdir old nolink
cp live.db old/live.db
# the schema of a year ago: no redact column (body), no second mask column
# (delivery_address), no phone identifier, no lead columns, no tickets
sql old/live.db "DROP TABLE tickets; DROP INDEX subjects_email;
  ALTER TABLE communications DROP COLUMN body;
  ALTER TABLE orders DROP COLUMN delivery_address;
  ALTER TABLE subjects DROP COLUMN phone;
  ALTER TABLE subjects DROP COLUMN kind"
(cd old && tar -cf "$T/old.tar" live.db)
cp live.db nolink/live.db
sql nolink/live.db "DROP INDEX communications_subject;
  ALTER TABLE communications DROP COLUMN subject_id"
(cd nolink && tar -cf "$T/nolink.tar" live.db)
lt request erase --email a@example.com
lt run
expect 0 "A erased"

lt inspect "$T/old.tar"
expect 1 "inspect finds A in the older backup"
lt restore "$T/old.tar" --to "$T/r"
expect 0 "the older backup restores"
eq "A's subjects row is gone, B's kept" \
	"$(sql r/live.db "SELECT group_concat(id) FROM subjects")" "$B"
eq "A's communications are gone, B's kept" \
	"$(sql r/live.db "SELECT group_concat(subject_id) FROM communications")" \
	"$B"
eq "A's order is masked, B's kept" \
	"$(sql r/live.db "SELECT group_concat(quote(customer_email) || '/' ||
	  quote(customer_name), ' ') FROM orders ORDER BY id")" \
	"NULL/NULL 'b@example.com'/'B'"
no_bytes "A's email is not in the restored bytes" a@example.com r/live.db

lt restore "$T/nolink.tar" --to "$T/r2"
expect 65 "a table without its link column is refused"
err_has "subject_id" "the message names the missing column"
check "nothing restored" test ! -e "$T/r2"
done_testing
