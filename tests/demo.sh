#!/bin/sh
# `make demo`: a fresh demo store in build/demo, one dry run, one real run,
# the ledger and its verification.
set -eu
lethe=${1:-build/lethe}
dir=build/demo
rm -rf "$dir"
echo "== lethe init --demo $dir"
"$lethe" init --demo "$dir"
conf="$dir/lethe.ini"
echo
echo "== live store before: $(sqlite3 "$dir/live.db" "SELECT count(*) FROM subjects") subjects"
email=$(sqlite3 "$dir/live.db" "SELECT email FROM subjects WHERE kind = 'client' ORDER BY id LIMIT 1")
echo
echo "== lethe request erase --email $email --ref HD-1001"
"$lethe" -c "$conf" request erase --email "$email" --ref HD-1001
echo
echo "== lethe run (the timer's job)"
"$lethe" -c "$conf" run
echo
echo "== live store after: $(sqlite3 "$dir/live.db" "SELECT count(*) FROM subjects") subjects"
echo
echo "== lethe ledger list (last 12 events)"
"$lethe" -c "$conf" ledger list | tail -n 12
echo
echo "== lethe ledger verify"
"$lethe" -c "$conf" ledger verify
echo
echo "== lethe ledger lookup --email $email"
"$lethe" -c "$conf" ledger lookup --email "$email"
echo
echo "demo store, config and ledger are in $dir; try: $lethe -c $conf report"
