#!/bin/sh
# Law 5 (per-subject paths of erased subjects are dropped) for an archive
# another tool made from inside the attachments tree: its entries are
# "<id>/..." with no "attachments/" before them.  A folder named after an
# erased subject's id is still hers (ids are unique; a restore errs on the
# side of erasure), whatever the case of its letters; other folders come
# back, and inspect reports the erased one.
. "$TESTS_TOP/tests/lib.sh"

ANN=aaaaaaaa-0000-4000-8000-00000000000a
mkdir bk
eve_backup_erased "$T/bk/b.tar.zst"
UPPER=$(echo "$EVE" | tr 'a-f' 'A-F')
mkdir -p inside/$EVE/scans inside/$ANN inside/other
echo "eve's contract" >inside/$EVE/contract.txt
echo "eve's scan" >inside/$EVE/scans/id.png
echo "ann's contract" >inside/$ANN/contract.txt
echo "a note" >inside/other/note.txt
(cd inside && bsdtar -czf ../inside.tar.gz .)
mkdir -p upper/$UPPER
echo "eve again" >upper/$UPPER/x.txt
(cd upper && bsdtar -czf ../upper.tar.gz .)

lt inspect inside.tar.gz
expect 1 "inspect finds eve's folder"
out_has "$EVE" "inspect names the folder"
lt restore inside.tar.gz --to r1
expect 0 "restore of an archive made inside the attachments tree"
check "eve's folder does not come back" test ! -e "r1/$EVE"
check "ann's does" test -f "r1/$ANN/contract.txt"
check "other folders do" test -f r1/other/note.txt
lt restore upper.tar.gz --to r2
expect 0 "restore of a folder named after eve's id in capitals"
check "it does not come back either" test ! -e "r2/$UPPER"
done_testing
