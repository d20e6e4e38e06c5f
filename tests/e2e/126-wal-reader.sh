#!/bin/sh
# SPEC 4 run ("checkpoint and truncate the WAL"; "Exit 1 when any request
# is overdue or any step failed, so OnFailure= can alert") with law 6
# (erased means gone from the bytes).  The live store is in WAL mode and
# the application holds a read transaction for longer than lethe's busy
# timeout: the erasure itself goes through, but the WAL cannot be
# checkpointed and truncated, so the erased email is still in the files.
# That is a failed step: `run` must warn and exit 1 (today it warns and
# exits 0, and nobody is alerted).  Once the reader is gone the next run
# finishes the job and the bytes are clean.
. "$TESTS_TOP/tests/lib.sh"
setup
sql live.db "PRAGMA journal_mode=WAL" >/dev/null
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Alice \
	alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', '2026-01-01', 'from alice@example.com')"
sql live.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
lt request erase --email alice@example.com
expect 0 "request"

# the application: a read transaction held for 16 s
python3 - "$T/live.db" "$T/reader.ready" >"$T/reader.out" 2>&1 <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM subjects").fetchone()
open(sys.argv[2], "w").close()
time.sleep(16)
c.execute("COMMIT")
c.close()
PY
READER=$!
i=0
while [ ! -e "$T/reader.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the application holds a read transaction" test -e "$T/reader.ready"

lt run
eq "the subject row is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
err_has "WAL" "run warns that the WAL could not be truncated"
expect 1 "run exits 1: the checkpoint step failed and erased data is still in the files"
wait $READER

lt run
expect 0 "the next run, with no reader left"
no_bytes "the erased email is gone from the bytes" alice@example.com \
	live.db live.db-wal
done_testing
