#!/bin/sh
# Law 3 (runs are idempotent): a second run right after a complete one
# adds no event and changes nothing in the live store or file trees; a
# done request is never executed again, so a person who registers again
# after being erased is left alone (law 8's live-store side).
. "$TESTS_TOP/tests/lib.sh"

state() {
	for t in subjects communications tickets invoices orders web_log; do
		echo "== $t"
		sql live.db "SELECT * FROM $t ORDER BY rowid"
	done
	find attachments | sort
}
nevents() { sql ledger.db "SELECT count(*) FROM events"; }

H=cccccccc-0000-4000-8000-00000000000c
L=aaaaaaaa-0000-4000-8000-00000000000a
K=bbbbbbbb-0000-4000-8000-00000000000b
held_then_due
add_subject live.db dddddddd-0000-4000-8000-00000000000d client 'Stays' \
	stays@example.com '+44 7700 900004' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('$L', '2025-01-01', 'x'), ('$K', '2026-11-01', 'y');
INSERT INTO invoices(subject_id, number, issued_at, amount_cents) VALUES
  ('$K', 'K1', '2026-01-01T00:00:00Z', 7);
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES ('kim@example.com', 'Kim', 'Rd', '2026-01-01', 9);
INSERT INTO web_log(at, ip, path) VALUES ('2026-09-01T00:00:00Z', '1', '/a'),
  ('2026-11-21T00:00:00Z', '1', '/c')"
mkdir -p attachments/$L attachments/$K
echo cv >attachments/$L/cv.txt
echo id >attachments/$K/id.txt
lt request erase --email kim@example.com
lt request erase --email ghost@example.org

lt run
expect 0 "first run"
eq "it did the work: lead and client erased, hold released, log purged" \
	"$(sql live.db "SELECT (SELECT count(*) FROM subjects) ||
	  (SELECT count(*) FROM invoices WHERE number = 'H1') ||
	  (SELECT count(*) FROM web_log)")" 101
S1=$(state)
N1=$(nevents)
HEAD1=$(sql ledger.db "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
ERASES=$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")

lt run
expect 0 "second run at the same time"
eq "no erase event added" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")" "$ERASES"
eq "no event at all added" "$(nevents)" "$N1"
eq "the ledger head is unchanged" \
	"$(sql ledger.db "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")" "$HEAD1"
eq "the live store and files are unchanged" "$(state)" "$S1"
err_has "0 leads expired, 0 requests executed, 0 subjects erased" \
	"the summary says nothing was done"

NOW=2026-11-22T11:00:00Z
lt run
expect 0 "a third run an hour later"
eq "still no event added" "$(nevents)" "$N1"
eq "still nothing changed" "$(state)" "$S1"

# Kim registers again with the same email: the done request stays done
add_subject live.db eeeeeeee-0000-4000-8000-00000000000e client 'Kim Again' \
	kim@example.com '+44 7700 900002' 2026-11-22T11:00:00Z
NOW=2026-11-23T10:00:00Z
lt run
expect 0 "a run after Kim registered again"
eq "the new registration is not erased by the old request" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email = 'kim@example.com'")" 1
eq "no event added" "$(nevents)" "$N1"
lt ledger verify
expect 0 "ledger verifies"
done_testing
