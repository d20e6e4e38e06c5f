#!/bin/sh
# Law 1 and law 3 across batches: runs work in batches (500 erasures at
# first, 500 held subjects per release chunk, 5000 rows in the first purge
# batch);
# a kill at the 2nd occurrence of a fault point (LETHE_FAULT=POINT:2), after
# a first batch completed, still converges on rerun to the state of one
# clean run, with one tombstone per erasure and every intent covered by
# exactly one `applied`.  Store: 700 stale leads, 520 held subjects whose
# hold ends now, 5100 aged web_log rows, one request.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

# ------------------------------------------------------------- the store
base_store
mkdir "$T/base/attachments"
# 2021: 520 stale leads with invoices, erased, invoices held to 2026-06-01
NOW=2021-01-01T00:00:00Z
sql "$B" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 520)
INSERT INTO subjects SELECT printf('55555555-0000-4000-8000-%012d', i),
  'lead', 'Held ' || i, 'held' || i || '@example.com',
  printf('+44 7700 %06d', i), 'x', '2018-01-01T00:00:00Z',
  '2019-06-01T00:00:00Z' FROM n;
INSERT INTO invoices(subject_id, number, issued_at, amount_cents)
  SELECT id, 'H-' || rowid, '2020-06-01T00:00:00Z', 100 FROM subjects"
lt run
expect 0 "2021: 520 leads expire, their invoices held"
eq "520 invoices held" "$(sql "$B" "SELECT count(*) FROM invoices")" 520
eq "520 hold events" \
	"$(sql "$T/base/ledger.db" "SELECT count(*) FROM events WHERE type = 'hold'")" 520

NOW=2026-11-22T10:00:00Z
sql "$B" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 700)
INSERT INTO subjects SELECT printf('66666666-0000-4000-8000-%012d', i),
  'lead', 'Stale ' || i, 'stale' || i || '@example.com',
  printf('+44 7800 %06d', i), 'x', '2024-01-01T00:00:00Z',
  '2025-06-01T00:00:00Z' FROM n;
INSERT INTO communications(subject_id, at, body) SELECT id, '2025-06-01',
  'note' FROM subjects WHERE kind = 'lead';
INSERT INTO subjects VALUES ('77777777-0000-4000-8000-000000000001', 'client',
  'Kim', 'kim@example.com', '+44 7700 999999', 'x', '2020-01-01',
  '2026-11-01T00:00:00Z');
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES ('kim@example.com', 'Kim', 'Rd',
  '2026-01-01', 5);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 5150)
INSERT INTO web_log(at, ip, path) SELECT CASE WHEN i <= 5100 THEN
  '2026-08-01T00:00:00Z' ELSE '2026-11-21T00:00:00Z' END, '10.1.0.1',
  '/x' FROM n"
for i in 1 600 700; do
	mkdir -p "$T/base/attachments/66666666-0000-4000-8000-$(printf %012d $i)"
	echo cv >"$T/base/attachments/66666666-0000-4000-8000-$(printf %012d $i)/cv"
done
lt request erase --email kim@example.com
expect 0 "a request for the client"

# ------------------------------------------------------- one clean run
cp -a "$T/base" "$T/clean"
use "$T/clean"
lt run
expect 0 "clean run"
eq "clean run: only the client's subject row is gone, no lead is left" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM subjects")" 0
eq "clean run: all held invoices released" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM invoices")" 0
eq "clean run: 5100 web_log rows purged" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM web_log")" 50
eq "clean run: several erase batches (applied events for lead batches)" \
	"$(sql "$T/clean/ledger.db" "SELECT count(*) > 1 FROM events a WHERE
	  a.type = 'applied' AND a.at = '$NOW' AND EXISTS (SELECT 1 FROM events e
	  WHERE e.type = 'erase' AND e.reason = 'lead-expiry' AND e.seq
	  BETWEEN a.ref AND a.ref_last)")" 1
laws_after "$T/clean" "clean run"
live_state "$T/clean" >"$T/clean.live"
erasures "$T/clean" >"$T/clean.erasures"

# ------------------------------------------------- second occurrences
for p in before-tombstones-commit after-tombstones before-live-commit \
	after-live-commit after-files after-applied after-release-intent \
	after-release-commit after-purge-intent after-purge-commit; do
	d=$T/f-$p
	cp -a "$T/base" "$d"
	use "$d"
	faulted "$p:2" run
	expect 137 "$p:2: the run is killed at the second occurrence"
	eq "$p:2: a first batch was applied before the kill" \
		"$(sql "$d/ledger.db" "SELECT count(*) > 0 FROM events WHERE
		  type = 'applied' AND at = '$NOW'")" 1
	law1 "$d" "$p:2"
	lt run
	expect 0 "$p:2: the rerun completes"
	live_state "$d" >"$d.live"
	erasures "$d" >"$d.erasures"
	same "$p:2: live store and files equal the clean run's" \
		"$T/clean.live" "$d.live"
	same "$p:2: erasures and releases equal the clean run's" \
		"$T/clean.erasures" "$d.erasures"
	laws_after "$d" "$p:2"
	rm -rf "$d" "$T/l1"
done
done_testing
