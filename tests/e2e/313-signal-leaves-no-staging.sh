#!/bin/sh
# SPEC 4 restore ("nothing reaches the target until filtering succeeded")
# with law 6 in mind: a restore, inspect or scrub ended by SIGTERM or
# SIGHUP (systemctl stop, a closed terminal) mid-way leaves neither its
# staging folder (unfiltered entries: erased people's data) nor a
# half-written archive behind, leaves the target as it was, and dies of
# the signal as before.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar"
SUM=$(sha256sum ledger.db | cut -d' ' -f1)
mkdir -p "$T/tmp"

# stalled SIG CMD...: run lethe reading the first bytes of the backup
# from a pipe that then stalls, send SIG once its staging folder is
# there; the exit status in $rc
stalled() {
	sig=$1; shift
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	(head -c 20000 "$T/b.tar"; sleep 20) >"$T/fifo" &
	feeder=$!
	TMPDIR=$T/tmp "$LETHE" -c "$CONF" --now "$NOW" "$@" <"$T/fifo" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	i=0
	while [ -z "$(ls -A "$T" "$T/tmp" | grep lethe-staging)" ] &&
	      [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "$* made its staging folder" test $i -lt 100
	kill -"$sig" $pid
	wait $pid
	rc=$?
	kill $feeder 2>/dev/null
	wait $feeder 2>/dev/null
}
left() { ls -A "$T" "$T/tmp" | grep -c 'lethe-staging\|\.tmp\|XXXX\|-gone'; }

stalled TERM restore - --to "$T/r"
eq "restore dies of SIGTERM" "$rc" 143
check "the target was not made" test ! -e "$T/r"
eq "no staging folder is left" "$(left)" 0

mkdir "$T/r2"
stalled HUP restore - --to "$T/r2"
eq "restore dies of SIGHUP" "$rc" 129
eq "the empty target stays empty" "$(ls -A "$T/r2" | wc -l)" 0
eq "no staging folder is left" "$(left)" 0

stalled TERM inspect -
eq "inspect dies of SIGTERM" "$rc" 143
eq "no staging folder is left in TMPDIR" "$(left)" 0

stalled TERM scrub - -o "$T/s.tar"
eq "scrub dies of SIGTERM" "$rc" 143
check "no archive was made" test ! -e "$T/s.tar"
eq "nothing of it is left" "$(left)" 0

eq "the ledger is as it was" "$(sha256sum ledger.db | cut -d' ' -f1)" "$SUM"
lt restore "$T/b.tar" --to "$T/r"
expect 0 "a restore afterwards works"
done_testing
