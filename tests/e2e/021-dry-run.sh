#!/bin/sh
# `run --dry-run` (SPEC 5) changes no byte: live store, ledger (and its
# WAL) and file trees are identical before and after, and it prints what
# a run would do: erase leads and requested subjects, release holds, purge
# rows, and finish intents an interrupted run left (law 1/3).
. "$TESTS_TOP/tests/lib.sh"

# bytes: what must not change (an absent WAL and an empty one alike)
bytes() {
	for f in live.db live.db-wal live.db-journal ledger.db ledger.db-wal; do
		printf '%s %s\n' "$f" "$(cat "$T/$f" 2>/dev/null | sha256sum | cut -d' ' -f1)"
	done
	(cd "$T" && find attachments -type f | sort | xargs cat | sha256sum)
}

L=aaaaaaaa-0000-4000-8000-00000000000a
K=bbbbbbbb-0000-4000-8000-00000000000b
H=cccccccc-0000-4000-8000-00000000000c
held_then_due
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
  ('$L', '2025-01-01', 'x'), ('$K', '2026-11-01', 'y');
INSERT INTO web_log(at, ip, path) VALUES ('2026-09-01T00:00:00Z', '1', '/a'),
  ('2026-09-02T00:00:00Z', '1', '/b'), ('2026-11-21T00:00:00Z', '1', '/c')"
mkdir -p attachments/$L attachments/$K
echo cv >attachments/$L/cv.txt
echo id >attachments/$K/id.txt
lt request erase --email kim@example.com
expect 0 "a request"
lt request erase --email ghost@example.org
expect 0 "a request for an unknown person"
N=$(sql ledger.db "SELECT count(*) FROM events")

BEFORE=$(bytes)
lt run --dry-run
expect 0 "run --dry-run"
AFTER=$(bytes)
eq "no byte changed (live store, ledger, WAL, attachments)" "$AFTER" "$BEFORE"
check "no live store journal left behind" test ! -e live.db-journal
err_has "would erase subject $L" "it names the lead it would erase"
err_has "lead-expiry" "with the reason"
err_has "would erase subject $K" "it names the requested subject"
err_has "would erase identifiers of request" \
	"it names the request for an unknown person"
err_has "would release 1 row.* of 'invoices' held for subject $H" \
	"it says which held rows it would release"
err_has "would purge 2 rows of 'web_log'" "it says what it would purge"
err_has "dry run: 1 lead expired, 2 requests executed" "a summary line"
eq "no event added" "$(sql ledger.db "SELECT count(*) FROM events")" "$N"
eq "nothing erased" "$(sql live.db "SELECT count(*) FROM subjects")" 2

# --- with an interrupted run's intents pending
LETHE_FAULT=after-tombstones
export LETHE_FAULT
EXPECT_KILL=1
lt run
unset LETHE_FAULT
EXPECT_KILL=
expect 137 "a run killed after its first tombstones"
BEFORE=$(bytes)
lt run --dry-run
expect 0 "run --dry-run after the crash"
AFTER=$(bytes)
eq "no byte changed" "$AFTER" "$BEFORE"
err_has "would finish 1 intent" "it says it would finish the interrupted intent"
lt run
expect 0 "the real run"
eq "now the lead and the client are erased" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
check "and the lead's attachments are gone" test ! -e attachments/$L
lt ledger verify
expect 0 "ledger verifies"
done_testing
