#!/bin/sh
# Law 5 (every tombstone applies by subject id), laws 6 and 11 (nothing of
# an erased person left in the bytes) and law 7 (nothing written through
# a symlink), on archives other tools made:
# - rows linked to an erased subject's id come out of a restored database
#   even where her subjects row is not there (the application had deleted
#   it first), and inspect reports them;
# - a database whose schema names an erased person (a table called after
#   her email) is residue: the restore fails (65) naming the schema, never
#   the person, or, with --drop-residue, leaves that database out;
# - a database whose -wal beside it is a symlink is refused (65): SQLite
#   would write through it.
. "$TESTS_TOP/tests/lib.sh"

mkdir bk
eve_backup_erased "$T/bk/b.tar.zst"
mkdir bx orphan schema sidecar
bsdtar -xf bk/b.tar.zst -C bx live.db
sql bx/live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$EVE', '2026-11-01', 'eve wrote'), ('$EVE', '2026-11-02', 'eve again'),
 ('aaaaaaaa-0000-4000-8000-00000000000a', '2026-11-01', 'ann wrote');
 INSERT INTO tickets(subject_id, opened_at, title) VALUES
 ('$EVE', '2026-11-01', 'eve ticket');
 DELETE FROM subjects WHERE id = '$EVE'"
cp bx/live.db orphan/app.db
(cd orphan && bsdtar -czf ../orphan.tar.gz app.db)

lt inspect orphan.tar.gz
expect 1 "inspect: the orphan rows of an erased subject are found"
out_has "linked to the erased subject" "inspect says where"
lt restore orphan.tar.gz --to r1
expect 0 "restore of a store without eve's subjects row"
eq "eve's communications do not come back" \
	"$(sql r1/app.db "SELECT count(*) FROM communications WHERE subject_id = '$EVE'")" 0
eq "nor her ticket" \
	"$(sql r1/app.db "SELECT count(*) FROM tickets WHERE subject_id = '$EVE'")" 0
eq "ann's communication does" \
	"$(sql r1/app.db "SELECT body FROM communications")" "ann wrote"
no_bytes "nothing of eve's rows in the bytes" "eve wrote" r1/app.db

# a database (not the live store's kind) with a table named after her
sqlite3 schema/other.db "CREATE TABLE \"list of eve@example.com\"(x);
 INSERT INTO \"list of eve@example.com\" VALUES (1)"
echo "a note" >schema/note.txt
(cd schema && bsdtar -czf ../schema.tar.gz other.db note.txt)
lt restore schema.tar.gz --to r2
expect 65 "a schema naming eve is residue"
err_has "the schema" "the message names the schema"
err_lacks "eve@example" "and never the person"
check "nothing is restored" test ! -e r2
lt restore schema.tar.gz --to r3 --drop-residue
expect 0 "with --drop-residue the database is left out"
check "the database is left out" test ! -e r3/other.db
check "the rest comes back" test -f r3/note.txt
lt inspect schema.tar.gz
expect 1 "inspect finds the schema residue"

# a -wal beside a database that is a symlink
sqlite3 sidecar/app.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
echo "not a wal" >sidecar/target.txt
ln -s target.txt sidecar/app.db-wal
(cd sidecar && bsdtar -cf ../sidecar.tar app.db target.txt app.db-wal)
lt restore sidecar.tar --to r4
expect 65 "a database whose -wal is a symlink is refused"
err_has "app.db" "the message names the database"
check "nothing is restored" test ! -e r4
eq "the symlink's target is untouched" "$(cat sidecar/target.txt)" "not a wal"
done_testing
