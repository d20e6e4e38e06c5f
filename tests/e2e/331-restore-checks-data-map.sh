#!/bin/sh
# SPEC 3 ("a table or column the live store lacks ... nothing runs (exit
# 78)") for restore, scrub and inspect too: a typo in the data map (a mask
# column, a table name) would otherwise pass over what it names and bring
# an erased person's data back from a backup.  With the live store there,
# the data map is checked against it before any archive is read; without
# it (a disaster recovery), what a restored database lacks is passed over
# with a warning naming the config line (an older schema, or a typo).
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/hostile.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client 'Ada Gone' ada@example.com '+447700900111' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO orders(customer_email, customer_name,
  delivery_address, placed_at, total_cents) VALUES
  ('ada@example.com', 'Ada Gone', '1 Lost Lane', '2026-01-01', 1);
INSERT INTO tickets(subject_id, opened_at, title) VALUES
  ('$A', '2026-01-01', 'help')"
lt backup -o "$T/old.tar"
expect 0 "a backup holding Ada"
NOW=2026-11-23T10:00:00Z
lt request erase --email ada@example.com
lt run
expect 0 "Ada erased"

cp "$CONF" good.ini
sed 's/^mask .*/mask     = customer_nam, delivery_address/' good.ini \
	>"$CONF"
line=$(grep -n '^mask ' "$CONF" | cut -d: -f1)
mkdir x
snap before
lt restore "$T/old.tar" --to "$T/x/r"
expect 78 "restore with a mask column the live store lacks"
err_has "lethe.ini:$line: \[table orders\] mask" \
	"the error names file, line, section and key"
err_has "customer_nam" "... and the column"
lt scrub "$T/old.tar" -o "$T/x/s.tar"
expect 78 "scrub refuses it too"
lt inspect "$T/old.tar"
expect 78 "inspect refuses it too"
unchanged "nothing written by any of them"

sed 's/^\[table tickets\]/[table ticketz]/' good.ini >"$CONF"
lt restore "$T/old.tar" --to "$T/x/r"
expect 78 "restore with a table the live store lacks"
err_has "\[table ticketz\]" "the error names the section"

# the live store gone: the restored database is what there is to check
cp good.ini "$CONF"
mv live.db live.db.away
sed 's/^mask .*/mask     = customer_nam, delivery_address/' good.ini \
	>"$CONF"
lt restore "$T/old.tar" --to "$T/x/r"
expect 0 "without the live store, the restore runs"
err_has \
	"lethe.ini:$line: \[table orders\] mask: column 'customer_nam' is not" \
	"... warning that the mask column is not in the restored database"
eq "Ada's subjects row is not restored" \
	"$(sql x/r/live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "her order's email and the column named right are masked" \
	"$(sql x/r/live.db "SELECT quote(customer_email) || '/' ||
	  quote(delivery_address) FROM orders")" "NULL/NULL"

done_testing
