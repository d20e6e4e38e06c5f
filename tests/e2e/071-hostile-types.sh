#!/bin/sh
# Law 7, entry types and modes: restore refuses character and block
# devices, FIFOs and setuid or setgid files (exit 65, naming the entry), in
# tar, cpio and zip, from a file and from standard input, and writes
# nothing anywhere.  Ordinary files and folders with ordinary modes pass.
. "$TESTS_TOP/tests/lib.sh"

# --- shared by the 07x hostile scenarios (kept the same in each) ---------
# hostile [WHAT OUT ENTRY...]: make archives with tests/hostile.py; with no
# argument, one command a line from standard input (one python start)
PY=$(python3 -c 'import sys; print(sys.executable)')
hostile() {
	[ $# -gt 0 ] || set -- -
	"$PY" -S "$TESTS_TOP/tests/hostile.py" "$@" ||
		not_ok "hostile.py $1 failed"
}
# snap NAME: every path under $T (type, mode, links, size, link target,
# MD5 of the content under 64 MiB: a runaway restore may leave a sparse
# terabyte) but what lethe itself writes (lt's out and err, the
# ledger and its lock) and the snaps themselves
snap() {
	(
		set -f
		cd "$T" || exit 1
		prune='( -path ./out -o -path ./err -o -path ./ledger.db* -o
		    -path ./live.db-* -o -path ./.snap.* ) -prune'
		find . -mindepth 1 $prune -o -type d -printf '%p %y %m %n\n' \
			-o -printf '%p %y %m %n %s %l\n'
		find . -mindepth 1 $prune -o -type f -size -64M -exec md5sum {} +
	) | LC_ALL=C sort >"$T/.snap.$1"
}
# unchanged WHAT: nothing under $T changed since `snap before`
unchanged() {
	snap after
	if cmp -s "$T/.snap.before" "$T/.snap.after"; then ok "$1"
	else
		not_ok "$1: files changed"
		diff "$T/.snap.before" "$T/.snap.after" | sed 's/^/# /' | head -n 20
	fi
}
# err_names TEXT WHAT: stderr holds TEXT, taken literally
err_names() {
	if grep -qF -- "$1" "$T/err"; then ok "$2"
	else not_ok "$2: stderr lacks '$1'"; fi
}
# refused WHAT NEEDLE ARCHIVE [DIR]: restore exits 65, stderr names NEEDLE
# (any message when NEEDLE is empty), and nothing is written anywhere.
# ARCHIVE '<FILE' restores from standard input (restore - --to DIR).
refused() {
	r_what=$1 r_needle=$2 r_arc=$3 r_to=${4:-$T/x/y/target}
	# a case that failed may have left a target: start without one
	rm -rf "$T/x/y/target" "$T/x/y/empty" && mkdir -p "$T/x/y/empty"
	snap before
	case $r_arc in
	"<"*) lt_in "${r_arc#<}" restore - --to "$r_to" ;;
	*) lt restore "$r_arc" --to "$r_to" ;;
	esac
	expect 65 "$r_what: refused"
	if [ -n "$r_needle" ]; then
		err_names "$r_needle" "$r_what: stderr names '$r_needle'"
	elif [ -s "$T/err" ]; then ok "$r_what: says why"
	else not_ok "$r_what: nothing on stderr"; fi
	unchanged "$r_what: nothing written, target untouched, no staging left"
}
# restored WHAT ARCHIVE DIR: restore exits 0 and DIR's parent holds DIR
# and nothing else (no staging left)
restored() {
	lt restore "$2" --to "$3"
	expect 0 "$1: restored"
	eq "$1: no staging left beside the target" \
		"$(ls -A "$(dirname "$3")")" "$(basename "$3")"
}
# --------------------------------------------------------------------------

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
