#!/bin/sh
# SPEC 3: "Every error names the file, line and key" -- also the errors
# found by checking the data map against the live store: a [subjects]
# table the store lacks is named as `table` on its own line, and a live
# store that is not a SQLite database as `live_store`; a key line longer
# than inih's 200-byte buffer names its section and key (and the key is
# not reported missing as well); a key file that is not the ledger's
# names `key_file`; a bad `mask` or `match` list is one error, not also
# reported missing; nothing runs (78).
. "$TESTS_TOP/tests/lib.sh"

# err_has_f TEXT WHAT: stderr holds TEXT, a fixed string
err_has_f() {
	if grep -qF -- "$1" "$T/err"; then ok "$2"
	else not_ok "$2: stderr lacks '$1'"; fi
}
line() { grep -n -- "$2" "$1" | head -n 1 | cut -d: -f1; }

setup
REF=$T/lethe.ini

sed 's/^table         = subjects/table         = people/' "$REF" >"$T/t.ini"
CONF=$T/t.ini
lt run
expect 78 "a [subjects] table the live store lacks"
err_has_f "t.ini:$(line "$T/t.ini" '^table  *= people'): [subjects] table: no table 'people'" \
	"the [subjects] table error names file, the key's line and the key"
lt request list
expect 78 "request list with that config (the store is there)"

CONF=$REF
cp live.db live.good
echo 'not a database at all' >live.db
lt run
expect 78 "a live store that is not a SQLite database"
err_has_f "lethe.ini:$(line "$REF" '^live_store'): [lethe] live_store:" \
	"the error names file, line and key"
err_has "not a SQLite database" "the error says what is wrong"
mv live.good live.db

LONGV=$(printf 'live_store = ./%0200d/../live.db' 0)
sed "s#^live_store.*#$LONGV#" "$REF" >"$T/long.ini"
CONF=$T/long.ini
lt run
expect 78 "a key line longer than 200 bytes"
err_has_f "long.ini:$(line "$T/long.ini" '^live_store'): [lethe] live_store: line longer than" \
	"the over-long line names file, line, section and key"
err_lacks "required key is missing" "the key is not reported missing too"
eq "one error in all" "$(grep -c 'long.ini:' err)" 1
LONGV=$(printf 'on_erase = %0200d' 0)
sed "0,/^on_erase.*/s##$LONGV#" "$REF" >"$T/long.ini"
lt run
expect 78 "an over-long key line in a [table] section"
err_has_f "long.ini:$(line "$T/long.ini" '^on_erase = 000'): [table communications] on_erase: line longer than" \
	"the over-long line names its [table] section and key"

sed 's/^mask .*/mask = ,/' "$REF" >"$T/mask.ini"
CONF=$T/mask.ini
lt run
expect 78 "mask = ,"
eq "mask = ,: one error" "$(grep -c 'mask.ini:' err)" 1
err_has_f "mask.ini:$(line "$T/mask.ini" '^mask = ,'): [table orders] mask:" \
	"mask = ,: names file, line and key"
{ cat "$REF"; printf '[files exports]\npath = exports/*.csv\nformat = csv\n'
  printf 'match = email:email, email:mail\n'; } >"$T/match.ini"
CONF=$T/match.ini
lt run
expect 78 "a [files] match that gives a type twice"
eq "the bad match: one error" "$(grep -c 'match.ini:' err)" 1

CONF=$REF
mv ledger.key ledger.key.good
head -c 32 /dev/urandom >ledger.key
chmod 600 ledger.key
lt ledger list
expect 78 "a key file that is not the ledger's"
err_has_f "lethe.ini:$(line "$REF" '^key_file'): [lethe] key_file: ledger" \
	"the wrong key names file, line and key"
err_has "another key" "the wrong key: says why"
mv ledger.key.good ledger.key

lt run
expect 0 "the store back in place: run goes ahead"
done_testing
