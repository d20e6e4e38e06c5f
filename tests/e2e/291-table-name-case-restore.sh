#!/bin/sh
# SQLite reads table names in any case, and so does the data map: with
# the config naming [table Communications] for the store's table
# communications, run erases there, and a restore redacts an erased
# person's email in another person's communications (its redact column)
# rather than failing on it as residue in a column not to redact.
. "$TESTS_TOP/tests/lib.sh"
A=ffffffff-0000-4000-8000-00000000000a
BOB=ffffffff-0000-4000-8000-00000000000b
setup
sed -i 's/^\[table communications\]/[table Communications]/' "$CONF"
add_subject live.db $A client 'Alice Kept' alice@example.com '' \
	2026-10-01T00:00:00Z
add_subject live.db $BOB client 'Bob Gone' bob.gone@example.com '' \
	2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(id, subject_id, at, body) VALUES
 (1, '$A', '2026-10-01', 'forwarded by bob.gone@example.com'),
 (2, '$BOB', '2026-10-01', 'bob himself')"
lt backup -o "$T/b.tar.zst"
expect 0 "backup, the config naming the table in another case"
NOW=2026-11-23T10:00:00Z
lt request erase --email bob.gone@example.com
lt run
expect 0 "run erases bob"
eq "his communications are gone from the live store" \
	"$(sql live.db "SELECT count(*) FROM communications WHERE subject_id = '$BOB'")" 0
lt restore b.tar.zst --to "$T/r"
expect 0 "the old backup restores"
eq "bob's email in alice's communications is redacted" \
	"$(sql r/live.db "SELECT body FROM communications WHERE id = 1")" \
	"forwarded by [erased]"
eq "bob's own communications are left out" \
	"$(sql r/live.db "SELECT count(*) FROM communications WHERE subject_id = '$BOB'")" 0
no_bytes "his email is in no restored file" bob.gone@example.com \
	$(find r -type f)
done_testing
