#!/bin/sh
# Law 7, sizes: the [restore] caps bound what an archive may unpack.  One
# entry more than max_entries, one byte-heavy entry over max_entry_size
# (also when only its header says so), a total over max_total_size, and a
# compression bomb past max_ratio are refused (exit 65, naming the cap),
# quickly and without filling the disk; archives at the caps pass.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

# caps TEXT: the reference config with a [restore] section holding TEXT
caps() {
	write_config "$CONF" "[restore]
$1"
}

setup
mkdir -p x/y/empty arc
hostile <<EOT
tar arc/10.tar f:01 f:02 f:03 f:04 f:05 f:06 f:07 f:08 f:09 f:10
tar arc/11.tar f:01 f:02 f:03 f:04 f:05 f:06 f:07 f:08 f:09 f:10 f:11
tar arc/1m.tar f1M:one-mib.bin
tar arc/2m.tar f:small.txt f2M:two-mib.bin
claim arc/claim.tar liar.bin 2M
claim arc/claim-huge.tar huge-liar.bin 1099511627776
tgz arc/3x1m.tgz f1M:a.bin f1M:b.bin f1M:c.bin
tgz arc/4x1m.tgz f1M:a.bin f1M:b.bin f1M:c.bin f1M:d.bin
bomb-tgz arc/bomb.tgz 100
bomb-zip arc/bomb.zip 100
bomb-tgz arc/zeros10.tgz 10
EOT

caps "max_entries = 10"
mkdir ok10
restored "10 entries with max_entries = 10" arc/10.tar "$T/ok10/target"
refused "11 entries with max_entries = 10" max_entries arc/11.tar
refused "11 entries from standard input" max_entries "<arc/11.tar" \
	"$T/x/y/empty"

caps "max_entry_size = 1 MiB"
mkdir ok1m
restored "a 1 MiB file with max_entry_size = 1 MiB" arc/1m.tar \
	"$T/ok1m/target"
refused "a 2 MiB file with max_entry_size = 1 MiB" max_entry_size arc/2m.tar
# the header alone says 2 MiB (then the archive ends): refused on the header
refused "a header claiming 2 MiB" max_entry_size arc/claim.tar
refused "a header claiming 1 TiB" max_entry_size arc/claim-huge.tar \
	"$T/x/y/empty"

caps "max_total_size = 3 MiB"
mkdir ok3m
restored "three 1 MiB files with max_total_size = 3 MiB" arc/3x1m.tgz \
	"$T/ok3m/target"
refused "four 1 MiB files with max_total_size = 3 MiB" max_total_size \
	arc/4x1m.tgz

# bombs: 100 MiB of zeros in ~100 KiB.  Refused once 64 MiB are out, so the
# disk never holds much more; sampled while lethe runs.
caps "max_ratio = 200"
# bomb WHAT ARCHIVE: refused for max_ratio, the disk use of $T/x staying
# under 80 MiB the whole time
bomb() {
	rm -f "$T/.snap.stop" "$T/.snap.peak"
	(
		peak=0
		while [ ! -e "$T/.snap.stop" ]; do
			k=$(du -sk "$T/x" 2>/dev/null | cut -f1)
			if [ "${k:-0}" -gt "$peak" ]; then
				peak=$k
				echo "$peak" >"$T/.snap.peak"
			fi
			sleep 0.02
		done
	) &
	sampler=$!
	refused "$1" max_ratio "$2"
	touch "$T/.snap.stop"
	wait "$sampler"
	kib=$(cat "$T/.snap.peak" 2>/dev/null || echo 0)
	check "$1: disk use stayed under 80 MiB (peak ${kib} KiB)" \
		test "$kib" -lt 81920
}
bomb "a tar.gz bomb" arc/bomb.tgz
bomb "a zip bomb" arc/bomb.zip
rm -f "$T/.snap.stop" "$T/.snap.peak"
# 10 MiB of zeros is as compressed, but under the 64 MiB the check waits for
mkdir zeros
restored "10 MiB of zeros (ratio checked from 64 MiB on)" arc/zeros10.tgz \
	"$T/zeros/target"
eq "... all of it" "$(wc -c <"$T/zeros/target/zeros.bin" 2>/dev/null)" \
	10485760

done_testing
