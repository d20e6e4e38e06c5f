#!/bin/sh
# Law 5, "[purge] rules as of --now": a backup holds web_log rows 10, 29
# and 40 days old (30 days kept) and one with an unreadable date.
# Restoring it with --now the backup's time drops the 40-day-old row;
# with --now 25 days later the 10- and 29-day-old rows (35 and 54 days old
# by then) go too; a row with an unreadable date is left alone with a
# warning naming the table and the row (SPEC 3, durations).  A foreign copy of the
# same store is purged the same way.  The counts are reported and in the
# `restore` event.  The live store itself is not purged by a restore.
. "$TESTS_TOP/tests/lib.sh"

setup
sql live.db "INSERT INTO web_log(id, at, ip, path) VALUES
 (1, '2026-11-12T10:00:00Z', '192.0.2.1', '/ten-days'),
 (2, '2026-10-24T10:00:00Z', '192.0.2.2', '/twenty-nine-days'),
 (3, '2026-10-13T10:00:00Z', '192.0.2.3', '/forty-days'),
 (4, 'not a date', '192.0.2.4', '/undated'),
 (5, '2026-11-22T09:00:00Z', '192.0.2.5', '/today')"
mkdir bk
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup"
eq "the backup took all five rows" \
	"$(bsdtar -xOf bk/b.tar.zst live.db >snap.db && sql snap.db "SELECT count(*) FROM web_log")" 5

# rows DIR: the web_log ids restored into DIR
rows() { sql "$1" "SELECT id FROM web_log ORDER BY id" | tr '\n' ' '; }

lt restore bk/b.tar.zst --to "$T/r1"
expect 0 "restore with --now the backup's time"
eq "only the 40-day-old row is purged" "$(rows r1/live.db)" "1 2 4 5 "
out_has "1 aged rows purged" "the summary counts the purged row"
if grep -q 'web_log.*\<4\>' err; then ok "the unreadable date is warned about, naming table and row"
else not_ok "the unreadable date is warned about, naming table and row: no line names web_log and row 4"; fi
eq "the restore event counts it" "$(sql ledger.db "SELECT json_extract(data,
  '$.purged') FROM events WHERE type = 'restore'")" 1
eq "a restore does not purge the live store" "$(rows live.db)" "1 2 3 4 5 "

NOW=2026-12-17T10:00:00Z
lt restore bk/b.tar.zst --to "$T/r2"
expect 0 "restore with --now 25 days later"
eq "the rows aged past 30 days as of --now are purged" "$(rows r2/live.db)" "4 5 "
no_bytes "the purged paths are gone from the bytes" /forty-days r2/live.db

# a foreign copy of the same store is purged as of --now as well
sql live.db ".backup plain.db"
tar cf plain.tar plain.db
lt restore plain.tar --to "$T/r3"
expect 0 "restore a foreign tar"
eq "the foreign copy is purged as of --now" "$(rows r3/plain.db)" "4 5 "
done_testing
