#!/bin/sh
# SPEC 5: `ledger list --json` and `request list --json` print JSON Lines,
# one object per line, on stdout.  Events carry at least seq, at, type (one
# of request, approve, erase, hold, release, purge, applied, backup,
# restore, scrub), subject (UUID or null), reason, request and hash; every
# one of the ten types is produced here and checked.  `--csv` carries the
# same events (RFC 4180 quoting, a header line).  Requests carry id,
# received, due, status (pending, done, overdue) and approved.  `--since`
# keeps the events at or after a time.  Diagnostics never go to stdout.
. "$TESTS_TOP/tests/lib.sh"
setup
sed -i 's/^require_approval .*/require_approval = yes/' "$CONF"
A=aaaaaaaa-0000-4000-8000-000000000001
sql live.db "INSERT INTO subjects VALUES ('$A', 'client', 'A', 'a@example.com',
  '+447700900001', 'x', '2020-01-01', '2026-01-01');
INSERT INTO invoices(subject_id, number, issued_at, amount_cents) VALUES
  ('$A', 'OLD', '2019-01-01T00:00:00Z', 1), ('$A', 'NEW', '2026-01-01T00:00:00Z', 2);
INSERT INTO web_log(at, path) VALUES ('2026-01-01T00:00:00Z', '/old'),
  ('2026-11-21T00:00:00Z', '/new')"

lt backup -o "$T/before.tar.zst"
expect 0 "backup (a backup event)"
lt request erase --email a@example.com --ref TCK-1
expect 0 "request (a request event)"
ID=$(cut -d' ' -f1 out)
lt request erase --email pending@example.com
PENDING=$(cut -d' ' -f1 out)
lt request approve "$ID"
expect 0 "approve (an approve event)"
lt run
expect 0 "run: erase, hold, purge, applied events"
NOW=2032-02-01T00:00:00Z
lt run
expect 1 "six years on: release (and the pending request is overdue)"
NOW=2026-11-22T10:00:00Z
lt restore "$T/before.tar.zst" --to "$T/restored"
expect 0 "restore (a restore event)"
lt scrub "$T/before.tar.zst" -o "$T/scrubbed.tar.zst"
expect 0 "scrub (a scrub event)"

lt ledger list --json
expect 0 "ledger list --json"
cp out events.jsonl
check "ledger list --json: nothing on stderr" test ! -s err
python3 - events.jsonl >py.out 2>&1 <<'PY'
import json, re, sys
uuid = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
types = set()
seqs = []
for n, line in enumerate(open(sys.argv[1]), 1):
    e = json.loads(line)
    for k in ("seq", "at", "type", "subject", "reason", "request", "hash"):
        assert k in e, "line %d lacks %s" % (n, k)
    assert isinstance(e["seq"], int), "seq not an integer"
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', e["at"]), e["at"]
    assert e["type"] in ("request", "approve", "erase", "hold", "release",
                         "purge", "applied", "backup", "restore", "scrub"), e["type"]
    assert e["subject"] is None or uuid.match(e["subject"]), e["subject"]
    assert re.match(r'^[0-9a-f]{64}$', e["hash"]), e["hash"]
    types.add(e["type"])
    seqs.append(e["seq"])
assert seqs == list(range(1, len(seqs) + 1)), "seq not 1..N in order"
missing = {"request", "approve", "erase", "hold", "release", "purge",
           "applied", "backup", "restore", "scrub"} - types
assert not missing, "types never listed: %s" % sorted(missing)
print("fine")
PY
check "every JSON line is an object with the SPEC fields, all ten types seen" \
	grep -qx fine py.out
[ -s py.out ] && ! grep -qx fine py.out && sed 's/^/# /' py.out

lt ledger list --csv
expect 0 "ledger list --csv"
cp out events.csv
python3 - events.csv events.jsonl >py.out 2>&1 <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, rows = rows[0], rows[1:]
for k in ("seq", "at", "type", "subject", "reason", "request", "hash"):
    assert k in head, "CSV header lacks %s" % k
ev = [json.loads(l) for l in open(sys.argv[2])]
assert len(rows) == len(ev), "CSV has %d rows, JSON %d" % (len(rows), len(ev))
for r, e in zip(rows, ev):
    assert len(r) == len(head), "row %s has %d fields" % (r[0], len(r))
    d = dict(zip(head, r))
    assert int(d["seq"]) == e["seq"] and d["hash"] == e["hash"] \
        and d["type"] == e["type"], "row %s differs from JSON" % r[0]
    assert d["subject"] == (e["subject"] or ""), "subject differs"
print("fine")
PY
check "CSV: header, one row per event, the same values as JSON" grep -qx fine py.out

lt request list --json
expect 0 "request list --json"
python3 - out "$ID" "$PENDING" >py.out 2>&1 <<'PY'
import json, sys
reqs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k in ("id", "received", "due", "status", "approved"):
        assert k in r, "request lacks %s" % k
    assert r["status"] in ("pending", "done", "overdue"), r["status"]
    assert isinstance(r["approved"], bool), "approved not a boolean"
    reqs[r["id"]] = r
done, pend = reqs[sys.argv[2]], reqs[sys.argv[3]]
assert done["status"] == "done" and done["approved"] is True, done
assert pend["status"] == "pending" and pend["approved"] is False, pend
assert done["received"] == "2026-11-22T10:00:00Z"
assert done["due"] == "2026-11-29T10:00:00Z"
print("fine")
PY
check "request list --json: id, received, due, status, approved" grep -qx fine py.out
NOW=2026-12-01T00:00:00Z
lt request list --json
check "past its due time the pending request is 'overdue'" \
	grep -q "\"id\":\"$PENDING\".*\"status\":\"overdue\"" out

NOW=2026-11-22T10:00:00Z
lt ledger list --json --since 2032-01-01
expect 0 "ledger list --since"
eq "--since keeps only the events at or after it (the 2032 release and purge)" \
	"$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["type"] for l in open(sys.argv[1])))' out)" \
	"release applied purge applied"
done_testing
