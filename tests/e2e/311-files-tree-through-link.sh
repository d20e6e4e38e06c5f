#!/bin/sh
# SPEC 4 backup ("snapshot the live store + file trees"): a [files] tree
# whose folder is a symbolic link to where the data lives (a data volume)
# is backed up through the link, as run erases through it; a tree whose
# folder is missing is said to be so.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
add_subject live.db $A client Ann ann@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $B client Bo bo@example.com '' 2026-11-01T00:00:00Z
mkdir -p "$T/volume/$A" "$T/volume/$B"
echo ann >"$T/volume/$A/a.txt"
echo bo >"$T/volume/$B/b.txt"
ln -s "$T/volume" attachments

lt backup -o "$T/b.tar"
expect 0 "backup with the attachments folder a link"
err_lacks "skipping symlink" "the tree is not skipped"
eq "both subjects' files are in the archive" \
	"$(tar -tf b.tar | grep -c '^attachments/.*\.txt$')" 2

lt request erase --email ann@example.com
lt run
expect 0 "Ann is erased"
check "run erased her folder through the link" test ! -e "$T/volume/$A"

lt restore "$T/b.tar" --to "$T/r"
expect 0 "the backup restores"
check "Bo's file is restored" test -f "$T/r/attachments/$B/b.txt"
check "Ann's folder is not" test ! -e "$T/r/attachments/$A"
check "the tree is restored as a folder" test -d "$T/r/attachments" -a \
	! -L "$T/r/attachments"

rm attachments
lt backup -o "$T/c.tar"
expect 0 "backup with the tree's folder missing"
err_has "\[files attachments\]: folder .* is not there" "says the folder is missing"
done_testing
