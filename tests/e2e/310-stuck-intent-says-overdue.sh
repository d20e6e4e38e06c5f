#!/bin/sh
# SPEC 4 (run: one summary line; exit 1 when a step failed or a request
# is overdue, with a line saying which): when the application refuses an
# erasure (a trigger of its own), the summary does not count erasures
# that were rolled back, and a later run that cannot finish the intent
# left behind still names every overdue request.
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

lt request erase --email cy@example.com
expect 0 "Cy asks to be erased (approval needed)"
RID=$(cut -d' ' -f1 out)
lt run
expect 1 "the application refuses Lou's erasure: the run fails"
err_has "erase from table 'communications'.*app says no" \
	"the refusal is shown, naming the table"
err_has "run done: 0 leads expired.*0 subjects erased.*FAILED" \
	"the summary claims no erasure that was rolled back"
eq "both leads are still there (one batch)" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE kind = 'lead'")" 2

NOW=2026-12-10T10:00:00Z
lt run
expect 1 "a later run, Cy's request overdue, the intent still stuck"
err_has "run stopped" "it says it stopped"
err_has "request $RID is overdue" "and names the overdue request"
err_has "1 request OVERDUE" "which the summary counts"

sql live.db "DROP TRIGGER keep_lou"
lt run
expect 1 "once the application allows it, the intents finish (Cy still overdue)"
eq "both leads are gone" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE kind = 'lead'")" 0
eq "one tombstone each" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")" 2
done_testing
