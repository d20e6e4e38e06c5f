#!/bin/sh
# SPEC 4 restore: DIR may be missing or an empty folder, however it is
# spelled: with a trailing slash, or "." for the current (empty) folder;
# the staging folder never lands inside what is restored.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com +447700900001 2026-11-01T00:00:00Z
lt backup -o "$T/b.tar.zst"
expect 0 "a backup"

mkdir e1
lt restore b.tar.zst --to e1/
expect 0 "an empty folder spelled with a trailing slash"
check "it holds the store" test -f e1/live.db
eq "no staging folder inside it" "$(ls -A e1 | grep -c lethe)" 0

lt restore b.tar.zst --to new1/
expect 0 "a missing folder spelled with a trailing slash"
check "it holds the store" test -f new1/live.db

mkdir e2
(cd e2 && "$LETHE" -c "$CONF" --now "$NOW" restore ../b.tar.zst --to . \
	>"$T/out" 2>"$T/err"); rc=$?
expect 0 "the current, empty folder as '.'"
check "it holds the store" test -f e2/live.db
eq "no staging folder left in it" "$(ls -A e2 | grep -c lethe)" 0

mkdir e3 && echo x >e3/x
lt restore b.tar.zst --to e3/
expect 64 "a folder that is not empty, with a trailing slash"
eq "it is untouched" "$(ls -A e3)" "x"
done_testing
