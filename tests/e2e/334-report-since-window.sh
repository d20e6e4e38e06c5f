#!/bin/sh
# SPEC 5 `report [--since TIME]` (README: with --since T, the requests of
# the window are those received since T, those done since T, late or not,
# whenever they came, and those still open): a compliance report for the
# window counts a request received before T and done (late) after it,
# and one received before T still pending; not one received and done
# before T.
. "$TESTS_TOP/tests/lib.sh"

# rj PATH: a field of the JSON document in $T/out
rj() { sql :memory: "SELECT json_extract(readfile('$T/out'), '$1')"; }
# reqs FIELD...: those fields of the report's requests, space-separated
reqs() {
	for f in "$@"; do printf '%s ' "$(rj "\$.requests.$f")"; done
}

setup
sed 's/^require_approval .*/require_approval = yes/' lethe.ini >x.ini &&
	mv x.ini lethe.ini
n=0
for p in ann bob cy dee; do
	n=$((n + 1))
	add_subject live.db "0000000$n-0000-4000-8000-00000000000$n" client \
		"$p" "$p@example.com" '' 2026-10-01T00:00:00Z
done

# r0: received and done on 1 November, before the window
NOW=2026-11-01T10:00:00Z
lt request erase --email ann@example.com
R0=$(cut -d' ' -f1 out)
lt request approve "$R0"
lt run
expect 0 "r0 is done on 1 November"
# r1: received on 2 November (due the 9th), approved and done on the 20th
NOW=2026-11-02T10:00:00Z
lt request erase --email bob@example.com
R1=$(cut -d' ' -f1 out)
# r2: received on 14 November, due on the 21st, never approved
NOW=2026-11-14T10:00:00Z
lt request erase --email cy@example.com
R2=$(cut -d' ' -f1 out)
# r3: received on 16 November, inside the window, done in time
NOW=2026-11-16T10:00:00Z
lt request erase --email dee@example.com
R3=$(cut -d' ' -f1 out)
NOW=2026-11-20T10:00:00Z
lt request approve "$R1"
lt request approve "$R3"
lt run
expect 0 "r1 (late) and r3 are done on 20 November"
lt request list --json
expect 0 "nothing overdue"
eq "r0, r1 and r3 done, r2 pending" \
	"$(grep -c '"status":"done"' out) $(grep -c '"status":"pending"' out)" \
	"3 1"

lt report --since 2026-11-15 --format json
expect 0 "report --since 15 November"
eq "the window's requests: r1, done late in it, r2 still open, r3" \
	"$(reqs total done late pending overdue)" "3 2 1 1 0 "
eq "the late one is r1" "$(rj '$.requests.late_ids')" "[\"$R1\"]"
lt report --since 2026-11-15
expect 0 "report --since (text)"
out_has "3 total, 2 done (1 late), 1 pending, 0 overdue" \
	"the text report counts the same"
out_has "late requests  *$R1" "and names r1 late"
out_lacks "$R0" "r0, done before the window, is not in it"

lt report --since 2026-11-21 --format json
expect 0 "report --since 21 November"
eq "after every completion: only the open r2" \
	"$(reqs total pending)" "1 1 "
lt report --format json
eq "without --since: all four" "$(rj '$.requests.total')" 4
done_testing
