#!/bin/sh
# Law 9 "`lethe ledger verify` detects any changed ... event": every field
# of an event, changed in place (its own hash left as it was), fails
# verify (65), and so does a change only in how SQLite stores a field
# that the hash reads loosely: a ref of 2.5 or 'x' (the hash reads an
# integer), a ref of 0 where lethe writes NULL, a field turned into a
# blob, and text with bytes hidden after a NUL, such as an email address
# (the hash, and every reader, stop at the NUL; law 4 would be broken
# unseen).  The untouched ledger verifies.
. "$TESTS_TOP/tests/lib.sh"

setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com '+44 7700 900001' 2026-11-01T00:00:00Z
lt request erase --email ann@example.com --ref HD-1
lt run
expect 0 "a request and a run: request, erase, applied"
eq "events 1..3" "$(sql ledger.db "SELECT group_concat(type, ' ') FROM
  (SELECT type FROM events ORDER BY seq)")" "request erase applied"
cp ledger.db pristine.db
TRIGGERS=$(sql ledger.db "SELECT group_concat(sql, ';') || ';' FROM
  sqlite_schema WHERE name IN ('events_no_update', 'events_no_delete')")

# tampered WHAT SQL: SQL applied to a fresh copy of the ledger (its
# append-only triggers dropped and put back), then verify must fail
tampered() {
	cp pristine.db ledger.db
	rm -f ledger.db-wal ledger.db-shm
	if ! sqlite3 ledger.db "DROP TRIGGER events_no_update;
	  DROP TRIGGER events_no_delete; $2; $TRIGGERS"; then
		not_ok "$1: tampering failed"
		return
	fi
	lt ledger verify
	expect 65 "$1"
}

tampered "seq" "UPDATE events SET seq = 9 WHERE seq = 3"
tampered "at" "UPDATE events SET at = '2026-11-22T10:00:01Z' WHERE seq = 2"
tampered "type" "UPDATE events SET type = 'Erase' WHERE seq = 2"
tampered "subject" "UPDATE events SET subject =
  'aaaaaaaa-0000-4000-8000-000000000002' WHERE seq = 2"
tampered "subject set to NULL" "UPDATE events SET subject = NULL WHERE seq = 2"
tampered "reason" "UPDATE events SET reason = 'lead-expiry' WHERE seq = 2"
tampered "request" "UPDATE events SET request = upper(request) WHERE seq = 2"
tampered "scope ('' for NULL)" "UPDATE events SET scope = '' WHERE seq = 2"
tampered "ref" "UPDATE events SET ref = 1 WHERE seq = 3"
tampered "ref_last" "UPDATE events SET ref_last = 1 WHERE seq = 3"
tampered "ids" "UPDATE events SET ids = substr(ids, 2) WHERE seq = 2"
tampered "data" "UPDATE events SET data = replace(data, 'HD-1', 'HD-2')
  WHERE seq = 1"
tampered "prev" "UPDATE events SET prev = upper(prev) WHERE seq = 2"
tampered "hash" "UPDATE events SET hash = upper(hash) WHERE seq = 3"

tampered "a ref of 2.5 (read as 2)" "UPDATE events SET ref = 2.5 WHERE seq = 3"
tampered "a ref_last of 2.9" "UPDATE events SET ref_last = 2.9 WHERE seq = 3"
tampered "a ref of 'x' (read as 0)" "UPDATE events SET ref = 'x' WHERE seq = 1"
tampered "a ref of 0 where lethe writes NULL" \
	"UPDATE events SET ref = 0 WHERE seq = 1"
tampered "data stored as a blob" \
	"UPDATE events SET data = CAST(data AS BLOB) WHERE seq = 1"
tampered "subject stored as a blob" \
	"UPDATE events SET subject = CAST(subject AS BLOB) WHERE seq = 2"
tampered "an email hidden after a NUL in data" "UPDATE events SET data =
  data || char(0) || 'ann@example.com' WHERE seq = 1"
err_has "event 1 has a data" "verify names the event and the field"
tampered "a NUL appended to ids" \
	"UPDATE events SET ids = ids || char(0) WHERE seq = 2"

cp pristine.db ledger.db
lt ledger verify
expect 0 "the untouched ledger verifies"
lt request erase --email other@example.com
expect 0 "and takes new events"
lt ledger verify
expect 0 "which verify"
done_testing
