#!/bin/sh
# Adds up the results files of each build and prints the final line.
passed=0
failed=0
for f in "$@"; do
	if [ ! -f "$f" ]; then
		echo "missing results: $f" >&2
		failed=$((failed + 1))
		continue
	fi
	read p x <"$f"
	passed=$((passed + p))
	failed=$((failed + x))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
