#!/bin/sh
# Law 9 and SPEC 5 `ledger head` / `ledger verify --against SEQ:HASH`: an
# auditor writes down what `ledger head` prints and later passes exactly
# that to `verify --against`.  Every head `ledger head` prints must be
# accepted -- also the head of a fresh, empty ledger ("0:000...0"), which
# today is refused as a usage error (64) although lethe printed it.  A
# hash is hexadecimal: written down in capitals it is the same hash, not
# "the chain was rewritten" (65).  Malformed values stay usage errors (64)
# and a wrong hash stays 65.
. "$TESTS_TOP/tests/lib.sh"
setup
lt ledger head
expect 0 "ledger head of an empty ledger"
EMPTY=$(cat out)
eq "it prints 0 and 64 zeros" "$EMPTY" "0:$(printf '%064d' 0)"
lt ledger verify --against "$EMPTY"
expect 0 "verify --against the empty ledger's head, right away"

add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client A \
	a@example.com '' 2026-01-01T00:00:00Z
lt request erase --email a@example.com
lt run
expect 0 "some events"
lt ledger verify --against "$EMPTY"
expect 0 "the empty chain is a prefix of every chain"

lt ledger head
HEAD=$(cat out)
SEQ=${HEAD%%:*}
HASH=${HEAD#*:}
UPPER=$SEQ:$(printf '%s' "$HASH" | tr a-f A-F)
lt ledger verify --against "$UPPER"
expect 0 "the head written down in capitals"
err_lacks "rewritten" "no false alarm for a capitalised hash"

lt ledger verify --against "$SEQ:$(printf '%064d' 0)"
expect 65 "a wrong hash for that seq"
lt ledger verify --against "$SEQ:${HASH%?}"
expect 64 "a hash one digit short"
lt ledger verify --against "$SEQ"
expect 64 "no hash"
lt ledger verify --against "x:$HASH"
expect 64 "a seq that is not a number"
done_testing
