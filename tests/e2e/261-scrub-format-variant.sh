#!/bin/sh
# SPEC 4 scrub: "written out as a new archive in the input's format".
# The everyday tools write variants: tar(1) (GNU tar) writes GNU tar,
# bsdcpio -o writes odc ("pre-SVR4") cpio.  Their scrubs were written as
# pax and newc, which file(1) tells apart from the input; now a GNU tar
# stays GNU tar and an odc cpio stays odc, compressed as the input was,
# also with a path longer than ustar's 100 bytes; newc and pax stay as
# they were.  Every output is without eve and restores.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar.zst"
mkdir -p app/attachments/$EVE app/docs/$(printf 'd%.0s' $(seq 1 60))
bsdtar -xf b.tar.zst -C app live.db
echo "eve's passport" >app/attachments/$EVE/passport.txt
echo "a long name" >app/docs/$(printf 'd%.0s' $(seq 1 60))/$(printf 'n%.0s' $(seq 1 60)).txt
(cd app && tar cf ../gnu.tar . && tar czf ../gnu.tar.gz . &&
	find . | bsdcpio -o >../odc.cpio 2>/dev/null &&
	find . | bsdcpio -o -J >../odc.cpio.xz 2>/dev/null &&
	find . | bsdcpio -o -H newc >../newc.cpio 2>/dev/null &&
	bsdtar --format pax -cf ../pax.tar .)
for a in gnu.tar gnu.tar.gz odc.cpio odc.cpio.xz newc.cpio pax.tar; do
	lt scrub $a -o "s-$a"
	expect 0 "$a: scrub"
	eq "$a: the scrubbed archive is what the input was" \
		"$(file -zb "s-$a" | sed 's/,.*//')" "$(file -zb $a | sed 's/,.*//')"
	if bsdtar -tf "s-$a" | grep -q "$EVE"; then
		not_ok "$a: the scrubbed archive holds eve's folder"
	else ok "$a: the scrubbed archive holds no folder of eve"; fi
	lt restore "s-$a" --to "$T/r-$a"
	expect 0 "$a: the scrubbed archive restores"
	eq "$a: without eve" "$(sql "r-$a/live.db" "SELECT count(*) FROM subjects
	  WHERE email LIKE 'eve%'")" 0
	check "$a: the long name is restored" \
		test -s "r-$a/docs/$(printf 'd%.0s' $(seq 1 60))/$(printf 'n%.0s' $(seq 1 60)).txt"
done
check "file(1) calls the GNU tar's scrub GNU" \
	sh -c "file -b s-gnu.tar | grep -q GNU"
check "file(1) calls the odc cpio's scrub odc" \
	sh -c "file -b s-odc.cpio | grep -q odc"
done_testing
