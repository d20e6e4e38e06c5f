#!/bin/sh
# Law 11 "every restored file is scanned for email addresses and phone
# numbers": a file that is one compressed stream -- an export kept as
# contacts.csv.gz, a log rotated to .xz, a nested .tar.gz -- is scanned as
# it decompresses, so an erased person in it is residue (65, naming the
# file; --drop-residue leaves it out) instead of coming back unseen
# (strings finds nothing in compressed bytes, so law 6's check could not
# see it either).  Windows overlap: an address across the 1 MiB boundary
# is found.  A text file in UTF-16 with its byte order mark (Windows'
# "Unicode") is read as the text it holds.  inspect reports it (exit 1);
# clean compressed files and files that only look compressed restore as
# they are.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client A \
	alice@example.com '+447700900111' 2026-11-01T00:00:00Z
lt request erase --email alice@example.com
lt run
expect 0 "alice erased"

# pack NAME: app/ as $T/NAME.tar, app emptied for the next one
pack() {
	(cd app && tar -cf "$T/$1.tar" .) && rm -rf app && mkdir app
}
mkdir app
printf 'email\nalice@example.com\n' | gzip >app/contacts.csv.gz
pack gz
printf 'call +44 7700 900111\n' | xz >app/calls.log.xz
pack xz
printf 'alice@example.com\n' | bzip2 >app/a.bz2
pack bz2
mkdir in && printf 'to: alice@example.com\n' >in/mail.txt
tar -czf app/old-backup.tar.gz -C in mail.txt
pack nested
"$PY" -S -c 'import sys; sys.stdout.write("a" * (1048576 - 8) +
  " alice@example.com " + "b" * 100)' | gzip >app/big.gz
pack boundary
printf '\377\376' >app/notes-le.txt
printf 'call alice@example.com' | iconv -t UTF-16LE >>app/notes-le.txt
pack utf16le
printf 'call alice@example.com' | iconv -t UTF-16BE >app/x
printf '\376\377' | cat - app/x >app/notes-be.txt && rm app/x
pack utf16be
for a in gz xz bz2 nested boundary utf16le utf16be; do
	lt restore "$T/$a.tar" --to "$T/r-$a"
	expect 65 "$a: the residue fails the restore"
	err_has "residue in '" "$a: the message names the file"
	check "$a: nothing restored" test ! -e "$T/r-$a"
	lt inspect "$T/$a.tar"
	expect 1 "$a: inspect finds her"
done
lt restore "$T/gz.tar" --to "$T/r-drop" --drop-residue
expect 0 "--drop-residue restores the rest"
check "the compressed export is left out" \
	test ! -e "$T/r-drop/contacts.csv.gz"
printf 'nobody here\n' | gzip >app/clean.gz
printf '\037\213 not really gzip\n' >app/fake.gz
pack clean
lt restore "$T/clean.tar" --to "$T/r-clean"
expect 0 "clean and fake compressed files restore"
check "the clean one is restored as it was" \
	sh -c "gzip -dc '$T/r-clean/clean.gz' | grep -q 'nobody here'"
check "the fake one is restored as it was" \
	grep -q 'not really gzip' "$T/r-clean/fake.gz"
done_testing
