#!/bin/sh
# Law 1 and law 3 across batches: runs work in batches (500 erasures at
# first, 500 held subjects per release chunk, 5000 rows per purge batch);
# a kill at the 2nd occurrence of a fault point (LETHE_FAULT=POINT:2), after
# a first batch completed, still converges on rerun to the state of one
# clean run, with one tombstone per erasure and every intent covered by
# exactly one `applied`.  Store: 700 stale leads, 520 held subjects whose
# hold ends now, 5100 aged web_log rows, one request.
. "$TESTS_TOP/tests/lib.sh"

# faulted SPEC ARGS...: lt with LETHE_FAULT=SPEC; a death is expected
faulted() {
	LETHE_FAULT=$1
	export LETHE_FAULT
	EXPECT_KILL=1
	shift
	lt "$@"
	unset LETHE_FAULT
	EXPECT_KILL=
}

# use DIR: later lt calls act on the copy in DIR
use() { CONF=$1/lethe.ini; }

# live_state DIR: every row of every live table, and the attachment trees
live_state() {
	for t in subjects communications tickets invoices orders web_log; do
		echo "== $t"
		sql "$1/live.db" "SELECT * FROM $t ORDER BY rowid"
	done
	echo "== attachments"
	(cd "$1/attachments" && find . | sort)
}

# erasures DIR: what the ledger says was erased and released
erasures() {
	sql "$1/ledger.db" "SELECT 'erase ' || coalesce(subject, 'request ' ||
	  request) FROM events WHERE type = 'erase' ORDER BY 1;
	  SELECT 'release ' || subject || ' ' || scope FROM events
	  WHERE type = 'release' ORDER BY 1"
}

# same WHAT FILE1 FILE2: ok if equal, else the differences as comments
same() {
	if cmp -s "$2" "$3"; then ok "$1"
	else not_ok "$1"; diff "$2" "$3" | head -n 20 | sed 's/^/# /'; fi
}

# laws_after DIR WHAT: the ledger checks every end state must pass
laws_after() {
	use "$1"
	lt ledger verify
	expect 0 "$2: ledger verifies"
	eq "$2: exactly one tombstone per erased subject" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM (SELECT subject FROM
		  events WHERE type = 'erase' AND subject IS NOT NULL GROUP BY
		  subject HAVING count(*) <> 1)")" 0
	eq "$2: exactly one tombstone per subject-less request" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM (SELECT request FROM
		  events WHERE type = 'erase' AND subject IS NULL GROUP BY
		  request HAVING count(*) <> 1)")" 0
	eq "$2: every intent is covered by exactly one applied event" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM events i WHERE
		  i.type IN ('erase', 'release', 'purge') AND (SELECT count(*)
		  FROM events a WHERE a.type = 'applied' AND i.seq BETWEEN
		  a.ref AND a.ref_last) <> 1")" 0
}

# law1 DIR WHAT: nothing is gone from the crashed store without an intent
# (checked on a copy, so that SQLite's recovery does not touch DIR)
law1() {
	rm -rf "$T/l1"
	cp -a "$1" "$T/l1"
	eq "$2: every subject gone from the live store has a tombstone" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM b.subjects s WHERE s.id NOT IN (SELECT id
		  FROM main.subjects) AND s.id NOT IN (SELECT subject FROM
		  l.events WHERE type = 'erase' AND subject IS NOT NULL)")" 0
	eq "$2: every linked row gone has its subject's tombstone or release" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM (SELECT id, subject_id FROM b.communications
		  WHERE id NOT IN (SELECT id FROM main.communications) UNION ALL
		  SELECT id, subject_id FROM b.tickets WHERE id NOT IN (SELECT id
		  FROM main.tickets) UNION ALL SELECT id, subject_id FROM
		  b.invoices WHERE id NOT IN (SELECT id FROM main.invoices)) g
		  WHERE g.subject_id NOT IN (SELECT subject FROM l.events WHERE
		  type IN ('erase', 'release') AND subject IS NOT NULL)")" 0
	eq "$2: every masked order has a tombstone" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM main.orders o WHERE o.customer_email IS
		  NULL AND (SELECT count(*) FROM l.events WHERE type = 'erase' AND
		  request IS NOT NULL) = 0")" 0
	eq "$2: every web_log row gone is inside a purge intent's range" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM b.web_log w WHERE w.id NOT IN (SELECT id
		  FROM main.web_log) AND NOT EXISTS (SELECT 1 FROM l.events p
		  WHERE p.type = 'purge' AND w.id BETWEEN
		  json_extract(p.data, '$.first') AND json_extract(p.data, '$.last'))")" 0
	missing=0
	for s in $(ls "$T/base/attachments"); do
		[ -e "$T/l1/attachments/$s" ] && continue
		n=$(sql "$T/l1/ledger.db" "SELECT count(*) FROM events WHERE
		  type = 'erase' AND subject = '$s'")
		[ "$n" -ge 1 ] || missing=$((missing + 1))
	done
	eq "$2: every attachment tree gone has its subject's tombstone" "$missing" 0
}

# ------------------------------------------------------------- the store
mkdir "$T/base" "$T/base/attachments"
make_store "$T/base/live.db"
write_config "$T/base/lethe.ini"
use "$T/base"
lt init
expect 0 "init"
B=$T/base/live.db
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
