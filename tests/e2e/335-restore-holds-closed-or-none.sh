#!/bin/sh
# SPEC "retain: keep the rows for a duration ... then delete or mask" and
# law 5 for rows a restore brings back under a hold the ledger no longer
# has open: a bill the application deleted before its customer was erased
# (so the erasure held, and later released, only the others), restored
# from an older backup while its own hold still runs, is kept -- and the
# restore records a hold for it, so that a run masks it when that hold
# ends instead of keeping the erased person's name forever.  The same for
# a subject whose erasure found no held rows at all.
. "$TESTS_TOP/tests/lib.sh"
make_live() {
	sqlite3 live.db "CREATE TABLE subjects(id INTEGER PRIMARY KEY,
	  email TEXT);
	CREATE TABLE bills(id INTEGER PRIMARY KEY, sid INTEGER, d TEXT,
	  name TEXT);
	INSERT INTO subjects(email) VALUES ('a@x.io'), ('z@x.io'),
	  ('b@x.io');
	INSERT INTO bills(sid, d, name) VALUES (1, '2025-01-01', 'A-jan'),
	  (1, '2025-06-01', 'A-jun'), (2, '2025-01-01', 'Z'),
	  (3, '2025-03-01', 'B-mar');"
}
make_live
email_config "$CONF" "[table bills]
subject = sid
on_erase = retain
retain_for = 2 years
date = d
after_hold = mask
mask = name"
NOW=2026-01-01T00:00:00Z
lt init
lt backup -o "$T/old.tar"
expect 0 "a backup with A's two bills and B's one"
# the application voids A's June bill and all of B's
sql live.db "DELETE FROM bills WHERE name IN ('A-jun', 'B-mar')"
NOW=2026-01-02T00:00:00Z
lt request erase --email a@x.io
lt request erase --email b@x.io
lt run
expect 0 "A erased, her January bill held until 2027-01-01; B held nothing"
NOW=2027-01-02T00:00:00Z
lt run
expect 0 "A's hold released"
eq "her January bill masked (its link too)" \
	"$(sql live.db "SELECT quote(name) || quote(sid) FROM bills WHERE
	  id = 1")" "NULLNULL"

NOW=2027-01-03T00:00:00Z
lt restore "$T/old.tar" --to "$T/r"
expect 0 "the old backup restores"
eq "A's June bill (held until 2027-06-01) and B's (2027-03-01) are kept" \
	"$(sql r/live.db "SELECT group_concat(name) FROM bills WHERE sid IN
	  (1, 3) ORDER BY id")" "A-jun,B-mar"
lt ledger list --json
check "the restore recorded a hold for A's bill, until 2027-06-01" \
	grep -q '"type":"hold".*"until":"2027-06-01' out
check "... and one for B's, until 2027-03-01" \
	grep -q '"type":"hold".*"until":"2027-03-01' out
# the restored store becomes the live one
cp r/live.db live.db
NOW=2027-06-02T00:00:00Z
lt run
expect 0 "a run after both holds end"
eq "both bills are masked now, Z's kept" \
	"$(sql live.db "SELECT group_concat(quote(name), ' ') FROM bills
	  ORDER BY id")" "NULL NULL 'Z' NULL"
n=$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'release'")
lt run
eq "a second run releases nothing more" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type =
	  'release'")" "$n"
done_testing
