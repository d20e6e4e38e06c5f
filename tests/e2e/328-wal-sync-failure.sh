#!/bin/sh
# Law 1 when the live WAL's sync fails: a batch commits without a sync,
# and its `applied` event waits for the sync started at its commit
# (walsync.h).  With the first sync failing (LETHE_FAIL=wal-sync, once),
# the run says so and exits 1, and writes no `applied` event at all, not
# even after a later sync succeeds: a sync after a failed one is not
# trusted (the kernel may drop the pages it could not write and report
# it once).  Nothing is gone without its tombstone; the rerun finishes
# the first batch's erasures and the rest, with exactly one tombstone
# each and every intent applied once.  1201 clients ask for erasure: at
# least three batches (the first holds 500).
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

base_store
wal_clients 1201 sync

d=$T/failed
cp -a "$T/base" "$d"
use "$d"
LETHE_FAIL=wal-sync
export LETHE_FAIL
lt run
unset LETHE_FAIL
expect 1 "a run whose WAL sync fails exits 1"
err_has "cannot sync the live store's WAL" "the failed sync is named"
err_has "no .applied. event is written in this run" \
	"and what it means for the ledger"
eq "the first batch committed: 500 subjects erased" \
	"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 701
eq "its 500 tombstones are in the ledger" \
	"$(sql "$d/ledger.db" "SELECT count(*) FROM events WHERE type =
	  'erase'")" 500
eq "no applied event: none after the failed sync is trusted" \
	"$(sql "$d/ledger.db" "SELECT count(*) FROM events WHERE type =
	  'applied'")" 0
law1 "$d" "failed sync"
use "$d"
lt ledger verify
expect 0 "the ledger verifies after the failed sync"

wal_rerun "$d" "rerun" sync7@example.com
done_testing
