#!/bin/sh
# SPEC 5: 65 is bad input data, "a ledger that fails verify".  A ledger
# file that SQLite finds damaged (cut short by a bad copy, or a page
# overwritten so that its key fingerprint is gone) is bad data (65) for
# `ledger verify`, the readers and the writers alike -- not an I/O error
# (74) nor a config error (78) -- and nothing is appended to it.
. "$TESTS_TOP/tests/lib.sh"
setup
i=0
while [ $i -lt 400 ]; do
	echo "person$i@example.com"
	i=$((i + 1))
done >many.txt
lt request erase --from many.txt
expect 0 "400 requests: a ledger of many pages"
lt ledger head
HEAD=$(cat out)
cp ledger.db ledger.good
SIZE=$(wc -c <ledger.db | tr -d ' ')
check "the ledger spans more than four pages" test "$SIZE" -gt 16384

truncate -s 12288 ledger.db
for cmd in "ledger verify" "ledger list" "report" "request list" "run" \
	"request erase --email x@example.com"; do
	# shellcheck disable=SC2086
	lt $cmd
	expect 65 "a ledger cut short: $cmd"
done
err_has "damaged" "the message says the ledger is damaged"
check "nothing was appended" test "$(wc -c <ledger.db | tr -d ' ')" -eq 12288

cp ledger.good ledger.db
# page 3 holds the meta table (the key fingerprint): overwrite it
printf '%4096s' '' | tr ' ' 'X' | dd of=ledger.db bs=4096 seek=2 \
	conv=notrunc 2>/dev/null
lt ledger verify
expect 65 "a ledger whose key fingerprint page is overwritten"
lt run
expect 65 "run refuses it too"

cp ledger.good ledger.db
# a leaf page of the events table in the middle of it: found while
# reading them in order
PAGE=$(sql ledger.db "SELECT pageno FROM dbstat WHERE name = 'events' AND
  pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) / 2
  FROM dbstat WHERE name = 'events' AND pagetype = 'leaf')")
check "the events table has a leaf page in its middle" test -n "$PAGE"
printf '%4096s' '' | tr ' ' 'X' | dd of=ledger.db bs=4096 \
	seek=$((PAGE - 1)) conv=notrunc 2>/dev/null
for cmd in "ledger list" "ledger list --json" "ledger verify"; do
	# shellcheck disable=SC2086
	lt $cmd
	expect 65 "an events page overwritten: $cmd"
done

cp ledger.good ledger.db
lt ledger verify --against "$HEAD"
expect 0 "the good copy, restored, verifies"
done_testing
