#!/bin/sh
# A table's rowids may be any 64-bit integer, 0 and below too (SQLite
# takes them as given).  The purge still deletes the aged rows among them
# and names the ones without a readable date; free text in such a row is
# still redacted when the person it names is erased (law 11).  Both used
# to start after rowid 0.
. "$TESTS_TOP/tests/lib.sh"

A=aaaaaaaa-0000-4000-8000-00000000000a
C=cccccccc-0000-4000-8000-00000000000c
setup
add_subject live.db $A client Alice alice@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $C client Carol carol@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO web_log(id, at, path) VALUES
 (-9223372036854775808, '2020-01-01T00:00:00Z', '/oldest'),
 (-6, 'not a date', '/undated'),
 (-5, '2020-01-01T00:00:00Z', '/aged'),
 (0, '2020-01-01T00:00:00Z', '/aged-zero'),
 (7, '2026-11-21T00:00:00Z', '/fresh'),
 (9223372036854775807, '2020-01-01T00:00:00Z', '/last');
INSERT INTO communications(id, subject_id, at, body) VALUES
 (-3, '$C', '2026-11-02', 'ask alice@example.com'),
 (0, '$C', '2026-11-03', 'or Alice@Example.com')"
lt request erase --email alice@example.com
expect 0 "a request naming Alice"
lt run
expect 0 "run"
eq "the aged rows are purged, the undated and fresh ones kept" \
	"$(sql live.db "SELECT group_concat(path, ' ') FROM (SELECT path
	   FROM web_log ORDER BY id)")" "/undated /fresh"
err_has "row -6 has no readable date" "the undated row is named"
eq "Alice's email is redacted at rowids -3 and 0" \
	"$(sql live.db "SELECT group_concat(body, '|') FROM (SELECT body
	   FROM communications ORDER BY id)")" "ask [erased]|or [erased]"
no_bytes "her email is gone from the store's bytes" alice@example.com \
	live.db live.db-wal
done_testing
