#!/bin/sh
# Law 7 (archives are hostile) with laws 5 and 11: an entry whose path is
# longer than this system lets a program open by name (PATH_MAX, 4096
# bytes, though each component is under NAME_MAX) can still be created,
# folder by folder; the filter, which opens files by path, then never saw
# it: a database holding an erased person, or a note naming her, was
# restored unfiltered and inspect called the archive clean.  Such an entry
# is refused (exit 65, naming it), nothing is written; inspect refuses it
# too.  A deep path that fits (about 3000 bytes) is scanned as any other:
# a note naming eve there is residue (65), one naming ann is restored.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar.zst"
mkdir x && bsdtar -xf b.tar.zst -C x
echo "call eve@example.com" >note.txt
echo "call ann@example.com" >ann.txt
# deep N: a path of N components of 244 bytes each
deep() { "$PY" -S -c "import sys; n = int(sys.argv[1])
print('/'.join('d%02d' % i + 'x' * 240 for i in range(n)))" "$1"; }
LONG=$(deep 18)
FITS=$(deep 12)
"$PY" -S "$TESTS_TOP/tests/hostile.py" - <<EOF
tar long-db.tar f:top.txt "F:$LONG/live.db<x/live.db"
tar long-note.tar f:top.txt "F:$LONG/note.txt<note.txt"
tar fits-eve.tar f:top.txt "F:$FITS/note.txt<note.txt"
tar fits-ann.tar f:top.txt "F:$FITS/note.txt<ann.txt"
EOF
check "the long path is over 4096 bytes" test ${#LONG} -gt 4096

for a in long-db.tar long-note.tar; do
	lt restore $a --to "$T/r-$a"
	expect 65 "restore $a"
	err_has "d00x" "$a: the message names the entry"
	err_has "too long" "$a: and says why"
	check "$a: nothing restored" test ! -e "r-$a"
	eq "$a: no staging left" "$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
	lt inspect $a
	expect 65 "inspect $a refuses it too"
done

lt restore fits-eve.tar --to "$T/fits-eve"
expect 65 "a note naming eve at a deep path that fits is residue"
err_has "tombstone seq" "the residue is reported"
lt restore fits-ann.tar --to "$T/fits-ann"
expect 0 "a note naming ann there is restored"
check "it is in place" test -s "fits-ann/$FITS/note.txt"
done_testing
