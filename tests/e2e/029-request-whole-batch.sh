#!/bin/sh
# Law 3 with requests run in the order of subject ids: a request that
# matches several subjects has all of them in one batch (a request counts
# as done once it has a tombstone), even where the batch's limit falls
# inside it.  Store: one subject whose id sorts first, then 300 pairs of
# subjects sharing an email, one request per email (no approval needed:
# one identifier type).  The first batch (500 erasures) ends in the middle
# of a pair; the run is killed right after that batch's `applied`.  Every
# pair is then wholly erased or wholly kept, and the rerun erases the rest
# with one tombstone per subject.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

lsql() { sql "$T/ledger.db" "$1"; }

setup
sql live.db "INSERT INTO subjects VALUES ('00000000-0000-4000-8000-000000000000',
  'client', 'First', 'first@example.com', NULL, 'x', '2020-01-01',
  '2026-11-01T00:00:00Z');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO subjects SELECT printf('11111111-0000-4000-8000-%08d%04d', i, k),
  'client', 'Pair ' || i, 'pair' || i || '@example.com', NULL, 'x',
  '2020-01-01', '2026-11-01T00:00:00Z' FROM n, (SELECT 1 AS k UNION ALL
  SELECT 2)"
eq "601 subjects" "$(sql live.db "SELECT count(*) FROM subjects")" 601
{
	echo first@example.com
	i=300
	while [ "$i" -ge 1 ]; do
		echo "pair$i@example.com"
		i=$((i - 1))
	done
} >requests.txt
lt request erase --from requests.txt
expect 0 "301 requests, the pairs' in the reverse order of their ids"

faulted after-applied:1 run
expect 137 "the run is killed after its first batch"
eq "the first batch went through" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'applied'")" 1
eq "no pair is half erased" \
	"$(sql live.db "SELECT count(*) FROM (SELECT email FROM subjects
	  GROUP BY email HAVING count(*) = 1)")" 0
left=$(sql live.db "SELECT count(*) FROM subjects")
check "some pairs erased and some kept ($left subjects left)" \
	sh -c "[ $left -gt 0 ] && [ $left -lt 600 ]"
eq "each erased subject's request is done, each kept one's is not" \
	"$(lsql "SELECT count(DISTINCT request) FROM events WHERE type = 'erase'")" \
	"$(( (601 - left) / 2 + 1 ))"

lt run
expect 0 "the rerun completes"
eq "every subject erased" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "one tombstone per subject" \
	"$(lsql "SELECT count(*) || ' ' || count(DISTINCT subject) FROM events
	  WHERE type = 'erase'")" "601 601"
eq "every request done" \
	"$(lsql "SELECT count(DISTINCT request) FROM events WHERE type = 'erase'")" \
	301
done_testing
