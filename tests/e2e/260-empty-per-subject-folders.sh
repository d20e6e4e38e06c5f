#!/bin/sh
# Law 5 ("per-subject paths of erased subjects are dropped") and law 11:
# an application may make a subject's folder when it registers them, so a
# backup can hold an erased subject's per-subject folder with nothing in
# it: attachments/<id>/, or mail/<email>/ whose very name is her email.
# `run` removed both from the live trees; restore brought them back
# (exit 0, her email in the target's file names), scrub kept them and
# inspect did not see them.  Now they are dropped like a folder with
# files: restore, the dry run, scrub (a lethe backup and a foreign tar
# alike) and inspect, which names the tombstone but never her email.
# Another subject's empty folders are kept.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-00000000000a		# kept
setup "[files mail]
path = mail/{email}/"
add_subject live.db $EVE client 'Eve Gone' eve@example.com +447700900901 \
	2026-11-01T00:00:00Z
add_subject live.db $A client 'Ann Kept' ann@example.com +447700900902 \
	2026-11-01T00:00:00Z
mkdir -p attachments/$EVE attachments/$A mail/eve@example.com/inbox \
	mail/ann@example.com app
lt backup -o "$T/b.tar.zst"
expect 0 "a backup holding eve's empty folders"
cp -R live.db attachments mail app/
(cd app && tar cf ../f.tar live.db attachments mail)
NOW=2026-11-23T10:00:00Z
lt request erase --email eve@example.com
lt run
expect 0 "eve is erased after the backup"
check "run removed her folders from the live trees" \
	test ! -e mail/eve@example.com -a ! -e attachments/$EVE
TSEQ=$(sql ledger.db "SELECT seq FROM events WHERE type = 'erase'")

for a in b.tar.zst f.tar; do
	lt restore $a --to "$T/dry-$a" --dry-run
	expect 0 "$a: dry run"
	out_has "would drop: 2 per-subject files" "$a: dry run counts both"
	out_lacks "eve@example.com" "$a: the dry run's listing names her not"
	out_lacks "would restore attachments/$EVE" \
		"$a: nor lists her id folder"
	lt inspect $a
	expect 1 "$a: inspect finds eve"
	out_has "seq $TSEQ .*in attachments/$EVE: a per-subject path" \
		"$a: inspect names her id folder"
	out_has "seq $TSEQ .*per-subject path (\[files mail\])" \
		"$a: inspect names her mail folder"
	if grep -qi 'eve@' out err; then not_ok "$a: inspect prints her email"
	else ok "$a: inspect never prints her email"; fi
	lt restore $a --to "$T/r-$a"
	expect 0 "$a: restore"
	out_has "dropped: 2 per-subject files" "$a: restore counts both"
	check "$a: her id folder is not restored" test ! -e "r-$a/attachments/$EVE"
	check "$a: her mail folder is not restored" \
		test ! -e "r-$a/mail/eve@example.com"
	check "$a: ann's folders are" test -d "r-$a/attachments/$A" \
		-a -d "r-$a/mail/ann@example.com"
	if find "r-$a" | grep -q eve; then not_ok "$a: a name holds eve"
	else ok "$a: no restored name holds eve"; fi
	lt scrub $a -o "s-$a"
	expect 0 "$a: scrub"
	if bsdtar -tf "s-$a" | grep -q "eve\|$EVE"; then
		not_ok "$a: the scrubbed archive holds her folders"
	else ok "$a: the scrubbed archive holds none of her folders"; fi
	check "$a: ann's mail folder is in it" \
		sh -c "bsdtar -tf 's-$a' | grep -q mail/ann@example.com"
	lt inspect "s-$a"
	expect 0 "$a: inspect finds the scrubbed archive clean"
done
done_testing
