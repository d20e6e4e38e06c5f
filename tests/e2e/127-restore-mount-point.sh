#!/bin/sh
# SPEC 4 restore: "then the staging folder replaces DIR with one rename
# (or, where DIR cannot be replaced, e.g. a mount point, its entries are
# moved in)".  An operator restores into an empty, freshly mounted volume
# (here a tmpfs): the restore must succeed, with the filtered data inside
# the mount point and no staging folder left on either file system.  The
# staging folder "beside DIR" is on the parent's file system, so the
# entries cannot simply be renamed in (EXDEV); today the restore fails
# with 74 "Invalid cross-device link".  Needs root (mount); skipped
# otherwise.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z
mkdir -p attachments/$A attachments/$B
echo "alice's contract" >attachments/$A/contract.txt
echo "bob's contract" >attachments/$B/contract.txt
lt backup -o "$T/old.tar.zst"
expect 0 "backup"
lt request erase --email alice@example.com
lt run
expect 0 "alice erased after the backup"

mkdir "$T/mnt"
if ! mount -t tmpfs -o size=16m tmpfs "$T/mnt" 2>/dev/null; then
	echo "ok 3 # SKIP cannot mount a tmpfs (not root)"
	echo "1..3"; cd / && rm -rf "$T"; exit 0
fi
trap 'umount "$T/mnt" 2>/dev/null' EXIT

lt restore "$T/old.tar.zst" --to "$T/mnt"
expect 0 "restore into an empty mount point"
check "the live store is inside the mount point" test -f "$T/mnt/live.db"
eq "bob is restored" "$(sql "$T/mnt/live.db" "SELECT count(*) FROM subjects WHERE id = '$B'" 2>/dev/null)" 1
eq "alice is not" "$(sql "$T/mnt/live.db" "SELECT count(*) FROM subjects WHERE id = '$A'" 2>/dev/null)" 0
check "bob's attachments are there" test -f "$T/mnt/attachments/$B/contract.txt"
check "alice's are not" test ! -e "$T/mnt/attachments/$A"
check "still a mount point (not replaced)" mountpoint -q "$T/mnt"
eq "no staging folder left beside the mount point" \
	"$(ls -A "$T" | grep -c '^\.lethe')" 0
eq "no staging folder left inside it" \
	"$(ls -A "$T/mnt" | grep -c '^\.lethe')" 0
lt ledger list --json
check "a restore event names the mount point as target" \
	grep -q "\"type\":\"restore\".*\"target\":\"$T/mnt\"" out
umount "$T/mnt"
trap - EXIT
done_testing
