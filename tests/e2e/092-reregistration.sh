#!/bin/sh
# Law 8 (re-registration is respected): alice@example.com is erased
# (subject A), later registers again (subject B, same email), and a backup
# is taken.  Restoring that backup keeps B: identifier matching only
# applies to erasures newer than the manifest's seq.  The same archive
# repacked without its manifest is foreign: B is removed (every
# tombstone's identifiers match; her attachments folder goes too, so her
# email inside it is no residue) unless --taken-at says it was made after
# the erasure.  A manifest whose HMAC does not verify (one byte of its
# JSON changed) is ignored with a warning and the archive treated as
# foreign, even when the change claims a seq above the head.  A verified
# manifest naming a seq above the ledger's head (the backup restored with
# an older copy of the ledger and the same key) is refused with 65, the
# target untouched.
. "$TESTS_TOP/tests/lib.sh"

A=cccccccc-0000-4000-8000-00000000000a		# alice, erased
B=cccccccc-0000-4000-8000-00000000000b		# alice again, registered later
K=cccccccc-0000-4000-8000-00000000000c		# someone else
nevents() { sql "$1" "SELECT count(*) FROM events"; }

# b_survives WHAT DIR / b_removed WHAT DIR: B's rows and folder in DIR
b_survives() {
	eq "$1: B survives" "$(sql "$2/live.db" "SELECT id FROM subjects WHERE
	  email = 'alice@example.com'")" "$B"
	eq "$1: B's communications survive" "$(sql "$2/live.db" "SELECT count(*)
	  FROM communications WHERE subject_id = '$B'")" 2
	check "$1: B's attachments survive" test -f "$2/attachments/$B/id.txt"
	eq "$1: B's order is whole" "$(sql "$2/live.db" "SELECT customer_name
	  FROM orders WHERE id = 1")" "Alice Again"
}
b_removed() {
	eq "$1: B is removed" "$(sql "$2/live.db" "SELECT count(*) FROM subjects
	  WHERE email = 'alice@example.com' OR id = '$B'")" 0
	eq "$1: B's communications are removed" "$(sql "$2/live.db" "SELECT
	  count(*) FROM communications WHERE subject_id = '$B'")" 0
	eq "$1: B's order is masked" "$(sql "$2/live.db" "SELECT
	  quote(customer_email) || quote(customer_name) FROM orders WHERE id = 1")" \
		NULLNULL
	no_bytes "$1: alice's email is in no restored file" alice@example.com \
		$(find "$2" -type f)
	eq "$1: K is kept" "$(sql "$2/live.db" "SELECT count(*) FROM subjects
	  WHERE id = '$K'")" 1
}
# b_folder_removed WHAT DIR: B's per-subject folder went with B
b_folder_removed() {
	check "$1: B's attachments folder is dropped with B" \
		test ! -e "$2/attachments/$B"
}

setup
sql ledger.db ".backup ledger-old.db"
add_subject live.db $A client 'Alice First' alice@example.com \
	'+44 7700 900301' 2026-10-01T00:00:00Z
add_subject live.db $K client 'Ken Other' ken@example.com \
	'+44 7700 900302' 2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$A', '2026-10-01', 'first life'), ('$K', '2026-10-01', 'ken')"
mkdir -p attachments/$A attachments/$K
echo "alice, first life" >attachments/$A/id.txt
echo "ken" >attachments/$K/id.txt

lt request erase --email alice@example.com
expect 0 "request erase alice"
lt run
expect 0 "run erases A"
TSEQ=$(sql ledger.db "SELECT seq FROM events WHERE type = 'erase'")
check "A is erased" test -n "$TSEQ" -a ! -e attachments/$A

NOW=2026-11-23T10:00:00Z
add_subject live.db $B client 'Alice Again' alice@example.com \
	'+44 7700 900309' 2026-11-23T10:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$B', '2026-11-23', 'second life'), ('$B', '2026-11-23', 'welcome back');
 INSERT INTO orders(id, customer_email, customer_name, delivery_address,
 placed_at, total_cents) VALUES (1, 'alice@example.com', 'Alice Again',
 '9 New Rd', '2026-11-23', 500)"
mkdir -p attachments/$B
echo "alice, second life" >attachments/$B/id.txt

