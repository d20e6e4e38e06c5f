#!/bin/sh
# Law 4 "No personal data in the ledger ... the ledger can be handed to an
# auditor": a --ref holding an email address spelt another way (URL-encoded
# "%40", the fullwidth or small Unicode at, "alice at example dot com") is
# refused like one with a plain '@', and nothing is recorded; ticket
# numbers, also ones with "at" in words, stay accepted.  Then, after a
# whole life -- a lead expired, a request with a --ref, a request for
# someone unknown, a backup, a foreign archive restored, scrubbed and
# inspected, a hold released -- no byte of the ledger (and its WAL)
# holds anyone's email, phone (in any spelling) or name.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
L=aaaaaaaa-0000-4000-8000-000000000003
setup '[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone'
add_subject live.db $A client 'Alice Zyxwvut' alice@example.com \
	'+44 7700 900123' 2026-01-01T00:00:00Z
add_subject live.db $B client 'Bob Qwertyu' bob@example.com '07700 900456' \
	2026-11-01T00:00:00Z
add_subject live.db $L lead 'Lena Plokijuh' lena@example.com '07700 900789' \
	2025-01-01T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at, amount_cents,
  billing_name, billing_address) VALUES ('$A', 'A1', '2020-12-01', 5,
  'Alice Zyxwvut', 'Mulberry Lane');
INSERT INTO communications(subject_id, at, body) VALUES
  ('$A', '2026-01-01', 'mail alice@example.com'),
  ('$B', '2026-01-01', 'cc alice@example.com +447700900123');
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES ('Alice@example.com', 'Alice Zyxwvut',
  'Mulberry Lane', '2026-01-01', 1)"
mkdir -p attachments/$A exports bk foreign/app
echo "Alice Zyxwvut cv" >attachments/$A/cv.txt
printf 'email,phone,name\nalice@example.com,,Alice Zyxwvut\nbob@example.com,,Bob Qwertyu\n' \
	>exports/x.csv
cp live.db foreign/app/data.sqlite
cp -R exports foreign/app/
(cd foreign && tar cf ../bk/foreign.tar app)
lt backup -o "$T/bk/own.tar.zst"
expect 0 "a backup holding everyone"

N=$(sql ledger.db "SELECT count(*) FROM events")
for ref in 'alice%40example.com' 'alice＠example.com' 'alice﹫example.com' \
	'alice at example dot com' 'Alice AT Example DOT com'; do
	lt request erase --email alice@example.com --ref "$ref"
	expect 64 "--ref '$ref' spells an email address: refused"
done
eq "nothing recorded" "$(sql ledger.db "SELECT count(*) FROM events")" "$N"
for ref in 'HD-2026-0001' 'escalated at tier 2' 'T#42 reply at noon'; do
	lt request erase --email nobody@example.net --ref "$ref"
	expect 0 "--ref '$ref' is accepted"
done

NOW=2026-11-23T10:00:00Z
lt request erase --email ' ALICE@example.com' --phone '07700 900123' \
	--ref HD-2026-0002
expect 0 "a request for alice"
lt request erase --email ghost.person@example.org --phone '+1 415 555 0132'
expect 0 "a request for someone unknown"
lt run
expect 0 "run: lena expires, alice is erased, her invoice held"
eq "the invoice is held" "$(sql live.db "SELECT count(*) FROM invoices")" 1
lt ledger lookup --email alice@example.com
expect 0 "alice's erasure is found"
lt restore bk/foreign.tar --to "$T/r1"
expect 0 "a foreign archive restored"
lt restore bk/own.tar.zst --to "$T/r2"
expect 0 "the own backup restored"
lt scrub bk/foreign.tar -o "$T/bk/scrubbed.tar"
expect 0 "the foreign archive scrubbed"
lt inspect bk/own.tar.zst
expect 1 "inspect finds erased people in the old backup"
NOW=2027-01-01T00:00:00Z
lt run
expect 0 "the hold ends"
eq "the invoice is released" "$(sql live.db "SELECT count(*) FROM invoices")" 0
lt ledger verify
expect 0 "the chain verifies"
for who in alice Zyxwvut Mulberry bob Qwertyu lena Plokijuh ghost example \
	900123 7700900123 900456 900789 5550132 '415 555'; do
	no_bytes "no '$who' in the ledger's bytes" "$who" ledger.db ledger.db-wal
done
done_testing
