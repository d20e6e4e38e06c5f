#!/bin/sh
# Law 11 (no residue): after filtering, an identifier of a person erased
# after the backup that is still somewhere else in the restored files is
# residue.  In a `redact` column of the data map (communications.body) it
# is replaced by [erased]; in another column (tickets.body) the restore
# fails closed (65) naming the file, table, column and tombstone seq but
# never the person, and the target is untouched; in a stray notes.txt it
# fails the same way naming notes.txt, unless --drop-residue leaves that
# file out; --drop-residue never leaves out the live store's own database
# (the tickets case is still 65).  An email of a person erased before the
# backup is not residue (law 8).
. "$TESTS_TOP/tests/lib.sh"

A=ffffffff-0000-4000-8000-00000000000a		# alice, kept
BOB=ffffffff-0000-4000-8000-00000000000b	# erased after the backups
OLGA=ffffffff-0000-4000-8000-00000000000c	# erased before the backups

# untouched WHAT: the empty target t1 is still empty, t2 still missing, no
# staging folder, no restore event
untouched() {
	eq "$1: the existing empty target is still empty" "$(ls -A t1)" ""
	check "$1: the missing target was not made" test ! -e t2
	eq "$1: no staging left" "$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
	eq "$1: no restore event" "$(sql ledger.db "SELECT count(*) FROM events
	  WHERE type = 'restore'")" "$RESTORES"
	if grep -qi 'bob\.resid\|Bob Resid' out err; then
		not_ok "$1: the output names the person"
	else ok "$1: the output never names the person"; fi
}

setup
add_subject live.db $A client 'Alice Kept' alice@example.com \
	'+44 7700 900601' 2026-10-01T00:00:00Z
add_subject live.db $BOB client 'Bob Resid' bob.resid@example.com \
	'+44 7700 900602' 2026-10-01T00:00:00Z
add_subject live.db $OLGA client 'Olga Old' olga.old@example.com \
	'+44 7700 900603' 2026-10-01T00:00:00Z
lt request erase --email olga.old@example.com
expect 0 "olga's request"
lt run
expect 0 "olga is erased before any backup"

NOW=2026-11-23T10:00:00Z
sql live.db "INSERT INTO communications(id, subject_id, at, body) VALUES
 (1, '$A', '2026-10-01', 'forwarded by bob.resid@example.com, see below'),
 (2, '$BOB', '2026-10-01', 'bob himself');
 INSERT INTO tickets(id, subject_id, opened_at, title, body) VALUES
 (1, '$A', '2026-10-02', 'old', 'olga.old@example.com used to handle this')"
mkdir -p bk attachments/$A
echo "alice's contract" >attachments/$A/contract.txt
lt backup -o "$T/bk/a0.tar.zst"
expect 0 "backup a0: bob's email in alice's communications"
echo "call bob.resid@example.com about alice" >attachments/$A/notes.txt
lt backup -o "$T/bk/a1.tar.zst"
expect 0 "backup a1: and in a stray notes.txt"
rm attachments/$A/notes.txt
sql live.db "INSERT INTO tickets(id, subject_id, opened_at, title, body) VALUES
 (2, '$A', '2026-10-03', 'cc', 'please copy bob.resid@example.com')"
lt backup -o "$T/bk/a2.tar.zst"
expect 0 "backup a2: and in alice's ticket (no notes.txt)"

NOW=2026-11-24T10:00:00Z
lt request erase --email bob.resid@example.com
expect 0 "bob's request"
lt run
expect 0 "bob is erased after the backups"
TSEQ=$(sql ledger.db "SELECT seq FROM events WHERE type = 'erase' AND subject = '$BOB'")
check "bob has a tombstone" test -n "$TSEQ"
mkdir t1
RESTORES=0

# ------------------------------------------------------ a redact column
NOW=2026-11-25T10:00:00Z
lt restore bk/a0.tar.zst --to "$T/r0"
expect 0 "a0: restored"
eq "a0: bob's email in alice's communications is replaced by [erased]" \
	"$(sql r0/live.db "SELECT body FROM communications WHERE id = 1")" \
	"forwarded by [erased], see below"
eq "a0: bob's own communications are gone" \
	"$(sql r0/live.db "SELECT count(*) FROM communications WHERE subject_id = '$BOB'")" 0
no_bytes "a0: bob's email is in no restored file" bob.resid@example.com $(find r0 -type f)
eq "a0: an erasure older than the backup is no residue: the ticket is kept as is" \
	"$(sql r0/live.db "SELECT body FROM tickets WHERE id = 1")" \
	"olga.old@example.com used to handle this"
eq "a0: the restore event counts one redaction" "$(sql ledger.db "SELECT
  json_extract(data, '$.redacted') FROM events WHERE type = 'restore'")" 1
RESTORES=1

# ------------------------------------------------------ a stray file
lt restore bk/a1.tar.zst --to "$T/t1"
expect 65 "a1: residue in a stray file fails closed"
err_has "notes.txt" "a1: the message names notes.txt"
err_has "seq $TSEQ" "a1: the message names the tombstone seq"
untouched "a1"
lt restore bk/a1.tar.zst --to "$T/t2"
expect 65 "a1: also into a missing target"
untouched "a1, missing target"

lt restore bk/a1.tar.zst --to "$T/t2" --drop-residue
expect 0 "a1 with --drop-residue: restored"
check "a1 --drop-residue: notes.txt is left out" test ! -e t2/attachments/$A/notes.txt
check "a1 --drop-residue: the rest of the folder is restored" \
	test -f t2/attachments/$A/contract.txt
err_has "notes.txt" "a1 --drop-residue: a warning names the file left out"
eq "a1 --drop-residue: the communications are redacted" \
	"$(sql t2/live.db "SELECT body FROM communications WHERE id = 1")" \
	"forwarded by [erased], see below"
no_bytes "a1 --drop-residue: bob's email is in no restored file" \
	bob.resid@example.com $(find t2 -type f)
eq "a1 --drop-residue: the restore event counts one file left out" \
	"$(sql ledger.db "SELECT json_extract(data, '$.left_out') FROM events
	  WHERE type = 'restore' ORDER BY seq DESC LIMIT 1")" 1
RESTORES=2
rm -rf t2

# ------------------------------------------------------ a column not to redact
lt restore bk/a2.tar.zst --to "$T/t1"
expect 65 "a2: residue in tickets.body fails closed"
err_has "live.db" "a2: the message names the file"
err_has "tickets" "a2: the message names the table"
err_has "body" "a2: the message names the column"
err_has "seq $TSEQ" "a2: the message names the tombstone seq"
untouched "a2"
lt restore bk/a2.tar.zst --to "$T/t1" --drop-residue
expect 65 "a2 with --drop-residue: the live store's database is never left out"
untouched "a2 --drop-residue"
lt restore bk/a2.tar.zst --to "$T/t2" --drop-residue
expect 65 "a2 with --drop-residue, missing target"
untouched "a2 --drop-residue, missing target"
done_testing
