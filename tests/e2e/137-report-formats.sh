#!/bin/sh
# SPEC 5 `report [--since TIME] [--format text|json|html]` (README: it
# "summarises tombstones by reason, rows erased per table, holds, purges,
# requests (pending, done, overdue), backups and restores, and the
# chain's state"): all three formats carry the same numbers; json is one
# valid JSON document; html is a complete page with no unescaped data;
# --since narrows the events counted; a ledger that fails verification is
# reported as such and the exit status is 65 (SPEC 5: a ledger that fails
# verify); overdue requests alone make it 1.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead Lee \
	lee@example.com '' 2025-01-01T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at, amount_cents)
  VALUES ('$A', 'N1', '2026-01-01T00:00:00Z', 1);
  INSERT INTO web_log(at, path) VALUES ('2026-01-01T00:00:00Z', '/x')"
lt backup -o "$T/b.tar.zst"
lt request erase --email alice@example.com --ref '<b>T-1</b>'
lt request erase --email nobody@example.com
lt run
expect 0 "run: a lead expired, a request done, a held invoice, a purge"
NOW=2026-11-23T10:00:00Z
lt request erase --email later@example.com
lt restore "$T/b.tar.zst" --to "$T/r"
expect 0 "a restore"

lt report
expect 0 "report (text)"
for w in "1 lead expiry" "1 on request" "1 identifiers only" "1 held" "1 purged" "1 backup" "1 restore" \
	"verified"; do
	out_has "$w" "text report: '$w'"
done
check "text report: the purged web log row is not among the rows erased" \
	sh -c "grep 'rows erased' '$T/out' | grep -q 'subjects 2' &&
	  ! grep 'rows erased' '$T/out' | grep -q web_log"
lt report --format json
expect 0 "report --format json"
python3 - out >py.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["tombstones"]["lead_expiry"] == 1, r["tombstones"]
assert r["tombstones"]["request"] == 1, r["tombstones"]
assert r["tombstones"]["identifiers_only"] == 1, r["tombstones"]
assert r["rows_held"] == 1 and r["rows_purged"] == 1
# rows erased are people's rows: the purged web log row is counted apart
assert r["rows_erased"] == {"subjects": 2}, r["rows_erased"]
assert r["requests"]["total"] == 3 and r["requests"]["done"] == 2
assert r["requests"]["pending"] == 1 and r["requests"]["overdue"] == 0
assert r["backups"] == 1 and r["restores"] == 1
assert r["ledger"]["verified"] is True
print("fine")
PY
check "json report: one document with the same numbers" grep -qx fine py.out
lt report --format html
expect 0 "report --format html"
check "html: a complete page" sh -c "grep -qi '<html' '$T/out' && grep -qi '</html>' '$T/out'"
out_lacks "<b>T-1</b>" "html: no unescaped data"

lt report --since 2026-11-23 --format json
expect 0 "report --since"
check "--since: only the later restore counted, no tombstone" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["restores"] == 1 and r["backups"] == 0
assert sum(r["tombstones"].values()) == 0
assert r["requests"]["done"] == 0, r["requests"]' out

NOW=2026-12-01T10:00:00Z
lt report --format json
expect 1 "an overdue request: report exits 1"
check "past its due time the pending request is overdue" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["requests"]["overdue"] == 1' out

# a table whose name HTML would read as markup is escaped there
add_subject live.db 99999999-0000-4000-8000-000000000009 client Mark \
	mark@example.com +447700900999 2026-11-30T00:00:00Z
sql live.db "CREATE TABLE \"n<b>&q\"(id INTEGER PRIMARY KEY, subject_id TEXT);
  INSERT INTO \"n<b>&q\"(subject_id) SELECT id FROM subjects"
printf '\n[table n<b>&q]\nsubject = subject_id\non_erase = delete\n' >>"$CONF"
lt request erase --email mark@example.com
lt run
expect 0 "mark is erased"
lt report --format html
check "html: the table name is escaped" grep -q 'n&lt;b&gt;&amp;q 1' out
out_lacks "n<b>" "html: no raw markup from a name"
lt report
out_has "n<b>&q 1" "text: the name as it is"

# a changed event
sql ledger.db "DROP TRIGGER events_no_update; UPDATE events SET reason = 'x' WHERE seq = 2"
for f in text json html; do
	lt report --format $f
	expect 65 "tampered ledger: report --format $f exits 65"
done
lt report --format json
check "tampered ledger: json says verified false" grep -q '"verified":false' out
done_testing
