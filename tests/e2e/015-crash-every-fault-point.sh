#!/bin/sh
# Law 1 (tombstone before delete) and law 3 (runs are idempotent, also
# after kill -9 at any point): for every fault point in src/, a run killed
# there (LETHE_FAULT=POINT, SIGKILL) leaves no personal data removed
# without a durable intent in the ledger; a rerun ends in the same live
# state and the same erasures as one clean run on an identical copy, the
# ledger verifies, every erasure has exactly one tombstone, and every
# intent (erase, release, purge) is covered by exactly one `applied`.
# The store holds stale leads with attachments, a request, a request for
# an unknown person, invoices whose hold ends now, and aged web_log rows.
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
mkdir "$T/base"
make_store "$T/base/live.db"
write_config "$T/base/lethe.ini"
use "$T/base"
lt init
expect 0 "init"
B=$T/base/live.db
# two clients erased in 2021 with invoices held until 2026-06-01
NOW=2021-01-01T00:00:00Z
add_subject "$B" 11111111-0000-4000-8000-000000000001 client 'Held One' \
	held1@example.com '+44 7700 900801' 2020-12-01T00:00:00Z
add_subject "$B" 11111111-0000-4000-8000-000000000002 client 'Held Two' \
	held2@example.com '+44 7700 900802' 2020-12-01T00:00:00Z
sql "$B" "INSERT INTO invoices(subject_id, number, issued_at, amount_cents,
  billing_name) VALUES
 ('11111111-0000-4000-8000-000000000001', 'H1', '2020-06-01T00:00:00Z', 100, 'H1'),
 ('11111111-0000-4000-8000-000000000002', 'H2', '2020-06-01T00:00:00Z', 200, 'H2')"
lt request erase --email held1@example.com
lt request erase --email held2@example.com
lt run
expect 0 "2021: the held clients are erased, their invoices held"
eq "two invoices held" "$(sql "$B" "SELECT count(*) FROM invoices")" 2

NOW=2026-11-22T10:00:00Z
for i in 1 2 3 4 5; do
	sid=22222222-0000-4000-8000-00000000000$i
	add_subject "$B" $sid lead "Stale $i" stale$i@example.com \
		"+44 7700 90090$i" 2025-06-0${i}T00:00:00Z
	sql "$B" "INSERT INTO communications(subject_id, at, body) VALUES
	  ('$sid', '2025-06-01', 'note $i'), ('$sid', '2025-06-02', 'more $i')"
	mkdir -p "$T/base/attachments/$sid"
	echo "cv of stale$i@example.com" >"$T/base/attachments/$sid/cv.txt"
done
add_subject "$B" 33333333-0000-4000-8000-000000000001 lead 'Fresh' \
	fresh@example.com '+44 7700 900701' 2026-10-01T00:00:00Z
mkdir -p "$T/base/attachments/33333333-0000-4000-8000-000000000001"
echo kept >"$T/base/attachments/33333333-0000-4000-8000-000000000001/a.txt"
K=44444444-0000-4000-8000-000000000001
add_subject "$B" $K client 'Kim Client' kim@example.com '+44 7700 900601' \
	2026-11-01T00:00:00Z
sql "$B" "INSERT INTO communications(subject_id, at, body) VALUES
  ('$K', '2026-11-01', 'hello');
INSERT INTO tickets(subject_id, opened_at, title) VALUES ('$K', '2026-11-02', 't');
INSERT INTO invoices(subject_id, number, issued_at, amount_cents) VALUES
  ('$K', 'K-OLD', '2019-01-01T00:00:00Z', 10),
  ('$K', 'K-NEW', '2026-01-01T00:00:00Z', 20);
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES
  ('KIM@example.com', 'Kim', 'Kim Rd', '2026-05-01', 30),
  ('someone@example.com', 'Someone', 'S Rd', '2026-05-02', 40);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25)
INSERT INTO web_log(at, ip, path) SELECT CASE WHEN i <= 20 THEN
  '2026-09-01T00:00:00Z' ELSE '2026-11-20T00:00:00Z' END, '10.0.0.' || i,
  '/p' || i FROM n"
mkdir -p "$T/base/attachments/$K"
echo kim >"$T/base/attachments/$K/id.txt"
lt request erase --email kim@example.com
expect 0 "a request for the client"
lt request erase --email ghost@example.org
expect 0 "a request for an unknown person"

# ------------------------------------------------------- one clean run
cp -a "$T/base" "$T/clean"
use "$T/clean"
lt run
expect 0 "clean run"
eq "clean run: five leads, one client erased" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM subjects")" 1
eq "clean run: held invoices released, K-NEW held" \
	"$(sql "$T/clean/live.db" "SELECT group_concat(number) FROM invoices")" K-NEW
eq "clean run: 20 web_log rows purged" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM web_log")" 5
laws_after "$T/clean" "clean run"
live_state "$T/clean" >"$T/clean.live"
erasures "$T/clean" >"$T/clean.erasures"

# ------------------------------------------------------- every fault point
points=$(grep -ho 'fault_point("[a-z-]*")' "$TESTS_TOP"/src/*.c |
	sed 's/.*("\(.*\)")/\1/' | sort -u)
eq "fault points found in src/" "$([ -n "$points" ] && echo yes)" yes
for p in $points; do
	d=$T/f-$p
	cp -a "$T/base" "$d"
	use "$d"
	faulted "$p" run
	if [ "$rc" -ne 137 ]; then
		# reached only while finishing an interrupted run's intents
		rm -rf "$d"
		cp -a "$T/base" "$d"
		faulted after-tombstones run
		expect 137 "$p: a first run killed after its tombstones"
		faulted "$p" run
	fi
	if [ "$rc" -eq 0 ]; then
		# a point of another command (backup, restore, ...)
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - # SKIP $p: not reached by run"
		rm -rf "$d"
		continue
	fi
	expect 137 "$p: the run is killed there"
	law1 "$d" "$p"
	lt run
	expect 0 "$p: the rerun completes"
	live_state "$d" >"$d.live"
	erasures "$d" >"$d.erasures"
	same "$p: live store and files equal the clean run's" \
		"$T/clean.live" "$d.live"
	same "$p: erasures and releases equal the clean run's" \
		"$T/clean.erasures" "$d.erasures"
	laws_after "$d" "$p"
	n=$(sql "$d/ledger.db" "SELECT count(*) FROM events")
	lt run
	expect 0 "$p: one more run"
	eq "$p: one more run records nothing" \
		"$(sql "$d/ledger.db" "SELECT count(*) FROM events")" "$n"
	rm -rf "$d" "$T/l1"
done
done_testing
