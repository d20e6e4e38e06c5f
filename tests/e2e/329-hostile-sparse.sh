#!/bin/sh
# Law 7, sparse entries: a sparse tar entry's holes unpack to zeros (lethe
# hashes them, a reader reads them), so they count against max_total_size
# and max_ratio like the bytes of any other entry: a few KiB of archive
# declaring GiBs of holes is refused (exit 65, naming the cap), and a small
# sparse file with its holes is restored byte for byte.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

caps() {
	write_config "$CONF" "[restore]
$1"
}

# sparse FILE SIZE OFFSET: FILE of SIZE bytes, all hole but one byte 'x'
# at OFFSET
sparse() {
	rm -f "$1"
	truncate -s "$2" "$1" &&
		printf x | dd of="$1" bs=1 seek="$3" conv=notrunc 2>/dev/null ||
		not_ok "make sparse file $1"
}

setup
mkdir -p x/y/empty arc src
(
	cd src || exit 1
	sparse a.bin 3145728 1048576
	sparse b.bin 3145728 2097152
	sparse c.bin 3145728 5
	sparse big.bin 1073741824 536870912
	sparse small.bin 262144 131072
) || not_ok "make the sparse files"
(cd src && tar -S -cf ../arc/three.tar a.bin b.bin c.bin &&
	tar -S -cf ../arc/big.tar big.bin &&
	tar -S -cf ../arc/small.tar small.bin) || not_ok "tar -S"
size=$(wc -c <arc/big.tar)
check "the 1 GiB sparse archive is small ($size bytes)" test "$size" -lt 65536

# 9 MiB of holes against an 8 MiB total
caps "max_total_size = 8 MiB"
refused "three 3 MiB sparse files with max_total_size = 8 MiB" \
	max_total_size arc/three.tar
# 1 GiB of holes in a few KiB: a bomb past max_ratio once 64 MiB are out
caps "max_ratio = 200"
refused "a 1 GiB sparse file in a few KiB" max_ratio arc/big.tar
refused "the same from standard input" max_ratio "<arc/big.tar" \
	"$T/x/y/empty"

# a small sparse file (256 KiB, under the 64 MiB the ratio waits for)
caps "max_total_size = 1 MiB"
mkdir ok
restored "a 256 KiB sparse file" arc/small.tar "$T/ok/target"
check "... byte for byte" cmp -s src/small.bin ok/target/small.bin

done_testing
