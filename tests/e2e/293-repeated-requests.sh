#!/bin/sh
# A person who asks twice (a web form sent twice), and one the live store
# does not hold who asks twice, all executed in one run: each request
# gets its tombstone and is done, the client gets exactly one tombstone
# with her subject id, and no row is counted in two tombstones: the
# tombstones' counts of masked orders add up to the orders masked: rows
# linked by an identifier several erasures of a batch name count in the
# first one's tombstone.  A third request naming the guest's email and a
# phone number counts only the rows its phone reaches (none).
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }
C=cccccccc-0000-4000-8000-00000000000c

setup
NOW=2026-11-22T10:00:00Z
add_subject live.db $C client 'Cora' cora@example.com +447700900111 \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO orders(customer_email, customer_name, placed_at,
  total_cents) VALUES ('cora@example.com', 'Cora', '2026-01-01', 1),
  ('Cora@Example.com ', 'Cora', '2026-02-01', 2),
  ('guest@example.com', 'Gus', '2026-03-01', 3),
  ('guest@example.com', 'Gus', '2026-04-01', 4),
  ('other@example.com', 'Olga', '2026-04-01', 5)"
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('$C', '2026-10-01', 'hello')"

lt request erase --email cora@example.com
lt request erase --email CORA@example.com --ref T-2
lt request erase --email guest@example.com
lt request erase --email guest@example.com --ref T-4
lt request erase --email guest@example.com --phone +447700900999 --ref T-5
expect 0 "five requests recorded"
lt run
expect 0 "the run executes them"

eq "the client is erased with her communication" \
	"$(sql live.db "SELECT count(*) FROM subjects")$(sql live.db \
	"SELECT count(*) FROM communications")" "00"
eq "four orders masked, the other kept" \
	"$(sql live.db "SELECT count(*) FROM orders WHERE customer_email IS NULL
	  AND customer_name IS NULL")/$(sql live.db "SELECT customer_name FROM
	  orders WHERE customer_email IS NOT NULL")" "4/Olga"
eq "one tombstone per request" \
	"$(lsql "SELECT count(*) || ' ' || count(DISTINCT request) FROM events
	  WHERE type = 'erase'")" "5 5"
eq "one tombstone with the client's id" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND
	  subject = '$C'")" 1
eq "the tombstones count each masked order once" \
	"$(lsql "SELECT sum(coalesce(json_extract(data, '\$.tables.orders'), 0))
	  FROM events WHERE type = 'erase'")" 4
eq "the repeated requests count no rows" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND
	  json_extract(data, '\$.tables') = '{}'")" 3
eq "all in one batch" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'applied'")" 1
lt request list --pending
expect 0 "no request left pending"
eq "request list --pending is empty" "$(cat "$T/out")" ""
lt ledger lookup --email guest@example.com
expect 0 "the guest is known as erased"
# two subjects who share an email, and its one order: each has her
# tombstone, the order is counted in one of them
sql live.db "INSERT INTO subjects VALUES
  ('d1000000-0000-4000-8000-000000000001', 'client', 'Dee', 'dup@example.com',
   NULL, 'x', '2020-01-01', '2026-11-01T00:00:00Z'),
  ('d2000000-0000-4000-8000-000000000002', 'client', 'Dee', 'dup@example.com',
   NULL, 'x', '2020-01-01', '2026-11-01T00:00:00Z');
INSERT INTO orders(customer_email, customer_name, placed_at, total_cents)
  VALUES ('dup@example.com', 'Dee', '2026-05-01', 6)"
lt request erase --email dup@example.com
RD=$(cut -d' ' -f1 out)
lt run
expect 0 "a request for the shared email"
eq "two tombstones, one per subject" "$(lsql "SELECT count(DISTINCT subject)
  FROM events WHERE type = 'erase' AND request = '$RD'")" 2
eq "the shared order counted once" \
	"$(lsql "SELECT sum(coalesce(json_extract(data, '\$.tables.orders'), 0))
	  FROM events WHERE type = 'erase' AND request = '$RD'")" 1
lt ledger verify
expect 0 "the chain verifies"
done_testing
