#!/bin/sh
# Laws 5 and 11, and restore --dry-run / inspect agreeing with the restore:
# an erased subject's per-subject folder whose files name her is dropped,
# so neither a dry run nor inspect calls it residue (exit 0 like the real
# restore); a file or folder *named* after an erased person, or a symlink
# pointing at such a name, is residue (65) whose message never shows the
# name, unless --drop-residue leaves it out; a per-subject folder spelled
# with the subject id in capitals is dropped too.
. "$TESTS_TOP/tests/lib.sh"
A=ffffffff-0000-4000-8000-00000000000a		# kept
F=ffffffff-0000-4000-8000-00000000000f		# erased after the backup
setup
add_subject live.db $A client 'Ann Kept' ann@example.com +447700900701 \
	2026-10-01T00:00:00Z
add_subject live.db $F client 'Farah Gone' farah.gone@example.com \
	+447700900702 2026-10-01T00:00:00Z
mkdir -p attachments/$A attachments/$F bk
echo "ann's contract" >attachments/$A/contract.txt
echo "notes on farah.gone@example.com" >attachments/$F/notes.txt
lt backup -o "$T/bk/b0.tar.zst"
expect 0 "backup before the erasure"
NOW=2026-11-23T10:00:00Z
lt request erase --email farah.gone@example.com
lt run
expect 0 "farah is erased"
TSEQ=$(sql ledger.db "SELECT seq FROM events WHERE type = 'erase' AND subject = '$F'")

NOW=2026-11-24T10:00:00Z
lt restore bk/b0.tar.zst --to "$T/dry" --dry-run
expect 0 "dry run: the per-subject folder is dropped, not residue"
out_lacks "fail" "dry run: no 'would fail'"
check "dry run: wrote no target" test ! -e dry
lt inspect bk/b0.tar.zst
expect 1 "inspect: the archive holds farah"
out_has "seq $TSEQ" "inspect names her tombstone"
out_lacks "would fail" "inspect: the restore would not fail"
lt restore bk/b0.tar.zst --to "$T/r0"
expect 0 "the real restore agrees"
check "her folder is gone" test ! -e r0/attachments/$F
check "ann's folder is kept" test -f r0/attachments/$A/contract.txt

# foreign archives whose entry names hold her email
mkdir -p f1/docs f2/docs f3/attachments/$(echo $F | tr a-f A-F)
echo "nothing personal" >"f1/docs/farah.gone@example.com.txt"
echo "ann's file" >f1/docs/ann.txt
ln -s "farah.gone@example.com" f2/docs/link
echo "ann's file" >f2/docs/ann.txt
echo "passport scan" >"f3/attachments/$(echo $F | tr a-f A-F)/scan.txt"
(cd f1 && tar czf ../n1.tar.gz docs)
(cd f2 && tar czf ../n2.tar.gz docs)
(cd f3 && tar czf ../n3.tar.gz attachments)

lt restore n1.tar.gz --to "$T/t1"
expect 65 "a file named by her email is residue"
err_has "seq $TSEQ" "the message names the tombstone"
err_has "docs/\[erased\].txt" "the message shows the name with it erased"
check "nothing restored" test ! -e t1
if grep -q 'farah' out err; then not_ok "the output names her"
else ok "the output never names her"; fi
lt inspect n1.tar.gz
expect 1 "inspect finds her name in the archive"
if grep -q 'farah' out err; then not_ok "inspect output names her"
else ok "inspect output never names her"; fi
lt restore n1.tar.gz --to "$T/t1" --drop-residue
expect 0 "--drop-residue leaves the file out"
check "the named file is left out" test ! -e "t1/docs/farah.gone@example.com.txt"
check "the other file is restored" test -f t1/docs/ann.txt

lt restore n2.tar.gz --to "$T/t2"
expect 65 "a symlink pointing at her email is residue"
err_has "link target" "the message says it is the link's target"

lt restore n3.tar.gz --to "$T/t3"
expect 0 "a folder named by her id in capitals"
check "that per-subject folder is dropped" \
	test ! -e "t3/attachments/$(echo $F | tr a-f A-F)"
done_testing
