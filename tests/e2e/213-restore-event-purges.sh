#!/bin/sh
# SPEC 4 restore: "A `restore` event records the archive's SHA-256, the
# rule used, counts per table and the target" -- the rows the [purge]
# rules removed from the restored data too, per table, not only the rows
# of erased subjects: a backup holding an erased client, aged web_log rows
# and aged tickets of a client who stays, restored, records
# tables {communications, subjects}, purged_tables {web_log 3, tickets 2}
# and purged 5; the summary and a dry run say it per table as well; a
# scrub event records the same.
. "$TESTS_TOP/tests/lib.sh"
E=eeeeeeee-0000-4000-8000-00000000000e
K=aaaaaaaa-0000-4000-8000-00000000000a
setup "[purge tickets]
date = opened_at
keep = 1 year"
add_subject live.db $E client Eve eve@example.com +447700900901 \
	2026-11-01T00:00:00Z
add_subject live.db $K client Kim kim@example.com +447700900902 \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('$E', '2026-11-01T00:00:00Z', 'hello'), ('$E', '2026-11-02T00:00:00Z', 'x');
INSERT INTO web_log(at, ip, path) VALUES ('2026-01-01T00:00:00Z', 'a', '/'),
  ('2026-01-02T00:00:00Z', 'b', '/'), ('2026-01-03T00:00:00Z', 'c', '/'),
  ('2026-11-21T00:00:00Z', 'd', '/');
INSERT INTO tickets(subject_id, opened_at, title) VALUES
  ('$K', '2024-01-01T00:00:00Z', 'old'), ('$K', '2024-02-01T00:00:00Z', 'old'),
  ('$K', '2026-11-01T00:00:00Z', 'new')"
NOW=2026-10-01T00:00:00Z
lt backup -o "$T/b.tar"
expect 0 "a backup before the purges and the erasure"
NOW=2026-11-22T10:00:00Z
lt request erase --email eve@example.com
lt run
expect 0 "run: eve erased, aged rows purged"

lt restore "$T/b.tar" --to "$T/r" --dry-run
expect 0 "restore --dry-run"
out_has "aged rows purged (web_log 3, tickets 2)" \
	"the dry run says what it would purge, per table"
lt restore "$T/b.tar" --to "$T/r"
expect 0 "restore"
out_has "5 aged rows purged (web_log 3, tickets 2)" \
	"the summary says what was purged, per table"
eq "restored: web_log keeps the fresh row" \
	"$(sql r/live.db "SELECT count(*) FROM web_log")" 1
eq "restored: Kim keeps her fresh ticket" \
	"$(sql r/live.db "SELECT count(*) FROM tickets")" 1

lt ledger list --json
eq "restore event: purged rows per table" \
	"$(jfield restore data purged_tables)" "{'web_log': 3, 'tickets': 2}"
eq "restore event: purged in all" "$(jfield restore data purged)" 5
eq "restore event: erased rows per table" \
	"$(jfield restore data tables)" "{'subjects': 1, 'communications': 2}"
eq "restore event: subjects" "$(jfield restore data subjects)" 1
eq "restore event: the archive's SHA-256" \
	"$(jfield restore data archive_sha256)" \
	"$(sha256sum "$T/b.tar" | cut -d' ' -f1)"
eq "restore event: the target" "$(jfield restore data target)" "$T/r"

lt scrub "$T/b.tar" -o "$T/s.tar"
expect 0 "scrub"
lt ledger list --json
eq "scrub event: purged rows per table" \
	"$(jfield scrub data purged_tables)" "{'web_log': 3, 'tickets': 2}"
lt ledger verify
expect 0 "the chain verifies"
done_testing
