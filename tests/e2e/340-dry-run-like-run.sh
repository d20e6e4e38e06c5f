#!/bin/sh
# `run --dry-run` prints what the run would do: a stale lead holds the
# email of a client, Cleo, and a request names Cleo's phone.  The run
# expires the lead (its email, Cleo's, left out of its tombstone) and
# then erases Cleo under the request, her email with her.  The dry run,
# which erases no one, counts the lead it would expire as gone just as
# the run does: the same subjects, for the same reasons, and nothing of
# Cleo's said to be left out.
. "$TESTS_TOP/tests/lib.sh"
LEAD=34034034-0000-4000-8000-00000000000a
CLIENT=34034034-0000-4000-8000-00000000000c
setup
add_subject live.db $CLIENT client Cleo cleo.dry@example.com '07700 900340' \
	2026-11-01T00:00:00Z
add_subject live.db $LEAD lead Old cleo.dry@example.com '' \
	2024-01-01T00:00:00Z
lt request erase --phone '07700 900340'
expect 0 "a request naming Cleo's phone"
lt run --dry-run
expect 0 "the dry run"
sed -n 's/^lethe: would erase subject \([^ ]*\) (\([a-z-]*\).*/\1 \2/p' err |
	sort >dry.txt
grep -c "left out" err >dry-left.txt
lt run
expect 0 "the run"
sed -n 's/^lethe: erased subject \([^ ]*\) (\([a-z-]*\).*/\1 \2/p' err |
	sort >run.txt
grep -c "left out" err >run-left.txt
eq "the run erased the lead and Cleo" "$(cat run.txt)" \
	"$LEAD lead-expiry
$CLIENT request"
eq "the dry run said the same" "$(cat dry.txt)" "$(cat run.txt)"
eq "as many identifiers said to be left out" "$(cat dry-left.txt)" \
	"$(cat run-left.txt)"
done_testing
