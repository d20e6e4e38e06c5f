#!/bin/sh
# SPEC 5 `init --demo DIR`: a reference live store with sample data (a
# few hundred subjects: fresh and stale leads, clients with invoices
# inside and past the 6-year hold, suppliers, communications, tickets, a
# web log), a config for it, a 0600 key and a ledger; the data map loads
# and `run` works on it as the quick start says.  A second --demo into
# the same folder is refused (64) and changes nothing.
. "$TESTS_TOP/tests/lib.sh"
D=$T/demo
NOW=2026-11-22T10:00:00Z
"$LETHE" --now "$NOW" init --demo "$D" >out 2>err; rc=$?
expect 0 "init --demo into a new folder"
for f in lethe.ini live.db ledger.db ledger.key; do
	check "it made $f" test -f "$D/$f"
done
eq "the key is 32 bytes" "$(wc -c <"$D/ledger.key" | tr -d ' ')" 32
eq "the key is 0600" "$(stat -c %a "$D/ledger.key")" 600
CONF=$D/lethe.ini
DB=$D/live.db
check "a few hundred subjects" test "$(sql "$DB" "SELECT count(*) FROM subjects")" -ge 200
eq "leads, clients and suppliers" "$(sql "$DB" "SELECT group_concat(kind)
  FROM (SELECT DISTINCT kind FROM subjects ORDER BY kind)")" \
	"client,lead,supplier"
check "stale leads (idle over 12 months)" test "$(sql "$DB" "SELECT count(*)
  FROM subjects WHERE kind = 'lead' AND last_contact_at < '2025-11-22'")" -gt 0
check "fresh leads" test "$(sql "$DB" "SELECT count(*) FROM subjects WHERE
  kind = 'lead' AND last_contact_at > '2026-06-01'")" -gt 0
check "invoices past the 6-year hold" test "$(sql "$DB" "SELECT count(*)
  FROM invoices WHERE issued_at < '2020-11-22'")" -gt 0
check "invoices inside it" test "$(sql "$DB" "SELECT count(*) FROM invoices
  WHERE issued_at > '2021-01-01'")" -gt 0
for t in communications tickets web_log; do
	check "rows in $t" test "$(sql "$DB" "SELECT count(*) FROM $t")" -gt 0
done

lt run --dry-run
expect 0 "run --dry-run on the demo"
err_has "would erase" "the dry run finds stale leads"
N=$(sql "$DB" "SELECT count(*) FROM subjects")
lt run
expect 0 "run on the demo"
check "the run erased the stale leads" test "$(sql "$DB" "SELECT count(*)
  FROM subjects")" -lt "$N"
eq "no stale lead is left" "$(sql "$DB" "SELECT count(*) FROM subjects WHERE
  kind = 'lead' AND last_contact_at < '2025-11-22'")" 0
lt ledger verify
expect 0 "the demo ledger verifies"

SUM=$(cd "$D" && sha256sum lethe.ini live.db ledger.db ledger.key)
"$LETHE" --now "$NOW" init --demo "$D" >out 2>err; rc=$?
expect 64 "a second --demo into the same folder"
eq "changed nothing" "$(cd "$D" && sha256sum lethe.ini live.db ledger.db ledger.key)" "$SUM"
done_testing
