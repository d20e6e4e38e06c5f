#!/bin/sh
# Law 7, corrupt input fails cleanly: a truncated tar, tar.gz or tar.xz, a
# tar header with a bad checksum, invalid deflate data, a zip with a damaged
# central directory or a bad CRC, random bytes and an empty file are bad
# input data (exit 65, never 74: nothing here is an I/O error); the target
# is untouched and no staging is left, from a file or standard input.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

setup
mkdir -p x/y/empty arc
hostile <<EOT
tar arc/good.tar f64K:one.bin f64K:two.bin f64K:three.bin
tgz arc/good.tgz f64K:one.bin f64K:two.bin f64K:three.bin
txz arc/good.txz f64K:one.bin f64K:two.bin f64K:three.bin
zip arc/good.zip f64K:one.bin f64K:two.bin f64K:three.bin
cut arc/good.tar arc/half.tar 0.5
cut arc/good.tgz arc/half.tgz 0.5
cut arc/good.txz arc/half.txz 0.5
cut arc/good.zip arc/half.zip 0.5
tar-badsum arc/badsum.tar
tgz-flip arc/flip.tgz
zip-badcd arc/badcd.zip
zip-badcrc arc/badcrc.zip
random arc/random.bin 4K
EOT
gzip -9 -n -c arc/random.bin >arc/random.gz
: >arc/empty

# the intact ones restore, so what fails below is the damage
for f in good.tar good.tgz good.txz good.zip; do
	mkdir "ok-$f"
	restored "intact $f" "arc/$f" "$T/ok-$f/target"
	eq "intact $f: three files" \
		"$(cat "$T/ok-$f/target/"*.bin 2>/dev/null | wc -c)" 196608
done

# one.bin is whole, the cut falls in two.bin's data
refused "tar cut in half" two.bin arc/half.tar
refused "tar cut in half, from standard input" two.bin "<arc/half.tar" \
	"$T/x/y/empty"
refused "tar.gz cut in half" "" arc/half.tgz
refused "tar.gz cut in half, from standard input" "" "<arc/half.tgz"
refused "tar.xz cut in half" "" arc/half.txz "$T/x/y/empty"
refused "zip cut in half" "" arc/half.zip
# libarchive retries past a bad header ("Damaged tar archive"): still 65
refused "tar header with a bad checksum" "" arc/badsum.tar
refused "invalid deflate data mid-stream" "" arc/flip.tgz "$T/x/y/empty"
refused "zip with a damaged central directory" "" arc/badcd.zip
refused "zip entry with a bad CRC" checked.txt arc/badcrc.zip
refused "random bytes" "" arc/random.bin
refused "random bytes, from standard input" "" "<arc/random.bin" \
	"$T/x/y/empty"
refused "gzip of random bytes" "" arc/random.gz
refused "empty file" "" arc/empty
refused "empty standard input" "" "<arc/empty" "$T/x/y/empty"

done_testing
