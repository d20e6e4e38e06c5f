#!/bin/sh
# Law 7 meets the filter: per-subject paths of erased subjects
# (attachments/{subject}/) cannot be smuggled past it through links.  A
# hardlink elsewhere to an erased subject's file, or the per-subject folder
# itself being a symlink to another folder, must not leave that file
# readable in the restored tree: restore refuses (65, nothing written) or
# restores without it (0).  Trees at any depth are dropped; the kept
# subject's files stay.
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

A=11111111-1111-4111-8111-111111111111
B=22222222-2222-4222-8222-222222222222
setup
add_subject live.db $A client 'Gone Person' gone@example.com \
	'+44 7700 900111' 2026-11-01T00:00:00Z
add_subject live.db $B client 'Kept Person' kept@example.com \
	'+44 7700 900222' 2026-11-01T00:00:00Z
lt request erase --email gone@example.com
expect 0 "erasure requested"
lt run
expect 0 "erasure done"

mkdir -p arc x/y
# every file holds its own archive path, so A's files say "attachments/$A/"
hostile <<EOT
tar arc/plain.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	f:backup/2025/attachments/$A/cv.txt f:backup/2025/attachments/$B/cv.txt
tar arc/hardlink.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	h:public/cv.txt>attachments/$A/cv.txt
tar arc/symlink.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	l:public/cv-link>../attachments/$A/cv.txt
tar arc/linked-dir.tar f:attachments/$B/cv.txt d:stash f:stash/cv.txt \
	l:attachments/$A>../stash
EOT

# either WHAT ARCHIVE: restore into $T/x/y/target exits 0 (then the caller
# checks the tree; returns 0) or 65 with nothing written (returns 1)
either() {
	rm -rf "$T/x/y/target"
	snap before
	lt restore "$2" --to "$T/x/y/target"
	case $rc in
	0) ok "$1: restored (exit 0)"; return 0 ;;
	65) ok "$1: refused (exit 65)"
	    unchanged "$1: nothing written"; return 1 ;;
	*) not_ok "$1: expected exit 0 or 65, got $rc"; return 1 ;;
	esac
}
# no_trace WHAT: no file under the target holds an erased file's bytes
no_trace() {
	eq "$1" "$(grep -rl "attachments/$A/" "$T/x/y/target" 2>&1)" ""
}
r=$T/x/y/target

mkdir ok
restored "per-subject trees" arc/plain.tar "$T/ok/target"
check "the erased subject's tree is dropped" \
	test ! -e "$T/ok/target/attachments/$A"
check "... also deeper in the archive" \
	test ! -e "$T/ok/target/backup/2025/attachments/$A"
check "the kept subject's files stay" \
	test -f "$T/ok/target/attachments/$B/cv.txt" -a \
	-f "$T/ok/target/backup/2025/attachments/$B/cv.txt"

if either "a hardlink to an erased subject's file" arc/hardlink.tar; then
	no_trace "hardlink: the erased file is not kept under another name"
	check "hardlink: the kept subject's file stays" \
		test -f "$r/attachments/$B/cv.txt"
fi
if either "a symlink to an erased subject's file" arc/symlink.tar; then
	no_trace "symlink: the erased file is gone"
	check "symlink: it does not read through the link" \
		test ! -e "$r/public/cv-link"
fi
if either "the erased subject's folder a symlink to another" \
	arc/linked-dir.tar; then
	check "linked folder: 'attachments/$A' is not in the tree" \
		test ! -e "$r/attachments/$A" -a ! -L "$r/attachments/$A"
	check "linked folder: the kept subject's file stays" \
		test -f "$r/attachments/$B/cv.txt"
fi

done_testing
