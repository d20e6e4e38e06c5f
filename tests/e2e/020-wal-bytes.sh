#!/bin/sh
# Law 6 (erased means gone from the bytes): with the live store in WAL
# mode, after `run` erases a person, `strings` finds their email and phone
# neither in live.db nor in live.db-wal (secure_delete, WAL checkpointed
# and truncated), also while the application keeps a second connection
# open (not in a read transaction) and the person's rows sat in the WAL.
# Law 4 too: neither is in the ledger's bytes.
. "$TESTS_TOP/tests/lib.sh"

# has_bytes WHAT TEXT FILE...: TEXT is in one of the files (a sanity check)
has_bytes() {
	what=$1; text=$2; shift 2
	for f in "$@"; do
		[ -e "$f" ] && strings -a "$f" | grep -qi -- "$text" && {
			ok "$what"; return; }
	done
	not_ok "$what: '$text' is in none of $*"
}

# person DB ID NAME EMAIL PHONE: a client with rows in every table
person() {
	sql "$1" "INSERT INTO subjects VALUES ('$2', 'client', '$3', '$4', '$5',
	  '5 Wal Rd', '2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z');
	INSERT INTO communications(subject_id, at, channel, body) VALUES
	  ('$2', '2026-10-01', 'mail', 'mail from $4, call $5'),
	  ('$2', '2026-10-02', 'mail', 'again: $4');
	INSERT INTO tickets(subject_id, opened_at, title, body) VALUES
	  ('$2', '2026-10-03', 'login', 'cannot log in as $4');
	INSERT INTO orders(customer_email, customer_name, delivery_address,
	  placed_at, total_cents) VALUES ('$4', '$3', '5 Wal Rd', '2026-09-01', 10),
	  (upper('$4'), '$3', '5 Wal Rd', '2026-09-02', 20)"
}

setup
sql live.db "PRAGMA journal_mode = WAL" >/dev/null
eq "the live store is in WAL mode" "$(sql live.db "PRAGMA journal_mode")" wal
person live.db aaaaaaaa-0000-4000-8000-00000000000a 'Walter White' \
	walter.wal@example.com '+44 7700 900321'
person live.db aaaaaaaa-0000-4000-8000-00000000000b 'Keeper Kept' \
	keeper@example.com '+44 7700 900654'
has_bytes "before: the email is in the store's bytes" walter.wal@example.com \
	live.db live.db-wal

# --- no other connection
lt request erase --email walter.wal@example.com
expect 0 "request erase"
lt run
expect 0 "run"
eq "the person is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email LIKE 'walter%'")" 0
no_bytes "the email is gone from live.db and its WAL" walter.wal@example.com \
	live.db live.db-wal live.db-shm
no_bytes "the phone is gone from live.db and its WAL" '7700 900321' \
	live.db live.db-wal live.db-shm
no_bytes "the email is not in the ledger" walter.wal@example.com \
	ledger.db ledger.db-wal
has_bytes "the other client's email is still there" keeper@example.com \
	live.db live.db-wal

# --- a second connection stays open, idle, while the person's rows are
# still in the WAL
mkfifo conn.in
sqlite3 live.db <conn.in >conn.out 2>&1 &
conn=$!
exec 3>conn.in
printf "SELECT count(*) FROM subjects;\n.shell touch conn.ready\n" >&3
i=0
while [ ! -e conn.ready ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "a second connection is open" test -e conn.ready
person live.db bbbbbbbb-0000-4000-8000-00000000000c 'Wanda Wal' \
	wanda.wal@example.com '+44 7700 900987'
has_bytes "the new person's rows sit in the WAL" wanda.wal@example.com \
	live.db-wal
lt request erase --email wanda.wal@example.com
expect 0 "request erase"
lt run
expect 0 "run with the other connection open"
err_lacks "could not be truncated" "the WAL was truncated"
eq "the person is erased" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE email LIKE 'wanda%'")" 0
no_bytes "the email is gone from live.db and its WAL" wanda.wal@example.com \
	live.db live.db-wal live.db-shm
no_bytes "the phone is gone from live.db and its WAL" '7700 900987' \
	live.db live.db-wal live.db-shm
no_bytes "the earlier email is still gone" walter.wal@example.com \
	live.db live.db-wal live.db-shm
printf "SELECT count(*) FROM subjects;\n" >&3
exec 3>&-
wait $conn
eq "the other connection still worked" "$(tail -n 1 conn.out)" 1
lt ledger verify
expect 0 "ledger verifies"
done_testing
