#!/bin/sh
# SPEC 5 `report [--format text|json|html]` and README "summarises ...
# requests (pending, done, overdue)": the text and HTML reports name every
# overdue request, however many (the text line was cut at 512 bytes, about
# a dozen ids, mid-id), as plain ids rather than a JSON array; the JSON
# report keeps `overdue_ids`; the report exits 1 with overdue requests.
. "$TESTS_TOP/tests/lib.sh"
setup
sed -i 's/^require_approval .*/require_approval = yes/' "$CONF"
i=1
while [ $i -le 20 ]; do
	echo "p$i@example.com"
	i=$((i + 1))
done >list.txt
lt request erase --from list.txt
expect 0 "20 requests that wait for approval"
cut -d' ' -f1 out | sort >ids
NOW=2026-12-01T00:00:00Z
for f in text html json; do
	lt report --format "$f"
	expect 1 "report --format $f with overdue requests"
	n=0
	while read -r id; do
		grep -q "$id" out && n=$((n + 1))
	done <ids
	eq "report --format $f names all 20 overdue requests" "$n" 20
done
lt report
out_has "20 overdue" "the text report counts them"
out_lacks '\["' "the text report shows no JSON array"
lt report --format json
eq "the JSON report lists them in overdue_ids" \
	"$("$PY" -S -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]["overdue_ids"]))' <out)" 20
done_testing
