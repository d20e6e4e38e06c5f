#!/bin/sh
# Law 1 and 3 after failed steps (not a crash): a run whose erasure and
# purge both fail after their intents were made durable (the application's
# triggers refuse the deletes) exits 1; the next run finishes both intents.
# An erasure's and a purge's intents are finished by separate `applied`
# events, so `report` counts the purged web log rows as purged, never
# among the rows erased (which are people's rows).
. "$TESTS_TOP/tests/lib.sh"

K=aaaaaaaa-0000-4000-8000-00000000000a
setup
add_subject live.db $K client 'Kim' kim@example.com '+44 7700 900002' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO tickets(subject_id, opened_at, title, body)
  VALUES ('$K', '2026-10-01', 't', 'b');
  INSERT INTO web_log(at, ip, path) VALUES ('2026-01-01T00:00:00Z', '1', '/a'),
  ('2026-01-02T00:00:00Z', '1', '/b');
  CREATE TRIGGER no_ticket_delete BEFORE DELETE ON tickets
  BEGIN SELECT RAISE(ABORT, 'tickets are kept'); END;
  CREATE TRIGGER no_log_delete BEFORE DELETE ON web_log
  BEGIN SELECT RAISE(ABORT, 'the log is kept'); END;"
lt request erase --email kim@example.com
expect 0 "request erase"
lt run
expect 1 "the run: the erasure and the purge fail"
eq "an erase intent and a purge intent are in the ledger" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type IN ('erase',
	  'purge')")" 2
eq "neither has its applied event" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'applied'")" 0
eq "Kim is still there" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$K'")" 1

sql live.db "DROP TRIGGER no_ticket_delete; DROP TRIGGER no_log_delete"
NOW=2026-11-22T11:00:00Z
lt run
expect 0 "the next run finishes both"
eq "Kim is gone" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "the aged log rows are purged" \
	"$(sql live.db "SELECT count(*) FROM web_log")" 0
eq "still one tombstone and one purge intent" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type IN ('erase',
	  'purge')")" 2
eq "the erasure and the purge are applied by separate events" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'applied'")" 2
lt ledger verify
expect 0 "the chain verifies"
lt report --format json
expect 0 "report"
"$PY" -S -c "
import json, sys
r = json.load(open('out'))
assert 'web_log' not in r['rows_erased'], r['rows_erased']
assert r['rows_erased'].get('subjects') == 1, r['rows_erased']
assert r['rows_erased'].get('tickets') == 1, r['rows_erased']
assert r['rows_purged'] == 2, r['rows_purged']
" 2>py.err
check "report: the purged rows apart from the rows erased" test ! -s py.err
done_testing
