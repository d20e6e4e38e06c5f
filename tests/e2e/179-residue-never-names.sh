#!/bin/sh
# Law 11: residue fails the restore closed "naming the file (and table and
# column) and the tombstone seq, never the person".  A table or column may
# itself be named after the person (a spreadsheet imported as is): the
# message then shows the identifier as [erased], as it does in file
# names; so does inspect, which prints where it found her.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar.zst"
mkdir s && bsdtar -xf b.tar.zst -C s && rm s/lethe-manifest.json
sqlite3 s/other.db 'CREATE TABLE "eve@example.com"("call eve@example.com" TEXT);
  INSERT INTO "eve@example.com" VALUES ('"'"'ring eve@example.com'"'"')'
(cd s && bsdtar -cf ../f.tar .)
lt ledger list --json
TSEQ=$(jfield erase seq)

lt restore f.tar --to "$T/r"
expect 65 "residue in a table named after eve"
err_has "residue in 'other.db': table '\[erased\]' column 'call \[erased\]'" \
	"the message names the file, table and column, masked"
err_has "tombstone seq $TSEQ" "and the tombstone seq"
err_lacks "eve@" "it never names the person"
check "nothing restored" test ! -e r
lt inspect f.tar
expect 1 "inspect finds her"
out_has "other.db: table '\[erased\]'" "inspect names where, masked"
out_lacks "eve@" "inspect never names the person"
done_testing
