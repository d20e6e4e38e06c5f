#!/bin/sh
# SPEC 5 exit 74 (I/O error): output that cannot be written is an error,
# never a silent success.  Every reader, and --help/--version, writing its
# standard output to a full disk (/dev/full) exits 74 and says so on
# stderr; with a normal stdout the same commands exit as usual.
. "$TESTS_TOP/tests/lib.sh"
if ! [ -c /dev/full ]; then
	echo "ok 1 # SKIP no /dev/full"; echo "1..1"; exit 0
fi
setup
sql live.db "INSERT INTO subjects VALUES ('aaaaaaaa-0000-4000-8000-000000000001',
  'client', 'A', 'a@example.com', '+447700900001', 'x', '2020-01-01', '2026-01-01')"
lt request erase --email a@example.com
lt run
expect 0 "a run, so the ledger has events"
lt request erase --email b@example.com
expect 0 "a pending request"

# full CMD...: stdout to /dev/full
full() {
	"$LETHE" -c "$CONF" --now "$NOW" "$@" >/dev/full 2>"$T/err"
	rc=$?
	expect 74 "lethe $* > /dev/full"
	err_has "write\|space" "lethe $* > /dev/full: says it could not write"
}
full ledger list
full ledger list --json
full ledger list --csv
full ledger show 1
full ledger head
full ledger verify
full ledger lookup --email a@example.com
full request list
full request list --json
full request list --pending
full report
full report --format json
full report --format html
full --help
full --version
full run --help

# a request whose id cannot be printed is not recorded (a retry would
# otherwise record it twice)
lt ledger head
HEAD=$(cat out)
full request erase --email c@example.com
lt ledger head
eq "the request that could not be printed was not recorded" "$(cat out)" "$HEAD"
done_testing
