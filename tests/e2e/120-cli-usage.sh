#!/bin/sh
# SPEC 5 CLI contract: `--help`, `--version` and `COMMAND --help` exit 0
# with the usage on stdout (and need no config); bad usage of every
# command -- an unknown command or option, a missing or extra argument, a
# bad --now or --since -- exits 64, names the problem on stderr, and
# records nothing in the ledger.
. "$TESTS_TOP/tests/lib.sh"
setup
sql live.db "INSERT INTO subjects VALUES ('aaaaaaaa-0000-4000-8000-000000000001',
  'client', 'A', 'a@example.com', '+447700900001', 'x', '2020-01-01', '2026-01-01')"
lt request erase --email a@example.com
expect 0 "a request to approve later"
ID=$(cut -d' ' -f1 out)
lt ledger head
HEAD=$(cat out)

# --help and --version need no config at all
"$LETHE" --version >out 2>err; rc=$?
expect 0 "--version"
check "--version prints 'lethe VERSION' on stdout" grep -Eq '^lethe [0-9]' out
"$LETHE" -c "$T/nope.ini" --help >out 2>err; rc=$?
expect 0 "--help with a config that does not exist"
out_has "usage:" "--help prints the usage on stdout"
for c in init request run backup restore scrub inspect ledger report \
	"request erase" "request approve" "request list" "ledger list" \
	"ledger show" "ledger head" "ledger verify" "ledger lookup"; do
	# shellcheck disable=SC2086
	"$LETHE" -c "$T/nope.ini" $c --help >out 2>err; rc=$?
	expect 0 "$c --help"
	check "$c --help: usage on stdout, nothing on stderr" \
		sh -c "grep -q 'usage' '$T/out' && ! test -s '$T/err'"
done

# bad usage: 64, a message on stderr, nothing recorded
bad() {
	lt "$@"
	expect 64 "bad usage: lethe $*"
	check "bad usage: lethe $*: says why on stderr" test -s "$T/err"
}
bad bogus
bad --bogus
bad
bad run extra
bad run --bogus
bad request
bad request frobnicate
bad request erase
bad request erase --email
bad request erase --phone
bad request erase --email not-an-email
bad request erase --email ''
bad request erase --phone abc
bad request erase --email b@example.com --from /dev/null
bad request approve
bad request list --pending --overdue
bad request list --bogus
bad backup --format rar
bad backup extra
bad restore
bad restore x.tar
bad restore --to "$T/r"
bad restore x.tar --to
bad restore x.tar y.tar --to "$T/r"
bad restore x.tar --to "$T/r" --taken-at yesterday
bad scrub
bad scrub x.tar
echo hello >"$T/hello.txt"
(cd "$T" && tar cf "$T/x.tar" hello.txt)
bad scrub "$T/x.tar" -o "$T/o.tar" --format rar
check "scrub with a bad --format wrote nothing" test ! -e "$T/o.tar"
bad inspect
bad inspect a b
bad ledger
bad ledger frobnicate
bad ledger show
bad ledger show abc
bad ledger show 0
bad ledger list --json --csv
bad ledger list --since yesterday
bad ledger verify --against nothing
bad ledger verify --against 1:xyz
bad ledger lookup
bad ledger lookup --email not-an-email
bad report --format xml
bad report --since yesterday
bad init a b
NOW=yesterday
bad ledger list
NOW=2026-11-22T10:00:00Z
"$LETHE" -c "$CONF" --now >out 2>err; rc=$?
expect 64 "--now without a value"
"$LETHE" -c >out 2>err; rc=$?
expect 64 "-c without a value"
"$LETHE" -c "$CONF" --now ledger head >out 2>err; rc=$?
expect 64 "--now that took the command's name as its time"
err_has "\-\-now 'ledger'" "the bad time is named, not an unknown command"
"$LETHE" --version extra >out 2>err; rc=$?
expect 64 "--version with an argument"

lt ledger head
eq "bad usage recorded nothing" "$(cat out)" "$HEAD"
lt request list --json
check "the request is still pending" grep -q "\"id\":\"$ID\".*\"status\":\"pending\"" out

# a missing event or request is not a success
lt ledger show 999
check "ledger show of a missing seq: not 0" test "$rc" -ne 0
err_has "999" "ledger show of a missing seq: names it"
lt request approve 00000000-0000-4000-8000-000000000000
check "request approve of an unknown id: not 0" test "$rc" -ne 0
done_testing
