#!/bin/sh
# Laws 1 and 3 with room made in the WAL (walroom.h): from its second
# batch on, `run` writes zeros past the end of a WAL-mode live store's WAL
# while the batch is read, counted and deleted, for its commit to
# overwrite.  A run killed just before the second batch's commit leaves a
# WAL holding the first batch's frames, then only zeros: the room is
# there, and only past the frames.  Readers see the first batch and
# nothing of the second; the rerun, meeting that WAL, completes with one
# tombstone per subject, a sound database, the WAL truncated and no erased
# email in the bytes.  1201 clients ask for erasure: at least three
# batches (the first holds 500).  With a page cache far smaller than a
# batch's changes, pages spilled into the WAL while room is made there
# stay sound.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

# wal_shape WAL: "FRAMES TAIL", the valid frames at the start of WAL (the
# salts of its header, page number not 0) and whether every byte after
# them is zero ("zeros") or not ("data"); a shorter file says "short"
WALSHAPE='
import struct, sys
b = open(sys.argv[1], "rb").read()
if len(b) < 32:
    print("0 short"); sys.exit()
ps = struct.unpack(">I", b[8:12])[0]
salts = b[16:24]
n, at = 0, 32
while at + 24 + ps <= len(b):
    pg = struct.unpack(">I", b[at:at + 4])[0]
    if pg == 0 or b[at + 8:at + 16] != salts:
        break
    n, at = n + 1, at + 24 + ps
tail = b[at:]
print(n, "zeros" if len(tail) > 0 and tail.count(0) == len(tail)
      else "data" if tail else "none")
'
wal_shape() { "$PY" -S -c "$WALSHAPE" "$1"; }

base_store
wal_clients 1201 room

d=$T/killed
cp -a "$T/base" "$d"
use "$d"
faulted before-live-commit:2 run
expect 137 "killed before the second batch's commit"
set -- $(wal_shape "$d/live.db-wal")
check "the WAL holds the first batch's frames ($1)" test "$1" -gt 0
eq "then only zeros: room made past the frames" "$2" zeros
law1 "$d" "killed"
# lethe meets the zeros first on one copy, a reader on the other
cp -a "$d" "$T/rerun"
eq "readers see the first batch's erasures, none of the second's" \
	"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 701
eq "the database is sound" \
	"$(sql "$d/live.db" "PRAGMA integrity_check")" ok

wal_rerun "$T/rerun" "rerun" room7@example.com
eq "the database is sound after the rerun" \
	"$(sql "$T/rerun/live.db" "PRAGMA integrity_check")" ok

# a page cache of 64 KiB (16 pages): each batch's changes outgrow it many
# times over, so the connection spills pages into the WAL while room is
# made there; the zeros are only appended, the spilled frames stay, and
# the run completes with a sound store
d=$T/small-cache
cp -a "$T/base" "$d"
use "$d"
LETHE_LIVE_CACHE_KIB=64
export LETHE_LIVE_CACHE_KIB
lt run
unset LETHE_LIVE_CACHE_KIB
expect 0 "a run with a 64 KiB page cache completes"
eq "every subject erased" \
	"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 0
eq "the database is sound" \
	"$(sql "$d/live.db" "PRAGMA integrity_check")" ok
laws_after "$d" "small cache"
done_testing
