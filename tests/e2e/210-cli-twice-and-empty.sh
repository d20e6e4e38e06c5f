#!/bin/sh
# SPEC 5: an option that takes a value given twice (`request erase
# --email a --email b`, `restore --to A --to B`, `-c`, `--now`) is a
# usage error (64), never a quiet choice of one of them: a request for two
# people must not record only the second.  An empty value or argument
# (`backup -o ''`, `restore '' --to D`, `--from ''`) is a usage error too,
# not an I/O error, and comes before the config is read.  Nothing is
# recorded; a flag given twice (`--json --json`) is harmless.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com +447700900001 2026-11-01T00:00:00Z
lt ledger head
HEAD=$(cat out)
lt backup -o "$T/b.tar"
expect 0 "a backup to restore from"
lt ledger head
HEAD=$(cat out)

twice() {
	lt "$@"
	expect 64 "given twice: lethe $*"
	err_has "twice" "given twice: lethe $*: says so"
}
twice request erase --email ann@example.com --email bob@example.com
twice request erase --phone +447700900001 --phone +447700900002
twice request erase --email ann@example.com --ref A --ref B
twice restore "$T/b.tar" --to "$T/r1" --to "$T/r2"
twice restore "$T/b.tar" --to "$T/r1" --taken-at 2026-01-01 \
	--taken-at=2026-02-01
twice backup -o "$T/x.tar" -o "$T/y.tar"
twice backup --format tar --format zip
twice scrub "$T/b.tar" -o "$T/s1.tar" --output "$T/s2.tar"
twice ledger list --since 2026-01-01 --since 2026-02-01
twice ledger lookup --email ann@example.com --email bob@example.com
twice report --format json --format html
twice init --demo "$T/d1" --demo "$T/d2"
check "no demo was made" test ! -e "$T/d1" -a ! -e "$T/d2"
check "no restore target was made" test ! -e "$T/r1" -a ! -e "$T/r2"
check "no archive was written" test ! -e "$T/x.tar" -a ! -e "$T/y.tar" \
	-a ! -e "$T/s1.tar" -a ! -e "$T/s2.tar"
"$LETHE" -c "$CONF" --now "$NOW" --now 2027-01-01 ledger head >out 2>err
rc=$?
expect 64 "--now given twice"
"$LETHE" -c "$CONF" -c "$CONF" --now "$NOW" ledger head >out 2>err; rc=$?
expect 64 "-c given twice"
"$LETHE" --config="$CONF" --now="$NOW" ledger head >out 2>err; rc=$?
expect 0 "--config=FILE and --now=TIME, once each"
"$LETHE" -c"$CONF" --now "$NOW" ledger head >out 2>err; rc=$?
expect 0 "-cFILE, attached as getopt allows"
eq "-cFILE reads that config" "$(cat out)" "$HEAD"
"$LETHE" -c"$CONF" -c "$CONF" --now "$NOW" ledger head >out 2>err; rc=$?
expect 64 "-cFILE and -c FILE: given twice"

# empty values and arguments: 64, before the config is read
empty() {
	"$LETHE" -c "$T/nope.ini" --now "$NOW" "$@" >out 2>err; rc=$?
	expect 64 "empty: lethe $* (missing config)"
	lt "$@"
	expect 64 "empty: lethe $*"
	check "empty: lethe $*: says why" test -s err
}
empty backup -o ''
empty backup --format=
empty restore '' --to "$T/r3"
empty restore "$T/b.tar" --to ''
empty scrub '' -o "$T/s3.tar"
empty inspect ''
empty request erase --from ''
empty request approve ''
empty ledger verify --against ''
check "nothing was made" test ! -e "$T/r3" -a ! -e "$T/s3.tar"

lt ledger head
eq "nothing was recorded" "$(cat out)" "$HEAD"
lt request list --json --json
expect 0 "a flag given twice is harmless"
lt run --dry-run -n
expect 0 "--dry-run and -n together"
"$LETHE" -c "$CONF" --now "$NOW" request erase --email x@example.com \
	--ref -cbogus >out 2>err; rc=$?
expect 0 "after the command, a word starting with -c is an option's value"
done_testing
