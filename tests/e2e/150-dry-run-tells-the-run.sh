#!/bin/sh
# `run --dry-run` (SPEC 4 "run", 5) tells what the run will do: a pending
# request for a lead that the same run expires finds no live subject once
# the lead is gone (SPEC 4: "a request that matches no live subject still
# completes with a tombstone whose subject is null"), so the dry run must
# not announce that subject erased a second time, and both summaries
# count one subject.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-00000000000a
add_subject live.db $A lead 'Stale Alice' alice@example.com \
	'+44 7700 900123' 2024-11-01T00:00:00Z
lt request erase --email alice@example.com
expect 0 "a request for a lead past lead_expiry"
RID=$(cut -d' ' -f1 out)

lt run --dry-run
expect 0 "dry run"
eq "the subject is announced once" \
	"$(grep -c "would erase subject $A" err)" 1
err_has "would erase identifiers of request $RID (no live subject)" \
	"the request is announced as matching no live subject"
err_has "dry run: 1 lead expired, 1 request executed, 1 subject erased" \
	"the dry-run summary counts one subject"

lt run
expect 0 "run"
eq "the run erases the subject once" "$(grep -c "erased subject $A" err)" 1
err_has "erased identifiers of request $RID (no live subject" \
	"the request completes without a live subject"
err_has "run done: 1 lead expired, 1 request executed, 1 subject erased" \
	"the run's summary matches the dry run's"
done_testing
