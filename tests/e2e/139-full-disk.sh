#!/bin/sh
# SPEC 5 exit 74 (I/O error) and law 5 ("on any failure the target is
# untouched"): a backup written to, and a restore into, a file system that
# fills up fail with 74 and a message that says the disk is full (not a
# misleading "No such file or directory"), leave no partial archive, no
# temporary file and no staging folder, and record no event.  The same
# backup and restore then succeed elsewhere.  Needs root (a small tmpfs);
# skipped otherwise.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
# 1 MB of incompressible data in the files tree
mkdir -p attachments/$A
head -c 1000000 /dev/urandom >attachments/$A/scan.bin
mkdir "$T/small"
if ! mount -t tmpfs -o size=256k tmpfs "$T/small" 2>/dev/null; then
	echo "ok 1 # SKIP cannot mount a tmpfs (not root)"
	echo "1..1"; cd / && rm -rf "$T"; exit 0
fi
trap 'umount "$T/small" 2>/dev/null' EXIT
lt ledger head
HEAD=$(cat out)

lt backup -o "$T/small/b.tar.zst"
expect 74 "backup onto a full file system"
err_has "space\|is full" "backup: says the disk is full"
eq "backup: nothing left on the small file system" "$(ls -A "$T/small" | wc -l | tr -d ' ')" 0
lt ledger head
eq "backup: no event recorded" "$(cat out)" "$HEAD"

lt backup -o "$T/b.tar.zst"
expect 0 "the same backup elsewhere"
lt ledger head
HEAD=$(cat out)
mkdir "$T/small/target"
lt restore "$T/b.tar.zst" --to "$T/small/target"
expect 74 "restore into a full file system"
err_has "space\|is full" "restore: says the disk is full"
err_lacks "No such file" "restore: no misleading 'No such file or directory'"
eq "restore: the target is untouched (still empty)" "$(ls -A "$T/small/target" | wc -l | tr -d ' ')" 0
eq "restore: no staging folder left" "$(ls -A "$T/small" | tr '\n' ' ')" "target "
lt ledger head
eq "restore: no event recorded" "$(cat out)" "$HEAD"
umount "$T/small"
trap - EXIT
lt restore "$T/b.tar.zst" --to "$T/big"
expect 0 "the same restore elsewhere"
done_testing
