#!/bin/sh
# SPEC 4 restore ("reads anything libarchive reads"): an ar archive made by
# ar(1) in deterministic mode, whose members' modes carry no file type
# ("644"), restores as regular files with the ledger replayed: the erased
# person's rows are gone, the others restored; inspect finds her in it,
# and prints its summary on stdout as restore --dry-run does.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
setup
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' \
	2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' \
	2026-01-01T00:00:00Z
cp live.db app.db
echo "notes" >notes.txt
ar rcD "$T/old.ar" app.db notes.txt
check "ar wrote the archive" test -s "$T/old.ar"
lt request erase --email alice@example.com
lt run
expect 0 "alice erased from the live store"

lt inspect "$T/old.ar"
expect 1 "inspect finds alice in the ar archive"
out_has "^archive: foreign (ar" "inspect names the format on stdout"
out_has "$A" "and names her subject id"
lt restore "$T/old.ar" --to "$T/r"
expect 0 "restore of the ar archive"
eq "alice is not restored, bob is" \
	"$(sql "$T/r/app.db" "SELECT group_concat(id) FROM subjects")" "$B"
eq "the other member is restored as a file" "$(cat "$T/r/notes.txt")" notes
no_bytes "alice's email is in no restored byte" alice@example.com "$T/r/app.db" \
	"$T/r/notes.txt"
done_testing
