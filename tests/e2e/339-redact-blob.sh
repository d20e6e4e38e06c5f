#!/bin/sh
# SPEC 3 `redact` (free text: erased people's identifiers replaced by
# [erased]), laws 6 and 11, for free text an application stored as a
# BLOB: Jo's message, a blob, names Wes.  Wes asks to be erased: `run`
# redacts the blob as it does text (it stays a blob, the rest of it
# kept) and the email leaves the live store's bytes; restoring a backup
# taken before the run redacts it there too instead of refusing the
# backup as residue.
. "$TESTS_TOP/tests/lib.sh"
W=33933933-0000-4000-8000-000000000001
J=33933933-0000-4000-8000-000000000002
setup
add_subject live.db $W client 'Wes' wes.blob@example.com '' \
	2026-11-01T00:00:00Z
add_subject live.db $J client 'Jo' jo.stays@example.com '' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, channel, body)
  VALUES ('$J', '2026-10-01', 'mail',
    CAST('ask wes.blob@example.com' || char(0) || ' about it' AS BLOB)),
  ('$J', '2026-10-02', 'mail', 'text for wes.blob@example.com too')"
lt backup -o "$T/before.tar"
expect 0 "a backup before the erasure"

lt request erase --email wes.blob@example.com
lt run
expect 0 "run"
eq "Jo's blob message is redacted and stays a blob" \
	"$(sql live.db "SELECT typeof(body) || ' ' || hex(body) FROM
	  communications WHERE at = '2026-10-01'")" \
	"blob $(printf 'ask [erased]\000 about it' | od -An -tx1 | tr -d ' \n' |
	  tr a-f A-F)"
eq "her text message too" \
	"$(sql live.db "SELECT body FROM communications WHERE
	  at = '2026-10-02'")" "text for [erased] too"
check "the email is not in the live store's bytes" \
	sh -c "! strings -a live.db live.db-wal 2>/dev/null |
	  grep -q wes.blob@example.com"

lt restore "$T/before.tar" --to "$T/r"
expect 0 "the backup taken before restores"
eq "its blob message is redacted, a blob" \
	"$(sql "$T/r/live.db" "SELECT typeof(body) || ' ' || (instr(body,
	  CAST('[erased]' AS BLOB)) > 0) FROM communications WHERE
	  at = '2026-10-01'")" "blob 1"
check "the email is not in the restored bytes" \
	sh -c "! strings -a '$T/r/live.db' | grep -q wes.blob@example.com"
done_testing
