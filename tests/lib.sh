# tests/lib.sh: sourced by every end-to-end scenario (tests/e2e/NNN-*.sh).
#
# A scenario runs in its own folder $T (kept when it fails), drives the
# real binary $LETHE like a user, always with -c and --now, and prints TAP
# lines through `ok`/`not_ok`/`check`.  A lethe that dies by a signal or a
# sanitizer report is always a failure, whatever the scenario expected.
#
#   lt ARGS...         run lethe -c $CONF --now $NOW ARGS; stdout in $T/out,
#                      stderr in $T/err, status in $rc
#   expect N WHAT      ok if the last lt exited N
#   check WHAT CMD...  ok if CMD succeeds
#   out_has TEXT WHAT / err_has TEXT WHAT / out_lacks / err_lacks
#   sql DB QUERY       run a query with the sqlite3 CLI
#   make_store DB      a small live store with the demo schema (see below)
#   write_config FILE [EXTRA]   the reference config for make_store
#   email_config FILE [EXTRA]   a data map of only subjects(id, email)
set -u
: "${LETHE:?LETHE must name the lethe binary}"
TESTS_TMP=${TESTS_TMP:-/tmp}
name=$(basename "$0" .sh)
T=$(mktemp -d "$TESTS_TMP/$name.XXXXXX")
cd "$T" || exit 1
CONF=$T/lethe.ini
NOW=2026-11-22T10:00:00Z
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
	if [ -f "$T/err" ]; then sed 's/^/# err: /' "$T/err" | tail -n 15; fi
}

# lt: run lethe; a death by signal or a sanitizer report is a failure
lt() {
	"$LETHE" -c "$CONF" --now "$NOW" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ge 128 ] && [ "${EXPECT_KILL:-}" != 1 ]; then
		not_ok "lethe $* died by signal $((rc - 128))"
	elif [ $rc -eq 86 ] || grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' "$T/err"; then
		not_ok "lethe $*: sanitizer report"
	fi
	return 0
}

# lt_in FILE ARGS...: lt with standard input from FILE
lt_in() {
	f=$1; shift
	"$LETHE" -c "$CONF" --now "$NOW" "$@" <"$f" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ge 128 ]; then not_ok "lethe $* died by signal $((rc - 128))"; fi
	if grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' "$T/err"; then
		not_ok "lethe $*: sanitizer report"
	fi
	return 0
}

expect() {
	if [ "$rc" -eq "$1" ]; then ok "$2 (exit $1)"
	else not_ok "$2: expected exit $1, got $rc"; fi
}

check() {
	what=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else not_ok "$what"; fi
}

out_has() { if grep -q -- "$1" "$T/out"; then ok "$2"; else not_ok "$2: stdout lacks '$1'"; fi; }
err_has() { if grep -q -- "$1" "$T/err"; then ok "$2"; else not_ok "$2: stderr lacks '$1'"; fi; }
out_lacks() { if grep -q -- "$1" "$T/out"; then not_ok "$2: stdout has '$1'"; else ok "$2"; fi; }
err_lacks() { if grep -q -- "$1" "$T/err"; then not_ok "$2: stderr has '$1'"; else ok "$2"; fi; }

sql() { sqlite3 -batch -noheader "$1" "$2"; }

# nevents TYPE SUBJECT: how many TYPE events ledger.db holds for SUBJECT
nevents() {
	sql ledger.db "SELECT count(*) FROM events WHERE type = '$1' AND
	  subject = '$2'"
}

# eq WHAT GOT WANT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi; }

# no_bytes WHAT TEXT FILE...: TEXT appears in none of the files' bytes
no_bytes() {
	what=$1; text=$2; shift 2
	for f in "$@"; do
		[ -e "$f" ] || continue
		if strings -a "$f" | grep -qi -- "$text"; then
			not_ok "$what: '$text' found in $f"; return
		fi
	done
	ok "$what"
}

# make_store DB: the demo schema, empty
make_store() {
	sqlite3 "$1" <<'SQL'
CREATE TABLE subjects(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT,
  email TEXT, phone TEXT, address TEXT, created_at TEXT NOT NULL,
  last_contact_at TEXT);
CREATE INDEX subjects_email ON subjects(email);
CREATE TABLE communications(id INTEGER PRIMARY KEY, subject_id TEXT,
  at TEXT NOT NULL, channel TEXT, body TEXT);
CREATE INDEX communications_subject ON communications(subject_id);
CREATE TABLE tickets(id INTEGER PRIMARY KEY, subject_id TEXT,
  opened_at TEXT NOT NULL, title TEXT, body TEXT, status TEXT);
CREATE TABLE invoices(id INTEGER PRIMARY KEY, subject_id TEXT,
  number TEXT NOT NULL, issued_at TEXT NOT NULL, amount_cents INTEGER NOT NULL,
  billing_name TEXT, billing_address TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_email TEXT,
  customer_name TEXT, delivery_address TEXT, placed_at TEXT NOT NULL,
  total_cents INTEGER NOT NULL);
CREATE TABLE web_log(id INTEGER PRIMARY KEY, at TEXT NOT NULL, ip TEXT,
  path TEXT, user_agent TEXT);
SQL
}

