#!/bin/sh
# SPEC 5 exit codes and SPEC 3 config errors, in the order a user meets
# them: a bad command line is 64 whatever the config, lock or ledger; a
# data-map error against the live store stops every command that would
# change state (78, nothing recorded) and is reported with the config's
# other errors; a missing ledger (even in a folder not made yet) is 78
# with the hint to run `lethe init`, which makes the folder; an option's
# value is never read as a flag; a --ref that looks like a phone number
# or is not UTF-8 text is refused (law 4).
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com +447700900001 2026-11-01T00:00:00Z
lt ledger head
HEAD=$(cat out)

# usage errors come before config errors
"$LETHE" -c "$T/nope.ini" --now "$NOW" run --bogus >out 2>err; rc=$?
expect 64 "run --bogus with a missing config"
"$LETHE" -c "$T/nope.ini" --now "$NOW" ledger show abc >out 2>err; rc=$?
expect 64 "ledger show abc with a missing config"
"$LETHE" -c "$T/nope.ini" --now "$NOW" request erase >out 2>err; rc=$?
expect 64 "request erase without identifiers, missing config"
"$LETHE" -c "$T/nope.ini" --now "$NOW" ledger lookup >out 2>err; rc=$?
expect 64 "ledger lookup without identifiers, missing config"
for a in "request erase --email a@example.com --ref alice@example.com" \
	"request erase --email not-an-email" \
	"restore x.tar --to $T/new --taken-at garbage" \
	"backup --format bogus" "backup -o $T/x.tar.lzma" \
	"scrub x.tar -o $T/o.tar --format bogus"; do
	# shellcheck disable=SC2086
	"$LETHE" -c "$T/nope.ini" --now "$NOW" $a >out 2>err; rc=$?
	expect 64 "$a, missing config"
done

# an option's value is a value, even when it looks like a flag
lt request erase --email ann@example.com --ref --dry-run
expect 0 "--ref --dry-run is a ref, not a dry run"
lt request list --json
check "that request was recorded with its ref" grep -q '"ref":"--dry-run"' out
lt request erase --email ann@example.com --ref -h
expect 0 "--ref -h is a ref, not a request for help"
out_lacks "usage" "--ref -h printed no usage"
lt ledger head
HEAD=$(cat out)

# refs that look personal are refused and recorded nowhere
for ref in 44-7700-900123 7700-900-123 415.555.0132 1-800-555-0199 \
	44.20.7946.0958 tel:7700/900/123 "alice(at)example.com"; do
	lt request erase --email ann@example.com --ref "$ref"
	expect 64 "--ref '$ref' looks personal"
done
lt request erase --email ann@example.com --ref "$(printf 'notutf8\377')"
expect 64 "--ref that is not UTF-8"
lt request erase --email ann@example.com --ref HD-2026-000123
expect 0 "--ref HD-2026-000123 is a ticket number"
lt ledger head
HEAD=$(cat out)
check "no refused ref reached the ledger" sh -c \
	"! strings -a '$T/ledger.db' | grep -q '7700-900\|555\.0132\|(at)\|notutf8'"

# a data-map error stops commands that change state; all errors reported
cp "$CONF" good.ini
sed -i 's/^redact   = body/redact   = bodyx/; s/^keep = 30 days/keep = 30/' \
	"$CONF"
lt request erase --email zed@example.com
expect 78 "request erase with a column the store lacks"
err_has "bodyx" "the missing column is named"
err_has "keep" "the bad duration is named too"
err_has "2 errors" "both errors are counted"
err_has "lethe.ini:[0-9]*: \[table communications\] redact" \
	"the column error names file, line and key"
lt run --dry-run
expect 78 "run --dry-run with the same config"
lt request list
expect 78 "request list, which matches requests through the map"
lt init
expect 78 "init checks the map against the store there"
lt ledger head
expect 78 "ledger head with the same config"
cp good.ini "$CONF"
lt ledger head
eq "nothing was recorded" "$(cat out)" "$HEAD"

# a retained table that cascades is refused for requests too
cp live.db live.good
sql live.db "DROP TABLE invoices; CREATE TABLE invoices(id INTEGER PRIMARY
  KEY, subject_id TEXT REFERENCES subjects(id) ON DELETE CASCADE, number
  TEXT NOT NULL, issued_at TEXT NOT NULL, amount_cents INTEGER NOT NULL,
  billing_name TEXT, billing_address TEXT)"
lt request erase --email zed@example.com
expect 78 "request erase with a cascading retained table"
err_has "CASCADE" "the cascade is named"
mv live.good live.db

# a key readable by others: the message names file, line and key
chmod 640 ledger.key
lt ledger head
expect 78 "a key file readable by the group"
err_has "lethe.ini:[0-9]*: \[lethe\] key_file" "names file, line and key"
chmod 600 ledger.key

# a ledger in a folder that does not exist yet
sed -i 's|^ledger     = ledger.db|ledger     = state/ledger.db|' "$CONF"
lt run
expect 78 "run with the ledger's folder missing"
err_has "lethe init" "the hint to run lethe init"
check "no lock file or folder was made" test ! -e state
lt init
expect 0 "init makes the ledger's folder"
check "the ledger now exists" test -f state/ledger.db
lt run
expect 0 "run with the new ledger"
done_testing
