#!/bin/sh
# SPEC 1 backup/restore and SPEC 4 scrub ("a new archive in the input's
# format"; `--format` chooses another), README: cpio is one of the
# formats lethe reads and offers to write (`--format cpio`).  A backup
# with --format cpio of a store with [files] trees (folders), a scrub of
# it, and a scrub of a foreign cpio made by cpio(1) all succeed, and the
# outputs restore.  Today every cpio write fails with 74 "Size required"
# on the first folder entry.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z
mkdir -p attachments/$A attachments/$B
echo "alice's contract" >attachments/$A/contract.txt
echo "bob's contract" >attachments/$B/contract.txt
lt ledger head
HEAD0=$(cat out)

lt backup -o "$T/b.cpio" --format cpio
expect 0 "backup --format cpio"
check "the backup is a cpio archive" sh -c "bsdtar tvf '$T/b.cpio' >/dev/null"
if [ "$rc" -ne 0 ]; then
	check "a failed backup leaves no file" test ! -e "$T/b.cpio"
	lt ledger head
	eq "a failed backup records no event" "$(cat out)" "$HEAD0"
fi

lt request erase --email alice@example.com
lt run
expect 0 "alice erased"

if [ -e "$T/b.cpio" ]; then
	lt scrub "$T/b.cpio" -o "$T/s.cpio"
	expect 0 "scrub of lethe's cpio backup keeps cpio"
	lt restore "$T/b.cpio" --to "$T/r1"
	expect 0 "restore of lethe's cpio backup"
	check "bob restored" test -f "$T/r1/attachments/$B/contract.txt"
	check "alice not" test ! -e "$T/r1/attachments/$A"
fi

# a foreign cpio, made by cpio(1) (or bsdtar) in newc format
if command -v cpio >/dev/null 2>&1; then
	find live.db attachments | cpio -o -H newc >"$T/f.cpio" 2>/dev/null
else
	bsdtar -cf "$T/f.cpio" --format newc live.db attachments
fi
in_sum=$(sha256sum "$T/f.cpio")
lt scrub "$T/f.cpio" -o "$T/f-clean.cpio"
expect 0 "scrub of a foreign cpio writes a cpio"
check "the output is readable" sh -c "bsdtar tf '$T/f-clean.cpio' >/dev/null"
lt scrub "$T/f.cpio" -o "$T/f-clean.tar.gz" --format tar.gz
expect 0 "scrub of a foreign cpio with --format tar.gz"
eq "the input is untouched" "$(sha256sum "$T/f.cpio")" "$in_sum"
done_testing
