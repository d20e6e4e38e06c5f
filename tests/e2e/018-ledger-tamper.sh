#!/bin/sh
# Law 9 (the chain is verifiable): `ledger verify` (65) detects a changed,
# deleted, inserted or reordered event, also a changed event whose own
# hash was recomputed; a cut or rewritten tail, which plain verify cannot
# know, is caught by `verify --against SEQ:HASH` written down from
# `ledger head` before.  The ledger refuses UPDATE and DELETE (triggers),
# and a ledger whose triggers were dropped fails verify.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }

# variant NAME SQL [KEEP]: a copy in $T/NAME, triggers dropped, SQL
# applied, the triggers put back as they were (unless KEEP is given)
variant() {
	mkdir "$T/$1"
	cp -a "$T/lethe.ini" "$T/ledger.key" "$T/live.db" "$T/$1/"
	cp -a "$T"/ledger.db* "$T/$1/"
	back=$(sqlite3 "$T/$1/ledger.db" "SELECT group_concat(sql, ';') || ';'
	  FROM sqlite_schema WHERE name IN ('events_no_update',
	  'events_no_delete')")
	[ $# -gt 2 ] && back=""
	sqlite3 "$T/$1/ledger.db" "DROP TRIGGER events_no_update;
	  DROP TRIGGER events_no_delete; $2; $back" ||
		not_ok "$1: tampering failed"
	CONF=$T/$1/lethe.ini
}

# rehash DB SEQ: recompute event SEQ's hash as lethe does (lethe-event-1)
rehash() {
	sqlite3 "$1" "SELECT writefile('$T/ev.txt', 'lethe-event-1' || char(10) ||
	  'seq=' || seq || char(10) ||
	  'at=' || coalesce(length(CAST(at AS BLOB)) || ':' || at, '-') || char(10) ||
	  'type=' || coalesce(length(CAST(type AS BLOB)) || ':' || type, '-') || char(10) ||
	  'subject=' || coalesce(length(CAST(subject AS BLOB)) || ':' || subject, '-') || char(10) ||
	  'reason=' || coalesce(length(CAST(reason AS BLOB)) || ':' || reason, '-') || char(10) ||
	  'request=' || coalesce(length(CAST(request AS BLOB)) || ':' || request, '-') || char(10) ||
	  'scope=' || coalesce(length(CAST(scope AS BLOB)) || ':' || scope, '-') || char(10) ||
	  'ref=' || coalesce(ref, '-') || char(10) ||
	  'ref_last=' || coalesce(ref_last, '-') || char(10) ||
	  'ids=' || coalesce(length(CAST(ids AS BLOB)) || ':' || ids, '-') || char(10) ||
	  'data=' || coalesce(length(CAST(data AS BLOB)) || ':' || data, '-') || char(10) ||
	  'prev=' || coalesce(length(CAST(prev AS BLOB)) || ':' || prev, '-') || char(10))
	  FROM events WHERE seq = $2" >/dev/null
	sha256sum "$T/ev.txt" | cut -d' ' -f1
}

setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com '+44 7700 900001' 2026-11-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead Ben \
	ben@example.com '+44 7700 900002' 2024-01-01T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at, amount_cents)
  VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'I', '2025-01-01', 1)"
lt ledger head
expect 0 "ledger head on an empty ledger"
check "an empty ledger's head is 0:000..." \
	grep -Eqx '0:0{64}' out
lt request erase --email ann@example.com --ref HD-1
lt run
expect 0 "first run"
lt ledger head
expect 0 "ledger head"
check "ledger head prints SEQ:HASH" grep -Eqx '[0-9]+:[0-9a-f]{64}' out
EARLY=$(cat out)
eq "the head is the last event's seq and hash" "$EARLY" \
	"$(lsql "SELECT seq || ':' || hash FROM events ORDER BY seq DESC LIMIT 1")"
lt request erase --email nobody@example.org
NOW=2026-11-23T10:00:00Z
lt run
expect 0 "second run"
lt ledger head
HEAD=$(cat out)
HSEQ=${HEAD%%:*}
eq "several events" "$(lsql "SELECT count(*) >= 8 FROM events")" 1
eq "the test's hash recipe matches lethe's (event 2)" \
	"$(rehash ledger.db 2)" "$(lsql "SELECT hash FROM events WHERE seq = 2")"

lt ledger verify
expect 0 "the untouched ledger verifies"
out_has "$HSEQ" "verify names the head"
lt ledger verify --against "$HEAD"
expect 0 "verify --against the current head"
lt ledger verify --against "$EARLY"
expect 0 "verify --against a head written down earlier (a prefix)"
lt ledger verify --against "${EARLY%%:*}:$(printf '%064d' 0)"
expect 65 "verify --against a wrong hash for that seq"
lt ledger verify --against "$((HSEQ + 5)):${HEAD#*:}"
expect 65 "verify --against a seq beyond the head"
lt ledger verify --against "not-a-head"
expect 64 "verify --against a malformed value"

