#!/bin/sh
# Law 5 and law 7 (archives are hostile): quick_check does not compare an
# index with its table, so a hostile archive's index can leave out an
# erased person's rows.  The restore must find her rows by reading the
# tables, not through such an index: her message and ticket must not come
# back.  Where lethe copies the database itself they are left out; where
# SQLite must delete them (auto-vacuum; inspect) it finds the index does
# not match its table, and the archive is refused as corrupt (65).
. "$TESTS_TOP/tests/lib.sh"

mkdir bk
eve_backup_erased "$T/bk/b.tar.zst"
mkdir bx lying av
bsdtar -xf bk/b.tar.zst -C bx live.db
sql bx/live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$EVE', '2026-11-01', 'eve wrote a secret'),
 ('aaaaaaaa-0000-4000-8000-00000000000a', '2026-11-01', 'ann wrote');
 INSERT INTO tickets(subject_id, opened_at, title) VALUES
 ('$EVE', '2026-11-01', 'eve ticket secret');
 CREATE INDEX tickets_subject ON tickets(subject_id);"
# the indexes on subject_id leave eve out, yet claim to list every row
sql bx/live.db "DROP INDEX communications_subject;
 CREATE INDEX communications_subject ON communications(subject_id)
   WHERE subject_id <> '$EVE';
 DROP INDEX tickets_subject;
 CREATE INDEX tickets_subject ON tickets(subject_id)
   WHERE subject_id <> '$EVE';
 PRAGMA writable_schema = ON;
 UPDATE sqlite_schema SET sql = replace(sql, ' WHERE subject_id <> ''$EVE''',
   '') WHERE name IN ('communications_subject', 'tickets_subject');"
eq "the lying store passes quick_check" \
	"$(sql bx/live.db 'PRAGMA quick_check')" ok
eq "its index does not list eve's message" \
	"$(sql bx/live.db "SELECT count(*) FROM communications INDEXED BY
	  communications_subject WHERE subject_id = '$EVE'")" 0
cp bx/live.db lying/app.db
(cd lying && bsdtar -czf ../lying.tar.gz app.db)
sqlite3 bx/live.db "PRAGMA auto_vacuum = FULL; VACUUM INTO '$T/av/app.db'"
(cd av && bsdtar -czf ../av.tar.gz app.db)

lt inspect lying.tar.gz
expect 65 "inspect refuses the lying store as corrupt"
err_has "does not match" "it says why"
lt restore av.tar.gz --to r-av
expect 65 "restore through SQLite refuses it as corrupt"
check "nothing is restored" test ! -e r-av
for a in lying; do
	lt restore $a.tar.gz --to r-$a
	expect 0 "restore of the $a store"
	eq "$a: eve's message does not come back" \
		"$(sql r-$a/app.db "SELECT count(*) FROM communications
		  NOT INDEXED WHERE subject_id = '$EVE'")" 0
	eq "$a: nor her ticket" \
		"$(sql r-$a/app.db "SELECT count(*) FROM tickets NOT INDEXED
		  WHERE subject_id = '$EVE'")" 0
	eq "$a: ann's message does" \
		"$(sql r-$a/app.db "SELECT count(*) FROM communications
		  WHERE body = 'ann wrote'")" 1
	no_bytes "$a: nothing of eve's rows in the bytes" secret r-$a/app.db
done
done_testing
