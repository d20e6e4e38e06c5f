#!/bin/sh
# Law 7 (and 5, 6), SQLite files in archives are opened defensively: found
# by their header, not their name; one with the data map's subjects table
# gets the ledger replayed and is vacuumed; triggers never run (a trigger
# that would write to a table 'pwned', or block the erasure, changes
# nothing); a corrupt one is refused (exit 65, naming the entry); a WAL
# beside a database never brings an erased person back.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

gone_and_kept
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$A', '2026-11-01', 'mail', 'hello from gone@example.com'),
 ('$B', '2026-11-01', 'mail', 'hello from the kept one');
 INSERT INTO tickets(subject_id, opened_at, title, body, status) VALUES
 ('$A', '2026-11-01', 'gone ticket', 'a parcel', 'open'),
 ('$B', '2026-11-01', 'kept ticket', 'a parcel', 'open')"
mkdir -p src arc x/y/empty
sqlite3 live.db ".backup src/old.db"
lt request erase --email gone@example.com
expect 0 "erasure requested"
lt run
expect 0 "erasure done"

# the old backup's database, with schema objects that must never run
cp src/old.db src/trig.db
sql src/trig.db "CREATE TABLE pwned(what TEXT);
CREATE TRIGGER t_subjects AFTER DELETE ON subjects
  BEGIN INSERT INTO pwned VALUES ('subjects ' || old.email); END;
CREATE TRIGGER t_comm AFTER DELETE ON communications
  BEGIN INSERT INTO pwned VALUES ('communications ' || old.body); END;
CREATE TRIGGER t_tickets BEFORE DELETE ON tickets
  BEGIN INSERT INTO pwned VALUES ('tickets'); END;
CREATE TRIGGER t_orders AFTER UPDATE ON orders
  BEGIN INSERT INTO pwned VALUES ('orders'); END;
CREATE TRIGGER t_insert AFTER INSERT ON subjects
  BEGIN INSERT INTO pwned VALUES ('insert'); END;"
cp src/old.db src/block.db
sql src/block.db "CREATE TRIGGER t_block BEFORE DELETE ON subjects
  BEGIN SELECT RAISE(ABORT, 'erasure blocked'); END;"
# 'tickets' is a view here, whose INSTEAD OF trigger writes to 'pwned'
cp src/old.db src/view.db
sql src/view.db "CREATE TABLE pwned(what TEXT);
ALTER TABLE tickets RENAME TO tickets_real;
CREATE VIEW tickets AS SELECT * FROM tickets_real;
CREATE TRIGGER t_view INSTEAD OF DELETE ON tickets BEGIN
  INSERT INTO pwned VALUES ('view');
  DELETE FROM tickets_real WHERE id = old.id; END;"
# a database in WAL mode whose newest rows (a note from the erased person)
# live only in its -wal file, copied while the writer was open
mkdir -p src/wal src/walsnap
cp src/old.db src/wal/app.db
sql src/wal/app.db "PRAGMA journal_mode=WAL" >/dev/null
sqlite3 -batch src/wal/app.db "PRAGMA wal_autocheckpoint=0" \
	"INSERT INTO communications(subject_id, at, channel, body) VALUES
	 ('$A', '2026-11-02', 'mail', 'wal-only note from gone@example.com')" \
	".system cp src/wal/app.db src/wal/app.db-wal src/walsnap/" >/dev/null
check "the WAL snapshot holds the note in its -wal file only" \
	grep -q wal-only src/walsnap/app.db-wal
printf 'not a database, whatever the name\n' >src/fake.db
sql src/notes.sqlite "CREATE TABLE notes(t TEXT);
INSERT INTO notes VALUES ('hello')"

hostile <<EOT
tar arc/store.tar d:data F:data/store.bin<src/old.db \
	F:data/fake.db<src/fake.db F:data/notes.sqlite<src/notes.sqlite
tar arc/trig.tar F:data/trig.db<src/trig.db
tar arc/block.tar F:data/block.db<src/block.db
tar arc/view.tar F:data/view.db<src/view.db
tar arc/wal.tar F:data/app.db<src/walsnap/app.db \
	F:data/app.db-wal<src/walsnap/app.db-wal
