#!/bin/sh
# SPEC 1 (retain: kept only as long as required) with law 5: a restored
# database may hold a person the live store never had when their erasure
# ran (an identifier-only tombstone), with invoices under a legal hold.
# The restore keeps those invoices (the hold) and records a `hold` event
# for that person (under her request), so that once the restored database
# is the live store again (disaster recovery), a run releases them when
# the hold ends, and a later restore of an archive made from it (a
# scrub's) drops them once the hold is over.
. "$TESTS_TOP/tests/lib.sh"
setup
I=11111111-0000-4000-8000-000000000001
K=22222222-0000-4000-8000-000000000002
add_subject live.db $K client Kim kim@example.com '' 2026-11-01T00:00:00Z
mkdir app
cp live.db app/live.db
add_subject app/live.db $I client Ivy ivy@example.com '' 2026-11-01T00:00:00Z
sql app/live.db "INSERT INTO invoices(subject_id, number, issued_at,
  amount_cents, billing_name, billing_address) VALUES
  ('$I', 'A-1', '2019-06-01T00:00:00Z', 100, 'Ivy', '1 Road'),
  ('$I', 'A-2', '2024-01-01T00:00:00Z', 200, 'Ivy', '1 Road'),
  ('$K', 'B-1', '2024-01-01T00:00:00Z', 300, 'Kim', '2 Road');"
tar -cf app.tar app

lt request erase --email ivy@example.com
lt run
expect 0 "Ivy, unknown to the live store, gets an identifier-only tombstone"

lt restore app.tar --to "$T/dry" --dry-run
expect 0 "a dry run"
eq "records no hold" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'hold'")" 0

lt restore app.tar --to "$T/r"
expect 0 "the old copy of the application restores"
eq "Ivy's subjects row is gone" \
	"$(sql r/app/live.db "SELECT count(*) FROM subjects WHERE id = '$I'")" 0
eq "her invoice past its hold is gone, the one inside it kept, Kim's kept" \
	"$(sql r/app/live.db "SELECT group_concat(number) FROM invoices
	  ORDER BY number")" "A-2,B-1"
eq "a hold is recorded for her kept invoice, until its hold ends" \
	"$(sql ledger.db "SELECT scope || ' ' || json_extract(data, '$.rows')
	  || ' ' || json_extract(data, '$.until') FROM events WHERE
	  type = 'hold' AND subject = '$I'")" \
	"invoices 1 2030-01-01T00:00:00Z"
lt restore app.tar --to "$T/r2"
expect 0 "the same archive restored again"
eq "records no second hold" "$(nevents hold "$I")" 1

# scrub records such a hold too (Jo: asked after the restore above)
J=33333333-0000-4000-8000-000000000003
add_subject app/live.db $J client Jo jo@example.com '' 2026-11-01T00:00:00Z
sql app/live.db "INSERT INTO invoices(subject_id, number, issued_at,
  amount_cents, billing_name, billing_address) VALUES
  ('$J', 'C-1', '2025-01-01T00:00:00Z', 400, 'Jo', '3 Road');"
tar -cf app2.tar app
lt request erase --email jo@example.com
lt run
lt scrub app2.tar -o "$T/clean.tar"
expect 0 "scrub of an archive holding Jo"
eq "records a hold for Jo's kept invoice" \
	"$(sql ledger.db "SELECT scope || ' ' || json_extract(data, '$.until')
	  FROM events WHERE type = 'hold' AND subject = '$J'")" \
	"invoices 2031-01-01T00:00:00Z"
eq "under her request's tombstone" \
	"$(sql ledger.db "SELECT count(*) FROM events h JOIN events e ON
	  e.request = h.request AND e.type = 'erase' WHERE h.type = 'hold'
	  AND h.subject = '$J'")" 1
lt ledger verify
expect 0 "the ledger verifies"
# the scrubbed archive's manifest is newer than Jo's erasure, so her
# identifiers no longer match in it: her kept invoice is found by her id
NOW=2030-12-01T00:00:00Z
lt restore "$T/clean.tar" --to "$T/c1"
expect 0 "the scrubbed archive restored inside Jo's hold"
eq "keeps her invoice" "$(sql c1/app/live.db "SELECT group_concat(number)
	  FROM invoices WHERE billing_name = 'Jo'")" C-1
NOW=2031-02-01T00:00:00Z
lt inspect "$T/clean.tar"
expect 1 "inspect after her hold: erased data found"
lt restore "$T/clean.tar" --to "$T/c2"
expect 0 "the scrubbed archive restored after Jo's hold"
eq "drops her invoice" "$(sql c2/app/live.db "SELECT count(*) FROM invoices
	  WHERE billing_name = 'Jo'")" 0
eq "and keeps Kim's" "$(sql c2/app/live.db "SELECT group_concat(number)
	  FROM invoices WHERE billing_name = 'Kim'")" B-1
NOW=2026-11-22T10:00:00Z

# the restored database becomes the live store
# invoices_of SID: how many invoices the live store holds for SID
invoices_of() {
	sql live.db "SELECT count(*) FROM invoices WHERE subject_id = '$1'"
}
cp r/app/live.db live.db
NOW=2029-12-01T00:00:00Z
lt run
expect 0 "a run inside the hold"
eq "keeps the invoice" "$(invoices_of "$I")" 1
NOW=2030-02-01T00:00:00Z
lt run
expect 0 "a run after the hold"
eq "releases it" "$(invoices_of "$I")" 0
eq "Kim's invoice stays" "$(invoices_of "$K")" 1
eq "and records the release" "$(nevents release "$I")" 1
done_testing
