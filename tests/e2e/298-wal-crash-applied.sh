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
wal_clients 1201 wal

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
	wal_rerun "$d" "$p" wal7@example.com
	rm -rf "$d" "$T/l1"
done
done_testing
