#!/bin/sh
# Law 3 and README "Ledger events": when a run is killed after a purge's
# intent, the next run (or backup) deletes the aged rows and its applied
# event says what that run changed in `redone` -- the purge's table and
# row count, as for erasures and releases (it said {} although the rows
# went then).  A purge killed after its live commit leaves nothing to
# redo: `redone` is {} and `tables` still tells what the purge did.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"
setup
sql live.db "INSERT INTO web_log(at, ip) VALUES
  ('2020-01-01T00:00:00Z', '10.0.0.1'), ('2020-02-01T00:00:00Z', '10.0.0.2'),
  ('2026-11-21T00:00:00Z', '10.0.0.3')"
cp live.db live0.db
faulted after-purge-intent run
expect 137 "run killed after the purge intent"
eq "the aged rows are still there" \
	"$(sql live.db "SELECT count(*) FROM web_log")" 3
lt run
expect 0 "the next run finishes the purge"
eq "the aged rows are gone" "$(sql live.db "SELECT ip FROM web_log")" \
	10.0.0.3
lt ledger list --json
eq "applied: tables tells the purge" "$(jfield applied data tables web_log)" 2
eq "applied: redone tells what this run deleted" \
	"$(jfield applied data redone web_log)" 2

cp live0.db live.db
rm -f ledger.db ledger.db-wal ledger.db-shm ledger.key
lt init
faulted after-purge-commit run
expect 137 "run killed after the purge's live commit"
lt backup -o "$T/b.tar"
expect 0 "backup finishes the intent"
lt ledger list --json
eq "applied: tables tells the purge" "$(jfield applied data tables web_log)" 2
eq "applied: nothing was left to redo" \
	"$(jfield applied data redone web_log)" "<none>"
done_testing
