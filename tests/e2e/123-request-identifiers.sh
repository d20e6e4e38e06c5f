#!/bin/sh
# SPEC 5 `request erase --email E [--phone P]` and SPEC 4 request: a
# request with only --phone erases the subject holding that phone; one
# with both identifiers of the same person erases that person once (one
# tombstone, no approval needed); an invalid email or phone is a usage
# error (64) that records nothing.  The printed line is "ID due TIME" and
# the request's event holds only identifier hashes (law 4).
. "$TESTS_TOP/tests/lib.sh"
setup
P=aaaaaaaa-0000-4000-8000-00000000000
add_subject live.db ${P}1 client 'Phone Only' phone1@example.com '+44 7700 900111' 2026-01-01T00:00:00Z
add_subject live.db ${P}2 client 'Both Ids' both2@example.com '07700 900222' 2026-01-01T00:00:00Z
add_subject live.db ${P}3 client 'Bystander' by3@example.com '+44 7700 900333' 2026-01-01T00:00:00Z
lt ledger head
HEAD0=$(cat out)

lt request erase --email 'not an email'
expect 64 "an invalid email"
lt request erase --email 'two@@example.com'
expect 64 "an email with two @"
lt request erase --phone 'call me'
expect 64 "an invalid phone"
lt request erase --email ok@example.com --phone 'x'
expect 64 "a valid email with an invalid phone"
lt ledger head
eq "invalid identifiers recorded nothing" "$(cat out)" "$HEAD0"

lt request erase --phone '07700 900111'
expect 0 "request erase with only --phone"
check "prints 'ID due TIME'" grep -Eq '^[0-9a-f-]{36} due 2026-11-29T10:00:00Z$' out
R1=$(cut -d' ' -f1 out)
lt request erase --email ' Both2@Example.com ' --phone '+447700900222'
expect 0 "request erase with --email and --phone of the same person"
R2=$(cut -d' ' -f1 out)
lt ledger list --json
out_lacks "900111" "the ledger holds no phone digits"
out_lacks "both2@" "the ledger holds no email"

lt run
expect 0 "run"
eq "the phone-only request erased its subject" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '${P}1'")" 0
eq "the two-identifier request erased its subject" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '${P}2'")" 0
eq "the bystander is kept" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '${P}3'")" 1
err_lacks "waits for" "no approval needed when both identifiers name one person"
lt ledger list --json
eq "one tombstone for the phone-only request" \
	"$(grep -c "\"type\":\"erase\".*\"request\":\"$R1\"" out)" 1
eq "one tombstone for the two-identifier request" \
	"$(grep -c "\"type\":\"erase\".*\"request\":\"$R2\"" out)" 1
check "its tombstone carries the email and the phone hashes" \
	grep -q "\"type\":\"erase\".*\"request\":\"$R2\".*\"ids\":\[\"email:[0-9a-f]\{64\}\",\"phone:[0-9a-f]\{64\}\"\]" out
lt ledger lookup --phone '+44 7700 900111'
expect 0 "ledger lookup by phone finds the phone-only erasure"
lt request list --json
check "both requests are done" sh -c "grep -c '\"status\":\"done\"' '$T/out' | grep -qx 2"
done_testing
