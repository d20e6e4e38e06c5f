#!/bin/sh
# Law 5 and law 8 for foreign archives (SPEC 1 restore, SPEC 4 restore):
# a plain `tar czf` of the application's folder (live.db, attachments,
# exports) and a zip made by another tool whose database has a neutral
# name (data/store.bin, found by its header) are filtered the same way,
# from a file or from standard input (`restore - --to DIR`): with no
# manifest, lethe errs on the side of erasure and every tombstone's
# identifiers match (rule "all"), so besides the erased subjects by id, a
# subject with another id holding an erased person's email, and one
# holding an erased person's phone in national form, are removed too.
# Per-subject folders and CSV records of the erased go; the rest is
# restored unchanged; the `restore` event names the rule "all".
. "$TESTS_TOP/tests/lib.sh"

K=bbbbbbbb-0000-4000-8000-000000000001	# client, kept
E=bbbbbbbb-0000-4000-8000-000000000002	# client, erased by request
L=bbbbbbbb-0000-4000-8000-000000000003	# stale lead, expires
R=bbbbbbbb-0000-4000-8000-000000000004	# another id, E's email
P=bbbbbbbb-0000-4000-8000-000000000005	# another id, L's phone
GONE="'$E', '$L', '$R', '$P'"

# state DB FILES: what a restored tree holds, in a comparable form
state() {
	for t in subjects communications tickets invoices orders web_log; do
		echo "== $t"
		sql "$1" "SELECT * FROM $t ORDER BY rowid"
	done
	echo "== attachments"
	(cd "$2/attachments" && find . -type f | sort && cat $(find . -type f | sort))
	echo "== exports"
	cat "$2/exports/contacts.csv"
}

setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone_number"
add_subject live.db $K client 'Kit Kept' kit.kept@example.com \
	'+44 7700 900201' 2026-10-01T00:00:00Z
add_subject live.db $E client 'Eve Erased' eve.erased@example.com \
	'+44 7700 900202' 2026-10-01T00:00:00Z
add_subject live.db $L lead 'Len Lead' len.lead@example.com \
	'+44 7700 900203' 2025-10-01T00:00:00Z
sql live.db "
INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$K', '2026-10-01', 'mail', 'kit writes'),
 ('$E', '2026-10-01', 'mail', 'eve writes from eve.erased@example.com'),
 ('$L', '2025-10-01', 'mail', 'len asks, len.lead@example.com');
INSERT INTO tickets(subject_id, opened_at, title, body) VALUES
 ('$K', '2026-10-02', 't1', 'kit ticket'),
 ('$E', '2026-10-02', 't2', 'eve ticket');
INSERT INTO orders(id, customer_email, customer_name, delivery_address,
  placed_at, total_cents) VALUES
 (1, 'kit.kept@example.com', 'Kit Kept', '1 Kit Rd', '2026-09-01', 100),
 (2, 'eve.erased@example.com', 'Eve Erased', '2 Eve Rd', '2026-09-01', 200);
INSERT INTO web_log(at, ip, path) VALUES ('2026-11-21T00:00:00Z', '192.0.2.9', '/')"
for id in $K $E $L; do
	mkdir -p "attachments/$id"
	echo "file of $id" >"attachments/$id/doc.txt"
done
mkdir exports
cat >exports/contacts.csv <<'CSV'
email,name,phone_number
kit.kept@example.com,Kit Kept,+44 7700 900201
eve.erased@example.com,Eve Erased,+44 7700 900202
len.lead@example.com,Len Lead,+44 7700 900203
other@example.com,Not Len,07700 900203
CSV

# the application's folder as another tool would save it, before the
# erasures; its copy of the store also holds two more accounts
mkdir -p app
sql live.db ".backup app/live.db"
cp -R attachments exports app/
sql app/live.db "
INSERT INTO subjects VALUES ('$R', 'client', 'Eve Again', 'eve.erased@example.com',
  NULL, '2 Eve Rd', '2026-01-01T00:00:00Z', '2026-10-01T00:00:00Z'),
 ('$P', 'client', 'Pat Phone', 'pat.phone@example.com', '07700 900203',
  '3 Pat Rd', '2026-01-01T00:00:00Z', '2026-10-01T00:00:00Z');
INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$R', '2026-10-01', 'mail', 'eve again'), ('$P', '2026-10-01', 'mail', 'pat')"
tar czf app.tar.gz app
check "tar czf made the foreign archive" test -s app.tar.gz
"$PY" -S - <<EOF
import os, zipfile
with zipfile.ZipFile("app.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write("app/live.db", "data/store.bin")
    for top, dirs, files in os.walk("app"):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(top, f)
            if p != "app/live.db":
                z.write(p, "files/" + os.path.relpath(p, "app"))
EOF
check "python zipfile made the foreign zip" test -s app.zip
check "the zip's database has a neutral name" \
	sh -c "bsdtar -tf app.zip | grep -qx data/store.bin"

# ------------------------------------------------------------- erasures
NOW=2026-11-23T10:00:00Z
lt request erase --email eve.erased@example.com
expect 0 "request erase"
lt run
expect 0 "run: the request and the lead expiry"
eq "two tombstones" "$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")" 2

# ------------------------------------------------------------- restores
NOW=2026-11-24T10:00:00Z
# restored WHAT DIR DB FILES: the checks on one restored tree
restored() {
	w=$1 db=$2/$3 fs=$2/$4
	eq "$w: only the kept subject is left" \
		"$(sql "$db" "SELECT id FROM subjects")" "$K"
	eq "$w: no communications of the removed" \
		"$(sql "$db" "SELECT count(*) FROM communications WHERE subject_id IN ($GONE)")" 0
	eq "$w: no tickets of the removed" \
		"$(sql "$db" "SELECT count(*) FROM tickets WHERE subject_id IN ($GONE)")" 0
	eq "$w: the erased client's order is masked" \
		"$(sql "$db" "SELECT quote(customer_email) || quote(customer_name) ||
		  quote(delivery_address) FROM orders WHERE id = 2")" NULLNULLNULL
	eq "$w: the kept subject's rows are whole" \
		"$(sql "$db" "SELECT (SELECT count(*) FROM communications) ||
		  (SELECT count(*) FROM tickets) || (SELECT customer_name FROM orders WHERE id = 1)")" \
		"11Kit Kept"
	check "$w: the erased client's folder is gone" test ! -e "$fs/attachments/$E"
	check "$w: the expired lead's folder is gone" test ! -e "$fs/attachments/$L"
	check "$w: the kept subject's folder is there" test -f "$fs/attachments/$K/doc.txt"
	eq "$w: the CSV keeps only the kept subject's record" \
		"$(cat "$fs/exports/contacts.csv")" \
		"email,name,phone_number
kit.kept@example.com,Kit Kept,+44 7700 900201"
	no_bytes "$w: no erased email in any restored file" eve.erased@example.com \
		$(find "$2" -type f)
	no_bytes "$w: no expired lead's email in any restored file" len.lead@example.com \
		$(find "$2" -type f)
	eq "$w: the database was vacuumed" "$(sql "$db" "PRAGMA freelist_count")" 0
	eq "$w: no staging left" "$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
}

lt restore app.tar.gz --to "$T/r1"
expect 0 "restore the tar.gz"
out_has "foreign" "the tar.gz is reported foreign"
out_has "identifiers of every erasure" "the rule is: every erasure's identifiers"
restored "tar.gz" "$T/r1" app/live.db app
lt ledger list --json
eq "tar.gz: the restore event names the rule all" "$(jfield restore data rule)" all
eq "tar.gz: the restore event has no backup id" "$(jfield restore data backup_id)" "<none>"
eq "tar.gz: the restore event's SHA-256" "$(jfield restore data archive_sha256)" \
	"$(sha256sum app.tar.gz | cut -d' ' -f1)"
eq "tar.gz: four subjects removed" "$(jfield restore data subjects)" 4

lt_in app.tar.gz restore - --to "$T/r2"
expect 0 "restore the tar.gz from standard input"
restored "tar.gz on stdin" "$T/r2" app/live.db app
lt ledger list --json
eq "stdin: the restore event's SHA-256 is the stream's" \
	"$(jfield restore data archive_sha256)" "$(sha256sum app.tar.gz | cut -d' ' -f1)"

lt restore app.zip --to "$T/r3"
expect 0 "restore the zip"
out_has "foreign" "the zip is reported foreign"
restored "zip" "$T/r3" data/store.bin files
check "the zip's database keeps its name" test -f r3/data/store.bin
lt ledger list --json
eq "zip: the rule all" "$(jfield restore data rule)" all

lt_in app.zip restore - --to "$T/r4"
expect 0 "restore the zip from standard input"
restored "zip on stdin" "$T/r4" data/store.bin files

state r1/app/live.db r1/app >s1
for n in 2 3 4; do
	case $n in 2) d=r2/app/live.db f=r2/app ;; *) d=r$n/data/store.bin f=r$n/files ;; esac
	state "$d" "$f" >s$n
	if cmp -s s1 s$n; then ok "restore $n filtered exactly as the tar.gz"
	else not_ok "restore $n differs from the tar.gz"; diff s1 s$n | head | sed 's/^/# /'; fi
done
eq "four restore events" "$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'restore'")" 4
done_testing
