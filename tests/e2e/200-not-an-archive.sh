#!/bin/sh
# Law 7 "a corrupt or truncated archive fails cleanly" and SPEC 5 exit 65:
# a file that is no archive at all -- one word of text, as an operator
# might pass a log or a note by mistake -- is bad input data for restore,
# inspect and scrub, never "restored" as an empty file with exit 0
# (libarchive reads any one word as an mtree listing, a format that
# carries paths but no data: lethe does not read mtree).  The target is
# not made, no scrubbed archive is written, nothing is recorded.
. "$TESTS_TOP/tests/lib.sh"
setup
lt ledger head
HEAD=$(cat out)
printf 'hello\n' >word.tar
printf '#mtree\n./secret type=file mode=0644\n' >listing.mtree
for f in word.tar listing.mtree; do
	lt restore "$f" --to "$T/r"
	expect 65 "restore $f"
	check "restore $f: no target made" test ! -e "$T/r"
	lt_in "$f" restore - --to "$T/r"
	expect 65 "restore $f from standard input"
	check "restore $f from standard input: no target made" test ! -e "$T/r"
	lt inspect "$f"
	expect 65 "inspect $f"
	lt scrub "$f" -o "$T/s.tar"
	expect 65 "scrub $f"
	check "scrub $f: no output written" test ! -e "$T/s.tar"
done
lt ledger head
eq "nothing recorded" "$(cat out)" "$HEAD"
done_testing
