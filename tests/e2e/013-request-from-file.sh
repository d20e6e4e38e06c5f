#!/bin/sh
# CLI contract (SPEC 5) for `request erase --from FILE|-`, and law 4: one
# request per line (email, phone, or "email,phone"), blank and '#' lines
# skipped; a bad line is reported with its number and nothing is recorded.
# A --ref that looks like an email address or a phone number is refused
# (64) and nothing is recorded; a ticket number is accepted and listed.
. "$TESTS_TOP/tests/lib.sh"

jl() {
	{ echo '['; sed '$!s/$/,/' "$1"; echo ']'; } >"$T/jl.json"
	sqlite3 -batch -noheader :memory: "CREATE TABLE j AS SELECT value AS v
	  FROM json_each(readfile('$T/jl.json')); $2"
}
lsql() { sql "$T/ledger.db" "$1"; }
nevents() { lsql "SELECT count(*) FROM events"; }
ledger_sum() { sha256sum "$T/ledger.db" | cut -d' ' -f1; }
UUID='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Dana \
	dana@example.com '+44 7700 900001' 2026-11-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 client Eve \
	eve@example.com '+44 7700 900002' 2026-11-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000003 client Finn \
	finn@example.com '+44 7700 900003' 2026-11-01T00:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000004 client Gus \
	gus@example.com '+44 7700 900004' 2026-11-01T00:00:00Z

# --- a good file
cat >good.txt <<'EOF'
# erasure requests from the web form, 2026-11-22

dana@example.com
  +44 7700 900002
finn@example.com, 07700 900003
   # an indented comment

EOF
lt request erase --from good.txt
expect 0 "request erase --from FILE"
eq "three requests printed" "$(grep -Ecx "$UUID due 2026-11-29T10:00:00Z" out)" 3
eq "nothing else printed" "$(wc -l <out | tr -d ' ')" 3
eq "three request events" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'request'")" 3
eq "identifier kinds per line: email / phone / email+phone" \
	"$(lsql "SELECT group_concat(k, ' ') FROM (SELECT
	  CASE WHEN ids LIKE 'email:% phone:%' THEN 'both'
	       WHEN ids LIKE 'email:%' THEN 'email'
	       WHEN ids LIKE 'phone:%' THEN 'phone' END AS k
	  FROM events WHERE type = 'request' ORDER BY seq)")" "email phone both"
eq "printed ids are the recorded ids" \
	"$(cut -d' ' -f1 out | sort | tr '\n' ' ')" \
	"$(lsql "SELECT request FROM events WHERE type = 'request'" | sort | tr '\n' ' ')"

# --- standard input
printf 'gus@example.com\n\n# done\n' >stdin.txt
lt_in stdin.txt request erase --from -
expect 0 "request erase --from - reads standard input"
eq "one request printed" "$(grep -Ecx "$UUID due 2026-11-29T10:00:00Z" out)" 1
eq "four request events in all" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'request'")" 4

lt run
expect 0 "run executes the file's requests"
eq "all four subjects erased" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "one tombstone each" \
	"$(lsql "SELECT count(DISTINCT subject) || '/' || count(*) FROM events
	  WHERE type = 'erase'")" "4/4"

# --- one bad line: reported with its number, nothing recorded
cat >bad.txt <<'EOF'
# header
hal@example.com

ivy@example.com,+44 7700 900010
not a person
jo@example.com
EOF
N=$(nevents)
SUM=$(ledger_sum)
lt request erase --from bad.txt
expect 65 "a file with one bad line"
err_has "bad.txt:5" "the error names the file and line 5"
out_lacks "due" "no request id printed"
eq "nothing recorded" "$(nevents)" "$N"
eq "the ledger file is unchanged" "$(ledger_sum)" "$SUM"

printf 'kim@example.com\nkim@example.com,lee@example.com\n' >twomail.txt
lt request erase --from twomail.txt
expect 65 "a line with two emails"
err_has "twomail.txt:2" "the error names line 2"
eq "nothing recorded" "$(nevents)" "$N"

printf 'a@example.com\0,07700900123\nc@example.com\0junk\n' >nul.txt
lt request erase --from nul.txt
expect 65 "lines holding a NUL byte"
err_has "nul.txt:1: .*NUL" "line 1 is named"
err_has "nul.txt:2: .*NUL" "line 2 is named"
eq "nothing recorded" "$(nevents)" "$N"

printf 'ok@example.com\nbad@@example.com\n' >badstdin.txt
lt_in badstdin.txt request erase --from -
expect 65 "a bad line on standard input"
err_has ":2" "the error names line 2"
eq "nothing recorded" "$(nevents)" "$N"

lt request erase --from missing.txt
expect 74 "a file that does not exist"
eq "nothing recorded" "$(nevents)" "$N"

lt request erase --from good.txt --email dana@example.com
expect 64 "--from and --email together"
eq "nothing recorded" "$(nevents)" "$N"

lt request erase --email ok@example.com --phone 'call me'
expect 64 "--email with a bad --phone"
eq "nothing recorded" "$(nevents)" "$N"
lt request erase
expect 64 "request erase without identifiers"
eq "nothing recorded" "$(nevents)" "$N"

# --- --ref
for ref in 'someone@example.com' '+44 7700 900123' '07700 900123' \
	'447700900123' 'ticket for 07700900123'; do
	lt request erase --email mo@example.com --ref "$ref"
	expect 64 "--ref '$ref' looks personal: refused"
	out_lacks "due" "no request printed for --ref '$ref'"
done
lt request erase --from good.txt --ref 'x@example.com'
expect 64 "--from with a personal --ref is refused"
eq "nothing recorded by the refused refs" "$(nevents)" "$N"
eq "the ledger file is unchanged" "$(ledger_sum)" "$SUM"
no_bytes "the refused refs are nowhere in the ledger" 900123 ledger.db ledger.db-wal
no_bytes "nor the email-like ref" someone@example.com ledger.db ledger.db-wal

lt request erase --email mo@example.com --ref HD-1234
expect 0 "a ticket-like --ref is accepted"
RID=$(cut -d' ' -f1 out)
lt request list --json
expect 0 "request list --json"
eq "the ref shows in request list --json" \
	"$(jl out "SELECT json_extract(v, '$.ref') FROM j WHERE
	  json_extract(v, '$.id') = '$RID'")" HD-1234
lt request list
expect 0 "request list"
check "the ref shows in the text listing" grep -q "$RID.*HD-1234" out
lt request erase --email nia@example.com --ref 'HD-2026-11-22'
expect 0 "a ref holding a date is not a phone number"
lt ledger verify
expect 0 "ledger verifies"
done_testing
