#!/bin/sh
# Law 5 "a backup may have been taken between a tombstone and its
# applied" with law 8's --taken-at: a run is killed once alice's
# tombstone is durable (11:00), before the live change; another tool
# snapshots the application's folder (11:15); the next run (12:00)
# finishes the erasure.  Restoring that snapshot --taken-at 11:30 must
# still erase alice everywhere: her tombstone is older than 11:30, but
# what it erased left the live store only at 12:00, so the snapshot holds
# her by identifier too -- her record in a structured csv file and her
# order (linked by email) as well as her subjects row.  An erasure
# applied before --taken-at stays out of identifier matching, so a
# person registered again since is kept.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
C=aaaaaaaa-0000-4000-8000-000000000003
C2=aaaaaaaa-0000-4000-8000-000000000004
setup '[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone'
add_subject live.db $C client Cleo cleo@example.com '07700 900789' \
	2026-11-01T00:00:00Z
NOW=2026-11-20T10:00:00Z
lt request erase --email cleo@example.com
lt run
expect 0 "cleo erased on the 20th"
add_subject live.db $C2 client 'Cleo Again' cleo@example.com '07700 900789' \
	2026-11-21T00:00:00Z
add_subject live.db $A client Alice alice@example.com '07700 900123' \
	2026-11-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '07700 900456' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO orders(customer_email, customer_name,
  delivery_address, placed_at, total_cents) VALUES
  ('alice@example.com', 'Alice', '1 Rd', '2026-11-01', 1),
  ('bob@example.com', 'Bob', '2 Rd', '2026-11-01', 1),
  ('cleo@example.com', 'Cleo Again', '3 Rd', '2026-11-21', 1)"
mkdir -p exports
printf 'email,phone\nalice@example.com,\nbob@example.com,\ncleo@example.com,\n' \
	>exports/x.csv

NOW=2026-11-22T10:00:00Z
lt request erase --email alice@example.com
NOW=2026-11-22T11:00:00Z
faulted after-tombstones run
check "the run was killed after the tombstone" test "$rc" -eq 137
eq "alice is still in the live store" "$(sql live.db "SELECT count(*) FROM
  subjects WHERE id = '$A'")" 1
mkdir -p snap/app
cp -R live.db exports snap/app/
(cd snap && tar cf ../snapshot.tar app)
NOW=2026-11-22T12:00:00Z
lt run
expect 0 "the next run finishes the erasure"

NOW=2026-11-23T10:00:00Z
lt restore snapshot.tar --to "$T/r" --taken-at 2026-11-22T11:30:00Z
expect 0 "restore the snapshot --taken-at 11:30"
eq "alice's subjects row is gone" "$(sql r/app/live.db "SELECT count(*)
  FROM subjects WHERE id = '$A'")" 0
eq "her order is masked" "$(sql r/app/live.db "SELECT quote(customer_email)
  || quote(customer_name) FROM orders WHERE id = 1")" NULLNULL
eq "her csv record is dropped, the others kept" "$(cat r/app/exports/x.csv)" \
	"$(printf 'email,phone\nbob@example.com,\ncleo@example.com,')"
no_bytes "her email is in no restored file" alice@example.com \
	$(find r -type f)
eq "cleo, registered again after her erasure, is kept" \
	"$(sql r/app/live.db "SELECT id FROM subjects WHERE email =
	  'cleo@example.com'")" "$C2"
eq "and her order" "$(sql r/app/live.db "SELECT customer_name FROM orders
  WHERE id = 3")" "Cleo Again"
done_testing
