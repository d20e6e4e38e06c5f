#!/bin/sh
# SPEC 5: `-` reads standard input (`restore -`, `inspect -`, `request
# erase --from -`, and `scrub -`); an archive is written to a named file
# only, so `backup -o -` and `scrub ... -o -` are usage errors (64) that
# write nothing, rather than a private file quietly called '-' that a
# user who meant standard output would never look for.  './-' names such
# a file on purpose.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db eeeeeeee-0000-4000-8000-00000000000e client Eve \
	eve@example.com +447700900901 2026-11-01T00:00:00Z
lt backup -o "$T/b.tar"
expect 0 "a backup"
NOW=2026-11-23T10:00:00Z
printf 'eve@example.com\n' >"$T/list"
lt_in "$T/list" request erase --from -
expect 0 "request erase --from - reads standard input"
lt run
expect 0 "run: eve erased"
lt ledger head
HEAD=$(cat out)

lt backup -o -
expect 64 "backup -o -"
err_has "standard output" "backup -o -: says why"
check "backup -o -: no file called '-'" test ! -e "$T/-"
check "backup -o -: nothing written to stdout" test ! -s out
lt scrub "$T/b.tar" -o -
expect 64 "scrub -o -"
check "scrub -o -: no file called '-'" test ! -e "$T/-"
lt ledger head
eq "nothing recorded" "$(cat out)" "$HEAD"

lt_in "$T/b.tar" inspect -
expect 1 "inspect - finds eve in the backup on standard input"
lt_in "$T/b.tar" scrub - -o "$T/s.tar"
expect 0 "scrub - reads standard input"
lt inspect "$T/s.tar"
expect 0 "the scrubbed archive holds no erased subject"
lt_in "$T/b.tar" restore - --to "$T/r"
expect 0 "restore - reads standard input"
eq "eve is not restored" "$(sql r/live.db "SELECT count(*) FROM subjects")" 0
lt backup -o ./-
expect 0 "backup -o ./- names a file called '-'"
check "a file called '-'" test -s "$T/-"
done_testing