NOW=2026-11-24T10:00:00Z
mkdir bk
lt backup -o "$T/bk/b.tar"
expect 0 "backup after the re-registration"
MSEQ=$(sql ledger.db "SELECT json_extract(data, '$.ledger_seq') FROM events
  WHERE type = 'backup'")
check "the manifest's seq is after the tombstone" test "$MSEQ" -gt "$TSEQ"

# --------------------------------------------------- lethe's own backup
NOW=2026-11-25T10:00:00Z
lt restore bk/b.tar --to "$T/r1"
expect 0 "restore the backup"
out_has "lethe backup" "it is recognised as a lethe backup"
b_survives "manifest" r1
lt ledger list --json
eq "the rule is the manifest's seq" "$(jfield restore data rule)" "manifest seq $MSEQ"

# --------------------------------------------------- repacked, no manifest
mkdir ex && bsdtar -xf bk/b.tar -C ex
check "the backup holds its manifest" test -f ex/lethe-manifest.json
cp ex/lethe-manifest.json manifest.orig
rm ex/lethe-manifest.json
(cd ex && tar cf ../foreign.tar live.db attachments)
lt restore foreign.tar --to "$T/r2"
expect 0 "restore the repacked archive"
out_has "foreign" "it is foreign"
b_removed "foreign" r2
b_folder_removed "foreign" r2
lt ledger list --json
eq "foreign: the rule is all" "$(jfield restore data rule)" all

# B's own folder mentions her email: it goes with B, so it is no residue
cp -R ex ex2
echo "signed up again as alice@example.com" >ex2/attachments/$B/form.txt
(cd ex2 && tar cf ../foreign2.tar live.db attachments)
lt restore foreign2.tar --to "$T/r2b"
expect 0 "foreign, B's folder mentions her email: restored (the folder goes with B)"
b_folder_removed "foreign, email in B's folder" r2b

lt restore foreign.tar --to "$T/r3" --taken-at 2026-11-23T12:00:00Z
expect 0 "restore with --taken-at after the erasure"
b_survives "--taken-at after" r3
lt ledger list --json
eq "--taken-at: the rule names the time" "$(jfield restore data rule)" \
	"taken-at 2026-11-23T12:00:00Z"

lt restore foreign.tar --to "$T/r4" --taken-at 2026-11-21T00:00:00Z
expect 0 "restore with --taken-at before the erasure"
b_removed "--taken-at before" r4

# a backup taken within the very second of the erasure: which came first
# is unknown, so lethe errs on the side of erasure
TAT=$(sql ledger.db "SELECT at FROM events WHERE type = 'erase'")
lt restore foreign.tar --to "$T/r4t" --taken-at "$TAT"
expect 0 "restore with --taken-at the erasure's very second"
b_removed "--taken-at the erasure's second" r4t

# inspect and scrub take the same rule (law 8 at rest)
lt inspect foreign.tar
expect 1 "inspect of the foreign archive: every erasure matches, B counts"
lt inspect foreign.tar --taken-at 2026-11-23T12:00:00Z
expect 0 "inspect --taken-at after the erasure: nothing erased is held"
out_has "taken-at" "inspect says which rule it used"
lt scrub foreign.tar -o "$T/sc-all.tar"
expect 0 "scrub of the foreign archive"
mkdir sc-all && bsdtar -xf sc-all.tar -C sc-all
b_removed "scrub, every erasure" sc-all
lt scrub foreign.tar -o "$T/sc-after.tar" --taken-at 2026-11-23T12:00:00Z
expect 0 "scrub --taken-at after the erasure"
mkdir sc-after && bsdtar -xf sc-after.tar -C sc-after
b_survives "scrub --taken-at after" sc-after
lt ledger list --json
eq "scrub --taken-at: the rule names the time" "$(jfield scrub data rule)" \
	"taken-at 2026-11-23T12:00:00Z"
lt scrub foreign.tar -o "$T/sc-bad.tar" --taken-at yesterday
expect 64 "scrub --taken-at that is not a time"
check "no output for a bad --taken-at" test ! -e sc-bad.tar
lt inspect foreign.tar --taken-at yesterday
expect 64 "inspect --taken-at that is not a time"

lt restore foreign.tar --to "$T/r4b" --taken-at yesterday
expect 64 "--taken-at that is not a time"
check "no target for a bad --taken-at" test ! -e r4b

# --------------------------------------------------- manifest that does not verify
# tamper EXPR: repack with the manifest's JSON body changed by the Python
# expression EXPR (of `body`); its HMAC line is kept
tamper() {
	"$PY" -S -c "
import sys
b = open('manifest.orig', 'rb').read()
body, mac = b.split(b'\n', 1)
body = $1
open('ex/lethe-manifest.json', 'wb').write(body + b'\n' + mac)
"
	(cd ex && tar cf ../tampered.tar live.db attachments lethe-manifest.json)
}
tamper "body.replace(b'\"backup_id\":\"', b'\"backup_id\":\"0', 1)"
check "the tampered manifest differs from the original" \
	sh -c "! cmp -s manifest.orig ex/lethe-manifest.json"
lt restore tampered.tar --to "$T/r5"
expect 0 "restore with a manifest whose HMAC does not verify"
err_has "HMAC" "a warning says the HMAC does not verify"
err_has "foreign" "and that the archive is treated as foreign"
b_removed "bad HMAC" r5
lt ledger list --json
eq "bad HMAC: the rule is all" "$(jfield restore data rule)" all

tamper "body.replace(b'\"ledger_seq\":$MSEQ', b'\"ledger_seq\":999999', 1)"
check "the forged manifest claims seq 999999" grep -q '"ledger_seq":999999' \
	ex/lethe-manifest.json
lt restore tampered.tar --to "$T/r6"
expect 0 "a forged seq above the head under a bad HMAC: ignored, not refused"
b_removed "forged seq" r6

# --------------------------------------------------- seq above the head
sed 's/^ledger *=.*/ledger     = ledger-old.db/' "$CONF" >old.ini
check "the second config uses the old ledger" grep -q 'ledger-old.db' old.ini
N=$(nevents ledger-old.db)
CONF=$T/old.ini
lt ledger verify
expect 0 "the old copy of the ledger verifies with the same key"
mkdir r7
lt restore bk/b.tar --to "$T/r7"
expect 65 "a manifest naming a seq above the old ledger's head is refused"
err_has "seq $MSEQ" "the message names the manifest's seq"
eq "the target is untouched (still empty)" "$(ls -A r7)" ""
eq "no staging left" "$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
eq "no event in the old ledger" "$(nevents ledger-old.db)" "$N"
done_testing
