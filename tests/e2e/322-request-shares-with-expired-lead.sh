#!/bin/sh
# An identifier a requested subject shares with someone who stays is not
# erased with him (SPEC 4; test 306); shared with a lead that the same
# run expires, it is: by the time the request runs, nobody else holds it
# (the run expires leads first).  The run reads who holds the requested
# subjects' identifiers beside lead expiry; a holder gone meanwhile does
# not count.  A subject matched by a request that waits for approval
# stays, and so do the identifiers a requested subject shares with her;
# so does a subjects row without an id (nothing erases it by id).
# LETHE_STAGE_FIRST makes that reading finish before lead expiry starts.
. "$TESTS_TOP/tests/lib.sh"

SAM=55555555-0000-4000-8000-000000000005
LEAD=aaaaaaaa-0000-4000-8000-00000000000a
ANN=aaaaaaaa-0000-4000-8000-0000000000a1
BEA=bbbbbbbb-0000-4000-8000-0000000000b1
VAL=cccccccc-0000-4000-8000-0000000000c1
ZED=dddddddd-0000-4000-8000-0000000000d1
lsql() { sql "$T/ledger.db" "$1"; }

for first in 1 ''; do
	rm -rf "$T"/*
	setup
	# Sam shares a landline with a stale lead, Val a mobile with Ann
	add_subject live.db $SAM client Sam sam@example.com \
		'+44 20 7946 0000' 2026-11-01T00:00:00Z
	add_subject live.db $LEAD lead 'Old Lead' old@example.com \
		'020 7946 0000' 2024-01-01T00:00:00Z
	add_subject live.db $VAL client Val val@example.com \
		'07700 900555' 2026-11-01T00:00:00Z
	add_subject live.db $ANN client Ann ann@example.com \
		'07700 900555' 2026-11-01T00:00:00Z
	add_subject live.db $BEA client Bea bea@example.com \
		'07700 900777' 2026-11-01T00:00:00Z
	add_subject live.db $ZED client Zed zed@example.com \
		'07700 900888' 2026-11-01T00:00:00Z
	sql live.db "INSERT INTO subjects VALUES (NULL, 'client', 'No Id',
	  NULL, '07700 900888', '', '2020-01-01', '2026-11-01')"
	lt request erase --email zed@example.com
	expect 0 "a request naming Zed"
	lt request erase --email sam@example.com
	expect 0 "a request naming Sam"
	lt request erase --email val@example.com
	expect 0 "a request naming Val"
	# Ann's email and Bea's phone: it waits for approval
	lt request erase --email ann@example.com --phone '07700 900777'
	expect 0 "a request naming Ann's email and Bea's phone"
	LETHE_STAGE_FIRST=$first lt run
	expect 0 "run${first:+ (staged first)}"
	eq "the lead expired, Sam, Val and Zed erased, Ann, Bea stay" \
		"$(sql live.db "SELECT group_concat(coalesce(id, '-')) FROM
		   (SELECT id FROM subjects ORDER BY id)")" "-,$ANN,$BEA"
	eq "Sam's tombstone carries his phone: only the lead held it" \
		"$(lsql "SELECT (ids LIKE '%phone:%') || ' ' ||
		   coalesce(json_extract(data, '$.shared'), '-') FROM events
		   WHERE type = 'erase' AND subject = '$SAM'")" "1 -"
	eq "Val's keeps hers apart: Ann (her request waits) holds it too" \
		"$(lsql "SELECT (ids LIKE '%phone:%') || ' ' ||
		   (json_extract(data, '$.shared') LIKE 'phone:%') FROM events
		   WHERE type = 'erase' AND subject = '$VAL'")" "0 1"
	eq "Zed's keeps his apart: a row without an id holds it too" \
		"$(lsql "SELECT (ids LIKE '%phone:%') || ' ' ||
		   (json_extract(data, '$.shared') LIKE 'phone:%') FROM events
		   WHERE type = 'erase' AND subject = '$ZED'")" "0 1"
done
done_testing
