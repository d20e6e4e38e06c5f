#!/bin/sh
# SPEC 4 request ("a request that matches no live subject still completes
# with a tombstone whose subject is null and which carries the request's
# identifier hashes, so old backups get filtered too") with law 5 and 8:
# a backup holds bob; bob then leaves the live store by other means; a
# request for bob@example.com (and his phone) matches no live subject and
# leaves an identifier-only tombstone; restoring the older backup removes
# bob (rows, order masked, CSV record, attachments folder, bytes).
. "$TESTS_TOP/tests/lib.sh"

BOB=dddddddd-0000-4000-8000-00000000000b
K=dddddddd-0000-4000-8000-00000000000c

setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone_number"
add_subject live.db $BOB client 'Bob Byname' bob@example.com \
	'+44 7700 900401' 2026-10-01T00:00:00Z
add_subject live.db $K client 'Kay Kept' kay@example.com \
	'+44 7700 900402' 2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$BOB', '2026-10-01', 'from bob@example.com'), ('$BOB', '2026-10-02', 'bob again'),
 ('$K', '2026-10-01', 'kay');
 INSERT INTO tickets(subject_id, opened_at, title, body) VALUES
 ('$BOB', '2026-10-03', 'help', 'bob needs help');
 INSERT INTO orders(id, customer_email, customer_name, delivery_address,
 placed_at, total_cents) VALUES
 (1, 'bob@example.com', 'Bob Byname', '7 Bob St', '2026-09-01', 700),
 (2, 'kay@example.com', 'Kay Kept', '8 Kay St', '2026-09-01', 800)"
mkdir -p attachments/$BOB attachments/$K exports bk
echo "bob's contract" >attachments/$BOB/contract.txt
echo "kay's contract" >attachments/$K/contract.txt
cat >exports/contacts.csv <<'CSV'
email,name,phone_number
bob@example.com,Bob Byname,+44 7700 900401
kay@example.com,Kay Kept,+44 7700 900402
CSV
# the same from a spreadsheet that writes a UTF-8 byte order mark
printf '\357\273\277email,name,phone_number\r\nbob@example.com,Bob Byname,\r\nkay@example.com,Kay Kept,\r\n' \
	>exports/bom.csv
lt backup -o "$T/bk/old.tar.zst"
expect 0 "backup while bob is in the store"

# bob leaves the live store by other means (the application deleted him)
NOW=2026-11-23T10:00:00Z
sql live.db "DELETE FROM subjects WHERE id = '$BOB';
 DELETE FROM communications WHERE subject_id = '$BOB';
 DELETE FROM tickets WHERE subject_id = '$BOB';
 DELETE FROM orders WHERE id = 1"
rm -r attachments/$BOB
sed -i '/^bob@/d' exports/contacts.csv exports/bom.csv
lt request erase --email bob@example.com --phone '07700 900401'
expect 0 "request erase for bob"
lt run
expect 0 "run completes the request"
lt ledger list --json
eq "one tombstone" "$(grep -c '"type":"erase"' out)" 1
eq "its subject is null" "$(jfield erase subject)" "<none>"
check "it carries identifier hashes" sh -c "grep '\"type\":\"erase\"' '$T/out' |
	grep -q '\"ids\":\[\"'"
out_lacks "bob@example.com" "the ledger holds no email"
lt ledger lookup --email bob@example.com
expect 0 "ledger lookup finds bob's erasure"

NOW=2026-11-24T10:00:00Z
lt restore bk/old.tar.zst --to "$T/r"
expect 0 "restore the older backup"
eq "bob's subjects row is gone" "$(sql r/live.db "SELECT count(*) FROM subjects
  WHERE id = '$BOB' OR email = 'bob@example.com'")" 0
eq "bob's communications are gone" "$(sql r/live.db "SELECT count(*) FROM
  communications WHERE subject_id = '$BOB'")" 0
eq "bob's tickets are gone" "$(sql r/live.db "SELECT count(*) FROM tickets
  WHERE subject_id = '$BOB'")" 0
eq "bob's order is masked" "$(sql r/live.db "SELECT quote(customer_email) ||
  quote(customer_name) || quote(delivery_address) FROM orders WHERE id = 1")" \
	NULLNULLNULL
eq "bob's CSV record is dropped" "$(cat r/exports/contacts.csv)" \
	"email,name,phone_number
kay@example.com,Kay Kept,+44 7700 900402"
eq "bob's record is dropped from the CSV with a byte order mark" \
	"$(cat r/exports/bom.csv | tr -d '\r')" "$(printf '\357\273\277email,name,phone_number\nkay@example.com,Kay Kept,')"
err_lacks "no column 'email'" "its header's first name is read past the mark"
no_bytes "bob's email is in no restored file" bob@example.com $(find r -type f)
no_bytes "bob's name is in no restored file" 'Bob Byname' $(find r -type f)
eq "kay is whole" "$(sql r/live.db "SELECT count(*) FROM subjects WHERE id = '$K'")/$(sql r/live.db \
	"SELECT count(*) FROM communications WHERE subject_id = '$K'")/$(sql r/live.db \
	"SELECT customer_name FROM orders WHERE id = 2")" "1/1/Kay Kept"
check "kay's attachments are back" test -f r/attachments/$K/contract.txt
check "bob's attachments folder is dropped with him" test ! -e r/attachments/$BOB
lt ledger list --json
eq "the restore event counts one subject" "$(jfield restore data subjects)" 1
done_testing
