#!/bin/sh
# Laws 1 and 9: a trigger on the ledger that is not lethe's (here one
# that quietly drops each erase event, RAISE(IGNORE)) is tampering:
# `ledger verify` exits 65 naming it, and `run` refuses to start, so no
# one is erased without a tombstone (the run erased her and recorded
# nothing but an `applied` event).
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-00000000000a
setup
add_subject live.db $A client Alice alice@example.com '' 2026-11-01T00:00:00Z
lt request erase --email alice@example.com
expect 0 "a request naming Alice"
sql ledger.db "CREATE TRIGGER zz_sink BEFORE INSERT ON events WHEN
  NEW.type IN ('erase', 'hold') BEGIN SELECT RAISE(IGNORE); END;"
lt ledger verify
expect 65 "verify finds the trigger"
err_has "trigger zz_sink is not lethe's" "and names it"
lt run
expect 65 "run refuses the tampered ledger"
eq "Alice is still in the live store" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
eq "no event was written" \
	"$(sql ledger.db "SELECT group_concat(type) FROM events")" request
done_testing
