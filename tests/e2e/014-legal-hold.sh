#!/bin/sh
# Legal holds (SPEC 3 [table] on_erase = retain, SPEC 4 run "release holds
# whose time has come") and law 1 (release intent, then the change, then
# `applied`), law 3 (a third run does nothing more), law 10 (time
# injected): invoices issued 7 years ago are deleted at once on erasure,
# those issued 1 year ago are kept unchanged under a `hold` event that says
# until when (issued + 6 years), kept by a run just before that time and
# deleted by a run after it (`release` then `applied`).  With after_hold =
# mask the rows are masked instead.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$CONFDIR/ledger.db" "$1"; }
nevents() { lsql "SELECT count(*) FROM events"; }
A=aaaaaaaa-0000-4000-8000-00000000000a
B=bbbbbbbb-0000-4000-8000-00000000000b

# scenario DIR AFTER_HOLD: a client with an old and a recent invoice
scenario() {
	mkdir "$T/$1"
	CONFDIR=$T/$1
	CONF=$CONFDIR/lethe.ini
	make_store "$CONFDIR/live.db"
	write_config "$CONF"
	if [ "$2" = mask ]; then
		sed -i 's/^after_hold *= *delete/after_hold = mask\nmask       = billing_name, billing_address/' "$CONF"
	fi
	NOW=2026-11-22T10:00:00Z
	lt init
	expect 0 "$1: init"
	add_subject "$CONFDIR/live.db" $A client 'Hana Hold' hana@example.com \
		'+44 7700 900555' 2026-11-01T00:00:00Z
	add_subject "$CONFDIR/live.db" $B client 'Other Client' other@example.com \
		'+44 7700 900556' 2026-11-01T00:00:00Z
	sql "$CONFDIR/live.db" "INSERT INTO invoices(id, subject_id, number,
	  issued_at, amount_cents, billing_name, billing_address) VALUES
	 (1, '$A', 'INV-2019-7', '2019-11-20T10:00:00Z', 9900, 'Hana Hold', '1 Old Rd'),
	 (2, '$A', 'INV-2025-1', '2025-11-20T10:00:00Z', 4500, 'Hana Hold', '1 New Rd'),
	 (3, '$B', 'INV-2019-8', '2019-11-20T10:00:00Z', 1000, 'Other', '9 Rd')"
}

# ------------------------------------------------------------ after_hold = delete
scenario del delete
ROW2=$(sql "$CONFDIR/live.db" "SELECT * FROM invoices WHERE id = 2")
lt request erase --email hana@example.com
expect 0 "request erase"
lt run
expect 0 "run executes the request"
eq "the subject is erased" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
eq "the 7-year-old invoice is deleted at once" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices WHERE id = 1")" 0
eq "the 1-year-old invoice is kept unchanged" \
	"$(sql "$CONFDIR/live.db" "SELECT * FROM invoices WHERE id = 2")" "$ROW2"
eq "another client's old invoice is untouched (no erasure, no hold)" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices WHERE id = 3")" 1
eq "one hold event for the subject's invoices" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'hold' AND
	  subject = '$A' AND scope = 'invoices'")" 1
eq "the hold says until issued + 6 years" \
	"$(lsql "SELECT json_extract(data, '$.until') FROM events WHERE type = 'hold'")" \
	2031-11-20T10:00:00Z
eq "the hold counts one row" \
	"$(lsql "SELECT json_extract(data, '$.rows') FROM events WHERE type = 'hold'")" 1
eq "the tombstone counts the deleted invoice and the held one" \
	"$(lsql "SELECT json_extract(data, '$.tables.invoices') || '/' ||
	  json_extract(data, '$.held.invoices') FROM events WHERE type = 'erase'")" 1/1
eq "the hold comes after its tombstone, inside one applied range" \
	"$(lsql "SELECT count(*) FROM events a, events h, events e WHERE
	  a.type = 'applied' AND h.type = 'hold' AND e.type = 'erase' AND
	  e.seq < h.seq AND e.seq BETWEEN a.ref AND a.ref_last AND
	  h.seq BETWEEN a.ref AND a.ref_last")" 1

N=$(nevents)
NOW=2031-11-20T09:59:59Z
lt run
expect 0 "a run one second before the hold ends"
eq "the held invoice is still there, unchanged" \
	"$(sql "$CONFDIR/live.db" "SELECT * FROM invoices WHERE id = 2")" "$ROW2"
eq "no release recorded" "$(lsql "SELECT count(*) FROM events WHERE type = 'release'")" 0
NOW=2031-11-20T10:00:00Z
lt run
expect 0 "a run exactly when the hold ends (date + 6 years = now is not past)"
eq "the held invoice is still there" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices WHERE id = 2")" 1
eq "no event added by either run" "$(nevents)" "$N"

NOW=2031-11-21T10:00:00Z
lt run
expect 0 "a run after the hold ended"
eq "the held invoice is deleted" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices WHERE id = 2")" 0
eq "other rows untouched" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices")" 1
eq "a release event for the subject's invoices" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'release' AND
	  subject = '$A' AND scope = 'invoices'")" 1
