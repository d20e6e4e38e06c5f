#!/bin/sh
# SPEC 4 run: the live store belongs to a running application; lethe waits
# on a busy database with a timeout instead of failing.  While the
# application holds a write transaction for about a second, `run` waits,
# then does its work and exits 0; the application's write is kept.
. "$TESTS_TOP/tests/lib.sh"

setup
add_subject live.db aaaaaaaa-0000-4000-8000-00000000000a lead 'Stale' \
	stale@example.com '+44 7700 900001' 2025-01-01T00:00:00Z
printf '%s\n' "BEGIN IMMEDIATE;" \
	"INSERT INTO web_log(at, ip, path) VALUES ('2026-11-22T09:00:00Z', '1', '/app');" \
	".shell touch busy" ".shell sleep 1" "COMMIT;" >app.sql
sqlite3 live.db <app.sql >app.out 2>&1 &
app=$!
i=0
while [ ! -e busy ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "the application holds a write transaction" test -e busy
lt run
expect 0 "run waits for the busy live store, then succeeds"
wait $app
eq "the application's transaction committed" "$(cat app.out)" ""
eq "the stale lead is erased" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "the application's row is there" \
	"$(sql live.db "SELECT path FROM web_log")" /app
eq "one tombstone, applied" \
	"$(sql ledger.db "SELECT group_concat(type, ' ') FROM (SELECT type FROM
	  events ORDER BY seq)")" "erase applied"
done_testing
