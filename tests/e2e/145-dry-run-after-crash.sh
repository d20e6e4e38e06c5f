#!/bin/sh
# run --dry-run tells what the run will do, also after a run was killed
# between its tombstones and its live change (law 3): the subjects those
# tombstones name are finished, not erased a second time, so the dry run
# announces exactly the erasures the real run then makes, and changes no
# byte of the live store or the ledger, nor leaves a file beside them.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"
setup
for i in 1 2 3; do
	add_subject live.db 22222222-0000-4000-8000-00000000000$i lead \
		"Stale $i" stale$i@example.com "+44 7700 90090$i" \
		2025-06-0${i}T00:00:00Z
done
add_subject live.db 44444444-0000-4000-8000-000000000001 client Kim \
	kim@example.com '+44 7700 900601' 2026-11-01T00:00:00Z
faulted after-tombstones run
expect 137 "a run killed after its tombstones"
lt request erase --email kim@example.com
expect 0 "a request after the crash"

sums() { sha256sum live.db ledger.db; }
files() { ls -A "$T" | grep -v '^out$\|^err$'; }
before=$(sums)
lt ledger list
files_before=$(files)
lt run --dry-run
expect 0 "the dry run"
eq "it changed no byte" "$(sums)" "$before"
eq "it left no new file (no -wal, -shm or lock)" "$(files)" "$files_before"
err_has "would finish 3 intents" "it would finish the three tombstoned leads"
eq "it would erase only kim" "$(grep -c 'would erase' err)" 1
err_has "would erase subject 44444444" "the erasure named is kim's"
lt run
expect 0 "the real run"
eq "the real run erased one subject anew" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")" 4
eq "one tombstone per subject" "$(sql ledger.db "SELECT count(*) FROM
  (SELECT subject FROM events WHERE type = 'erase' GROUP BY subject
   HAVING count(*) > 1)")" 0
done_testing
