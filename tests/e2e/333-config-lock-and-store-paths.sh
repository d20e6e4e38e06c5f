#!/bin/sh
# SPEC 3 "every error names the file, line and key ... (exit 78)" for the
# paths [lethe] names: a lock_file whose folder is missing or that is a
# folder, or that is the live store, the ledger or the key file; a
# live_store that is a folder.  Nothing is touched.  Readers that take no
# lock (ledger head) still run with a lock folder that is not there.
. "$TESTS_TOP/tests/lib.sh"
setup
mkdir sub
cp "$CONF" good.ini
sums() { md5sum live.db ledger.db ledger.key; }
sums >before
# lock VALUE NEEDLE: run with lock_file = VALUE refused, naming NEEDLE
lock() {
	sed "/^key_file/a lock_file = $1" good.ini >"$CONF"
	line=$(grep -n '^lock_file' "$CONF" | cut -d: -f1)
	lt run
	expect 78 "lock_file = $1: refused"
	err_has "lethe.ini:$line: \[lethe\] lock_file: $2" \
		"lock_file = $1: file, line and key named"
}
lock nodir/x.lock "no folder"
lock sub "'.*sub' is not a file"
lock live.db "must not be the live_store"
lock ledger.db "must not be the ledger"
lock ledger.key "must not be the key_file"
sums >after
check "nothing touched" cmp -s before after
check "no lock file made" test ! -e nodir
sed "/^key_file/a lock_file = nodir/x.lock" good.ini >"$CONF"
lt ledger head
expect 0 "ledger head takes no lock: it runs"
sed "s/^live_store .*/live_store = sub/" good.ini >"$CONF"
lt run
expect 78 "a live_store that is a folder"
err_has "lethe.ini:2: \[lethe\] live_store: cannot open .*: it is a folder" \
	"file, line and key named"
done_testing
