#!/bin/sh
# SPEC 4 (run: one summary line; exit 1 when a step failed or a request
# is overdue, with a line saying which): when the application refuses an
# erasure (a trigger of its own), the summary does not count erasures
# that were rolled back; a later run finishes the other intents of that
# batch one by one, leaves the refused one (named) for the next run,
# still executes requests for other people, lets a request naming the
# refused subject wait, and names every overdue request (one whose
# tombstone the application refused is not done); with exactly
# one tombstone per subject once the application allows the erasure.
. "$TESTS_TOP/tests/lib.sh"

setup
sed 's/^require_approval .*/require_approval = yes/' lethe.ini >x.ini &&
	mv x.ini lethe.ini
L1=11111111-0000-4000-8000-000000000001
L2=22222222-0000-4000-8000-000000000002
add_subject live.db $L1 lead Lou lou@example.com '' 2024-01-01T00:00:00Z
add_subject live.db $L2 lead Lia lia@example.com '' 2024-01-01T00:00:00Z
add_subject live.db cccccccc-0000-4000-8000-00000000000c client Cy \
	cy@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body)
  VALUES ('$L1', '2024-01-01', 'mail', 'hello');
CREATE TRIGGER keep_lou BEFORE DELETE ON communications
  WHEN old.subject_id = '$L1' BEGIN SELECT RAISE(ABORT, 'app says no'); END;"

F=ffffffff-0000-4000-8000-00000000000f
add_subject live.db $F client Fay fay@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO tickets(subject_id, opened_at, title, body, status)
  VALUES ('$F', '2026-10-01', 't', 'b', 'open');
CREATE TRIGGER keep_fay BEFORE DELETE ON tickets
  WHEN old.subject_id = '$F' BEGIN SELECT RAISE(ABORT, 'app says no'); END;"
lt request erase --email fay@example.com
FID=$(cut -d' ' -f1 out)
lt request approve "$FID"
expect 0 "Fay's request approved (the application will refuse it)"
lt request erase --email cy@example.com
expect 0 "Cy asks to be erased (approval needed)"
RID=$(cut -d' ' -f1 out)
lt run
expect 1 "the application refuses Lou's erasure: the run fails"
err_has "erase from table 'communications'.*app says no" \
	"the refusal is shown, naming the table"
err_has "run done: 0 leads expired, 0 requests executed, 0 subjects erased.*FAILED" \
	"the summary claims no erasure or request that was rolled back"
eq "both leads are still there (one batch)" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE kind = 'lead'")" 2

D=dddddddd-0000-4000-8000-00000000000d
add_subject live.db $D client Di di@example.com '' 2026-11-01T00:00:00Z
lt request erase --email di@example.com
DID=$(cut -d' ' -f1 out)
lt request approve "$DID"
expect 0 "Di's request approved"
lt request erase --email lou@example.com
LID=$(cut -d' ' -f1 out)
lt request approve "$LID"
expect 0 "a request naming Lou approved"

NOW=2026-12-10T10:00:00Z
lt run
expect 1 "a later run: Lou's erasure still refused, Cy's request overdue"
err_has "intent [0-9]* (erase of subject $L1) could not be finished" \
	"the refused intent is named"
eq "Lia's intent, refused with Lou's batch before, is finished" \
	"$(sql live.db "SELECT group_concat(name) FROM subjects WHERE
	  kind = 'lead'")" Lou
eq "Di's request runs although Lou's erasure is stuck" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$D'")" 0
err_has "request $LID waits: subject $L1" \
	"the request naming Lou waits for that erasure"
err_has "request $RID is overdue" "the overdue request is named"
err_has "request $LID is overdue" "so is the one that waits, past its due time"
err_has "request $FID is overdue: .*not yet applied in the live store" \
	"so is Fay's, executed but refused by the application (not done)"
err_has "3 requests OVERDUE" "which the summary counts"
err_has "holds and purges wait" "and says holds and purges wait"

sql live.db "DROP TRIGGER keep_lou; DROP TRIGGER keep_fay"
NOW=2026-12-11T10:00:00Z
lt run
expect 1 "once the application allows it, the intent finishes (Cy still overdue)"
eq "Fay is gone too" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$F'")" 0
eq "both leads are gone" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE kind = 'lead'")" 0
eq "one tombstone each for Lou, Lia and Di" \
	"$(sql ledger.db "SELECT group_concat(n) FROM (SELECT count(*) AS n
	  FROM events WHERE type = 'erase' AND subject IN ('$L1', '$L2', '$D')
	  GROUP BY subject)")" "1,1,1"
eq "every intent has its applied event" \
	"$(sql ledger.db "SELECT count(*) FROM events e WHERE e.type = 'erase'
	  AND NOT EXISTS (SELECT 1 FROM events a WHERE a.type = 'applied'
	  AND e.seq BETWEEN a.ref AND a.ref_last)")" 0
lt request list --json
check "the request naming Lou is done" \
	grep -q "\"id\":\"$LID\".*\"status\":\"done\"" out
check "Fay's is done once applied, late, at the run that applied it" \
	grep -q "\"id\":\"$FID\".*\"status\":\"done\".*\"done\":\"$NOW\",\"late\":true" out
lt ledger verify
expect 0 "the ledger verifies"
done_testing
