#!/bin/sh
# Law 7, paths: restore refuses an entry with '..' as a component, an
# absolute path and the same path twice (exit 65, naming the entry), in
# tar, compressed tar, zip and cpio, from a file and from standard input;
# nothing is written anywhere (no escapee, no staging left, the target
# absent or still empty).  Odd but legal names restore as they are.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

setup
mkdir -p x/y/empty arc victim
# With DIR = $T/x/y/target, '..' leads into $T/x/y, '../..' into $T/x,
# '../../..' into $T: all inside what `snap` watches.  Absolute paths
# point into $T/victim.
long=$(printf '%0300d' 0 | tr 0 n)
hostile <<EOF
tar arc/dotdot.tar f:good.txt f:../evil
tar arc/inner.tar d:a f:a/ok.txt f:a/../../evil
tar arc/deep.tar f:good.txt f:../../../evil
tar arc/stays.tar d:a f:a/../b
tar arc/dotdot-dir.tar d:sub d:sub/../../up f:sub/../../up/evil
tar arc/abs.tar f:good.txt f:$T/victim/evil
tar arc/abs2.tar f:/$T/victim/evil2
tar arc/absdir.tar d:$T/victim/dir f:$T/victim/dir/evil
tgz arc/dotdot.tgz f:good.txt f:../evil
txz arc/dotdot.txz f:good.txt f:../evil
zip arc/dotdot.zip f:good.txt f:../evil
zip arc/abs.zip f:good.txt f:$T/victim/zevil
cpio arc/dotdot.cpio f:good.txt f:../evil
cpio arc/abs.cpio f:$T/victim/cevil
tar arc/dup.tar d:dup f:dup/file f:other f:dup/file
tar arc/dup-dot.tar f:dup/file f:./dup/file
tar arc/dup-slash.tar f:dup/file f:dup//file
tar arc/dup-kind.tar d:same f:same
zip arc/dup.zip f:dup/file f:dup/file
tar arc/long.tar f:good.txt f:long-$long
EOF

refused "'../evil'" ../evil arc/dotdot.tar
refused "'../evil' into an existing empty folder" ../evil arc/dotdot.tar \
	"$T/x/y/empty"
refused "'a/../../evil'" a/../../evil arc/inner.tar "$T/x/y/empty"
refused "'../../../evil' (would land in \$T)" ../../../evil arc/deep.tar
# a '..' that stays inside once normalised is refused all the same
refused "'a/../b'" a/../b arc/stays.tar
refused "directory 'sub/../../up'" sub/../../up arc/dotdot-dir.tar

refused "absolute path" "$T/victim/evil" arc/abs.tar
refused "absolute path with '//'" victim/evil2 arc/abs2.tar "$T/x/y/empty"
refused "absolute directory" "$T/victim/dir" arc/absdir.tar

# the same checks whatever the format or the compression
refused "'../evil' in a tar.gz" ../evil arc/dotdot.tgz
refused "'../evil' in a tar.xz" ../evil arc/dotdot.txz
refused "'../evil' in a zip" ../evil arc/dotdot.zip
refused "absolute path in a zip" "$T/victim/zevil" arc/abs.zip
refused "'../evil' in a cpio" ../evil arc/dotdot.cpio
refused "absolute path in a cpio" "$T/victim/cevil" arc/abs.cpio
refused "'../evil' from standard input" ../evil "<arc/dotdot.tar"
refused "absolute path from standard input" "$T/victim/evil" "<arc/abs.tar" \
	"$T/x/y/empty"

# duplicates: the second entry would overwrite (or write through) the first
refused "'dup/file' twice" dup/file arc/dup.tar
refused "'dup/file' and './dup/file'" dup/file arc/dup-dot.tar
refused "'dup/file' and 'dup//file'" dup/ arc/dup-slash.tar "$T/x/y/empty"
refused "'same' as a folder then a file" same arc/dup-kind.tar
refused "'dup/file' twice in a zip" dup/file arc/dup.zip

# a name no file system takes (over NAME_MAX, 255 bytes) is the archive's
# fault, not an I/O error
refused "a 305-byte name" long-nnnnnnnnnn arc/long.tar

# odd but legal names: spaces, unicode, leading dashes, dots that are not
# '..', shell metacharacters; parents without their own entry
set -- 'with space' ' leading space' 'trailing space ' '-rf' '--to' \
	'..foo' 'foo..' '...' '.hidden' 'ünïcødé/ファイル.txt' 'a b/c d.txt' \
	'semi;colon&$dollar' "quote'n\"double" 'back\slash' '#hash' '~tilde'
for n in "$@"; do set -- "$@" "f:$n"; shift; done
hostile gnutar arc/odd.tar "$@"
hostile tar arc/odd-pax.tar "$@"
for kind in odd odd-pax; do
	mkdir "$T/$kind"
	restored "$kind names" "arc/$kind.tar" "$T/$kind/target"
	bad=
	for e in "$@"; do
		n=${e#f:}
		printf '%s\n' "$n" | cmp -s - "$T/$kind/target/$n" || bad="$bad [$n]"
	done
	eq "$kind names: every file restored under its own name" "$bad" ""
done

done_testing
