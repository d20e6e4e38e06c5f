#!/bin/sh
# SPEC 4 restore and scrub: the `restore` (and `scrub`) event records the
# archive's SHA-256, the hash of every byte of the input, as sha256sum
# gives it, also for the bytes a reader need not look at: a tar's
# blocking padding after its end (bsdtar -b 2048 writes 1 MiB records), a
# zip's central directory when the zip comes on standard input (read as a
# stream, it ends at the last entry), a tar with bytes after its end.
# From a file and from standard input alike (the archives hold 300 KB of
# noise, more than one read, and 2000 small files: a zip central directory
# larger than a read).
. "$TESTS_TOP/tests/lib.sh"

# last_sha TYPE: the archive_sha256 of the last TYPE event
last_sha() {
	sql ledger.db "SELECT json_extract(data, '$.archive_sha256') FROM
	  events WHERE type = '$1' ORDER BY seq DESC LIMIT 1"
}

eve_backup_erased "$T/b.tar.zst"
mkdir x && bsdtar -xf b.tar.zst -C x && rm x/lethe-manifest.json
head -c 300000 /dev/urandom >x/blob.bin
mkdir x/many && for i in $(seq 2000); do echo "$i" >x/many/file-number-$i.txt; done
bsdtar -b 2048 -cf padded.tar -C x .
bsdtar --format zip -cf plain.zip -C x .
bsdtar -cf tail.tar -C x .
head -c 100000 /dev/urandom >>tail.tar
n=0
for a in padded.tar plain.zip tail.tar; do
	SHA=$(sha256sum $a | cut -d' ' -f1)
	n=$((n + 1))
	lt restore $a --to "$T/r$n"
	expect 0 "restore $a"
	eq "$a: the restore event has the file's SHA-256" "$(last_sha restore)" \
		"$SHA"
	out_has "sha256 $SHA" "$a: restore prints the file's SHA-256"
	n=$((n + 1))
	lt_in $a restore - --to "$T/r$n"
	expect 0 "restore - < $a"
	eq "$a on standard input: the restore event has its SHA-256" \
		"$(last_sha restore)" "$SHA"
	lt_in $a inspect -
	expect 1 "inspect - < $a finds eve"
	grep -q "sha256 $SHA" out && ok "$a: inspect - shows its SHA-256" ||
		not_ok "$a: inspect - shows its SHA-256"
	lt_in $a scrub - -o "$T/s$n.$a"
	expect 0 "scrub - < $a"
	eq "$a on standard input: the scrub event has its SHA-256" \
		"$(last_sha scrub)" "$SHA"
done
eq "eve is in none of the restored stores" "$(for d in r1 r2 r3 r4 r5 r6; do
	sql $d/live.db "SELECT count(*) FROM subjects WHERE id = '$EVE'"
	done | sort -u)" 0
done_testing
