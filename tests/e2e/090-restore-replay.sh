#!/bin/sh
# Law 5 (restore is replay), law 6 (erased means gone from the bytes) and
# law 2 (the ledger stands outside what it protects), SPEC 4 backup and
# restore: a backup is taken; afterwards a lead expires and a client is
# erased by request.  Restoring the old backup brings back neither: no
# subjects row, communications, tickets, attachments/<id>/ folder or CSV
# record of theirs, their orders masked, their emails in the bytes of no
# restored file (databases vacuumed, no free pages); every other subject
# comes back with exactly the rows the backup held.  `backup` prints the
# archive path and appends a `backup` event; `restore` appends a `restore`
# event with the archive's SHA-256 and the target.  The ledger, the key
# and the lock file are never inside a backup, though they sit in the
# config folder (and a hard link to the key sits in an attachments tree).
. "$TESTS_TOP/tests/lib.sh"

K1=aaaaaaaa-0000-4000-8000-000000000001		# client, kept
K2=aaaaaaaa-0000-4000-8000-000000000002		# fresh lead, kept
L=aaaaaaaa-0000-4000-8000-000000000003		# stale lead, expires
C=aaaaaaaa-0000-4000-8000-000000000004		# client, erased by request
ERASED="'$L', '$C'"

# same_rows WHAT QUERY: QUERY gives the same rows in the backup and in
# the restored store
same_rows() {
	a=$(sql "$T/bx/live.db" "$2")
	b=$(sql "$T/r/live.db" "$2")
	if [ "$a" = "$b" ]; then ok "$1"
	else
		not_ok "$1"
		printf '%s\n' "$a" >"$T/.a"; printf '%s\n' "$b" >"$T/.b"
		diff "$T/.a" "$T/.b" | head -n 10 | sed 's/^/# /'
	fi
}

setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone_number"

add_subject live.db $K1 client 'Kim Keep' kim.keep@example.com \
	'+44 7700 900101' 2026-10-01T00:00:00Z
add_subject live.db $K2 lead 'Kai Fresh' kai.fresh@example.com \
	'+44 7700 900102' 2026-06-01T00:00:00Z
add_subject live.db $L lead 'Lee Stale' lee.stale@example.com \
	'+44 7700 900103' 2025-11-01T00:00:00Z
add_subject live.db $C client 'Cat Gone' cat.gone@example.com \
	'+44 7700 900104' 2026-10-15T00:00:00Z
sql live.db "
INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$K1', '2026-10-01', 'mail', 'hello from kim.keep@example.com'),
 ('$K1', '2026-10-02', 'phone', 'called back'),
 ('$K2', '2026-06-01', 'mail', 'brochure for kai.fresh@example.com'),
 ('$L', '2025-11-01', 'mail', 'brochure for lee.stale@example.com'),
 ('$L', '2025-10-30', 'web', 'form sent'),
 ('$C', '2026-10-15', 'mail', 'please erase cat.gone@example.com'),
 ('$C', '2026-10-14', 'mail', 'second mail, ring +44 7700 900104'),
 ('$C', '2026-10-13', 'phone', 'third');
INSERT INTO tickets(subject_id, opened_at, title, body, status) VALUES
 ('$K1', '2026-10-03', 'login', 'kim cannot log in', 'open'),
 ('$C', '2026-10-10', 'refund', 'refund to cat.gone@example.com', 'closed'),
 ('$C', '2026-10-11', 'erase', 'wants erasure', 'open');
INSERT INTO invoices(subject_id, number, issued_at, amount_cents,
  billing_name, billing_address) VALUES
 ('$K1', 'INV-1', '2026-09-01T00:00:00Z', 1200, 'Kim Keep', '1 Main St');
