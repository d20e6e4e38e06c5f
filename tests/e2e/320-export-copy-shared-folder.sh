#!/bin/sh
# Law 3 and law 6 with a [files] export in a folder the application's
# group may write in (so lethe never notes it for the sweep of staging
# folders): a run killed after writing the export's new copy, before its
# rename, leaves that copy (the records kept: other people's) beside the
# export; the rerun removes it, so a later erasure of one of them cannot
# miss it there.  A file of another name is left alone.
. "$TESTS_TOP/tests/lib.sh"
. "$TESTS_TOP/tests/crash.sh"

A=aaaaaaaa-0000-4000-8000-000000000001
B=bbbbbbbb-0000-4000-8000-000000000002
setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email"
add_subject live.db $A client Ann ann@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $B client Bo bo@example.com '' 2026-11-01T00:00:00Z
mkdir exports
chmod 775 exports
cat >exports/contacts.csv <<'CSV'
email,name
ann@example.com,Ann
bo@example.com,Bo
CSV
echo note >exports/.lethe-tmp-not-ours.csv

lt request erase --email ann@example.com
faulted files-rewritten run
expect 137 "a run killed with the export's new copy written"
check "the copy is left beside the export" \
	sh -c "ls -A exports | grep -q '^\\.lethe-tmp-.*contacts\\.csv\\.'"
lt run
expect 0 "the rerun finishes the erasure"
err_has "removed '.*exports/\\.lethe-tmp-.*contacts\\.csv\\." \
	"it says it removed the copy"
eq "nothing of lethe's is left in the folder" \
	"$(ls -A exports | grep -c '^\.lethe-tmp-[0-9a-f]')" 0
check "a file of another name stays" test -f exports/.lethe-tmp-not-ours.csv
eq "the export holds Bo only" "$(tail -n +2 exports/contacts.csv)" \
	"bo@example.com,Bo"

lt request erase --email bo@example.com
lt run
expect 0 "Bo is erased later"
no_bytes "Bo's email in the export folder" bo@example.com exports/* \
	exports/.[!.]*
done_testing
