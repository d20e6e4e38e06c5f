#!/bin/sh
# Law 1 seen by the compliance officer (SPEC 1 "report"): a run killed
# after its tombstone was made durable but before the live store changed
# leaves an intent without `applied`.  `report` counts the tombstone and
# says, in every format, that one intent is not yet carried out; the next
# run finishes it and the report then shows none.  An erasure the
# application refuses (a trigger) stays unapplied while later ones are
# applied: the report counts that one alone, with `--since` after it
# too (an intent still open counts whenever it was written).
. "$TESTS_TOP/tests/lib.sh"
setup
X=33633633-0000-4000-8000-00000000000a
add_subject live.db $X client 'Una Applied' una.applied@example.com \
	'+44 7700 901336' 2026-10-01T00:00:00Z

lt report --format json
expect 0 "report on a fresh ledger"
check "no intent is unapplied" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["unapplied_intents"] == 0' out

lt request erase --email una.applied@example.com
LETHE_FAULT=after-tombstones EXPECT_KILL=1 lt run
eq "the killed run left its subject in the live store" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$X'")" 1

lt report
expect 0 "report after the killed run"
out_has "1 on request" "the tombstone is counted"
check "text: one intent not yet carried out, said so" \
	sh -c "grep 'unapplied intents' '$T/out' | grep -q '1 (recorded, not yet'"
lt report --format json
check "json: unapplied_intents is 1" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["unapplied_intents"] == 1' out
lt report --format html
out_has "unapplied intents" "html: the row is there"

lt run
expect 0 "the next run finishes the intent"
eq "the subject is gone" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$X'")" 0
eq "still one tombstone" "$(sql ledger.db "SELECT count(*) FROM events
  WHERE type = 'erase' AND subject = '$X'")" 1
lt report
check "text: no unapplied intent left" \
	sh -c "grep 'unapplied intents' '$T/out' | grep -qx 'unapplied intents *0'"
lt report --format json
check "json: unapplied_intents is 0" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["unapplied_intents"] == 0' out
# --- an erasure the application refuses, then one it allows
Z=33633633-0000-4000-8000-00000000000b
Y=33633633-0000-4000-8000-00000000000c
add_subject live.db $Z client 'Zed' zed@example.com '' 2026-10-01T00:00:00Z
add_subject live.db $Y client 'Yan' yan@example.com '' 2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body)
  VALUES ('$Z', '2026-10-01', 'mail', 'keep me');
CREATE TRIGGER nodel BEFORE DELETE ON communications
  WHEN old.subject_id = '$Z'
  BEGIN SELECT RAISE(ABORT, 'the application says no'); END;"
lt request erase --email zed@example.com
lt run
expect 1 "the application refuses Zed's erasure"
NOW=2026-11-25T10:00:00Z
lt request erase --email yan@example.com
lt run
expect 1 "Yan's erasure is applied, Zed's refused again"
eq "Yan is erased, Zed is not" \
	"$(sql live.db "SELECT group_concat(id) FROM subjects")" "$Z"
lt report --format json
check "json: one intent unapplied, Yan's applied one not counted" \
	python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["unapplied_intents"] == 1' out
lt report --since 2026-11-25T00:00:00Z --format json
check "--since after it: Zed's intent still counted" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["unapplied_intents"] == 1' out
done_testing
