#!/bin/sh
# A request names Sam's email; Sam shares a landline with Tess, who stays.
# Sam's own phone is not erased with him (SPEC 4: the subjects the
# request's identifiers match are erased, not everyone sharing another of
# their identifiers): Tess's message naming the landline is not redacted,
# and restoring a backup taken before the run brings Tess back whole,
# while Sam stays erased (law 5).  The tombstone names the phone apart.
. "$TESTS_TOP/tests/lib.sh"
S=55555555-0000-4000-8000-000000000005
TS=66666666-0000-4000-8000-000000000006
setup
add_subject live.db $S client 'Sam' sam@example.com '+44 20 7946 0000' \
	2026-11-01T00:00:00Z
add_subject live.db $TS client 'Tess' tess@example.com '020 7946 0000' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
  ('$TS', '2026-11-01', 'phone', 'call back on 020 7946 0000')"
lt backup -o "$T/before.tar"
expect 0 "a backup before the run"
lt request erase --email sam@example.com
expect 0 "a request naming Sam's email only"
lt run
expect 0 "run"
eq "Sam is erased, Tess stays" \
	"$(sql live.db "SELECT group_concat(id) FROM subjects")" "$TS"
eq "Tess's message keeps the landline" \
	"$(sql live.db "SELECT body FROM communications WHERE subject_id = '$TS'")" \
	"call back on 020 7946 0000"
eq "the tombstone carries Sam's email, the phone apart" \
	"$(sql ledger.db "SELECT (ids LIKE 'email:%' AND ids NOT LIKE '%phone:%')
	  || ' ' || (json_extract(data, '$.shared') LIKE 'phone:%')
	  FROM events WHERE type = 'erase'")" "1 1"
lt restore "$T/before.tar" --to "$T/r"
expect 0 "restore of the backup taken before the run"
eq "the restored store has Tess and not Sam" \
	"$(sql "$T/r/live.db" "SELECT group_concat(id) FROM subjects")" "$TS"
eq "with her message whole" \
	"$(sql "$T/r/live.db" "SELECT body FROM communications")" \
	"call back on 020 7946 0000"
done_testing
