#!/bin/sh
# SPEC 4 "inspect": which erased subjects (tombstone seq, reason, date) an
# archive still holds and in which entries.  On the demo store, a backup
# taken before a run that expires its stale leads: `inspect` lists them in
# tombstone seq order (one line per subject and entry, a subject's entries
# together), whatever order the database's rows come in, and exits 1.
. "$TESTS_TOP/tests/lib.sh"

NOW=2026-12-06T00:00:00Z
lt init --demo "$T/d"
expect 0 "a demo store"
CONF=$T/d/lethe.ini
lt backup -o "$T/b.tar.zst"
expect 0 "a backup of it"
lt run
expect 0 "the run expires the stale leads"
n=$(sql "$T/d/ledger.db" "SELECT count(*) FROM events WHERE type = 'erase'")
check "some leads were erased ($n)" test "$n" -gt 5
lt inspect "$T/b.tar.zst"
expect 1 "inspect finds them in the old backup"
sed -n 's/^seq \([0-9]*\) .*/\1/p' out >seqs
eq "every tombstone is listed" "$(sort -un seqs | wc -l | tr -d ' ')" "$n"
eq "in seq order" "$(sort -n seqs | tr '\n' ' ')" "$(tr '\n' ' ' <seqs)"
check "a subject's lines are together" \
	sh -c "[ \"\$(uniq seqs | wc -l)\" -eq \"\$(sort -u seqs | wc -l)\" ]"
done_testing
