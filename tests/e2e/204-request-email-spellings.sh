#!/bin/sh
# SPEC 1 "identifier hash: HMAC-SHA256 of a normalised identifier (email
# lower-cased and trimmed)" and SPEC 4 "request": an email as copied from a
# mail client or a sentence was hashed as written, so a request for it
# matched no one: it completed with an identifiers-only tombstone while
# she stayed in the live store.  Now "Alice <alice@example.com>",
# "<alice@...>" and "mailto:alice@..." read as the address they hold, in
# requests, lookups and the live store alike (an order recorded for
# "Alice <alice@example.com>" is hers), and spellings that hold no clear
# address -- quoted, a trailing dot, an empty or hyphenated domain label,
# bytes that are not UTF-8 -- are refused (64 on the command line; with
# --from, the bad line is named and nothing is recorded).
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client Alice alice@example.com '' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO orders(customer_email, customer_name, placed_at,
  total_cents) VALUES ('Alice A <Alice@Example.com>', 'Alice', '2026-01-01', 5)"
lt ledger head
HEAD=$(cat out)
for e in '"alice@example.com"' 'alice@example.com.' "'alice@example.com'" \
	'Alice <alice@example.com> (work)' 'alice@example..com' \
	'alice@-example.com' "$(printf 'al\377ce@example.com')"; do
	lt request erase --email "$e"
	expect 64 "request erase --email $e"
	printf '%s\n' "$e" >list.txt
	lt request erase --from list.txt
	check "request erase --from with $e: refused" test "$rc" -ne 0
	err_has "list.txt:1" "--from names the bad line"
	lt ledger lookup --email "$e"
	expect 64 "ledger lookup --email $e"
done
lt ledger head
eq "nothing recorded" "$(cat out)" "$HEAD"
printf '%s\n' 'Alice <Alice@Example.com>' >list.txt
lt request erase --from list.txt
expect 0 "request erase --from with 'Alice <Alice@Example.com>'"
lt run
expect 0 "run"
eq "the request erased her" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "her order, recorded as 'Alice A <Alice@Example.com>', is masked" \
	"$(sql live.db "SELECT quote(customer_email) || quote(customer_name)
	  FROM orders")" "NULLNULL"
for e in alice@example.com '<alice@example.com>' 'mailto:ALICE@example.com'; do
	lt ledger lookup --email "$e"
	expect 0 "ledger lookup --email $e finds her erasure"
done

# letters beyond ASCII are lower-cased too
Z=cccccccc-0000-4000-8000-00000000000c
add_subject live.db $Z client 'José' 'JOSÉ@Exämple.COM' '' \
	2026-11-01T00:00:00Z
lt request erase --email 'josé@exämple.com'
lt run
expect 0 "run"
eq "a request in small letters erases the address stored in capitals" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$Z'")" 0
lt ledger lookup --email 'JOSÉ@EXÄMPLE.COM'
expect 0 "and ledger lookup in capitals finds it"
done_testing