INSERT INTO orders(id, customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES
 (1, 'kim.keep@example.com', 'Kim Keep', '1 Main St', '2026-09-01', 1200),
 (2, 'cat.gone@example.com', 'Cat Gone', '4 Gone Rd', '2026-09-02', 300),
 (3, 'Cat.Gone@Example.com', 'Cat Gone', '4 Gone Rd', '2026-09-03', 400);
INSERT INTO web_log(at, ip, path, user_agent) VALUES
 ('2026-11-20T00:00:00Z', '192.0.2.1', '/', 'test'),
 ('2026-11-21T00:00:00Z', '192.0.2.2', '/shop', 'test')"
for id in $K1 $K2 $L $C; do
	mkdir -p "attachments/$id"
	echo "contract for $id" >"attachments/$id/contract.txt"
done
echo "scan of cat.gone@example.com's passport" >"attachments/$C/passport.txt"
echo "lee.stale@example.com asked for a quote" >"attachments/$L/quote.txt"
ln ledger.key "attachments/$K1/key-link"
mkdir exports bk
cat >exports/contacts.csv <<'CSV'
email,name,phone_number
kim.keep@example.com,Kim Keep,+44 7700 900101
kai.fresh@example.com,Kai Fresh,+44 7700 900102
lee.stale@example.com,Lee Stale,+44 7700 900103
"cat.gone@example.com","Cat, Gone",+44 7700 900104
CSV

# ------------------------------------------------------------------ backup
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup"
eq "backup prints the archive path" "$(cat out)" "$T/bk/b.tar.zst"
check "the archive exists" test -s bk/b.tar.zst
SHA=$(sha256sum bk/b.tar.zst | cut -d' ' -f1)
bsdtar -tf bk/b.tar.zst >list 2>/dev/null
check "the backup holds the live store" grep -qx live.db list
check "the backup holds the attachments" \
	grep -qx "attachments/$C/passport.txt" list
check "the backup holds the exports" grep -qx exports/contacts.csv list
check "the backup holds a manifest" grep -qx lethe-manifest.json list
if grep -q 'ledger\.db\|ledger\.key\|\.lock' list; then
	not_ok "the ledger, key or lock file is inside the backup: $(grep 'ledger\|lock' list | tr '\n' ' ')"
else ok "neither the ledger, the key nor the lock file is inside the backup"; fi
if grep -q key-link list; then not_ok "a hard link to the key is inside the backup"
else ok "a hard link to the key is not inside the backup"; fi
KEYHEX=$(od -An -tx1 ledger.key | tr -d ' \n')
eq "the key's bytes are nowhere in the archive" "$(zstd -dc bk/b.tar.zst |
	od -An -tx1 -v | tr -d ' \n' | grep -c "$KEYHEX")" 0

lt ledger list --json
eq "one backup event" "$(grep -c '"type":"backup"' out)" 1
eq "the backup event names the file" "$(jfield backup data file)" \
	"$T/bk/b.tar.zst"
eq "the backup event holds the archive's SHA-256" \
	"$(jfield backup data sha256)" "$SHA"
BSEQ=$(jfield backup data ledger_seq)

# what the backup holds, for comparing
mkdir bx && bsdtar -xf bk/b.tar.zst -C bx
eq "the backup holds all four subjects" \
	"$(sql bx/live.db "SELECT count(*) FROM subjects")" 4

# ------------------------------------------------- erasures after the backup
NOW=2026-11-23T10:00:00Z
lt request erase --email cat.gone@example.com
expect 0 "request erase for the client"
lt run
expect 0 "run: the lead expires, the request is executed"
eq "live: both erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id IN ($ERASED)")" 0
eq "live: two tombstones" "$(sql ledger.db \
	"SELECT count(*) FROM events WHERE type = 'erase'")" 2

# ----------------------------------------------------------------- restore
NOW=2026-11-24T10:00:00Z
lt restore "$T/bk/b.tar.zst" --to "$T/r"
expect 0 "restore the old backup"
out_has "restored into" "restore says where"
check "the target is a folder" test -d r
eq "nothing but the target is left beside it (no staging)" \
	"$(ls -A "$T" | grep -c '^\.lethe-staging')" 0

R=r/live.db
eq "erased subjects' rows are absent" \
	"$(sql $R "SELECT count(*) FROM subjects WHERE id IN ($ERASED)")" 0
eq "erased subjects' communications are absent" \
	"$(sql $R "SELECT count(*) FROM communications WHERE subject_id IN ($ERASED)")" 0
eq "erased subjects' tickets are absent" \
	"$(sql $R "SELECT count(*) FROM tickets WHERE subject_id IN ($ERASED)")" 0
eq "the erased client's orders are kept, masked (email, name, address)" \
	"$(sql $R "SELECT id, quote(customer_email), quote(customer_name),
	  quote(delivery_address), total_cents FROM orders WHERE id IN (2, 3)
	  ORDER BY id" | tr '\n' ' ')" \
	"2|NULL|NULL|NULL|300 3|NULL|NULL|NULL|400 "
