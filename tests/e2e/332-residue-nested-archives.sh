#!/bin/sh
# Law 11 "every restored file is scanned": a file that is itself an
# archive -- an old backup zipped (deflated) or packed as 7z inside the
# archive restored, a zip inside a zip, a tar.gz inside a zip -- is read
# member by member as it decompresses, so an erased person inside it is
# residue (65, naming the outer file) instead of coming back unseen; so is
# UTF-16 text without a byte order mark, loose (an address across windows
# too) or inside a zip, and a PDF whose compressed (FlateDecode) content
# names her.  inspect finds them (exit 1).  Clean nested archives restore
# byte for byte; what cannot be read to its end (an encrypted zip, a
# stream past max_ratio) is warned about, naming the file.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client 'Ada Gone' ada@example.com '+447700900111' \
	2026-11-01T00:00:00Z
cp live.db old-live.db
lt request erase --email ada@example.com
lt run
expect 0 "Ada erased"

# pdf FILE TEXT: a PDF whose one page's content stream (FlateDecode)
# shows TEXT
pdf() {
	"$PY" -S -c 'import sys, zlib
body = zlib.compress(b"BT /F1 12 Tf 72 712 Td (" + sys.argv[2].encode() +
    b") Tj ET")
sys.stdout.buffer.write(b"%PDF-1.4\n4 0 obj\n<< /Length " +
    str(len(body)).encode() + b" /Filter /FlateDecode >>\nstream\r\n" +
    body + b"\r\nendstream\nendobj\n%%EOF\n")' "$1" "$2" >"$1"
}
# pack NAME: app/ as $T/NAME.tar, app emptied for the next one
pack() {
	(cd app && tar -cf "$T/$1.tar" .) && rm -rf app && mkdir app
}
mkdir app in
cp old-live.db in/live.db
printf 'to: ada@example.com\n' >in/mail.txt
# an old backup of the live store, deflated in a zip
(cd in && zip -q -9 "$T/app/old-backup.zip" live.db)
pack zip
(cd in && bsdtar --format 7zip -cf "$T/app/old-backup.7z" live.db)
pack 7z
(cd in && zip -q -9 "$T/inner.zip" mail.txt && zip -q -9 "$T/app/outer.zip" \
	-j "$T/inner.zip")
pack zip-in-zip
(cd in && tar -czf "$T/inner.tgz" mail.txt && zip -q -9 "$T/app/mixed.zip" \
	-j "$T/inner.tgz")
pack tgz-in-zip
printf 'call ada@example.com today' | iconv -t UTF-16LE >app/notes.txt
pack utf16le-nobom
printf 'call +44 7700 900111' | iconv -t UTF-16BE >app/notes.txt
pack utf16be-nobom
# across the end of the first window of code units (1 MiB and 1 KiB)
"$PY" -S -c 'import sys; sys.stdout.buffer.write(("a" * (1049600 - 10) +
  " ada@example.com " + "b" * 100).encode("utf-16-le"))' >app/big.txt
pack utf16-boundary
pdf app/invoice.pdf 'Invoice to ada@example.com'
pack pdf
# a name in a compressed tar (its header, not its data); bytes after a
# compressed tar's end; an address after a block of zeros (which reads as
# an empty tar)
mkdir -p in/mail/ada@example.com && printf 'hello\n' \
	>in/mail/ada@example.com/readme.txt
(cd in && tar -czf "$T/app/names.tgz" mail) && rm -rf in/mail
pack names-tgz
printf 'nothing\n' >in/neutral.txt
(cd in && { tar -cf - neutral.txt; printf 'trailer ada@example.com'; } |
	gzip >"$T/app/trail.gz")
pack trail-gz
"$PY" -S -c 'import sys; sys.stdout.write("\0" * 1024 +
  "ada@example.com")' | gzip >app/z1k.gz
pack zeros-gz
# a 7z and a PDF inside a zip (stored) and inside a tgz
(cd in && bsdtar --format 7zip -cf "$T/inner.7z" mail.txt &&
	zip -q -0 -j "$T/app/has7z.zip" "$T/inner.7z")
