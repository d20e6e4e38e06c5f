#!/bin/sh
# SPEC 4 "Time and order: seq is the order of events; --now may go
# backwards in tests and never reorders anything" and law 10.  A request
# received "later" than the next run's --now is still executed (run
# executes every pending request "whatever its due time"); the ledger
# lists events in seq order with their own times, verifies, and a backup
# taken at an earlier --now than its predecessor still filters by seq on
# restore (identifier matching by manifest seq, not by time).
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z

NOW=2026-11-22T10:00:00Z
lt request erase --email alice@example.com
expect 0 "request at 22 Nov"
NOW=2026-11-20T10:00:00Z
lt run
expect 0 "run with --now two days earlier"
eq "the request is executed anyway" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
lt ledger list --json
eq "events in seq order, each with its own time" \
	"$(python3 -c 'import json,sys; print(" ".join("%d@%s" % (e["seq"], e["at"][5:10]) for e in map(json.loads, open(sys.argv[1]))))' out)" \
	"1@11-22 2@11-20 3@11-20"
lt request list --json
check "the request is done" grep -q '"status":"done"' out

NOW=2026-11-25T10:00:00Z
lt backup -o "$T/b1.tar.zst"
expect 0 "backup at 25 Nov"
NOW=2026-11-10T10:00:00Z
lt backup -o "$T/b2.tar.zst"
expect 0 "a later backup with an earlier --now"
NOW=2026-11-01T10:00:00Z
lt request erase --email bob@example.com
lt run
expect 0 "bob erased with --now further back"
lt ledger verify
expect 0 "the chain verifies whatever the times"
lt restore "$T/b2.tar.zst" --to "$T/r2"
expect 0 "restore of the later backup"
eq "bob (erased after it by seq, though 'earlier' in time) is filtered out" \
	"$(sql "$T/r2/live.db" "SELECT count(*) FROM subjects WHERE id = '$B'")" 0
eq "alice stays erased" \
	"$(sql "$T/r2/live.db" "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
lt ledger list --json
eq "seq keeps counting up" \
	"$(python3 -c 'import json,sys; s=[json.loads(l)["seq"] for l in open(sys.argv[1])]; print(s == list(range(1, len(s)+1)))' out)" \
	True
done_testing