for id in $L $C; do
	check "attachments/$id/ is absent" test ! -e "r/attachments/$id"
done
check "a kept subject's attachments are back, unchanged" \
	cmp r/attachments/$K1/contract.txt bx/attachments/$K1/contract.txt
eq "the CSV lost exactly the erased subjects' records" "$(cat r/exports/contacts.csv)" \
"email,name,phone_number
kim.keep@example.com,Kim Keep,+44 7700 900101
kai.fresh@example.com,Kai Fresh,+44 7700 900102"

# every restored file's bytes
find r -type f >files
no_bytes "the expired lead's email is in no restored file" \
	lee.stale@example.com $(cat files)
no_bytes "the erased client's email is in no restored file" \
	cat.gone@example.com $(cat files)
no_bytes "the erased client's name is in no restored file" 'Cat Gone' $(cat files)
eq "the restored database has no free pages (vacuumed)" \
	"$(sql $R "PRAGMA freelist_count")" 0
eq "the restored database is sound" "$(sql $R "PRAGMA integrity_check")" ok
check "no -wal or -journal beside the restored database" \
	test ! -e r/live.db-wal -a ! -e r/live.db-journal

# every other subject, exactly as in the backup
eq "kept subjects: the backup's count less the two erased" \
	"$(sql $R "SELECT count(*) FROM subjects")" 2
same_rows "kept subjects' rows are identical" \
	"SELECT * FROM subjects WHERE id NOT IN ($ERASED) ORDER BY id"
for t in communications tickets invoices; do
	same_rows "$t: the others' rows are identical, same count" \
		"SELECT * FROM $t WHERE subject_id NOT IN ($ERASED) ORDER BY id"
done
same_rows "orders: the others' rows are identical" \
	"SELECT * FROM orders WHERE id NOT IN (2, 3) ORDER BY id"
same_rows "web_log: identical (nothing aged)" "SELECT * FROM web_log ORDER BY id"
eq "orders: as many rows as in the backup" \
	"$(sql $R "SELECT count(*) FROM orders")" \
	"$(sql bx/live.db "SELECT count(*) FROM orders")"
same_rows "the schema is unchanged" "SELECT sql FROM sqlite_schema ORDER BY name"
check "the restored tree holds no ledger or key" \
	test ! -e r/ledger.db -a ! -e r/ledger.key

# the restore event
lt ledger list --json
expect 0 "ledger list --json"
eq "one restore event" "$(grep -c '"type":"restore"' out)" 1
eq "it holds the archive's SHA-256" "$(jfield restore data archive_sha256)" "$SHA"
eq "it names the target" "$(jfield restore data target)" "$(realpath r)"
eq "it names the rule: the manifest's seq" "$(jfield restore data rule)" \
	"manifest seq $BSEQ"
eq "it counts the two erased subjects" "$(jfield restore data subjects)" 2
eq "it counts the subjects rows" "$(jfield restore data tables subjects)" 2
out_lacks "cat.gone" "the ledger holds no email"
lt ledger verify
expect 0 "the ledger verifies"

# law 2: restoring the live store never rolls the ledger back
check "the ledger is still in place" test -s ledger.db
eq "the ledger kept its tombstones" "$(sql ledger.db \
	"SELECT count(*) FROM events WHERE type = 'erase'")" 2

# without -o: into backup_dir (default <config folder>/backups)
lt backup
expect 0 "backup without -o"
P=$(cat out)
case $P in
"$T"/backups/*) ok "it prints a path in <config folder>/backups" ;;
*) not_ok "it prints a path in <config folder>/backups: got '$P'" ;;
esac
check "that archive exists" test -s "$P"
lt ledger list --json
eq "its backup event names it" "$(jfield backup data file)" "$P"
eq "its backup event holds its SHA-256" "$(jfield backup data sha256)" \
	"$(sha256sum "$P" | cut -d' ' -f1)"
if bsdtar -tf "$P" | grep -q 'ledger\|\.lock'; then
	not_ok "the second backup holds the ledger, key or lock"
else ok "the second backup holds neither the ledger, the key nor the lock"; fi
done_testing
