#!/bin/sh
# Laws 5 and 9: nothing is replayed from, or appended to, a ledger that
# fails verify.  With a tombstone cut out of the chain, restore, scrub,
# inspect, run, backup and request all exit 65 before doing anything: the
# erased person is not brought back by a restore that would miss her
# tombstone, and the broken chain grows no further; ledger lookup, request
# list and report, which answer from it, refuse it too; ledger list and
# show still read it.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar.zst"
sqlite3 ledger.db "DROP TRIGGER events_no_delete;
  DELETE FROM events WHERE type = 'erase';
  CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT
  RAISE(ABORT, 'the ledger is append-only'); END;"
N=$(sql ledger.db "SELECT count(*) FROM events")
lt ledger verify
expect 65 "the cut chain fails verify"

lt restore b.tar.zst --to "$T/r"
expect 65 "restore refuses the tampered ledger"
err_has "FAILED verification" "it says why"
check "nothing restored" test ! -e r
lt restore b.tar.zst --to "$T/r" --dry-run
expect 65 "so does a dry run"
lt inspect b.tar.zst
expect 65 "inspect refuses it"
lt scrub b.tar.zst -o "$T/s.tar.zst"
expect 65 "scrub refuses it"
check "nothing scrubbed" test ! -e s.tar.zst
lt run
expect 65 "run refuses it"
lt backup -o "$T/b2.tar.zst"
expect 65 "backup refuses it"
lt request erase --email ann@example.com
expect 65 "a request is not recorded in it"
eq "nothing was appended" "$(sql ledger.db "SELECT count(*) FROM events")" "$N"
# what answers from it whether she was erased would answer wrongly
lt ledger lookup --email eve@example.com
expect 65 "ledger lookup refuses it"
err_has "FAILED verification" "... saying why"
lt request list
expect 65 "request list refuses it"
lt report
expect 65 "report refuses it"
lt ledger list
expect 0 "the ledger can still be read, for the audit"
lt ledger show 1
expect 0 "... event by event"
done_testing
