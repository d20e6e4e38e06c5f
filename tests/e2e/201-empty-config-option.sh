#!/bin/sh
# SPEC 3 "-c FILE or LETHE_CONFIG override" and SPEC 5 exit 64: `-c ''`
# (a script's `-c "$CONF"` with CONF unset) is a usage error, never a
# silent fall back to LETHE_CONFIG or /etc/lethe/lethe.ini, which would
# run against another live store than the one meant.  An empty
# LETHE_CONFIG is as if unset.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 lead Old \
	old@example.com '' 2020-01-01T00:00:00Z
for v in "-c" "--config"; do
	LETHE_CONFIG=$CONF "$LETHE" "$v" '' --now "$NOW" run >out 2>err
	rc=$?
	expect 64 "LETHE_CONFIG set, $v '': run refused"
	err_has "-c" "$v '': the message names the option"
done
LETHE_CONFIG=$CONF "$LETHE" --config= --now "$NOW" run >out 2>err
rc=$?
expect 64 "--config= (empty): run refused"
eq "the lead is still there: nothing ran" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
LETHE_CONFIG=$CONF "$LETHE" --now "$NOW" run >out 2>err
rc=$?
expect 0 "LETHE_CONFIG alone runs"
eq "the lead is expired" "$(sql live.db "SELECT count(*) FROM subjects")" 0
done_testing
