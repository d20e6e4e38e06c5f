#!/bin/sh
# SPEC 4 restore (`--dry-run` reports what would be restored and filtered)
# with law 11's `--drop-residue`: a dry run with --drop-residue predicts
# the restore with --drop-residue: the same exit status, the same counts
# (files left out, not residue that fails), and writes nothing.  Residue
# sits in a plain file, in a file's name and in a second database; with
# residue in the live store's own database as well, which --drop-residue
# never leaves out, both the dry run and the restore fail (65).
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-00000000000a
eve_backup_erased "$T/b.tar.zst"
mkdir s && bsdtar -xf b.tar.zst -C s && rm s/lethe-manifest.json
echo "note about eve@example.com" >s/notes.txt
mkdir s/docs && echo "x" >"s/docs/eve@example.com.txt"
sqlite3 s/other.db "CREATE TABLE t(x TEXT);
  INSERT INTO t VALUES ('mail eve@example.com')"
(cd s && bsdtar -czf ../f.tgz .)
sql s/live.db "INSERT INTO tickets(subject_id, opened_at, title, body)
  VALUES ('$A', '2026-10-01', 'fwd', 'forwarded from eve@example.com')"
(cd s && bsdtar -czf ../g.tgz .)
nevents() { sql ledger.db "SELECT count(*) FROM events"; }

N=$(nevents)
lt restore f.tgz --to "$T/r" --drop-residue --dry-run
expect 0 "dry run with --drop-residue: the restore would succeed"
out_has "3 files left out" "it counts the three files left out"
out_lacks "residue:" "it reports no residue that fails"
err_has "would leave out 'other.db'" "it names the database left out"
err_has "would leave out 'notes.txt'" "it names the file left out"
err_lacks "eve@example.com" "it never names the person"
check "nothing written: no target" test ! -e r
eq "no ledger event" "$(nevents)" "$N"
grep '^would\|^archive\|^rule\|^databases' out | grep -v '^would restore ' |
	sed 's/^would erase/erased/; s/^would drop/dropped/' >dry

lt restore f.tgz --to "$T/r" --drop-residue
expect 0 "the restore with --drop-residue"
grep '^erase\|^dropped\|^archive\|^rule\|^databases' out >real
check "it reports what the dry run announced" cmp -s dry real
check "the files are left out" test ! -e r/notes.txt -a ! -e r/other.db \
	-a ! -e "r/docs/eve@example.com.txt"
eq "ann is restored" "$(sql r/live.db "SELECT count(*) FROM subjects")" 1

lt restore g.tgz --to "$T/r2" --drop-residue --dry-run
expect 65 "dry run, residue in the live store's database: would fail"
out_has "the restore would fail" "it says the restore would fail"
err_has "residue in 'live.db': table 'tickets' column 'body'" \
	"the dry run names the file, table and column, as the restore does"
err_has "tombstone seq" "and the tombstone"
err_lacks "eve@example.com" "never the person"
lt restore g.tgz --to "$T/r2" --drop-residue
expect 65 "the restore fails the same way"
err_has "residue in 'live.db': table 'tickets' column 'body'" "the restore names the same place"
check "nothing restored" test ! -e r2
done_testing
