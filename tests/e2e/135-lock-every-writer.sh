#!/bin/sh
# SPEC 4 "Commands that change state (run, backup, restore, scrub,
# request) take the lock; readers (ledger, inspect, report) do not" and
# SPEC 5 exit 75.  While another process holds the lock file (default
# <ledger>.lock), every state-changing command -- also those 017 and 102
# do not try: backup (default name and -o), request approve, request
# erase --from -- gives up at once with 75, writes no file and records
# nothing; every reader keeps working.  With lock_file set in [lethe], that
# file is the lock.
. "$TESTS_TOP/tests/lib.sh"
if ! command -v flock >/dev/null 2>&1; then
	echo "ok 1 # SKIP no flock(1)"; echo "1..1"; exit 0
fi
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client A \
	a@example.com '' 2026-01-01T00:00:00Z
lt backup -o "$T/b.tar.zst"
expect 0 "a backup to read later"
lt request erase --email a@example.com
ID=$(cut -d' ' -f1 out)
sed -i 's/^require_approval .*/require_approval = yes/' "$CONF"
printf 'b@example.com\n' >"$T/list.txt"
lt ledger head
HEAD=$(cat out)

# hold LOCKFILE: a process holding the lock until $T/release appears
hold() {
	rm -f "$T/held" "$T/release"
	flock "$1" sh -c "touch '$T/held'; while [ ! -e '$T/release' ]; do sleep 0.1; done" &
	HOLDER=$!
	i=0
	while [ ! -e "$T/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
release() { touch "$T/release"; wait "$HOLDER"; }

hold "$T/ledger.db.lock"
locked() {
	lt "$@"
	expect 75 "lock held: lethe $*"
}
locked backup
check "no backup folder or file made" test ! -e "$T/backups"
locked backup -o "$T/b2.tar.zst"
check "no -o file made" test ! -e "$T/b2.tar.zst"
locked request approve "$ID"
locked request erase --from "$T/list.txt"
locked request erase --email c@example.com
locked run
locked scrub "$T/b.tar.zst" -o "$T/s.tar.zst"
locked restore "$T/b.tar.zst" --to "$T/r"
lt ledger head
eq "nothing recorded while locked" "$(cat out)" "$HEAD"

for r in "ledger list" "ledger list --json" "ledger show 1" "ledger verify" \
	"ledger lookup --email a@example.com" "request list" "report" \
	"inspect $T/b.tar.zst"; do
	# shellcheck disable=SC2086
	lt $r
	check "lock held: reader 'lethe $r' works (exit 0 or 1, not 75)" \
		test "$rc" -eq 0 -o "$rc" -eq 1
done
release

lt request approve "$ID"
expect 0 "lock free: approve"
lt backup
expect 0 "lock free: backup"

# a configured lock_file
sed -i "s|^key_file .*|&\nlock_file = $T/other.lock|" "$CONF"
hold "$T/other.lock"
locked run
release
hold "$T/ledger.db.lock"
lt run
expect 0 "with lock_file set, <ledger>.lock is not the lock"
release
done_testing
