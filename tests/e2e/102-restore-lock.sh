#!/bin/sh
# SPEC 4 restore and scrub "take the lock", SPEC 5 exit 75: while another
# process holds the lock file, `restore` (also from standard input) and
# `scrub` give up at once with 75, make no target, output or staging
# folder and record nothing.  Once the lock is free the same restore
# succeeds.  (Whether `restore --dry-run`, which writes nothing, takes the
# lock is left open: lethe lets it run.)
. "$TESTS_TOP/tests/lib.sh"

S=17171717-0000-4000-8000-00000000000a
nevents() { sql ledger.db "SELECT count(*) FROM events"; }

setup
add_subject live.db $S client 'Sol Lock' sol@example.com '+44 7700 901201' \
	2026-10-01T00:00:00Z
mkdir -p bk p
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup"
N=$(nevents)

( exec 9>>"$T/ledger.db.lock"; flock -x 9; touch "$T/held"; exec sleep 30 ) &
holder=$!
i=0
while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "another process holds the lock" test -e held

lt restore bk/b.tar.zst --to "$T/p/r"
expect 75 "restore while the lock is held"
check "it gives up at once (the holder still holds the lock)" \
	kill -0 "$holder"
err_has "lock" "the message says the lock is held"
lt_in bk/b.tar.zst restore - --to "$T/p/r"
expect 75 "from standard input too"
lt scrub bk/b.tar.zst -o "$T/p/s.tar.zst"
expect 75 "scrub while the lock is held"
eq "no target, output or staging folder" "$(ls -A p)" ""
eq "nothing recorded" "$(nevents)" "$N"

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
lt restore bk/b.tar.zst --to "$T/p/r"
expect 0 "the same restore once the lock is free"
eq "it restored the subject" "$(sql p/r/live.db "SELECT count(*) FROM subjects")" 1
eq "and recorded it" "$(nevents)" $((N + 1))
done_testing
