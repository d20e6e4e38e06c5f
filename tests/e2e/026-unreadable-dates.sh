#!/bin/sh
# SPEC 3 "Durations": a NULL or unreadable date leaves the row untouched
# and logs a warning naming table and rowid -- for [purge] rules and for
# rows under a legal hold ([table] on_erase = retain), both when the
# subject is erased and when later runs release holds.
. "$TESTS_TOP/tests/lib.sh"

K=aaaaaaaa-0000-4000-8000-00000000000a
setup
add_subject live.db $K client 'Kim' kim@example.com '+44 7700 900002' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO invoices(id, subject_id, number, issued_at,
  amount_cents) VALUES (7, '$K', 'BAD', 'not a date', 1),
  (8, '$K', 'OLD', '2001-01-01T00:00:00Z', 1);
INSERT INTO web_log(id, at, ip, path) VALUES (41, 'garbage', '1', '/'),
  (42, '2026-02-30T00:00:00Z', '1', '/'), (43, '2026-01-01T00:00:00Z', '1', '/')"
lt request erase --email kim@example.com
expect 0 "request erase"
lt run
expect 0 "run"
eq "the invoice with an unreadable date is kept" \
	"$(sql live.db "SELECT number || '|' || subject_id FROM invoices")" "BAD|$K"
check "a warning names the table and the row id of the undated invoice" \
	grep -Eq "invoices.*row 7([^0-9]|$)|row 7([^0-9]).*invoices" err
eq "the web_log rows with unreadable dates are kept, the aged one purged" \
	"$(sql live.db "SELECT group_concat(id) FROM web_log")" "41,42"
check "a warning names web_log and row 41" \
	grep -Eq "web_log.*row 41([^0-9]|$)" err
check "a warning names web_log and row 42 (30 February)" \
	grep -Eq "web_log.*row 42([^0-9]|$)" err
eq "the hold event says one row is undated" \
	"$(sql ledger.db "SELECT json_extract(data, '$.undated') FROM events
	  WHERE type = 'hold'")" 1

NOW=2040-01-01T00:00:00Z
lt run
expect 0 "a run years later"
eq "the undated held invoice is still kept" \
	"$(sql live.db "SELECT count(*) FROM invoices WHERE id = 7")" 1
check "and the warning names it again" \
	grep -Eq "invoices.*row 7([^0-9]|$)|row 7([^0-9]).*invoices" err
done_testing
