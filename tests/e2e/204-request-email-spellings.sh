#!/bin/sh
# SPEC 1 "identifier hash: HMAC-SHA256 of a normalised identifier (email
# lower-cased and trimmed)" and SPEC 4 "request": an email as copied from a
# mail client or a sentence -- "<alice@example.com>", "\"alice@...\"",
# "alice@example.com." -- was accepted and hashed as written, so the
# request matched no one: it completed with an identifiers-only tombstone
# while she stayed in the live store.  Such spellings are now refused
# (64 on the command line; with --from, the bad line is named and nothing
# is recorded), and a "mailto:" URI is read as the address it names.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client Alice alice@example.com '' \
	2026-11-01T00:00:00Z
lt ledger head
HEAD=$(cat out)
for e in '<alice@example.com>' '"alice@example.com"' 'alice@example.com.' \
	'Alice <alice@example.com>' "'alice@example.com'"; do
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
lt request erase --email 'mailto:Alice@Example.com'
expect 0 "request erase --email mailto:Alice@Example.com"
lt run
expect 0 "run"
eq "the request erased her" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
lt ledger lookup --email alice@example.com
expect 0 "ledger lookup finds her erasure"
done_testing