sqlite-garble src/old.db src/broken.bin
sqlite-garble src/old.db src/broken2.db header
tar arc/broken.tar f:good.txt F:data/broken.bin<src/broken.bin
tar arc/broken2.tar F:data/broken2.db<src/broken2.db
EOT

# count DB WHERE: rows of table WHERE (e.g. "subjects WHERE id = 'x'")
count() { sql "$1" "SELECT count(*) FROM $2" 2>&1; }
isA="id = '$A'" isB="id = '$B'" byA="subject_id = '$A'" byB="subject_id = '$B'"
# no_email WHAT DIR: the erased email is in no byte of any file under DIR
no_email() { eq "$1" "$(grep -rail gone@example.com "$2" 2>&1)" ""; }

mkdir r1
restored "a store found by its header" arc/store.tar "$T/r1/target"
r=$T/r1/target/data
db=$r/store.bin
no_email "store: the erased email is gone from every byte" "$T/r1/target"
eq "store: the erased subject is gone" "$(count $db "subjects WHERE $isA")" 0
eq "store: the other subject stays" "$(count $db "subjects WHERE $isB")" 1
eq "store: the erased subject's rows are gone" \
	"$(count $db "communications WHERE $byA") $(count $db "tickets WHERE $byA")" \
	"0 0"
eq "store: the other subject's rows stay" \
	"$(count $db "communications WHERE $byB") $(count $db "tickets WHERE $byB")" \
	"1 1"
check "a file named .db that is not SQLite passes unchanged" \
	cmp src/fake.db $r/fake.db
eq "a SQLite file without the subjects table passes" \
	"$(sql $r/notes.sqlite 'SELECT t FROM notes' 2>&1)" hello

mkdir r2
restored "triggers on every table" arc/trig.tar "$T/r2/target"
r=$T/r2/target/data
eq "triggers: none ran ('pwned' is empty)" "$(count $r/trig.db pwned)" 0
eq "triggers: the erasure happened" \
	"$(count $r/trig.db "subjects WHERE $isA")" 0
no_email "triggers: the erased email is gone from every byte" "$T/r2/target"

mkdir r3
restored "a trigger that would block the erasure" arc/block.tar \
	"$T/r3/target"
eq "blocking trigger: the erasure happened all the same" \
	"$(count $T/r3/target/data/block.db "subjects WHERE $isA")" 0

# a data map table that is a view: refusing it (65) is safe; so is
# restoring (0) if the erased subject's tickets are gone all the same and
# the view's trigger never ran.  Skipping the view leaves them behind.
mkdir r4
lt restore arc/view.tar --to "$T/r4/target"
case $rc in
0)
	r=$T/r4/target/data
	eq "view: its trigger never ran ('pwned' is empty)" \
		"$(count $r/view.db pwned)" 0
	eq "view: the erased subject's tickets are gone" \
		"$(count $r/view.db "tickets WHERE $byA")" 0
	;;
65) eq "view: refused, nothing restored" "$(ls -A r4)" "" ;;
*) not_ok "view: expected exit 0 or 65, got $rc" ;;
esac

# the -wal must not bring the note back: merged then filtered (0), or
# refused (65); never a restored database that regains it when opened
mkdir r5
lt restore arc/wal.tar --to "$T/r5/target"
case $rc in
0)
	no_email "WAL: the erased email is in no restored byte" "$T/r5/target"
	eq "WAL: opening the database does not bring the note back" \
		"$(count $T/r5/target/data/app.db "communications WHERE $byA")" 0
	;;
65) eq "WAL: refused, nothing restored" "$(ls -A r5)" "" ;;
*) not_ok "WAL: expected exit 0 or 65, got $rc" ;;
esac

refused "a SQLite file with garbage pages" data/broken.bin arc/broken.tar
refused "a SQLite header and garbage" data/broken2.db arc/broken2.tar \
	"$T/x/y/empty"

done_testing
