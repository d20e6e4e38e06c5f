#!/bin/sh
# Law 5 "Restore is replay" on a hot copy: another tool archived the
# application's folder while it ran, so the database's latest
# transactions are still in app.db-wal beside it.  The restore replays
# the ledger onto everything the archive holds -- the WAL's transactions
# included -- instead of restoring the database as it was before them:
# Carol, who registered only in the WAL, is restored; Alice, also only in
# the WAL and erased since, is erased (and inspect finds her there); no
# -wal or -shm reaches the target, and Alice's email is in no byte.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
C=aaaaaaaa-0000-4000-8000-000000000003
setup
add_subject live.db $B client Bob bob@example.com '' 2026-11-01T00:00:00Z
sql live.db "PRAGMA journal_mode = WAL" >/dev/null
mkdir -p hot/app
cp live.db hot/app/app.db
# the application's last transactions, left in the WAL (no checkpoint)
cat >hot.py <<PY
import os, sqlite3
c = sqlite3.connect('app.db', isolation_level=None)
c.execute('PRAGMA wal_autocheckpoint = 0')
for sid, name in (('$A', 'Alice'), ('$C', 'Carol')):
    c.execute("INSERT INTO subjects VALUES (?, 'client', ?, ?, '', 'x', "
              "'2026-01-01', '2026-11-01T00:00:00Z')",
              (sid, name, name.lower() + '@example.com'))
    c.execute("INSERT INTO communications(subject_id, at, body) "
              "VALUES (?, '2026-11-01', 'hello from ' || ?)", (sid, name))
os._exit(0)
PY
(cd hot/app && "$PY" -S ../../hot.py)
check "the copy's WAL holds transactions" test -s hot/app/app.db-wal
(cd hot && tar cf ../hot.tar app/app.db app/app.db-wal)
cp hot/app/app.db live.db
cp hot/app/app.db-wal live.db-wal
rm -f live.db-shm
eq "the live store holds all three" "$(sql live.db "SELECT count(*) FROM
  subjects")" 3

NOW=2026-11-23T10:00:00Z
lt request erase --email alice@example.com
lt run
expect 0 "alice erased"
lt inspect hot.tar
expect 1 "inspect finds alice in the hot copy's WAL"
out_has "$A" "and names her subject"
lt restore hot.tar --to "$T/r"
expect 0 "restore the hot copy"
eq "bob (in the file) and carol (in the WAL) are restored, alice is not" \
	"$(sql r/app/app.db "SELECT group_concat(name, ' ') FROM (SELECT name
	  FROM subjects ORDER BY name)")" "Bob Carol"
eq "carol's communication is restored" "$(sql r/app/app.db "SELECT body
  FROM communications WHERE subject_id = '$C'")" "hello from Carol"
eq "alice's is not" "$(sql r/app/app.db "SELECT count(*) FROM
  communications WHERE subject_id = '$A'")" 0
eq "no WAL or shm in the target" "$(ls r/app)" app.db
no_bytes "alice's email is in no restored byte" alice@example.com \
	$(find r -type f)
done_testing
