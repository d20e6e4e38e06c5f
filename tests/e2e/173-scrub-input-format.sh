#!/bin/sh
# SPEC 4 scrub: "written out as a new archive in the input's format (exit
# 64 if libarchive cannot write it; --format chooses another)".
# libarchive writes ISO 9660 images and ar archives, though its reader
# names them by variants (ISO 9660 with Rock Ridge, GNU ar) that its
# writer takes only by their base: a scrub of each writes the same format,
# without the erased person, and the output restores.  LHA is a format
# libarchive reads and cannot write: exit 64 naming --format, no output,
# no scrub event; --format tar.zst then works.  WARC is a format
# libarchive writes but not with folders: exit 64 the same way, not 74.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' \
	2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' \
	2026-01-01T00:00:00Z
mkdir -p app/data && cp live.db app/data/store.db
bsdtar --format iso9660 -cf app.iso app
bsdtar --format ar -cf app.ar -C app/data store.db
bsdtar --format warc -cf app.warc app
# an LHA archive (level 0 headers, stored) holding store.db
"$PY" -S - app.lzh app/data/store.db <<'PY'
import struct, sys
def crc16(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
with open(sys.argv[1], "wb") as out:
    data = open(sys.argv[2], "rb").read()
    name = b"store.db"
    body = (b"-lh0-" + struct.pack("<IIIBBB", len(data), len(data),
            0x21a00000, 0x20, 0, len(name)) + name +
            struct.pack("<H", crc16(data)))
    out.write(bytes([len(body), sum(body) & 0xff]) + body + data + b"\0")
PY
check "bsdtar reads the LHA archive" sh -c 'bsdtar -tf app.lzh | grep -q store.db'
lt request erase --email alice@example.com
lt run
expect 0 "alice erased after the archives were made"
nscrubs() { sql ledger.db "SELECT count(*) FROM events WHERE type = 'scrub'"; }

# restored WHAT DB: bob is in DB, alice is not
restored() {
	eq "$1: bob kept" "$(sql "$2" "SELECT count(*) FROM subjects
	  WHERE id = '$B'" 2>&1)" 1
	eq "$1: alice dropped" "$(sql "$2" "SELECT count(*) FROM subjects
	  WHERE id = '$A'" 2>&1)" 0
	no_bytes "$1: alice's email is not in the bytes" alice@example.com "$2"
}

lt scrub app.iso -o "$T/clean.iso"
expect 0 "scrub of an ISO 9660 image"
eq "the output is an ISO 9660 image" \
	"$(dd if=clean.iso bs=1 skip=32769 count=5 2>/dev/null)" CD001
lt restore clean.iso --to "$T/r1"
expect 0 "the scrubbed image restores"
restored "ISO 9660" r1/app/data/store.db

lt scrub app.ar -o "$T/clean.ar"
expect 0 "scrub of an ar archive"
eq "the output is an ar archive" "$(head -c 7 clean.ar)" '!<arch>'
lt restore clean.ar --to "$T/r2"
expect 0 "the scrubbed ar archive restores"
restored "ar" r2/store.db

# unwritable WHAT IN OUT FORMAT RESTORED: scrub of IN refused with 64,
# nothing left behind; with --format FORMAT it is scrubbed and restores
unwritable() {
	N=$(nscrubs)
	lt scrub "$2" -o "$T/$3"
	expect 64 "scrub of $1"
	err_has "--format" "$1: the refusal points at --format"
	check "$1: nothing written" test ! -e "$3"
	eq "$1: no scrub event" "$(nscrubs)" "$N"
	eq "$1: no staging left" \
		"$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
	lt scrub "$2" -o "$T/$3.$4" --format "$4"
	expect 0 "$1: with --format $4 it is scrubbed"
	rm -rf "$T/r"
	lt restore "$3.$4" --to "$T/r"
	expect 0 "$1: and restores"
	restored "$1 as $4" "r/$5"
}
unwritable "an LHA archive, which libarchive cannot write" app.lzh \
	clean.lzh tar.zst store.db
unwritable "a WARC archive with folders, which WARC cannot hold" \
	app.warc clean.warc zip app/data/store.db
done_testing
