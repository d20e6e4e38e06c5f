#!/bin/sh
# Flows/request and run (SPEC 4): approval.  With require_approval = yes a
# request waits for `request approve`; past its due time `run` exits 1 and
# names it; once approved the next run executes it.  A request whose
# identifiers match different subjects waits for approval whatever the
# policy, and then erases every subject it matches, one tombstone each
# (law 3).  Approving an unknown request fails and records nothing.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }
nevents() { lsql "SELECT count(*) FROM events"; }

A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b
C=cccccccc-0000-4000-8000-00000000000c
setup
sed -i 's/^require_approval *= *no/require_approval     = yes/' "$CONF"
check "config now requires approval" grep -q '^require_approval *= yes' "$CONF"
add_subject live.db $A client 'Alice' alice@example.com '+44 7700 900111' \
	2026-11-01T00:00:00Z
add_subject live.db $B client 'Bob' bob@example.com '+44 7700 900222' \
	2026-11-01T00:00:00Z
add_subject live.db $C client 'Carol' carol@example.com '+44 7700 900333' \
	2026-11-01T00:00:00Z

# --- require_approval = yes
lt request erase --email alice@example.com
expect 0 "request erase"
R1=$(cut -d' ' -f1 out)
eq "the request event says approval is needed" \
	"$(lsql "SELECT json_extract(data, '$.approval') FROM events WHERE
	  type = 'request' AND request = '$R1'")" 1
lt run
expect 0 "run before the due time: nothing overdue"
eq "the unapproved request is not executed" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 1
eq "no tombstone yet" "$(lsql "SELECT count(*) FROM events WHERE type = 'erase'")" 0

NOW=2026-11-30T10:00:00Z
lt run
expect 1 "run past the due time with the request unapproved"
err_has "$R1" "run names the overdue request"
err_has "overdue" "run says it is overdue"
eq "still not executed" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 1
lt request list --overdue --json
expect 1 "request list --overdue, one overdue"
out_has "\"id\":\"$R1\"" "the request is listed as overdue"

N=$(nevents)
lt request approve "$R1"
expect 0 "request approve ID"
eq "one approve event appended" "$(nevents)" $((N + 1))
eq "it names the request" \
	"$(lsql "SELECT type || ' ' || request FROM events ORDER BY seq DESC LIMIT 1")" \
	"approve $R1"
lt request list --json
out_has '"approved":true' "request list shows it approved"
lt run
expect 0 "the next run executes the approved request"
eq "the subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "one tombstone" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND subject = '$A'")" 1
lt run
expect 0 "a further run: nothing overdue"

# --- approving a request that does not exist
N=$(nevents)
HEAD=$(lsql "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
lt request approve 11111111-2222-4333-8444-555555555555
expect 65 "request approve of an unknown id"
err_has "11111111-2222-4333-8444-555555555555" "the error names the id"
eq "nothing recorded" "$(nevents)" "$N"
eq "the head is unchanged" \
	"$(lsql "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")" "$HEAD"
lt request approve
expect 64 "request approve without an id"
lt request approve REQ-1234
expect 64 "request approve of something that is not a request id"
err_has "REQ-1234" "the error names what was given"
eq "nothing recorded" "$(nevents)" "$N"

# --- identifiers matching different subjects wait even without the policy
sed -i 's/^require_approval *= *yes/require_approval     = no/' "$CONF"
NOW=2026-12-01T10:00:00Z
lt request erase --email bob@example.com --phone '+44 7700 900333'
expect 0 "request: Bob's email, Carol's phone"
R2=$(cut -d' ' -f1 out)
eq "the request event itself says approval is needed (a conflict now)" \
	"$(lsql "SELECT json_extract(data, '$.approval') FROM events WHERE
	  type = 'request' AND request = '$R2'")" 1
lt run
expect 0 "run: the conflicting request waits, not yet overdue"
err_has "$R2" "run names the waiting request"
eq "Bob is kept" "$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$B'")" 1
eq "Carol is kept" "$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$C'")" 1
eq "no tombstone for it" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND request = '$R2'")" 0
lt request list --pending --json
out_has "\"id\":\"$R2\"" "it is listed as pending"

NOW=2026-12-09T10:00:00Z
lt run
expect 1 "past its due time, unapproved: exit 1"
err_has "$R2" "the overdue conflicting request is named"

lt request approve "$R2"
expect 0 "approve the conflicting request"
lt run
expect 0 "run after approval"
eq "Bob is erased" "$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$B'")" 0
eq "Carol is erased" "$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$C'")" 0
eq "one tombstone each, both under the request" \
	"$(lsql "SELECT group_concat(subject, ' ') FROM (SELECT subject FROM
	  events WHERE type = 'erase' AND request = '$R2' ORDER BY subject)")" \
	"$B $C"
lt request approve "$R2"
expect 0 "approving a done request again is harmless"
eq "no second approve event" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'approve' AND request = '$R2'")" 1
lt ledger verify
expect 0 "ledger verifies"
done_testing
