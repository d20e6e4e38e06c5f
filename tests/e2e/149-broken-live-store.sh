#!/bin/sh
# Law 2 (the ledger stands outside what it protects): when the live store
# is broken (overwritten) or gone, the ledger is still read and verified,
# requests are still recorded, and a backup restores -- restore is the
# remedy then; only the commands that work on the store (run, backup)
# refuse it (78).
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-00000000000a client Ann \
	ann@example.com +447700900902 2026-11-01T00:00:00Z
lt backup -o "$T/b.tar.zst"
expect 0 "a backup"
head -c 8192 /dev/urandom >live.db
lt run
expect 78 "run on a broken live store"
lt backup -o "$T/b2.tar.zst"
expect 78 "backup of a broken live store"
lt ledger verify
expect 0 "the ledger still verifies"
lt report
expect 0 "the report is still made"
lt request erase --email bob@example.com
expect 0 "a request is still recorded"
lt restore b.tar.zst --to "$T/r"
expect 0 "the backup restores"
eq "with ann" "$(sql r/live.db "SELECT count(*) FROM subjects")" 1
rm live.db
lt inspect b.tar.zst
expect 0 "inspect with the store gone"
lt run
expect 78 "run with the store gone"
err_has "live_store" "names the key"
done_testing
