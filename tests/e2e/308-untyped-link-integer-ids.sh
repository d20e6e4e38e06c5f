#!/bin/sh
# SPEC 3 (erasure: each [table] follows its on_erase), laws 5 and 6, with
# a common SQLite schema: integer subject ids and link columns declared
# without a type (`subject_id REFERENCES subjects(id)`), which hold the
# ids as integers (and, written by some other path, one as the text '2').
# The application's join matches the integers, so lethe's must: deleted,
# held (then released, the text one too), and filtered on restore.
. "$TESTS_TOP/tests/lib.sh"

sql app.db "
CREATE TABLE subjects(id INTEGER PRIMARY KEY, kind TEXT, email TEXT,
  last_contact_at TEXT);
CREATE TABLE messages(id INTEGER PRIMARY KEY,
  subject_id REFERENCES subjects(id), body TEXT);
CREATE TABLE bills(id INTEGER PRIMARY KEY, person REFERENCES subjects(id),
  issued_at TEXT, amount);
INSERT INTO subjects VALUES (1, 'lead', 'lee@example.com', '2020-01-01'),
  (2, 'client', 'cleo@example.com', '2026-01-01'),
  (3, 'client', 'stay@example.com', '2026-01-01');
INSERT INTO messages(subject_id, body) VALUES (1, 'from lee'),
  (2, 'from cleo'), (2, 'cleo again'), (3, 'from stay');
INSERT INTO bills(person, issued_at, amount) VALUES
  (2, '2019-06-01', 10), (2, '2025-06-01', 20), (3, '2025-06-01', 30),
  ('2', '2025-05-01', 25);"
cat >lethe.ini <<'INI'
[lethe]
live_store = app.db
ledger = ledger.db
key_file = ledger.key
[subjects]
table = subjects
id = id
kind = kind
lead_kind = lead
last_activity = last_contact_at
identifiers = email:email
[table messages]
subject = subject_id
on_erase = delete
[table bills]
subject = person
on_erase = retain
retain_for = 6 years
date = issued_at
INI
# messages DB, bills DB: who is left in each table of store DB
messages() { sql "$1" "SELECT group_concat(subject_id) FROM messages"; }
bills() {
	sql "$1" "SELECT group_concat(person || ':' || amount) FROM bills
	  ORDER BY id"
}
NOW=2026-02-01T00:00:00Z
lt init
expect 0 "init"
lt backup -o "$T/before.tar"
expect 0 "a backup before the erasures"
lt request erase --email cleo@example.com
expect 0 "a request for client 2"
NOW=2026-02-02T00:00:00Z
lt run
expect 0 "the run: lead 1 expires, client 2 is erased"
eq "their messages are gone, the others' stay" "$(messages app.db)" 3
eq "client 2's bill inside the hold stays, the older one goes" \
	"$(bills app.db)" "2:20,3:30,2:25"
eq "held until the later of its two bills' ends (2 and '2' counted alike)" \
	"$(sql ledger.db "SELECT json_extract(data, '$.rows') || ' ' ||
	  json_extract(data, '$.until') FROM events WHERE type = 'hold'")" \
	"2 2031-06-01T00:00:00Z"
eq "a hold is recorded for client 2's bill" "$(nevents hold 2)" 1
eq "the tombstone counts the messages" \
	"$(sql ledger.db "SELECT json_extract(data, '$.tables.messages')
	  FROM events WHERE type = 'erase' AND subject = '2'")" 2
no_bytes "the erased messages are not in the store's bytes" \
	"from cleo" app.db app.db-wal

lt restore "$T/before.tar" --to "$T/r"
expect 0 "the backup from before restores"
eq "without the erased subjects' messages" "$(messages r/app.db)" 3
eq "with client 2's held bill only" "$(bills r/app.db)" "2:20,3:30,2:25"

NOW=2031-07-01T00:00:00Z
lt run
expect 0 "a run after the hold"
eq "the held bill is released" \
	"$(sql app.db "SELECT group_concat(person) FROM bills")" 3
eq "and the release recorded" "$(nevents release 2)" 1

# --- a subjects id with no declared type, holding integers; a TEXT link
mkdir u && cd u || exit 1
sql app.db "
CREATE TABLE subjects(id PRIMARY KEY, kind TEXT, email TEXT,
  last_contact_at TEXT);
CREATE TABLE messages(id INTEGER PRIMARY KEY, subject_id, body TEXT);
CREATE INDEX messages_sid ON messages(subject_id);
CREATE TABLE notes(id INTEGER PRIMARY KEY, sid TEXT, body TEXT);
CREATE INDEX notes_sid ON notes(sid);
INSERT INTO subjects VALUES (1, 'lead', 'lee@example.com', '2020-01-01'),
  (2, 'client', 'cleo@example.com', '2026-01-01'),
  (3, 'client', 'stay@example.com', '2026-01-01');
INSERT INTO messages(subject_id, body) VALUES (1, 'm1'), (2, 'm2'),
  (3, 'm3');
INSERT INTO notes(sid, body) VALUES ('1', 'n1'), ('2', 'n2'), ('3', 'n3');"
sed -e '/^\[table bills\]/,$d' ../lethe.ini >lethe.ini
printf '[table notes]\nsubject = sid\non_erase = delete\n' >>lethe.ini
CONF=$T/u/lethe.ini
NOW=2026-02-01T00:00:00Z
lt init
lt request erase --email cleo@example.com
NOW=2026-02-02T00:00:00Z
lt run
expect 0 "the run on a store whose ids have no declared type"
eq "lead 1 and client 2 are gone" \
	"$(sql app.db "SELECT group_concat(id) FROM subjects")" 3
eq "their untyped-linked messages too" \
	"$(sql app.db "SELECT group_concat(body) FROM messages")" m3
eq "and their TEXT-linked notes" \
	"$(sql app.db "SELECT group_concat(body) FROM notes")" n3
eq "each a tombstone" \
	"$(sql ledger.db "SELECT group_concat(subject) FROM events WHERE
	  type = 'erase' ORDER BY seq")" "1,2"
cd "$T" || exit 1
done_testing
