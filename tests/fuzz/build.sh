#!/bin/sh
# build.sh [DIR]: build the libFuzzer harnesses (clang) into DIR (default
# build-fuzz at the top of the tree): fuzz_dbcopy and fuzz_dbcopy_sql.
# See README.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build-fuzz}
mkdir -p "$out"
for h in fuzz_dbcopy fuzz_dbcopy_sql; do
	clang -std=c11 -g -O1 -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$top/include" -o "$out/$h" "$top/tests/fuzz/$h.c" \
		"$top/src/dbcopy.c" "$top/src/dbcopy_tree.c" \
		"$top/src/rowset.c" "$top/src/xalloc.c" "$top/src/log.c" \
		$(pkg-config --cflags --libs sqlite3)
	echo "$out/$h"
done
