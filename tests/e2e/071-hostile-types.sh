#!/bin/sh
# Law 7, entry types and modes: restore refuses character and block
# devices, FIFOs and setuid or setgid files (exit 65, naming the entry), in
# tar, cpio and zip, from a file and from standard input, and writes
# nothing anywhere.  Ordinary files and folders with ordinary modes pass.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

setup
mkdir -p x/y/empty arc
hostile <<EOT
tar arc/chr.tar f:good.txt d:dev c:dev/console-copy
tar arc/blk.tar f:good.txt d:dev b:dev/disk-copy
tar arc/fifo.tar f:good.txt p:pipe
tar arc/suid.tar d:bin m755:bin/tool m4755:bin/suid-shell
tar arc/sgid.tar d:bin m755:bin/tool m2755:bin/sgid-shell
tar arc/both.tar m6755:both-bits
cpio arc/fifo.cpio f:good.txt p:cpio-pipe
cpio arc/chr.cpio f:good.txt c:cpio-chr
cpio arc/blk.cpio b:cpio-blk
cpio arc/suid.cpio f:good.txt m4755:cpio-suid
zip arc/suid.zip f:good.txt m4755:zip-suid
zip arc/sgid.zip m2755:zip-sgid
tar arc/plain.tar d:bin m755:bin/tool m600:private m644:readme d:empty-dir
EOT

refused "character device" dev/console-copy arc/chr.tar
refused "block device" dev/disk-copy arc/blk.tar "$T/x/y/empty"
refused "FIFO" pipe arc/fifo.tar
refused "setuid file" bin/suid-shell arc/suid.tar
refused "setgid file" bin/sgid-shell arc/sgid.tar "$T/x/y/empty"
refused "setuid and setgid file" both-bits arc/both.tar
refused "FIFO in a cpio" cpio-pipe arc/fifo.cpio
refused "character device in a cpio" cpio-chr arc/chr.cpio "$T/x/y/empty"
refused "block device in a cpio" cpio-blk arc/blk.cpio
refused "setuid file in a cpio" cpio-suid arc/suid.cpio
refused "setuid file in a zip" zip-suid arc/suid.zip
refused "setgid file in a zip" zip-sgid arc/sgid.zip
refused "FIFO from standard input" pipe "<arc/fifo.tar"
refused "setuid file from standard input" bin/suid-shell "<arc/suid.tar" \
	"$T/x/y/empty"

mkdir plain
restored "ordinary modes" arc/plain.tar "$T/plain/target"
check "ordinary modes: files restored" \
	grep -qx bin/tool "$T/plain/target/bin/tool"
check "ordinary modes: an empty folder restored" \
	test -d "$T/plain/target/empty-dir"
eq "ordinary modes: no setuid, setgid, device or FIFO anywhere" \
	"$(find "$T/plain/target" -perm /6000 -o -type b -o -type c -o -type p \
		2>&1)" ""

done_testing
