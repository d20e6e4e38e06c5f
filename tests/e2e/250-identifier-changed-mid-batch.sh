#!/bin/sh
# SPEC 4 "run ... keeps each write transaction short": a batch is planned
# (victims read, rows counted, tombstones written) before the write lock
# is taken, so the application may commit in between.  Played here with
# LETHE_FAULT_HOOK at `after-tombstones`: the application changes Alice's
# email and places an order under the new one, and orders a new ticket.
# (The store is in WAL mode, as an application's usually is: a reader
# does not block a writer.)  Once the lock is taken the erasure finds both: her new email's order is
# masked and every ticket of hers deleted, and the applied event counts
# what was done.  Bob, not erased, is untouched.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
setup
sql live.db "PRAGMA journal_mode = WAL" >/dev/null
add_subject live.db $A client Alice alice@example.com '' \
	2026-11-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO tickets VALUES (1, '$A', '2026-10-01', 't', 'b', 'open');
INSERT INTO orders VALUES (1, 'alice@example.com', 'Alice', '1 Main St',
  '2026-10-01', 100);
INSERT INTO orders VALUES (2, 'bob@example.com', 'Bob', '2 Main St',
  '2026-10-01', 100);"
lt request erase --email alice@example.com
expect 0 "request erase"
LETHE_FAULT_HOOK="after-tombstones=sqlite3 $T/live.db \"UPDATE subjects
  SET email = 'alice.new@example.com' WHERE id = '$A';
  INSERT INTO orders VALUES (3, 'alice.new@example.com', 'Alice', '1 Main St',
  '2026-11-22', 100);
  INSERT INTO tickets VALUES (2, '$A', '2026-11-22', 't', 'b', 'open')\"" \
	lt run
unset LETHE_FAULT_HOOK
expect 0 "run, the application writing between plan and erasure"
eq "the application's write happened" \
	"$(sql live.db "SELECT count(*) FROM orders WHERE id = 3")" 1
eq "Alice is gone" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "her tickets, the new one too, are gone" \
	"$(sql live.db "SELECT count(*) FROM tickets")" 0
eq "her order under the new email is masked" \
	"$(sql live.db "SELECT quote(customer_email) || quote(customer_name)
	  FROM orders WHERE id = 3")" "NULLNULL"
eq "her order under the old email is masked" \
	"$(sql live.db "SELECT quote(customer_name) FROM orders WHERE id = 1")" \
	"NULL"
eq "Bob's order is kept" \
	"$(sql live.db "SELECT customer_name FROM orders WHERE id = 2")" "Bob"
no_bytes "her new email is in no byte of the store" alice.new@example.com live.db live.db-wal
lt ledger list --json
eq "the applied event counts both tickets and both orders" \
	"$(jfield applied data | tr -d ' ')" \
	"{'tables':{'subjects':1,'tickets':2,'orders':2},'clean':2}"
lt ledger verify
expect 0 "the ledger verifies"
done_testing
