#!/bin/sh
# restore --to DIR: DIR must not exist or be an empty folder.  A folder
# holding anything (even a dot file or an empty folder), a file, or a
# symlink to a full folder is a usage error (exit 64) found before the
# archive is read: even a missing archive gives 64.  A good archive lands
# in a missing or empty DIR with no staging left beside it.
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

# taken WHAT DIR [ARCHIVE]: restore exits 64 naming DIR and writes nothing
# (ARCHIVE: a missing file unless given; '<FILE' for standard input)
taken() {
	t_arc=${3:-$T/arc/missing.tar}
	snap before
	case $t_arc in
	"<"*) lt_in "${t_arc#<}" restore - --to "$2" ;;
	*) lt restore "$t_arc" --to "$2" ;;
	esac
	expect 64 "$1: usage error"
	err_names "$2" "$1: stderr names the target"
	unchanged "$1: nothing written"
}

setup
mkdir -p arc p/full p/hidden p/nested/sub p/empty
echo keep >p/full/keep.txt
echo keep >p/hidden/.keep
echo file >p/file
ln -s full p/link
hostile tar arc/good.tar d:docs f:docs/a.txt f:b.txt

taken "a folder holding a file, missing archive" "$T/p/full"
taken "a folder holding a file, good archive" "$T/p/full" arc/good.tar
taken "a folder holding a dot file" "$T/p/hidden"
taken "a folder holding an empty folder" "$T/p/nested" arc/good.tar
taken "a regular file" "$T/p/file"
taken "a symlink to a full folder" "$T/p/link" arc/good.tar
taken "a full folder, archive on standard input" "$T/p/full" "<arc/good.tar"

snap before
lt restore arc/good.tar
expect 64 "no --to"
unchanged "no --to: nothing written"

snap before
lt restore arc/missing.tar --to "$T/p/absent"
expect 74 "a missing archive and a free target: an I/O error"
err_names missing.tar "missing archive: stderr names it"
unchanged "missing archive: nothing written"

# check_good DIR: the good archive's files are in DIR
check_good() {
	eq "$1: files in place" \
		"$(cat "$2/docs/a.txt" "$2/b.txt" 2>&1 | tr '\n' ' ')" \
		"docs/a.txt b.txt "
}
mkdir q1 q2 q3
restored "into a missing folder" arc/good.tar "$T/q1/target"
check_good "into a missing folder" "$T/q1/target"
mkdir q2/target
restored "into an empty folder" arc/good.tar "$T/q2/target"
check_good "into an empty folder" "$T/q2/target"
lt_in arc/good.tar restore - --to "$T/q3/target"
expect 0 "from standard input"
check_good "from standard input" "$T/q3/target"
eq "from standard input: no staging left beside the target" \
	"$(ls -A q3)" target
taken "the same target again, now full" "$T/q1/target" arc/good.tar

done_testing
