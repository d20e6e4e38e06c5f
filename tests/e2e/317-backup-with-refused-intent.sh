#!/bin/sh
# Laws 1 and 5: a backup taken while an erasure the live store refused is
# still unapplied holds that person's data; it says so, and a restore of
# it erases them again (their tombstone is as new as its applied event,
# not as old as its seq), here an identifier-only one (no subject row).
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-00000000000a client Ann \
	ann@example.com '' 2026-11-01T00:00:00Z
add_order live.db zed@example.com 'Zed Secret' '9 Hidden Lane' \
	2026-10-01T00:00:00Z 100
add_order live.db ann@example.com 'Ann' '1 Road' 2026-10-01T00:00:00Z 200
sql live.db "CREATE TRIGGER keep_zed BEFORE UPDATE ON orders
  WHEN old.total_cents = 100
  BEGIN SELECT RAISE(ABORT, 'app says no'); END;"
lt request erase --email zed@example.com
lt run
expect 1 "the application refuses the mask of Zed's order"
lt backup -o "$T/b.tar"
expect 0 "a backup meanwhile"
err_has "refused erasure" "says it holds what a refused erasure left"
sql live.db "DROP TRIGGER keep_zed"
lt run
expect 0 "the erasure is finished once the application allows it"
eq "Zed's order is masked in the live store" \
	"$(sql live.db "SELECT count(*) FROM orders WHERE customer_name IS
	  NULL")" 1
lt restore "$T/b.tar" --to "$T/r"
expect 0 "the backup restores"
eq "without Zed's name, address and email" \
	"$(sql r/live.db "SELECT group_concat(coalesce(customer_name, '-'))
	  FROM orders ORDER BY id")" "-,Ann"
no_bytes "Zed's email is in no restored byte" zed@example.com r/live.db
done_testing
