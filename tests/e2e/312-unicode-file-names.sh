#!/bin/sh
# File names beyond ASCII (UTF-8, as other tools write them) go through
# backup, restore and scrub unchanged and without warnings, whatever the
# environment's locale.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client Ann ann@example.com '' 2026-11-01T00:00:00Z
mkdir -p "attachments/$A/ünï"
echo x >"attachments/$A/ünï/日本.txt"
for loc in C C.UTF-8; do
	LC_ALL=$loc; export LC_ALL
	lt backup -o "$T/b-$loc.tar"
	expect 0 "backup ($loc)"
	err_lacks "translate\|convert" "no warning about the names ($loc)"
	lt restore "$T/b-$loc.tar" --to "$T/r-$loc"
	expect 0 "restore ($loc)"
	err_lacks "translate\|convert" "no warning about the names ($loc)"
	check "the name comes back as it was ($loc)" \
		test -f "$T/r-$loc/attachments/$A/ünï/日本.txt"
	lt scrub "$T/b-$loc.tar" -o "$T/s-$loc.tar"
	expect 0 "scrub ($loc)"
	err_lacks "translate\|convert" "no warning about the names ($loc)"
	check "scrub's archive keeps the name ($loc)" \
		sh -c "LC_ALL=C.UTF-8 tar -tf '$T/s-$loc.tar' | grep -q 'ünï/日本.txt'"
done
done_testing
