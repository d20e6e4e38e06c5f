#!/bin/sh
# Subject ids kept as text that spells a number ('42') in an id column
# declared without a type, where they stay text (SPEC 3: the subjects
# table is the application's).  A request naming such a subject erases
# him and his rows (law 1: one tombstone with his id; it found "no live
# subject" and left him there); stale leads with such ids expire, and
# the run ends (its paging bound the last id as the integer, which sorts
# before every text, and read the same lead again for ever).  A table
# whose column named rowid hides its rowid is refused (78) naming it.
. "$TESTS_TOP/tests/lib.sh"

# every command here ends within a minute, or fails (timeout: exit 124)
printf '#!/bin/sh\nexec timeout 60 "%s" "$@"\n' "$LETHE" >"$T/lethe-60"
chmod +x "$T/lethe-60"
LETHE=$T/lethe-60

sql live.db "
CREATE TABLE subjects(id, kind TEXT, email TEXT, last_contact_at TEXT);
CREATE TABLE notes(sid, body TEXT);
INSERT INTO subjects VALUES ('42', 'client', 'a@example.com', '2026-11-01'),
  ('43', 'client', 'b@example.com', '2026-11-01'),
  ('44', 'lead', 'c@example.com', '2020-01-01'),
  ('45', 'lead', 'd@example.com', '2020-01-01'),
  (46, 'lead', 'e@example.com', '2020-01-01');
INSERT INTO notes VALUES ('42', 'x'), ('43', 'y'), ('44', 'z'), (46, 'w');"
email_config lethe.ini "kind = kind
lead_kind = lead
last_activity = last_contact_at
[table notes]
subject = sid
on_erase = delete"
lt init
expect 0 "init"
lt request erase --email a@example.com
expect 0 "a request naming subject '42'"
lt run --dry-run
expect 0 "a dry run ends"
err_has "would erase subject 42 " "and names '42'"
lt run
expect 0 "the run ends (no endless paging)"
eq "'42' and the three stale leads are erased, '43' stays" \
	"$(sql live.db "SELECT group_concat(id) FROM subjects")" 43
eq "so are their notes" "$(sql live.db "SELECT group_concat(body) FROM notes")" y
eq "one tombstone each, with the subject's id" \
	"$(sql ledger.db "SELECT group_concat(subject || ':' || reason, ' ')
	   FROM (SELECT subject, reason FROM events WHERE type = 'erase'
	   ORDER BY subject)")" \
	"42:request 44:lead-expiry 45:lead-expiry 46:lead-expiry"

sql live.db "CREATE TABLE odd(rowid TEXT, sid, body TEXT)"
printf '[table odd]\nsubject = sid\non_erase = delete\n' >>lethe.ini
lt run
expect 78 "a table with a column named rowid"
err_has "table 'odd' has a column named rowid" "the error names it"
done_testing
