#!/bin/sh
# SPEC 4 "run ... checkpoint and truncate the WAL": between batches the
# WAL is checkpointed when it has grown past 1 GiB.  With
# LETHE_CHECKPOINT_FRAMES=1 (a test seam) one runs after every batch: 700
# requests in two batches, 300 stale leads, a purge.  The outcome is the same as with one
# checkpoint at the end: every erased subject, row and email gone from
# the bytes, the others kept, the WAL truncated, the database sound.
. "$TESTS_TOP/tests/lib.sh"
setup
sql live.db "PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO subjects SELECT printf('aaaaaaaa-0000-4000-8000-%012d', i),
  CASE WHEN i % 5 = 0 THEN 'lead' ELSE 'client' END, 'N' || i,
  'user' || i || '@example.com', NULL, '1 Main St', '2020-01-01T00:00:00Z',
  CASE WHEN i % 5 = 0 THEN '2024-01-01T00:00:00Z'
       ELSE '2026-11-01T00:00:00Z' END FROM n;
INSERT INTO communications(subject_id, at, channel, body)
  SELECT id, '2026-10-01', 'mail', 'hello ' || email FROM subjects;
INSERT INTO communications(subject_id, at, channel, body)
  SELECT id, '2026-10-02', 'mail', 'again' FROM subjects;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO web_log(at, ip, path, user_agent)
  SELECT CASE WHEN i % 2 THEN '2026-01-01T00:00:00Z'
         ELSE '2026-11-20T00:00:00Z' END, '10.0.0.1', '/', 'x' FROM n;" \
	>/dev/null
# clients 1..874 not divisible by 5 ask: 700 requests
sql live.db "SELECT email FROM subjects WHERE kind = 'client' ORDER BY
  rowid LIMIT 700" >req.txt
lt request erase --from req.txt
expect 0 "700 requests recorded"
LETHE_CHECKPOINT_FRAMES=1 lt run
expect 0 "run with a checkpoint after every batch"
eq "subjects left: 1500 - 700 asked - 300 stale" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 500
eq "their communications gone, the others' kept" \
	"$(sql live.db "SELECT count(*) FROM communications")" 1000
eq "no communication without its subject" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE subject_id
	  NOT IN (SELECT id FROM subjects)")" 0
eq "aged web log rows purged" \
	"$(sql live.db "SELECT count(*) FROM web_log")" 1000
eq "the database is sound" \
	"$(sql live.db "PRAGMA integrity_check")" ok
check "the WAL is empty or gone" test ! -s live.db-wal
no_bytes "no erased email in the store's bytes" "user15@example.com" \
	live.db live.db-wal
no_bytes "no asked email in the store's bytes" "user1@example.com" \
	live.db live.db-wal
lt ledger verify
expect 0 "the ledger verifies"
done_testing
