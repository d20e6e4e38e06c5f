#!/bin/sh
# SPEC 4 request: "when the identifiers match different subjects, the
# request needs approval whatever the policy says" (require_approval =
# no here).  Once `run` has found that out and left the request waiting,
# the operator who reads `request list` (or `--pending`, or `--json` with
# its `approval_needed` field, README "Design") must be able to see that
# the request waits for `request approve`, not only the run's stderr;
# so must the auditor who reads `ledger lookup`.
# After approval the next run erases both subjects, one tombstone each.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client 'Alice' alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client 'Bob' bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z

lt request erase --email alice@example.com --phone '07700 900002'
expect 0 "a request whose email and phone name different people"
ID=$(cut -d' ' -f1 out)
lt run
expect 0 "run: the request is not yet overdue"
err_has "request approve $ID" "run says it waits for approval"
eq "nobody erased yet" "$(sql live.db 'SELECT count(*) FROM subjects')" 2

lt request list --json
expect 0 "request list --json"
check "--json: approval_needed is true for the waiting request" \
	grep -q "\"id\":\"$ID\".*\"approval_needed\":true" out
lt request list --pending
expect 0 "request list --pending"
check "--pending: the text line says it awaits approval" \
	grep -q "$ID.*approval" out
lt ledger lookup --email alice@example.com
expect 1 "ledger lookup: not erased yet"
check "ledger lookup says the pending request awaits approval" \
	grep -q "$ID.*awaiting approval" out

NOW=2026-12-01T00:00:00Z
lt run
expect 1 "past the due time, still waiting: overdue (exit 1)"
lt request list --overdue --json
check "--overdue --json: approval_needed is true" \
	grep -q "\"id\":\"$ID\".*\"approval_needed\":true" out

lt request approve "$ID"
expect 0 "approve"
lt run
expect 0 "run after approval"
eq "both subjects erased" "$(sql live.db 'SELECT count(*) FROM subjects')" 0
lt ledger list --json
eq "one tombstone each" "$(grep -c "\"type\":\"erase\".*\"request\":\"$ID\"" out)" 2
done_testing
