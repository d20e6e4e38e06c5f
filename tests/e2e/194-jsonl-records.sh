#!/bin/sh
# Law 11 and SPEC 3 ([files NAME] format = jsonl): a structured JSON Lines
# file loses the records of erased people, in the live tree when `run`
# erases them and in a restored tree, however JSON spells the identifier:
# plainly, in capitals, or with JSON's escapes ("eve\u0040example.com",
# "\u0065ve@example.com").  Other people's records stay, byte for byte.
. "$TESTS_TOP/tests/lib.sh"

RULE="[files events]
path   = events/*.jsonl
format = jsonl
match  = email:email, phone:phone"
make_store live.db
write_config "$CONF" "$RULE"
lt init
expect 0 "init"
ANN=aaaaaaaa-0000-4000-8000-00000000000a
EVE=eeeeeeee-0000-4000-8000-00000000000e
add_subject live.db $ANN client Ann ann@example.com +447700900902 2026-11-01T00:00:00Z
add_subject live.db $EVE client Eve eve@example.com +447700900901 2026-11-01T00:00:00Z
mkdir events bk
cat >events/log.jsonl <<'JSONL'
{"email":"ann@example.com","what":"signed up"}
{"email":"EVE@Example.com","what":"signed up"}
{"email":"eve\u0040example.com","what":"escaped at"}
{"note":"write to \u0065ve@example.com","what":"escaped letter"}
{"phone":"+44 7700 900901","what":"by phone"}
{"email":"ann@example.com","what":"logged in"}
JSONL
cat >kept.jsonl <<'JSONL'
{"email":"ann@example.com","what":"signed up"}
{"email":"ann@example.com","what":"logged in"}
JSONL
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup with eve's records"

NOW=2026-11-23T10:00:00Z
lt request erase --email eve@example.com
lt run
expect 0 "eve erased"
check "the live file keeps only ann's records, byte for byte" \
	cmp -s events/log.jsonl kept.jsonl

lt restore bk/b.tar.zst --to r
expect 0 "restore of the backup from before"
check "the restored file keeps only ann's records, byte for byte" \
	cmp -s r/events/log.jsonl kept.jsonl
done_testing