eq "the release is followed by an applied event naming it" \
	"$(lsql "SELECT a.type FROM events r, events a WHERE r.type = 'release'
	  AND a.seq = r.seq + 1 AND r.seq BETWEEN a.ref AND a.ref_last")" applied
eq "the applied event counts one invoice row" \
	"$(lsql "SELECT json_extract(data, '$.tables.invoices') FROM events
	  WHERE type = 'applied' ORDER BY seq DESC LIMIT 1")" 1
eq "still a single tombstone" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase'")" 1

N=$(nevents)
NOW=2031-11-22T10:00:00Z
lt run
expect 0 "a third run"
eq "the third run records nothing" "$(nevents)" "$N"
NOW=2032-06-01T10:00:00Z
lt run
expect 0 "a later run"
eq "still nothing more" "$(nevents)" "$N"
lt ledger verify
expect 0 "ledger verifies"

# ------------------------------------------------------------ after_hold = mask
scenario mask mask
lt request erase --email hana@example.com
expect 0 "mask: request erase"
lt run
expect 0 "mask: run"
eq "mask: the 7-year-old invoice is masked at once, not deleted" \
	"$(sql "$CONFDIR/live.db" "SELECT number || '|' || amount_cents || '|' ||
	  quote(subject_id) || quote(billing_name) || quote(billing_address)
	  FROM invoices WHERE id = 1")" "INV-2019-7|9900|NULLNULLNULL"
eq "mask: the 1-year-old invoice is kept unchanged" \
	"$(sql "$CONFDIR/live.db" "SELECT subject_id || billing_name || billing_address
	  FROM invoices WHERE id = 2")" "${A}Hana Hold1 New Rd"
eq "mask: one hold event until issued + 6 years" \
	"$(lsql "SELECT count(*) || ' ' || json_extract(data, '$.until') FROM events
	  WHERE type = 'hold'")" "1 2031-11-20T10:00:00Z"
NOW=2031-11-20T09:59:59Z
lt run
expect 0 "mask: a run just before the hold ends"
eq "mask: still unchanged" \
	"$(sql "$CONFDIR/live.db" "SELECT subject_id || billing_name || billing_address
	  FROM invoices WHERE id = 2")" "${A}Hana Hold1 New Rd"
NOW=2031-11-21T10:00:00Z
lt run
expect 0 "mask: a run after the hold ended"
eq "mask: the invoice is kept, its billing columns and link masked" \
	"$(sql "$CONFDIR/live.db" "SELECT number || '|' || amount_cents || '|' ||
	  issued_at || '|' || quote(subject_id) || quote(billing_name) ||
	  quote(billing_address) FROM invoices WHERE id = 2")" \
	"INV-2025-1|4500|2025-11-20T10:00:00Z|NULLNULLNULL"
eq "mask: three invoices remain" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices")" 3
eq "mask: release then applied" \
	"$(lsql "SELECT group_concat(type, ' ') FROM (SELECT type FROM events
	  WHERE seq > (SELECT max(seq) FROM events WHERE type = 'hold') AND
	  type IN ('release', 'applied') ORDER BY seq)")" "applied release applied"
N=$(nevents)
NOW=2031-11-22T10:00:00Z
lt run
expect 0 "mask: a third run"
eq "mask: the third run records nothing" "$(nevents)" "$N"
lt ledger verify
expect 0 "mask: ledger verifies"

# ------------------------------------------------------------ two dates
# held rows with different dates are released one by one; the hold says
# until the last one ends
scenario parts delete
sql "$CONFDIR/live.db" "INSERT INTO invoices(id, subject_id, number, issued_at,
  amount_cents) VALUES (4, '$A', 'INV-2026-5', '2026-05-20T10:00:00Z', 700)"
lt request erase --email hana@example.com
lt run
expect 0 "parts: run"
eq "parts: the hold covers two rows until the later one ends" \
	"$(lsql "SELECT json_extract(data, '$.rows') || ' ' ||
	  json_extract(data, '$.until') FROM events WHERE type = 'hold'")" \
	"2 2032-05-20T10:00:00Z"
NOW=2031-12-01T10:00:00Z
lt run
expect 0 "parts: a run after the first hold ended"
eq "parts: the first invoice is deleted, the second kept" \
	"$(sql "$CONFDIR/live.db" "SELECT group_concat(id) FROM invoices WHERE
	  subject_id = '$A'")" 4
eq "parts: the release says one row remains" \
	"$(lsql "SELECT json_extract(data, '$.remaining') FROM events WHERE
	  type = 'release'")" 1
NOW=2032-05-21T10:00:00Z
lt run
expect 0 "parts: a run after the second hold ended"
eq "parts: both invoices are gone" \
	"$(sql "$CONFDIR/live.db" "SELECT count(*) FROM invoices WHERE
	  subject_id = '$A'")" 0
eq "parts: two releases, each applied" \
	"$(lsql "SELECT count(*) FROM events r WHERE r.type = 'release' AND
	  (SELECT count(*) FROM events a WHERE a.type = 'applied' AND r.seq
	  BETWEEN a.ref AND a.ref_last) = 1")" 2
N=$(nevents)
NOW=2032-06-21T10:00:00Z
lt run
expect 0 "parts: a later run"
eq "parts: nothing more recorded" "$(nevents)" "$N"
done_testing
