#!/bin/sh
# Law 3 (an intent without its `applied` event is finished by the next
# run, never written again; exactly one tombstone per erasure) and SPEC 4
# run (exit 1 when a step failed), when a batch fails without a crash:
# the application's own trigger refuses a delete after the batch's
# tombstones are durable.  Later steps of the same run (another batch, a
# purge) append their own `applied` events; the failed batch's intents
# must still be finished by the next run once the cause is gone, and no
# second tombstone may be written for the same subject.
. "$TESTS_TOP/tests/lib.sh"

# use NAME: a fresh store, config, key and ledger in $T/NAME
use() {
	mkdir "$T/$1"
	D=$T/$1
	CONF=$D/lethe.ini
	NOW=2026-11-22T10:00:00Z
	make_store "$D/live.db"
	write_config "$CONF"
	lt init
}
lsql() { sql "$D/ledger.db" "$1"; }
tombstones() {
	lsql "SELECT count(*) FROM events WHERE type = 'erase' AND subject = '$1'"
}
uncovered() {
	lsql "SELECT count(*) FROM events i WHERE i.type IN ('erase', 'release',
	  'purge') AND (SELECT count(*) FROM events a WHERE a.type = 'applied'
	  AND i.seq BETWEEN a.ref AND a.ref_last) <> 1"
}
alive() { sql "$D/live.db" "SELECT count(*) FROM subjects WHERE id = '$1'"; }

K=aaaaaaaa-0000-4000-8000-00000000000a
L=bbbbbbbb-0000-4000-8000-00000000000b
GUARD_TICKETS="CREATE TRIGGER app_guard BEFORE DELETE ON tickets WHEN
  old.status = 'escalated' BEGIN SELECT RAISE(ABORT, 'escalated tickets
  cannot be deleted'); END"
GUARD_COMMS="CREATE TRIGGER app_guard BEFORE DELETE ON communications WHEN
  old.channel = 'legal' BEGIN SELECT RAISE(ABORT, 'legal correspondence
  cannot be deleted'); END"

# kim: client K in $D's store
kim() {
	add_subject "$D/live.db" $K client 'Kim' kim@example.com \
		'+44 7700 900002' 2026-11-01T00:00:00Z
}
# guarded_lead: stale lead L in $D's store, with a 'legal' message that the
# application's trigger refuses to delete
guarded_lead() {
	add_subject "$D/live.db" $L lead 'Stale' stale@example.com \
		'+44 7700 900001' 2025-01-01T00:00:00Z
	sql "$D/live.db" "INSERT INTO communications(subject_id, at, channel,
	  body) VALUES ('$L', '2025-01-01', 'legal', 'x'); $GUARD_COMMS"
}

# --- A: the request's batch fails, the purge after it succeeds
use a
kim
sql "$D/live.db" "INSERT INTO tickets(subject_id, opened_at, title, status)
  VALUES ('$K', '2026-01-01', 't', 'escalated');
INSERT INTO web_log(at, ip, path) VALUES ('2026-01-01T00:00:00Z', '1', '/');
$GUARD_TICKETS"
lt request erase --email kim@example.com
expect 0 "A: request erase"
lt run
expect 1 "A: the run reports the failed step"
eq "A: the subject is still in the live store" "$(alive $K)" 1
err_lacks "erased subject $K" "A: stderr does not claim the subject was erased"
eq "A: the purge went ahead" \
	"$(sql "$D/live.db" "SELECT count(*) FROM web_log")" 0
sql "$D/live.db" "DROP TRIGGER app_guard"
NOW=2026-11-23T10:00:00Z
lt run
expect 0 "A: the next run, the cause gone"
eq "A: the subject is erased now" "$(alive $K)" 0
eq "A: its ticket is erased" \
	"$(sql "$D/live.db" "SELECT count(*) FROM tickets")" 0
eq "A: exactly one tombstone" "$(tombstones $K)" 1
eq "A: every intent covered by exactly one applied event" "$(uncovered)" 0

# --- B: a lead batch fails, the request batch after it succeeds
use b
guarded_lead
kim
lt request erase --email kim@example.com
lt run
expect 1 "B: the run reports the failed step"
eq "B: the lead is still there" "$(alive $L)" 1
eq "B: the requested client is erased" "$(alive $K)" 0
sql "$D/live.db" "DROP TRIGGER app_guard"
NOW=2026-11-23T10:00:00Z
lt run
expect 0 "B: the next run, the cause gone"
eq "B: the lead is erased now" "$(alive $L)" 0
eq "B: exactly one tombstone for the lead" "$(tombstones $L)" 1
eq "B: every intent covered by exactly one applied event" "$(uncovered)" 0

# --- C: the cause stays: no run writes the tombstone again
use c
guarded_lead
kim
lt request erase --email kim@example.com
lt run
expect 1 "C: the run reports the failed step"
NOW=2026-11-23T10:00:00Z
lt run
expect 1 "C: the next run fails again"
NOW=2026-11-24T10:00:00Z
lt run
expect 1 "C: and the one after"
eq "C: the lead is still there" "$(alive $L)" 1
eq "C: still one tombstone for the lead" "$(tombstones $L)" 1

# --- D: the failed batch is the run's last step
use d
kim
sql "$D/live.db" "INSERT INTO tickets(subject_id, opened_at, title, status)
  VALUES ('$K', '2026-01-01', 't', 'escalated'); $GUARD_TICKETS"
lt request erase --email kim@example.com
lt run
expect 1 "D: the run reports the failed step"
sql "$D/live.db" "DROP TRIGGER app_guard"
NOW=2026-11-23T10:00:00Z
lt run
expect 0 "D: the next run finishes the intent"
eq "D: the subject is erased" "$(alive $K)" 0
eq "D: exactly one tombstone" "$(tombstones $K)" 1
eq "D: every intent covered by exactly one applied event" "$(uncovered)" 0
lt ledger verify
expect 0 "D: ledger verifies"

# --- E: a hold release fails, the purge after it succeeds
use e
kim
sql "$D/live.db" "INSERT INTO invoices(id, subject_id, number, issued_at,
  amount_cents) VALUES (1, '$K', 'K1', '2025-11-20T00:00:00Z', 1)"
lt request erase --email kim@example.com
lt run
expect 0 "E: the client is erased, the invoice held until 2031-11-20"
sql "$D/live.db" "CREATE TRIGGER app_guard BEFORE DELETE ON invoices BEGIN
  SELECT RAISE(ABORT, 'an audit is in progress'); END;
INSERT INTO web_log(at, ip, path) VALUES ('2031-01-01T00:00:00Z', '1', '/')"
NOW=2031-12-01T10:00:00Z
lt run
expect 1 "E: the run reports the failed release"
eq "E: the invoice is still there" \
	"$(sql "$D/live.db" "SELECT count(*) FROM invoices")" 1
sql "$D/live.db" "DROP TRIGGER app_guard"
NOW=2031-12-02T10:00:00Z
lt run
expect 0 "E: the next run, the audit over"
eq "E: the invoice whose hold ended is deleted" \
	"$(sql "$D/live.db" "SELECT count(*) FROM invoices")" 0
eq "E: every intent covered by exactly one applied event" "$(uncovered)" 0
done_testing
