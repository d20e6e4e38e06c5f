#!/bin/sh
# SPEC 5 `request approve ID`: a request id is a UUID, and a UUID reads the
# same whatever its letters' case (RFC 4122), as a helpdesk system may
# have upper-cased it: `request approve` finds the request, the approve
# event carries the id as `request erase` printed it, and the next run
# executes the request.  An id that is no request is still refused.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
sed -i 's/^require_approval .*/require_approval = yes/' "$CONF"
add_subject live.db $A client Alice alice@example.com '' \
	2026-11-01T00:00:00Z
lt request erase --email alice@example.com
ID=$(cut -d' ' -f1 out)
UP=$(printf '%s' "$ID" | tr a-f A-F)
lt request approve "$UP"
expect 0 "request approve with the id upper-cased"
lt ledger list --json
eq "the approve event names the request as printed" \
	"$(jfield approve request)" "$ID"
lt run
expect 0 "run"
eq "the approved request erased her" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
lt request approve "$(printf '%s' "$UP" | tr 0-9 9876543210)"
check "an id that is no request is refused" test "$rc" -ne 0
done_testing
