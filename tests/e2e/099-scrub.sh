#!/bin/sh
# SPEC 4 scrub and inspect: `scrub ARCHIVE -o OUT` applies the restore's
# filter and writes OUT in the input's format (a tar.zst stays tar.zst, a
# lethe zip and a foreign zip stay zip), with a lethe manifest brought up
# to the ledger's head and signed again, and records a `scrub` event.
# `inspect ARCHIVE` exits 1 naming the tombstone seq and the entries that
# still hold the erased subject, but never their email; `inspect OUT`
# exits 0.  `--format` chooses another format; an unknown one is 64 and
# writes nothing; -o naming the input itself is 64.
. "$TESTS_TOP/tests/lib.sh"

G=14141414-0000-4000-8000-00000000000a		# erased after the backups
K=14141414-0000-4000-8000-00000000000b		# kept
nevents() { sql ledger.db "SELECT count(*) FROM events"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# no_person WHAT: neither stdout nor stderr names the erased person
no_person() {
	if grep -qi 'gil\.gone\|Gil Gone' out err; then not_ok "$1: names the person"
	else ok "$1: never names the person"; fi
}
# clean WHAT ARCHIVE DB FILES: the extracted ARCHIVE lacks G entirely
clean() {
	rm -rf x && mkdir x && bsdtar -xf "$2" -C x
	eq "$1: G's rows are gone" "$(sql "x/$3" "SELECT count(*) FROM subjects
	  WHERE id = '$G'")/$(sql "x/$3" "SELECT count(*) FROM communications
	  WHERE subject_id = '$G'")" 0/0
	eq "$1: K's rows are kept" "$(sql "x/$3" "SELECT count(*) FROM subjects
	  WHERE id = '$K'")/$(sql "x/$3" "SELECT count(*) FROM communications
	  WHERE subject_id = '$K'")" 1/1
	check "$1: G's folder is gone" test ! -e "x/$4/attachments/$G"
	check "$1: K's folder is kept" test -f "x/$4/attachments/$K/doc.txt"
	eq "$1: G's CSV record is gone" "$(cat "x/$4/exports/contacts.csv")" \
		"email,name,phone_number
kai.kept@example.com,Kai Kept,+44 7700 900902"
	no_bytes "$1: G's email is in no file" gil.gone@example.com $(find x -type f)
}

setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email, phone:phone_number"
add_subject live.db $G client 'Gil Gone' gil.gone@example.com \
	'+44 7700 900901' 2026-10-01T00:00:00Z
add_subject live.db $K client 'Kai Kept' kai.kept@example.com \
	'+44 7700 900902' 2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$G', '2026-10-01', 'from gil.gone@example.com'), ('$K', '2026-10-01', 'kai')"
mkdir -p attachments/$G attachments/$K exports bk o
echo "gil's file" >attachments/$G/doc.txt
echo "kai's file" >attachments/$K/doc.txt
cat >exports/contacts.csv <<'CSV'
email,name,phone_number
gil.gone@example.com,Gil Gone,+44 7700 900901
kai.kept@example.com,Kai Kept,+44 7700 900902
CSV
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup as tar.zst"
lt backup -o "$T/bk/b.zip" --format zip
expect 0 "backup as zip"
mkdir app && sql live.db ".backup app/store.bin" && cp -R attachments exports app/
(cd app && "$PY" -S -c '
import os, zipfile
with zipfile.ZipFile("../bk/foreign.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for top, dirs, files in os.walk("."):
        for f in files:
            z.write(os.path.join(top, f), os.path.relpath(os.path.join(top, f), "."))
')
check "file(1) sees zstd" sh -c "file bk/b.tar.zst | grep -q Zstandard"
check "file(1) sees a zip" sh -c "file bk/b.zip | grep -q Zip"

NOW=2026-11-23T10:00:00Z
lt request erase --email gil.gone@example.com
expect 0 "request erase"
lt run
expect 0 "run erases G"
TSEQ=$(sql ledger.db "SELECT seq FROM events WHERE type = 'erase'")

# ------------------------------------------------------------- inspect
NOW=2026-11-24T10:00:00Z
N=$(nevents)
lt inspect bk/b.tar.zst
expect 1 "inspect the old backup: an erased subject is still in it"
out_has "seq $TSEQ" "it names the tombstone seq"
out_has "live.db" "it names the database entry"
out_has "attachments/$G" "it names the attachments entry"
out_has "exports/contacts.csv" "it names the CSV entry"
out_has "1 erased subject" "it counts the erased subjects"
no_person "inspect"
eq "inspect records nothing" "$(nevents)" "$N"

# ------------------------------------------------------------- tar.zst
HEAD=$(sql ledger.db "SELECT max(seq) FROM events")
lt scrub bk/b.tar.zst -o "$T/o/s.tar.zst"
expect 0 "scrub the tar.zst"
out_has "scrubbed archive" "scrub says where it wrote"
no_person "scrub"
check "the output is zstd, as the input" sh -c "file o/s.tar.zst | grep -q Zstandard"
check "bsdtar reads it as a tar" sh -c "bsdtar -tvf o/s.tar.zst | grep -q live.db"
clean "tar.zst" o/s.tar.zst live.db .
eq "tar.zst: G's email is not in the archive's bytes" \
	"$(zstd -dc o/s.tar.zst | strings -a | grep -ci gil.gone@example.com)" 0
check "tar.zst: the archive keeps a manifest" test -f x/lethe-manifest.json
eq "tar.zst: the manifest is brought up to the head the scrub saw" \
	"$("$PY" -S -c 'import json; print(json.loads(open("x/lethe-manifest.json").readline())["ledger_seq"])')" \
	"$HEAD"
lt ledger list --json
eq "a scrub event" "$(grep -c '"type":"scrub"' out)" 1
eq "it names the output" "$(jfield scrub data output)" "$T/o/s.tar.zst"
eq "it holds the output's SHA-256" "$(jfield scrub data output_sha256)" "$(sha o/s.tar.zst)"
eq "it holds the input's SHA-256" "$(jfield scrub data archive_sha256)" "$(sha bk/b.tar.zst)"
lt inspect o/s.tar.zst
expect 0 "inspect the scrubbed archive: clean"
out_has "no erased subject" "it says so"
lt restore o/s.tar.zst --to "$T/r"
expect 0 "the scrubbed archive restores"
out_has "lethe backup" "as a lethe backup: its manifest verifies"
eq "with nothing more to filter" "$(sql ledger.db "SELECT json_extract(data,
  '$.subjects') FROM events WHERE type = 'restore'")" 0

# ------------------------------------------------------------- zips
lt scrub bk/b.zip -o "$T/o/s.zip"
expect 0 "scrub the lethe zip"
check "the output is a zip, as the input" sh -c "file o/s.zip | grep -q Zip"
clean "lethe zip" o/s.zip live.db .
lt inspect o/s.zip
expect 0 "inspect the scrubbed zip: clean"
lt inspect bk/foreign.zip
expect 1 "inspect the foreign zip: G is in it"
out_has "store.bin" "it names the neutral database entry"
no_person "inspect foreign"
lt scrub bk/foreign.zip -o "$T/o/f.zip"
expect 0 "scrub the foreign zip"
check "the output is a zip" sh -c "file o/f.zip | grep -q Zip"
clean "foreign zip" o/f.zip store.bin .
lt inspect o/f.zip
expect 0 "inspect the scrubbed foreign zip: clean"

# ------------------------------------------------------------- --format
lt scrub bk/b.tar.zst -o "$T/o/as.zip" --format zip
expect 0 "scrub the tar.zst into a zip"
check "--format zip makes a zip" sh -c "file o/as.zip | grep -q Zip"
clean "--format zip" o/as.zip live.db .
lt scrub bk/b.zip -o "$T/o/as.tar.gz" --format tar.gz
expect 0 "scrub the zip into a tar.gz"
check "--format tar.gz makes gzip" sh -c "file o/as.tar.gz | grep -q gzip"
clean "--format tar.gz" o/as.tar.gz live.db .

N=$(nevents)
lt scrub bk/b.tar.zst -o "$T/o/bad.out" --format nonesuch
expect 64 "an unknown format"
check "no output written" test ! -e o/bad.out
eq "no scrub event" "$(nevents)" "$N"
lt scrub bk/b.tar.zst -o "$T/bk/b.tar.zst"
expect 64 "-o naming the input"
eq "the input is unchanged" "$(sha bk/b.tar.zst)" \
	"$(sql ledger.db "SELECT json_extract(data, '$.sha256') FROM events
	  WHERE type = 'backup' ORDER BY seq LIMIT 1")"
lt scrub bk/b.tar.zst
expect 64 "scrub without -o"
eq "still no new event" "$(nevents)" "$N"
eq "no staging left" "$(find "$T" -name '.lethe-staging*' | wc -l)" 0
done_testing