# add_subject DB ID KIND NAME EMAIL PHONE LAST_CONTACT
add_subject() {
	sqlite3 "$1" "INSERT INTO subjects VALUES ('$2', '$3', '$4', '$5',
	  '$6', '1 Main St', '2020-01-01T00:00:00Z', '$7')"
}

# add_order DB EMAIL NAME ADDRESS PLACED_AT CENTS: an order (linked to its
# customer by email)
add_order() {
	sqlite3 "$1" "INSERT INTO orders(customer_email, customer_name,
	  delivery_address, placed_at, total_cents) VALUES ('$2', '$3', '$4',
	  '$5', $6)"
}

# email_config FILE [EXTRA_TEXT]: a data map of only a subjects(id, email)
# table in live.db, for stores a test builds itself
email_config() {
	cat >"$1" <<'INI'
[lethe]
live_store = live.db
ledger = ledger.db
key_file = ledger.key
[subjects]
table = subjects
id = id
identifiers = email:email
INI
	if [ $# -gt 1 ]; then printf '%s\n' "$2" >>"$1"; fi
}

# write_config FILE [EXTRA_TEXT]: the reference data map for make_store
write_config() {
	cat >"$1" <<'INI'
[lethe]
live_store = live.db
ledger     = ledger.db
key_file   = ledger.key

[policy]
lead_expiry          = 12 months
erasure_deadline     = 7 days
require_approval     = no
default_calling_code = 44

[subjects]
table         = subjects
id            = id
kind          = kind
lead_kind     = lead
last_activity = last_contact_at
identifiers   = email:email, phone:phone

[table communications]
subject  = subject_id
on_erase = delete
redact   = body

[table tickets]
subject  = subject_id
on_erase = delete

[table invoices]
subject    = subject_id
on_erase   = retain
retain_for = 6 years
date       = issued_at
after_hold = delete

[table orders]
subject  = customer_email
match    = email
on_erase = mask
mask     = customer_name, delivery_address

[purge web_log]
date = at
keep = 30 days

[files attachments]
path = attachments/{subject}/
INI
	if [ $# -gt 1 ]; then printf '%s\n' "$2" >>"$1"; fi
}

# setup: a live store, config, key and ledger in $T
setup() {
	make_store "$T/live.db"
	write_config "$CONF" "${1:-}"
	lt init
	if [ "$rc" -ne 0 ]; then not_ok "setup: lethe init failed"; fi
}

# held_then_due: the store of 021 and 024 (H, L and K set to subject ids):
# set up; in 2020, client H erased on request, an invoice of hers held
# until 2026-06-01; then, NOW 2026-11-22T10:00:00Z, lead L idle since
# 2025-01-01 and client K seen on 2026-11-01.
# eve_backup_erased ARCHIVE: set up; clients eve ($EVE) and ann; ARCHIVE
# (a path under $T) backed up; then, a day later, eve erased on request
EVE=eeeeeeee-0000-4000-8000-00000000000e
eve_backup_erased() {
	setup
	add_subject live.db $EVE client 'Eve Gone' eve@example.com \
		+447700900901 2026-11-01T00:00:00Z
	add_subject live.db aaaaaaaa-0000-4000-8000-00000000000a client Ann \
		ann@example.com +447700900902 2026-11-01T00:00:00Z
	lt backup -o "$1"
	expect 0 "a backup holding eve"
	NOW=2026-11-23T10:00:00Z
	lt request erase --email eve@example.com
	lt run
	expect 0 "eve is erased after the backup"
}

held_then_due() {
	setup
	NOW=2020-07-01T00:00:00Z
	add_subject live.db $H client 'Held' held@example.com \
		'+44 7700 900003' 2020-06-01T00:00:00Z
	sql live.db "INSERT INTO invoices(subject_id, number, issued_at,
	  amount_cents) VALUES ('$H', 'H1', '2020-06-01T00:00:00Z', 5)"
	lt request erase --email held@example.com
	lt run
	expect 0 "2020: a client erased, an invoice held"
	NOW=2026-11-22T10:00:00Z
	add_subject live.db $L lead 'Stale Lead' stale@example.com \
		'+44 7700 900001' 2025-01-01T00:00:00Z
	add_subject live.db $K client 'Kim' kim@example.com \
		'+44 7700 900002' 2026-11-01T00:00:00Z
}

# PY: the Python the scenarios run their helpers with (python3 -S)
PY=$(python3 -c 'import sys; print(sys.executable)')

# jfield TYPE KEY...: a field of the last TYPE event in $T/out, which
# holds `ledger list --json` (JSON Lines); <none> when there is none
JFIELD='
import json, sys
typ, keys = sys.argv[1], sys.argv[2:]
found = None
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] == typ:
        found = e
for k in keys:
    found = found.get(k) if isinstance(found, dict) else None
print("<none>" if found is None else found)
'
jfield() { "$PY" -S -c "$JFIELD" "$@" <"$T/out"; }

# done_testing: the plan line, the kept folder, the exit status
done_testing() {
	echo "1..$tap_n"
	if [ "$tap_failed" -gt 0 ]; then
		echo "# kept $T"
		exit 1
	fi
	cd / && rm -rf "$T"
	exit 0
}
