#!/bin/sh
# A run expires leads before it executes requests (SPEC 4 "run"), and
# reads and matches the requests beside lead expiry: a subject the
# matching found that lead expiry erased meanwhile counts as gone, as if
# the matching had come after.  Here a request's email names a stale lead
# (given that email after the request was made) and its phone a client:
# the lead goes as an expired lead, and the request, whose identifiers
# then point at one person only, erases the client without waiting for
# approval; `run --dry-run` says so too (the lead it would expire counts
# as gone).  LETHE_STAGE_FIRST makes the matching finish before lead
# expiry starts; without it, the two race, with the same outcome.
. "$TESTS_TOP/tests/lib.sh"

LEAD=aaaaaaaa-0000-4000-8000-00000000000a
CLIENT=cccccccc-0000-4000-8000-00000000000c

for first in 1 ''; do
	rm -rf "$T"/*
	setup
	add_subject live.db $CLIENT client Cleo cleo@example.com \
		'07700 900999' 2026-11-01T00:00:00Z
	lt request erase --email ann@example.com --phone '07700 900999'
	expect 0 "a request naming ann@ and Cleo's phone${first:+ (staged)}"
	R=$(cut -d' ' -f1 out)
	err_lacks "match different subjects" "no conflict when it is made"
	add_subject live.db $LEAD lead Ann ann@example.com '' \
		2024-01-01T00:00:00Z
	LETHE_STAGE_FIRST=$first lt run --dry-run
	expect 0 "the dry run"
	err_has "would erase subject $CLIENT (request $R)" \
		"the dry run says what the run does: the client erased"
	err_lacks "match different subjects" "... without waiting"
	LETHE_STAGE_FIRST=$first lt run
	expect 0 "the run"
	eq "the stale lead is erased as an expired lead" \
		"$(sql "$T/ledger.db" "SELECT group_concat(reason) FROM events
		   WHERE type = 'erase' AND subject = '$LEAD'")" lead-expiry
	eq "the client is erased under the request" \
		"$(sql "$T/ledger.db" "SELECT group_concat(reason || ' ' ||
		   request) FROM events WHERE type = 'erase' AND
		   subject = '$CLIENT'")" "request $R"
	eq "nobody is left in the live store" \
		"$(sql live.db 'SELECT count(*) FROM subjects')" 0
	eq "no wait event: nothing needed approval" \
		"$(sql "$T/ledger.db" "SELECT count(*) FROM events WHERE
		   type = 'wait'")" 0
	err_lacks "match different subjects" "no conflict said"
	lt request list --json
	out_has '"status":"done"' "the request is done"
done
done_testing
