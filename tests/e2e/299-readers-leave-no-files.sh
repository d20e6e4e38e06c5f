#!/bin/sh
# SPEC 5: `run --dry-run` changes no byte, and commands that only read the
# live store (`request list`, `report`, `ledger list`) leave nothing
# behind either, also when the store is in WAL mode: no -wal or -shm file
# appears beside a store that had none, and the store's bytes stay.
. "$TESTS_TOP/tests/lib.sh"

# files: every file in $T with its SHA-256
files() {
	(cd "$T" && find . -type f ! -name out ! -name err | sort |
		xargs sha256sum)
}

setup
sql live.db "PRAGMA journal_mode = WAL" >/dev/null
add_subject live.db aaaaaaaa-0000-4000-8000-00000000000a lead 'Old Lead' \
	old@example.com +447700900111 2025-01-01T00:00:00Z
add_subject live.db bbbbbbbb-0000-4000-8000-00000000000b client 'Kim' \
	kim@example.com +447700900222 2026-11-01T00:00:00Z
lt request erase --email kim@example.com
expect 0 "a request"
check "the store has no WAL file now" test ! -e live.db-wal
BEFORE=$(files)

lt run --dry-run
expect 0 "run --dry-run on a WAL-mode store"
err_has "dry run: 1 lead expired, 1 request executed" "it says what it would do"
lt request list
expect 0 "request list"
lt report
expect 0 "report"
lt ledger list
expect 0 "ledger list"
check "no -wal file appeared" test ! -e live.db-wal
check "no -shm file appeared" test ! -e live.db-shm
eq "no file changed, none appeared" "$(files)" "$BEFORE"

lt run
expect 0 "the real run"
eq "it erased both" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "the store is still in WAL mode" "$(sql live.db "PRAGMA journal_mode")" wal
done_testing
