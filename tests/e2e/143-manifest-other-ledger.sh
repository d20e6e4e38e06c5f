#!/bin/sh
# Law 8: a lethe manifest is trusted only for the ledger it was made
# against.  A backup signed with the same key but taken against another
# ledger (another installation that copied the key) names a head hash
# this ledger does not have at that seq: refused (65), nothing written.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com +447700900001 2026-11-01T00:00:00Z
lt request erase --email nobody1@example.com --ref HD-1
lt backup -o "$T/b.tar.zst"
expect 0 "a backup against ledger one (seq 2 or so)"

# installation two: the same key, its own ledger, its head past seq 2
mkdir two
cp ledger.key two/ledger.key
chmod 600 two/ledger.key
make_store two/live.db
write_config two/lethe.ini
"$LETHE" -c two/lethe.ini --now "$NOW" init >out 2>err; rc=$?
expect 0 "installation two made its own ledger with the copied key"
for i in 1 2 3 4; do
	"$LETHE" -c two/lethe.ini --now "$NOW" request erase \
		--email "x$i@example.com" >out 2>err
done
"$LETHE" -c two/lethe.ini --now "$NOW" restore b.tar.zst --to "$T/r" \
	>out 2>err; rc=$?
expect 65 "restore of one's backup against two's ledger"
err_has "another" "the message says it was made against another ledger"
check "nothing restored" test ! -e r

lt restore b.tar.zst --to "$T/r1"
expect 0 "the same backup restores against its own ledger"
out_has "lethe manifest" "under the manifest's rule"
done_testing
