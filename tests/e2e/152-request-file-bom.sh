#!/bin/sh
# `request erase --from FILE` (SPEC 5) reads one request per line.  A file
# saved by a Windows editor starts with a UTF-8 byte order mark and ends
# its lines with CR LF; the mark is not part of the first email, so the
# request still finds its subject (else the person would silently stay).
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b
add_subject live.db $A client Alice alice@example.com '+44 7700 900123' \
	2026-11-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900456' \
	2026-11-01T00:00:00Z
printf '\357\273\277alice@example.com\r\nbob@example.com\r\n' >list.txt
lt request erase --from list.txt
expect 0 "request erase --from a file with a BOM and CR LF lines"
eq "two requests printed" "$(grep -c ' due ' out)" 2
lt run
expect 0 "run"
eq "the first line's subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "the second line's subject is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$B'")" 0
lt ledger lookup --email alice@example.com
expect 0 "ledger lookup finds alice erased"

# standard input too
add_subject live.db $A client Alice2 alice2@example.com '+44 7700 900789' \
	2026-11-01T00:00:00Z
printf '\357\273\277+44 7700 900789\n' >phone.txt
lt_in phone.txt request erase --from -
expect 0 "request erase --from - with a BOM before a phone number"
lt run
eq "the subject named by phone is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
done_testing