pack 7z-in-zip
pdf "$T/inner.pdf" 'Invoice to ada@example.com'
(cd "$T" && zip -q -0 app/haspdf.zip inner.pdf)
pack pdf-in-zip
(cd "$T" && tar -czf app/haspdf.tgz inner.pdf)
pack pdf-in-tgz
# a UTF-16 string inside a binary file (as an Outlook message or a photo's
# author field holds one), at an odd offset; a BOM'd UTF-16 file of
# Cyrillic text past the first 1 MiB window, zipped
"$PY" -S -c 'import sys, random; r = random.Random(7)
b = bytes(r.randrange(1, 256) for _ in range(100001))
sys.stdout.buffer.write(b + "ada@example.com".encode("utf-16-le") + b)' \
	>app/photo.bin
pack utf16-in-binary
"$PY" -S -c 'import sys; sys.stdout.buffer.write(("\ufeff" + "\u044f" *
  1500000 + " ada@example.com ").encode("utf-16-le"))' >in/cyr.txt
(cd in && zip -q -9 "$T/app/cyr.zip" cyr.txt)
pack utf16-cyrillic-in-zip
# three old backups inside each other, the oldest holding a zip of her
# mail (seven levels)
(cd in && zip -q -9 "$T/t0.zip" mail.txt && cd "$T" &&
	tar -czf t1.tgz t0.zip && tar -czf t2.tgz t1.tgz &&
	tar -czf app/t3.tgz t2.tgz)
pack tgz-tgz-tgz-zip
printf 'write to ada@example.com' | iconv -t UTF-16LE >in/u16.txt
(cd in && zip -q -9 "$T/app/notes.zip" u16.txt)
pack utf16-in-zip

for a in zip 7z zip-in-zip tgz-in-zip utf16le-nobom utf16be-nobom \
    utf16-boundary utf16-in-zip pdf names-tgz trail-gz zeros-gz 7z-in-zip \
    pdf-in-zip pdf-in-tgz tgz-tgz-tgz-zip utf16-in-binary \
    utf16-cyrillic-in-zip; do
	lt restore "$T/$a.tar" --to "$T/r-$a"
	expect 65 "$a: the residue fails the restore"
	err_has "residue in '" "$a: the message names the file"
	err_lacks "ada@example.com" "$a: ... never the person"
	check "$a: nothing restored" test ! -e "$T/r-$a"
	lt inspect "$T/$a.tar"
	expect 1 "$a: inspect finds her"
done

# clean nested archives and wide text restore as they are
printf 'nobody here\n' >in/clean.txt
(cd in && zip -q -9 "$T/inner-clean.zip" clean.txt &&
	zip -q -9 "$T/app/clean.zip" -j "$T/inner-clean.zip" clean.txt)
(cd in && bsdtar --format 7zip -cf "$T/app/clean.7z" clean.txt)
printf 'nobody here' | iconv -t UTF-16LE >app/wide.txt
pdf app/clean.pdf 'Invoice to nobody'
# zeros compressed twice: scanned no further than max_ratio allows
head -c 268435456 /dev/zero | gzip -1 | gzip -1 >app/zeros.gz.gz
# an encrypted zip: what it holds cannot be read
(cd in && zip -q -P secret "$T/app/locked.zip" clean.txt)
# zips twelve deep: past the ten levels read, said so
cp in/clean.txt "$T/deep0"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	(cd "$T" && zip -q -0 "deep$i.zip" "deep$((i - 1))"* && rm -f \
		"deep$((i - 1))"*)
done
mv "$T/deep12.zip" app/deep.zip
cp app/clean.zip app/clean.7z app/wide.txt app/clean.pdf .
pack clean
lt restore "$T/clean.tar" --to "$T/r-clean"
expect 0 "clean nested archives restore"
err_has "'zeros.gz.gz': an archive or compressed stream in it could not" \
	"... warning that the zeros were not read to their end"
err_has "'locked.zip': an archive or compressed stream in it could not" \
	"... and that the encrypted zip could not be read"
err_has "'deep.zip': an archive or compressed stream in it could not" \
	"... and that zips twelve deep were not all read"
for f in clean.zip clean.7z wide.txt clean.pdf; do
	check "$f is restored byte for byte" cmp -s "$f" "r-clean/$f"
done
done_testing
