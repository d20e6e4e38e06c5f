#!/bin/sh
# A request whose email and phone match different subjects waits for
# approval (SPEC 4 "request"), and goes on waiting when the live store
# changes before anyone approves it: `request erase` records the request
# event itself as needing approval (the first run to see a conflict
# `request erase` could not, a `wait` event), so a subject who changed her
# email in between does not make the request run unapproved (and erase
# the other person, with a tombstone naming her old email).  Approved, it
# runs.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }
A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b

setup
NOW=2026-02-01T00:00:00Z
add_subject live.db $A client Ann ann@example.com '07700 900123' \
	2026-01-01T00:00:00Z
add_subject live.db $B client Bea bea@example.com '07700 900999' \
	2026-01-01T00:00:00Z
lt request erase --email ann@example.com --phone '07700 900999'
expect 0 "a request naming Ann's email and Bea's phone"
R=$(cut -d' ' -f1 out)
err_has "match different subjects" "request erase says it will wait"
eq "the request event itself says approval is needed" \
	"$(lsql "SELECT group_concat(type || ' ' ||
	  json_extract(data, '$.approval'), ', ') FROM events ORDER BY seq")" \
	"request 1"
mv ledger.key key.away
lt request list --json
mv key.away ledger.key
eq "request list without the key (an auditor's copy) shows it waits" \
	"$(sql :memory: "SELECT json_extract(readfile('$T/out'),
	  '$.approval_needed')")" 1

NOW=2026-02-02T00:00:00Z
lt run
expect 0 "the run leaves it waiting (not yet overdue)"
err_has "match different subjects" "and says why"
eq "no wait event: the request says it already" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'wait'")" 0
eq "nobody is erased" "$(sql live.db "SELECT count(*) FROM subjects")" 2

sql live.db "UPDATE subjects SET email = 'ann.new@example.com' WHERE id = '$A'"
NOW=2026-02-03T00:00:00Z
lt run
expect 0 "a run after Ann changed her email"
err_has "waits for approval" "the request still waits"
eq "nobody is erased without approval" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 2
eq "still no wait event" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'wait'")" 0
lt request list --json
eq "request list: pending, approval needed" \
	"$(sql :memory: "SELECT json_extract(readfile('$T/out'), '$.status') ||
	  ' ' || json_extract(readfile('$T/out'), '$.approval_needed')")" \
	"pending 1"
lt ledger lookup --email ann@example.com
expect 1 "Ann is not erased"
out_has "request  *request $R" "lookup prints the pending request"
out_has "approval needed\|awaiting approval\|waits" \
	"and that it waits for approval"

NOW=2026-02-10T00:00:00Z
lt run
expect 1 "past its due time and unapproved: overdue"
lt request approve "$R"
expect 0 "approved"
lt run
expect 0 "the approved request runs"
eq "Bea (the phone) is erased, Ann is not" \
	"$(sql live.db "SELECT group_concat(id) FROM subjects")" "$A"
lt ledger verify
expect 0 "the chain verifies"

# --- a conflict only the run can see: the phone's owner arrives later
C=cccccccc-0000-4000-8000-00000000000c
D=dddddddd-0000-4000-8000-00000000000d
add_subject live.db $C client Cat cat@example.com '07700 900444' \
	2026-01-01T00:00:00Z
lt request erase --email cat@example.com --phone '07700 900555'
expect 0 "a request naming Cat's email and a phone nobody has yet"
R2=$(cut -d' ' -f1 out)
eq "recorded as needing no approval" \
	"$(lsql "SELECT json_extract(data, '$.approval') FROM events
	  WHERE type = 'request' AND request = '$R2'")" 0
add_subject live.db $D client Dan dan@example.com '07700 900555' \
	2026-01-01T00:00:00Z
lt run
expect 0 "the run after Dan registered with that phone"
err_has "request $R2: its identifiers match different subjects" \
	"it says the request now waits"
eq "a wait event records it" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'wait' AND
	  request = '$R2' AND subject IS NULL AND ids IS NULL")" 1
eq "neither is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id IN ('$C', '$D')")" 2
lt run
eq "one wait event, not one per run" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'wait'")" 1
done_testing
