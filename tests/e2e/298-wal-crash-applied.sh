#!/bin/sh
# Law 1 and law 3 on a live store in WAL mode, where the batches commit
# without a sync and each batch's `applied` waits for the WAL's fdatasync
# (on the next batch's tombstone thread, or after the last batch): a run
# killed at each point around the first and last batch's commit and
# `applied` leaves nothing erased without its tombstone, and no `applied`
# for a batch whose commit it did not see; the rerun completes with one
# tombstone per subject, one `applied` per intent, the WAL truncated and
# the erased emails gone from the bytes.  1201 clients ask for erasure:
# at least two batches (the first holds 500).
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

base_store
sql "$B" "PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1201)
INSERT INTO subjects SELECT printf('bbbbbbbb-0000-4000-8000-%012d', i),
  'client', 'N' || i, 'wal' || i || '@example.com', NULL, 'x',
  '2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;
INSERT INTO communications(subject_id, at, body)
  SELECT id, '2026-10-01', 'to ' || email FROM subjects;" >/dev/null
eq "the live store is in WAL mode" \
	"$(sql "$T/base/live.db" "PRAGMA journal_mode")" wal
sql "$T/base/live.db" "SELECT email FROM subjects" >"$T/base/req.txt"
lt request erase --from "$T/base/req.txt"
expect 0 "1201 requests"

# applied_ok DIR WHAT: each applied names a batch whose rows are gone
applied_ok() {
	eq "$2: no applied event names a subject still in the live store" \
		"$(sql "$1/live.db" "ATTACH '$1/ledger.db' AS l;
		  SELECT count(*) FROM l.events a JOIN l.events e ON e.seq
		  BETWEEN a.ref AND a.ref_last WHERE a.type = 'applied' AND
		  e.type = 'erase' AND e.subject IN (SELECT id FROM subjects)")" 0
}

cp -a "$T/base" "$T/clean"
use "$T/clean"
lt run
expect 0 "clean run"
eq "clean run: every subject erased" \
	"$(sql "$T/clean/live.db" "SELECT count(*) FROM subjects")" 0
eq "clean run: several batches, each with its applied event" \
	"$(sql "$T/clean/ledger.db" "SELECT count(*) > 1 FROM events WHERE
	  type = 'applied'")" 1
laws_after "$T/clean" "clean run"
check "clean run: the WAL is empty or gone" test ! -s "$T/clean/live.db-wal"
eq "clean run: the database is sound" \
	"$(sql "$T/clean/live.db" "PRAGMA integrity_check")" ok

for p in after-live-commit:1 after-applied:1 before-tombstones-commit:2 \
	after-live-commit:2 after-applied:2; do
	d=$T/f-${p%:*}-${p#*:}
	cp -a "$T/base" "$d"
	use "$d"
	faulted "$p" run
	expect 137 "$p: the run is killed"
	law1 "$d" "$p"
	applied_ok "$d" "$p"
	lt run
	expect 0 "$p: the rerun completes"
	eq "$p: every subject erased" \
		"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 0
	eq "$p: no communication left" \
		"$(sql "$d/live.db" "SELECT count(*) FROM communications")" 0
	laws_after "$d" "$p"
	check "$p: the WAL is empty or gone" test ! -s "$d/live.db-wal"
	no_bytes "$p: an erased email is gone from the bytes" \
		"wal7@example.com" "$d/live.db" "$d/live.db-wal"
	rm -rf "$d" "$T/l1"
done
done_testing
