# tests/hostile.sh: helpers the hostile-archive scenarios (tests/e2e/07x)
# share; sourced after lib.sh.
# hostile [WHAT OUT ENTRY...]: make archives with tests/hostile.py; with no
# argument, one command a line from standard input (one python start)
PY=$(python3 -c 'import sys; print(sys.executable)')
hostile() {
	[ $# -gt 0 ] || set -- -
	"$PY" -S "$TESTS_TOP/tests/hostile.py" "$@" ||
		not_ok "hostile.py $1 failed"
}
# gone_and_kept: an installation (setup) whose store holds subject A
# (gone@example.com, to be erased) and subject B (kept@example.com)
A=11111111-1111-4111-8111-111111111111
B=22222222-2222-4222-8222-222222222222
gone_and_kept() {
	setup
	add_subject live.db $A client 'Gone Person' gone@example.com \
		'+44 7700 900111' 2026-11-01T00:00:00Z
	add_subject live.db $B client 'Kept Person' kept@example.com \
		'+44 7700 900222' 2026-11-01T00:00:00Z
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
