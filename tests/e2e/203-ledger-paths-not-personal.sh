#!/bin/sh
# Law 4 "No personal data in the ledger ... the ledger can be handed to an
# auditor": the paths that backup, restore and scrub events record (the
# backup file, the restore target, the scrubbed output) are written with
# every part that looks like an email address or phone number replaced by
# "[identifier]", as an operator may well name a folder after the person
# a restore is for; ordinary names (lethe's own backup names, dates) stay
# as they are.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client A \
	a@example.com '+447700900111' 2026-11-01T00:00:00Z
mkdir -p "$T/for/alice@example.com" "$T/for/r"
B="$T/for/alice@example.com/b-07700900111.tar"
lt backup -o "$B"
expect 0 "backup -o into a folder named after a person"
lt restore "$B" --to "$T/for/r/bob@example.com"
expect 0 "restore --to a folder named after a person"
lt scrub "$B" -o "$T/for/carol@example.org.tar"
expect 0 "scrub -o a file named after a person"
lt backup
expect 0 "a backup under its default name"
lt restore "$B" --to "$T/for/r/restore-2026-11-22"
expect 0 "a restore to a dated folder"
NOW=2026-11-23T01:00:00Z
lt backup
expect 0 "a backup under its default name at 01:00 (a time starting 0)"
lt ledger list --json
for who in alice@example.com 07700900111 bob@example.com carol@example.org; do
	out_lacks "$who" "the ledger does not name $who"
done
no_bytes "no email in the ledger's bytes" "@example" "$T/ledger.db" \
	"$T/ledger.db-wal"
check "the backup file is recorded, masked" \
	grep -q '"file":"[^"]*/for/\[identifier\]/\[identifier\]"' out
check "the default backup name is recorded as it is" \
	grep -q '"file":"[^"]*/backups/lethe-20261122T100000Z.tar.zst"' out
check "... and the one at 01:00 too" \
	grep -q '"file":"[^"]*/backups/lethe-20261123T010000Z.tar.zst"' out
check "the dated restore target is recorded as it is" \
	grep -q '"target":"[^"]*/for/r/restore-2026-11-22"' out
check "the masked restore target is recorded" \
	grep -q '"target":"[^"]*/for/r/\[identifier\]"' out
lt ledger verify
expect 0 "the ledger verifies"
done_testing
