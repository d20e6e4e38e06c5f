#!/bin/sh
# Runs one build's whole suite: the unit test binaries, then every
# end-to-end scenario (tests/e2e/NNN-*.sh) against the build's lethe, two at
# a time.  Every test prints TAP lines ("ok N - what" / "not ok N - what");
# a script that dies (a signal, a sanitizer report, a non-zero exit) counts
# as one more failure, and so does one still running after TEST_TIMEOUT
# seconds (default 900: a hang fails the suite instead of stalling it;
# tests assert outcomes, never how fast they came).  Failed scenarios keep their folder under
# BUILD/tmp/.  Writes "PASSED FAILED" to BUILD/results.
#
# usage: tests/run.sh BUILD [PATTERN]
set -u
build=${1:?usage: tests/run.sh BUILD [PATTERN]}
pattern=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
out="$build/test-output"
rm -rf "$out" "$build/tmp"
mkdir -p "$out" "$build/tmp"

export LETHE="$build/lethe"
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TESTS_TOP="$top"
export TESTS_TMP="$build/tmp"
export TEST_TIMEOUT="${TEST_TIMEOUT:-900}"

# one_test NAME CMD...: run a test, its TAP to $out/NAME.tap
one_test() {
	name=$1; shift
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$out/$name.tap" 2>"$out/$name.err"
	status=$?
	if [ $status -eq 124 ]; then
		echo "not ok - $name still running after $TEST_TIMEOUT s:" \
			"killed" >>"$out/$name.tap"
	elif [ $status -ne 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		echo "not ok - $name exited with status $status" >>"$out/$name.tap"
	fi
}

for t in "$build"/unit/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	case "$n" in *"$pattern"*) ;; *) continue ;; esac
	one_test "unit-$n" "$t"
done

# e2e scenarios, two at a time
ls "$top"/tests/e2e/[0-9]*.sh 2>/dev/null | grep -- "$pattern" |
	xargs -r -n 1 -P "${TEST_JOBS:-2}" sh -c '
		n=$(basename "$1" .sh)
		timeout -k 10 "$TEST_TIMEOUT" sh "$1" \
			>"'"$out"'/e2e-$n.tap" 2>"'"$out"'/e2e-$n.err"
		s=$?
		if [ $s -eq 124 ]; then
			echo "not ok - $n still running after $TEST_TIMEOUT s:" \
				"killed" >>"'"$out"'/e2e-$n.tap"
		elif [ $s -ne 0 ] && ! grep -q "^not ok" "'"$out"'/e2e-$n.tap"; then
			echo "not ok - $n exited with status $s" >>"'"$out"'/e2e-$n.tap"
		fi' sh

passed=0
failed=0
for f in "$out"/*.tap; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .tap)
	p=$(grep -c '^ok' "$f")
	x=$(grep -c '^not ok' "$f")
	passed=$((passed + p))
	failed=$((failed + x))
	if [ "$x" -gt 0 ]; then
		echo "FAIL $name"
		grep '^not ok' "$f" | sed 's/^/    /'
		sed 's/^/    | /' "$out/$name.err" | tail -n 30
	elif [ "$p" -eq 0 ]; then
		echo "FAIL $name: no test ran"
		failed=$((failed + 1))
	else
		printf 'ok   %-40s %d\n' "$name" "$p"
	fi
done
echo "$passed $failed" >"$build/results"
echo "$(basename "$build"): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
