#!/bin/sh
# SPEC 5: a bad command line is a usage error (64), never a crash: an
# empty value given to an option (`init --demo ''`, `--demo=`) is refused
# with a message, and nothing is created.
. "$TESTS_TOP/tests/lib.sh"
setup
for demo in '--demo=' "--demo ''"; do
	eval "lt init $demo"
	expect 64 "init $demo"
	err_has "demo" "init $demo: says what is wrong"
done
lt request erase --from ''
check "request erase --from '': an error, not a success" test "$rc" -ne 0
lt ledger show ''
expect 64 "ledger show ''"
lt ledger lookup --email ''
expect 64 "ledger lookup --email ''"
lt report --since ''
expect 64 "report --since ''"
lt ledger head
expect 0 "the ledger is still fine"
done_testing
