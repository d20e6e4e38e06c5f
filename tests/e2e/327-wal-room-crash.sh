#!/bin/sh
# Laws 1 and 3 with room made in the WAL (walroom.h): from its second
# batch on, `run` writes zeros past the end of a WAL-mode live store's WAL
# while the batch is read and counted, for its commit to overwrite.  A run
# killed just before the second batch's commit leaves a WAL holding the
# first batch's frames, then only zeros, longer than those frames need:
# the room is there, and only past the frames.  Readers see the first
# batch and nothing of the second; the rerun completes with one tombstone
# per subject, a sound database, the WAL truncated and no erased email in
# the bytes.  1201 clients ask for erasure: at least three batches (the
# first holds 500).
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
sql "$B" "PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1201)
INSERT INTO subjects SELECT printf('cccccccc-0000-4000-8000-%012d', i),
  'client', 'R' || i, 'room' || i || '@example.com', NULL, 'x',
  '2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;
INSERT INTO communications(subject_id, at, body)
  SELECT id, '2026-10-01', 'to ' || email FROM subjects;" >/dev/null
eq "the live store is in WAL mode" \
	"$(sql "$B" "PRAGMA journal_mode")" wal
sql "$B" "SELECT email FROM subjects" >"$T/base/req.txt"
lt request erase --from "$T/base/req.txt"
expect 0 "1201 requests"

d=$T/killed
cp -a "$T/base" "$d"
use "$d"
faulted before-live-commit:2 run
expect 137 "killed before the second batch's commit"
set -- $(wal_shape "$d/live.db-wal")
check "the WAL holds the first batch's frames ($1)" test "$1" -gt 0
eq "then only zeros: room made past the frames" "$2" zeros
law1 "$d" "killed"
eq "readers see the first batch's erasures, none of the second's" \
	"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 701
eq "the database is sound" \
	"$(sql "$d/live.db" "PRAGMA integrity_check")" ok

use "$d"
lt run
expect 0 "the rerun completes"
eq "every subject erased" \
	"$(sql "$d/live.db" "SELECT count(*) FROM subjects")" 0
eq "no communication left" \
	"$(sql "$d/live.db" "SELECT count(*) FROM communications")" 0
laws_after "$d" "rerun"
check "the WAL is empty or gone" test ! -s "$d/live.db-wal"
eq "the database is sound after the rerun" \
	"$(sql "$d/live.db" "PRAGMA integrity_check")" ok
no_bytes "an erased email is gone from the bytes" "room7@example.com" \
	"$d/live.db" "$d/live.db-wal"
done_testing
