#!/bin/sh
# SPEC 5 `ledger lookup --email E | --phone P` and the exit statuses: a
# malformed email, or a phone number no calling code makes valid, is a
# usage error (64) whatever the state of the config, for `ledger lookup`
# and `request erase` alike (a bad command line comes first); both
# --email and --phone, or neither, are 64 too.  Exit 0 with the events
# for an erased person, by email or phone in any spelling; 1 with the
# pending request printed while the request waits; 1 for a stranger.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client Ann ann@example.com '+44 7700 900001' \
	2026-11-01T00:00:00Z
for e in not-an-email 'a@b@example.com' '"ann@example.com"'; do
	"$LETHE" -c "$T/nope.ini" --now "$NOW" ledger lookup --email "$e" \
		>out 2>err
	rc=$?
	expect 64 "lookup --email '$e' with a missing config"
	err_has "not a valid email" "lookup --email '$e': says why"
done
for p in abc 123 '+44 7700 9001x'; do
	for cmd in "ledger lookup" "request erase"; do
		# shellcheck disable=SC2086
		"$LETHE" -c "$T/nope.ini" --now "$NOW" $cmd --phone "$p" \
			>out 2>err
		rc=$?
		expect 64 "$cmd --phone '$p' with a missing config"
		err_has "not a valid phone" "$cmd --phone '$p': says why"
	done
done
"$LETHE" -c "$T/nope.ini" --now "$NOW" ledger lookup --phone '07700 900001' \
	>out 2>err
rc=$?
expect 78 "a national number waits for the config's calling code"
lt ledger lookup --email ann@example.com --phone +447700900001
expect 64 "lookup with both --email and --phone"

lt request erase --email ann@example.com
ID=$(cut -d' ' -f1 out)
lt ledger lookup --email ann@example.com
expect 1 "lookup while the request is pending"
out_has "request $ID pending" "the pending request is printed"
lt run
expect 0 "run erases Ann"
lt ledger lookup --email ' Ann@Example.COM'
expect 0 "lookup of the erased person, another spelling"
out_has "erase .*subject $A" "the tombstone is printed"
lt ledger lookup --phone '07700 900001'
expect 0 "lookup by her national phone number"
lt ledger lookup --email bob@example.com
expect 1 "lookup of a stranger"
out_has "no erasure recorded" "says nothing is recorded"
done_testing
