#!/bin/sh
# Law 6 for a full-text (FTS5) table in the data map: erasing a subject's
# rows there also takes their words out of the index's pages, in the
# live store after a run and in a restored copy of an older backup, not
# only out of the table's answers.
. "$TESTS_TOP/tests/lib.sh"
sql live.db "
CREATE TABLE subjects(id TEXT PRIMARY KEY, email TEXT);
CREATE VIRTUAL TABLE notes USING fts5(subject_id UNINDEXED, body);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 2000)
INSERT INTO subjects SELECT 's' || i, 'user' || i || '@example.com' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 2000)
INSERT INTO notes SELECT 's' || i, 'note about lorem ipsum ' || i FROM n;
INSERT INTO notes VALUES ('s77', 'zebraquagga uniquetokenseventyseven');"
email_config lethe.ini "[table notes]
subject = subject_id
on_erase = delete"
lt init
expect 0 "init"
lt backup -o "$T/pre.tar"
expect 0 "a backup before the erasure"
lt request erase --email user77@example.com
lt run
expect 0 "s77 is erased"
eq "their notes are gone" \
	"$(sql live.db "SELECT count(*) FROM notes WHERE subject_id = 's77'")" 0
eq "the full-text index finds them no more" \
	"$(sql live.db "SELECT count(*) FROM notes WHERE notes MATCH
	  'zebraquagga'")" 0
no_bytes "their words are not in the live store's bytes" zebraquagga \
	live.db live.db-wal
no_bytes "nor their other word" uniquetokenseventyseven live.db live.db-wal
check "the index is sound" sqlite3 live.db \
	"INSERT INTO notes(notes) VALUES ('integrity-check')"
eq "the others' notes stay" "$(sql live.db "SELECT count(*) FROM notes")" 1999

lt restore "$T/pre.tar" --to "$T/r"
expect 0 "the older backup restores"
eq "without s77's notes" \
	"$(sql r/live.db "SELECT count(*) FROM notes WHERE subject_id =
	  's77'")" 0
no_bytes "nor their words in the restored bytes" zebraquagga r/live.db
check "the restored index is sound" sqlite3 r/live.db \
	"INSERT INTO notes(notes) VALUES ('integrity-check')"
done_testing
