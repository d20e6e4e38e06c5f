#!/bin/sh
# Law 5 with legal holds (SPEC 3 on_erase = retain): a backup holds a
# client with an invoice inside its 6-year hold (issued 2022-01-01, held
# until 2028-01-01) and one past it (issued 2019-06-01); the client is
# erased afterwards.  Restoring the old backup keeps the held invoice
# unchanged and drops the other, as the erasure did in the live store; a
# restore with --now one second before the hold ends still keeps it, one
# second after drops both.  Once a run has released the hold, the release
# is replayed too: a restore with an earlier --now drops the invoice.
# Another client's invoices are never touched.
. "$TESTS_TOP/tests/lib.sh"

H=eeeeeeee-0000-4000-8000-00000000000a
K=eeeeeeee-0000-4000-8000-00000000000b

setup
add_subject live.db $H client 'Hal Held' hal@example.com '+44 7700 900501' \
	2026-10-01T00:00:00Z
add_subject live.db $K client 'Kim Other' kim@example.com '+44 7700 900502' \
	2026-10-01T00:00:00Z
sql live.db "INSERT INTO invoices(id, subject_id, number, issued_at,
  amount_cents, billing_name, billing_address) VALUES
 (1, '$H', 'INV-2022-1', '2022-01-01T00:00:00Z', 4200, 'Hal Held', '1 Hold St'),
 (2, '$H', 'INV-2019-1', '2019-06-01T00:00:00Z', 1300, 'Hal Held', '1 Hold St'),
 (3, '$K', 'INV-2019-2', '2019-06-01T00:00:00Z', 999, 'Kim Other', '2 Kim St')"
ROW1=$(sql live.db "SELECT * FROM invoices WHERE id = 1")
ROW3=$(sql live.db "SELECT * FROM invoices WHERE id = 3")
mkdir bk
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup"

NOW=2026-11-23T10:00:00Z
lt request erase --email hal@example.com
expect 0 "request erase"
lt run
expect 0 "run erases the client"
eq "live: the held invoice is kept, the other deleted" \
	"$(sql live.db "SELECT id FROM invoices ORDER BY id" | tr '\n' ' ')" "1 3 "

# invoices DIR: the invoice ids restored into DIR
invoices() { sql "$1/live.db" "SELECT id FROM invoices ORDER BY id" | tr '\n' ' '; }

NOW=2026-11-24T10:00:00Z
lt restore bk/b.tar.zst --to "$T/r1"
expect 0 "restore the old backup"
eq "the client is gone" "$(sql r1/live.db "SELECT count(*) FROM subjects WHERE id = '$H'")" 0
eq "the held invoice is kept, the one past its hold dropped" "$(invoices r1)" "1 3 "
eq "the held invoice is unchanged" \
	"$(sql r1/live.db "SELECT * FROM invoices WHERE id = 1")" "$ROW1"
eq "another client's old invoice is untouched" \
	"$(sql r1/live.db "SELECT * FROM invoices WHERE id = 3")" "$ROW3"

NOW=2027-12-31T23:59:59Z
lt restore bk/b.tar.zst --to "$T/r2"
expect 0 "restore with --now one second before the hold ends"
eq "the held invoice is still kept" "$(invoices r2)" "1 3 "

NOW=2028-01-01T00:00:01Z
lt restore bk/b.tar.zst --to "$T/r3"
expect 0 "restore with --now one second after the hold ends"
eq "both of the client's invoices are dropped" "$(invoices r3)" "3 "
no_bytes "the client's name is in no restored file" 'Hal Held' $(find r3 -type f)
eq "another client's old invoice is still untouched" \
	"$(sql r3/live.db "SELECT * FROM invoices WHERE id = 3")" "$ROW3"

# a run after the hold ends releases it; the release is replayed later
NOW=2028-01-02T00:00:00Z
lt run
expect 0 "run after the hold ends"
eq "a release event" "$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'release'")" 1
eq "live: the held invoice is released" "$(sql live.db "SELECT id FROM invoices ORDER BY id" | tr '\n' ' ')" "3 "
NOW=2026-11-25T10:00:00Z
lt restore bk/b.tar.zst --to "$T/r4" --dry-run
expect 0 "a dry run of it"
grep '^would erase:' out >dry.txt
lt inspect bk/b.tar.zst
grep '^would erase:' out >inspect.txt
lt restore bk/b.tar.zst --to "$T/r4"
expect 0 "restore with an earlier --now after the release"
eq "the released invoice is dropped (the release is replayed)" "$(invoices r4)" "3 "
eq "the dry run counted the rows the restore erased" \
	"$(sed 's/^would erase:/erased:/' dry.txt)" "$(grep '^erased:' out)"
eq "so did inspect" "$(cat inspect.txt)" "$(cat dry.txt)"
done_testing
