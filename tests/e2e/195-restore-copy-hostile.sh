#!/bin/sh
# Law 6 and law 7, the filtered copy of a hostile restored database: a
# database whose hot journal rolls back on opening is copied as SQLite
# shows it after the rollback (nothing of the transaction that never
# committed, whose pages were in the file); a schema whose autoindex says
# it belongs to another table (SQLite finds it by its name, so it passes
# quick_check) is not copied page by page wrong: the erased subject's id
# is in no byte of its autoindex, and the copy passes integrity_check.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

gone_and_kept
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
 ('$A', '2026-11-01', 'mail', 'hello from gone@example.com'),
 ('$B', '2026-11-01', 'mail', 'hello from the kept one')"
mkdir -p src/hj src/auto arc r1 r2
sqlite3 live.db ".backup src/old.db"
lt request erase --email gone@example.com
expect 0 "erasure requested"
lt run
expect 0 "erasure done"

# a writer died in a transaction that spilled pages into the file: the
# journal beside it is hot
cp src/old.db src/hj/app.db
"$PY" -S - "$T/src/hj/app.db" "$A" <<'PY'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = DELETE")
c.execute("PRAGMA cache_size = 5")
c.execute("BEGIN")
c.execute("DELETE FROM communications WHERE subject_id <> ?", (sys.argv[2],))
for i in range(3000):
    c.execute("INSERT INTO communications(subject_id, at, channel, body) "
              "VALUES (?, '2026-11-01', 'mail', ?)",
              (sys.argv[2], "UNCOMMITTED %d %s" % (i, "x" * 300)))
os._exit(0)
PY
check "the file holds pages of a transaction that never committed" \
	grep -q UNCOMMITTED src/hj/app.db
check "a hot journal is beside it" test -s src/hj/app.db-journal
(cd src/hj && bsdtar -cf "$T/arc/hj.tar" app.db app.db-journal)
lt restore arc/hj.tar --to "$T/r1/target"
expect 0 "restore of a database with a hot journal"
eq "the copy passes integrity_check" \
	"$(sql r1/target/app.db 'PRAGMA integrity_check')" ok
eq "the kept person's note is there (the rollback brought it back)" \
	"$(sql r1/target/app.db "SELECT body FROM communications")" \
	"hello from the kept one"
check "nothing of the transaction that never committed is restored" \
	sh -c "! grep -rq UNCOMMITTED '$T/r1/target'"
check "no journal is restored" test ! -e r1/target/app.db-journal
no_bytes "no erased email in the copy" gone@example.com r1/target/app.db

# the subjects' autoindex (their ids) says it is web_log's
cp src/old.db src/auto/app.db
sql src/auto/app.db "PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET tbl_name = 'web_log'
  WHERE name = 'sqlite_autoindex_subjects_1'"
eq "SQLite finds nothing wrong with it" \
	"$(sql src/auto/app.db 'PRAGMA quick_check; PRAGMA integrity_check')" \
	"ok
ok"
(cd src/auto && bsdtar -cf "$T/arc/auto.tar" app.db)
lt restore arc/auto.tar --to "$T/r2/target"
expect 0 "restore of a database whose autoindex names another table"
eq "the copy passes integrity_check" \
	"$(sql r2/target/app.db 'PRAGMA integrity_check')" ok
eq "the kept subject is there, the erased one is not" \
	"$(sql r2/target/app.db "SELECT id FROM subjects")" "$B"
no_bytes "the erased subject's id is in no byte of the copy" "$A" \
	r2/target/app.db
done_testing
