#!/bin/sh
# SPEC 4 "Time and order" and SPEC 5 exit 75: commands that change state
# (run, request) take the lock and give up at once with 75 while another
# holds it, recording nothing; readers (ledger, request list) take no lock
# and keep working.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }
nevents() { lsql "SELECT count(*) FROM events"; }

setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 lead 'Stale Lead' \
	stale@example.com '+44 7700 900001' 2025-01-01T00:00:00Z
lt request erase --email someone@example.com
expect 0 "a request before the lock is taken"
N=$(nevents)

# hold the lock file (default: <ledger>.lock) the way another lethe would:
# flock(2), exclusive; the holder is the process $holder itself
rm -f held
( exec 9>>"$T/ledger.db.lock"; flock -x 9; touch "$T/held"; exec sleep 30 ) &
holder=$!
i=0
while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "another process holds the lock" test -e held

lt run
expect 75 "run while the lock is held"
check "run gives up at once (the holder still holds the lock)" \
	kill -0 "$holder"
err_has "lock" "the message says the lock is held"
eq "the stale lead is untouched" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
eq "run recorded nothing" "$(nevents)" "$N"

lt request erase --email other@example.com
expect 75 "request erase while the lock is held"
check "request erase gives up at once (the lock is still held)" \
	kill -0 "$holder"
out_lacks "due" "no request id printed"
eq "request erase recorded nothing" "$(nevents)" "$N"

RID=$(lsql "SELECT request FROM events WHERE type = 'request'")
lt request approve "$RID"
expect 75 "request approve while the lock is held"
eq "approve recorded nothing" "$(nevents)" "$N"

lt ledger list
expect 0 "ledger list works while the lock is held"
out_has "$RID" "it lists the events"
lt ledger list --json
expect 0 "ledger list --json works"
lt ledger verify
expect 0 "ledger verify works"
lt ledger head
expect 0 "ledger head works"
lt request list
expect 0 "request list works"
out_has "$RID" "it lists the request"
lt ledger lookup --email someone@example.com
expect 1 "ledger lookup works (pending request only: 1)"

kill "$holder"
wait "$holder" 2>/dev/null
lt run
expect 0 "run once the lock is free"
eq "the stale lead is erased now" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
lt request erase --email other@example.com
expect 0 "request erase once the lock is free"

# --- a real second lethe: a run kept waiting by the application's write
# transaction on the live store holds the lock meanwhile
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead 'Stale Two' \
	stale2@example.com '+44 7700 900002' 2025-01-01T00:00:00Z
N=$(nevents)
printf '%s\n' "BEGIN IMMEDIATE;" \
	"INSERT INTO web_log(at, ip, path) VALUES ('2026-11-22T09:00:00Z', '1', '/');" \
	".shell touch app.busy" ".shell sleep 2" "COMMIT;" >app.sql
sqlite3 live.db <app.sql >/dev/null 2>&1 &
app=$!
i=0
while [ ! -e app.busy ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$LETHE" -c "$CONF" --now "$NOW" run >first.out 2>first.err &
first=$!
# wait until it holds the lock, without ever taking it ourselves
ino=$(stat -c %i "$T/ledger.db.lock")
i=0
while ! grep -q "FLOCK.*:$ino " /proc/locks && [ $i -lt 100 ]; do
	sleep 0.02
	i=$((i + 1))
done
check "the first run holds the lock" test $i -lt 100
lt run
expect 75 "a second run while the first one runs"
lt request erase --email third@example.com
expect 75 "request erase while a run runs"
lt ledger list
expect 0 "ledger list while a run runs"
lt request list
expect 0 "request list while a run runs"
wait $first
rc=$?
expect 0 "the first run completes"
wait $app
eq "the first run erased the lead" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "one tombstone for the lead" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND
	  subject = 'aaaaaaaa-0000-4000-8000-000000000002'")" 1
eq "the refused request was not recorded" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'request'")" 2
eq "only the first run recorded events (two tombstones, two applied)" \
	"$(nevents)" $((N + 4))
done_testing
