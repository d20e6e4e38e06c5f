#!/bin/sh
# SPEC 4 "run ... waits on a busy database with a timeout instead of
# failing" and SPEC 5 exit codes: when the application keeps the live
# store locked past that timeout, run and backup give up with 75 (a lock
# held by another process: try again later), doing and recording
# nothing -- not 78 with "1 error in config", which sent the operator to a
# config that was fine.  request erase, which does not need the store,
# records the request (the data map check is skipped with a warning).
# Once the lock is gone, run does its work.  The same with the store in
# WAL mode, where readers go on while the application holds the write
# lock: run and backup still give up with 75 before doing anything.
. "$TESTS_TOP/tests/lib.sh"

# hold MODE: the application takes the live store's lock (BEGIN MODE) and
# keeps it until the file release appears; its pid in HOLDER
hold() {
	rm -f held release
	"$PY" -S -c '
import os, sqlite3, sys, time
c = sqlite3.connect("live.db", isolation_level=None)
c.execute("BEGIN " + sys.argv[1])
c.execute("UPDATE subjects SET name = name")
open("held", "w").close()
while not os.path.exists("release"):
    time.sleep(0.1)
c.execute("COMMIT")
' "$1" &
	HOLDER=$!
	i=0
	while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client A \
	a@example.com '' 2026-11-01T00:00:00Z
hold EXCLUSIVE
lt request erase --email a@example.com
expect 0 "request erase while the store is locked"
err_has "busy" "it warns that the data map was not checked"
lt ledger head
HEAD=$(cat out)
lt run
expect 75 "run while the application keeps the store locked"
err_has "busy" "run says the live store is busy"
err_lacks "error in config" "run does not blame the config"
lt backup -o "$T/b.tar"
expect 75 "backup while the application keeps the store locked"
check "no backup written" test ! -e "$T/b.tar"
lt ledger head
eq "nothing recorded" "$(cat out)" "$HEAD"
touch release
wait "$HOLDER"
lt run
expect 0 "run once the lock is gone"
eq "the request is executed" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0

# --- WAL mode: the application holds the write lock, readers go on
sql live.db "PRAGMA journal_mode = WAL" >/dev/null
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead B \
	b@example.com '' 2025-01-01T00:00:00Z
hold IMMEDIATE
lt ledger head
HEAD=$(cat out)
lt run
expect 75 "run while the application holds a WAL store's write lock"
err_has "busy" "run says the live store is busy"
lt ledger head
eq "nothing recorded" "$(cat out)" "$HEAD"
eq "the stale lead is still there" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
touch release
wait "$HOLDER"
lt run
expect 0 "run once the write lock is gone"
eq "the stale lead is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
done_testing
