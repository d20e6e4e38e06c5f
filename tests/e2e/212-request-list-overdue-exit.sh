#!/bin/sh
# SPEC 5 exit status "1 done with ... overdue requests", for `request
# list` as for `run` and `report`: a request waiting for approval past its
# due time makes `request list` (plain, --pending, --overdue, --json or
# not) exit 1 while it lists it, so `request list --overdue || alert`
# works; with nothing overdue (a fresh pending request, or the late one
# executed) it exits 0.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
sed -i 's/^require_approval .*/require_approval = yes/' "$CONF"
add_subject live.db $A client Ann ann@example.com '' 2026-11-01T00:00:00Z
lt request erase --email ann@example.com
expect 0 "a request that waits for approval"
ID=$(cut -d' ' -f1 out)

for args in "" "--json" "--pending" "--pending --json"; do
	# shellcheck disable=SC2086
	lt request list $args
	expect 0 "request list $args: pending, not yet overdue"
	out_has "$ID" "request list $args: lists it"
done
lt request list --overdue --json
expect 0 "request list --overdue: none overdue"
check "request list --overdue: prints nothing" test ! -s out

NOW=2026-12-01T00:00:00Z
for args in "" "--json" "--pending" "--pending --json" "--overdue" \
	"--overdue --json"; do
	# shellcheck disable=SC2086
	lt request list $args
	expect 1 "request list $args: one overdue"
	out_has "$ID" "request list $args: lists it"
	check "request list $args: nothing on stderr" test ! -s err
done
lt request list --overdue --json
check "--overdue --json: it is overdue" \
	grep -q "\"id\":\"$ID\".*\"status\":\"overdue\"" out
lt report
expect 1 "report agrees: overdue"

lt request approve "$ID"
expect 0 "approve"
lt run
expect 0 "run executes it, late"
for args in "" "--pending" "--overdue --json"; do
	# shellcheck disable=SC2086
	lt request list $args
	expect 0 "request list $args: done, nothing overdue"
done
lt request list --overdue
check "--overdue lists nothing once done" test ! -s out
done_testing