# --- the triggers
SUM=$(sha256sum ledger.db | cut -d' ' -f1)
sqlite3 ledger.db "UPDATE events SET reason = 'x' WHERE seq = 2" 2>err.sql
r=$?
check "UPDATE is refused" test $r -ne 0
check "by the append-only trigger" grep -q 'append-only' err.sql
sqlite3 ledger.db "DELETE FROM events WHERE seq = $HSEQ" 2>err.sql
r=$?
check "DELETE is refused" test $r -ne 0
check "by the append-only trigger" grep -q 'append-only' err.sql
sqlite3 ledger.db "UPDATE meta SET value = 'x' WHERE name = 'key_id'" 2>err.sql
check "UPDATE of meta is refused" test $? -ne 0
eq "the events are as they were" \
	"$(lsql "SELECT seq || ':' || hash FROM events ORDER BY seq DESC LIMIT 1")" "$HEAD"
lt ledger verify --against "$HEAD"
expect 0 "still verifies"

# --- tampering, each in its own copy
variant changed "UPDATE events SET reason = 'tampered' WHERE seq = 2"
lt ledger verify
expect 65 "a changed field is detected"
err_has "event 2" "the message names the event"

variant rehashed "UPDATE events SET data = '{\"tables\":{}}' WHERE seq = 2"
H=$(rehash "$T/rehashed/ledger.db" 2)
sqlite3 "$T/rehashed/ledger.db" "UPDATE events SET hash = '$H' WHERE seq = 2"
lt ledger verify
expect 65 "a changed event with its own hash recomputed is detected"

variant deleted "DELETE FROM events WHERE seq = 3"
lt ledger verify
expect 65 "a deleted middle event is detected"

variant inserted "UPDATE events SET seq = seq + 1000 WHERE seq >= 3;
  UPDATE events SET seq = seq - 999 WHERE seq >= 1003;
  INSERT INTO events(seq, at, type, subject, reason, request, scope, ref,
    ref_last, ids, data, prev, hash)
  SELECT 3, at, 'approve', NULL, NULL, request, NULL, NULL, NULL, NULL, '{}',
    hash, lower(hex(randomblob(32))) FROM events WHERE seq = 2"
eq "inserted: one more event" \
	"$(sql "$T/inserted/ledger.db" "SELECT count(*) FROM events")" $((HSEQ + 1))
lt ledger verify
expect 65 "an inserted event is detected"

variant inserted_end "INSERT INTO events(seq, at, type, subject, reason,
    request, scope, ref, ref_last, ids, data, prev, hash)
  SELECT seq + 1, at, 'approve', NULL, NULL, 'x', NULL, NULL, NULL, NULL,
    '{}', hash, lower(hex(randomblob(32))) FROM events WHERE seq = $HSEQ"
lt ledger verify
expect 65 "an appended event with a bogus hash is detected"

variant swapped "UPDATE events SET seq = -2 WHERE seq = 2;
  UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = -2"
lt ledger verify
expect 65 "two events with swapped seqs are detected"

variant cut "DELETE FROM events WHERE seq = $HSEQ"
lt ledger verify
expect 0 "a deleted last event: plain verify cannot know"
lt ledger verify --against "$HEAD"
expect 65 "verify --against the head written down before detects the cut"
lt ledger verify --against "$EARLY"
expect 0 "the earlier prefix is still intact"

variant rewritten "UPDATE events SET data = '{}' WHERE seq = $HSEQ" keep
H=$(rehash "$T/rewritten/ledger.db" "$HSEQ")
sqlite3 "$T/rewritten/ledger.db" "UPDATE events SET hash = '$H' WHERE seq = $HSEQ;
  $(sqlite3 "$T/ledger.db" "SELECT group_concat(sql, ';') || ';' FROM
  sqlite_schema WHERE name IN ('events_no_update', 'events_no_delete')")"
lt ledger verify
expect 0 "a rewritten last event with a recomputed hash passes plain verify"
lt ledger verify --against "$HEAD"
expect 65 "verify --against the written-down head detects the rewrite"

variant untriggered "SELECT 1" keep
lt ledger verify
expect 65 "a ledger whose append-only triggers were dropped fails verify"
err_has "events_no_update" "verify names the missing trigger"
variant defanged "CREATE TRIGGER events_no_update BEFORE UPDATE ON meta WHEN 0
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
  CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN 0
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END" keep
lt ledger verify
expect 65 "triggers of the right names that guard nothing fail verify"

mkdir "$T/garbage"
cp -a "$T/lethe.ini" "$T/ledger.key" "$T/live.db" "$T/garbage/"
head -c 4096 /dev/urandom >"$T/garbage/ledger.db"
CONF=$T/garbage/lethe.ini
lt ledger verify
expect 65 "a ledger overwritten with other bytes fails verify"
err_has "not a lethe ledger" "and says it is not a ledger"
: >"$T/garbage/ledger.db"
lt ledger list
expect 65 "an emptied ledger is bad data too"
done_testing
