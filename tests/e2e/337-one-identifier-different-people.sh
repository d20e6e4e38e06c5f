#!/bin/sh
# SPEC 4: "when the identifiers match different subjects, the request
# needs approval whatever the policy says".  One identifier alone can
# match different people: Hal and Ivy share a landline, each with an
# email of their own.  A request naming only the landline waits for
# approval (its request event says so, `run` erases no one and names it,
# past its due time `run` exits 1); once approved, both are erased, one
# tombstone each.  Two subject rows that hold the same email and nothing
# that tells them apart are one person registered twice: a request for
# that email erases both without approval, and so does the same email
# with two different phones (an address is one person's; a phone may be
# a household's landline, or changed since).  In a
# batch too large to be matched when recorded (`--from`, over 1000
# requests of one identifier each), the run finds the shared landline and
# records a `wait`: the request still waits for approval.  An email
# naming one subject (no phone) and a phone naming another (no email)
# still waits, though no identifier type holds two values.  A store
# whose ids are integers in a column of no declared type is told apart
# the same way.
. "$TESTS_TOP/tests/lib.sh"

lsql() { sql "$T/ledger.db" "$1"; }
tombs() { lsql "SELECT count(*) FROM events WHERE type = 'erase' AND
  request = '$1'"; }
alive() { sql live.db "SELECT count(*) FROM subjects WHERE id = '$1'"; }

H=33733733-0000-4000-8000-000000000001
I=33733733-0000-4000-8000-000000000002
D1=33733733-0000-4000-8000-000000000003
D2=33733733-0000-4000-8000-000000000004
P1=33733733-0000-4000-8000-000000000005
P2=33733733-0000-4000-8000-000000000006
H2=33733733-0000-4000-8000-000000000007
I2=33733733-0000-4000-8000-000000000008
setup
add_subject live.db $H client 'Hal' hal@example.com '020 7946 0337' \
	2026-11-01T00:00:00Z
add_subject live.db $I client 'Ivy' ivy@example.com '+44 20 7946 0337' \
	2026-11-01T00:00:00Z
add_subject live.db $D1 client 'Dot' dot@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $D2 client 'Dot' ' DOT@example.com' '+44 7700 900337' \
	2026-11-01T00:00:00Z
add_subject live.db $P1 client 'Pen' pen@example.com '+44 7700 900401' \
	2026-11-01T00:00:00Z
add_subject live.db $P2 client 'Pen' pen@example.com '+44 7700 900402' \
	2026-11-01T00:00:00Z

# --- a landline two people share
lt request erase --phone '020 7946 0337'
expect 0 "a request naming only the shared landline"
RL=$(cut -d' ' -f1 out)
err_has "different subjects" "request erase says it waits for approval"
eq "its request event says approval is needed" \
	"$(lsql "SELECT json_extract(data, '$.approval') FROM events WHERE
	  type = 'request' AND request = '$RL'")" 1
lt request list --json
check "request list: approval needed, not approved" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["id"] == sys.argv[2]:
        assert r["approval_needed"] is True and r["approved"] is False, r
        break
else:
    raise SystemExit("not listed")' out "$RL"

lt run
expect 0 "run before the due time"
err_has "$RL" "run names the waiting request"
eq "Hal is kept" "$(alive $H)" 1
eq "Ivy is kept" "$(alive $I)" 1
eq "no tombstone for it" "$(tombs "$RL")" 0

NOW=2026-12-01T10:00:00Z
lt run
expect 1 "past its due time, unapproved: exit 1"
err_has "$RL" "the overdue request is named"
eq "still no one erased" "$(alive $H)$(alive $I)" 11

lt request approve "$RL"
expect 0 "approve it"
lt run
expect 0 "run after approval"
eq "Hal and Ivy are erased" "$(alive $H)$(alive $I)" 00
eq "one tombstone each" \
	"$(lsql "SELECT group_concat(subject, ' ') FROM (SELECT subject FROM
	  events WHERE type = 'erase' AND request = '$RL' ORDER BY subject)")" \
	"$H $I"

# one_person WHAT EMAIL ID1 ID2: a request for EMAIL, which rows ID1 and
# ID2 hold, erases both without approval, one tombstone each
one_person() {
	lt request erase --email "$2"
	expect 0 "$1: a request for the email two rows hold"
	R1=$(cut -d' ' -f1 out)
	err_lacks "different subjects" "$1: no approval asked"
	lt run
	expect 0 "$1: run"
	eq "$1: both rows are erased" "$(alive "$3")$(alive "$4")" 00
	eq "$1: one tombstone each" "$(tombs "$R1")" 2
}
one_person "the same email, nothing apart" dot@example.com $D1 $D2
one_person "the same email, two different phones" pen@example.com $P1 $P2

# --- email names Ada (no phone), phone names Bo (no email)
A1=33733733-0000-4000-8000-000000000009
B1=33733733-0000-4000-8000-00000000000a
add_subject live.db $A1 client 'Ada' ada@example.com '' 2026-12-01T00:00:00Z
add_subject live.db $B1 client 'Bo' '' '+44 7700 900555' 2026-12-01T00:00:00Z
lt request erase --email ada@example.com --phone '+44 7700 900555'
expect 0 "a request naming Ada's email and Bo's phone"
RA=$(cut -d' ' -f1 out)
err_has "different subjects" "it waits for approval"
lt run
expect 0 "run"
eq "neither Ada nor Bo is erased" "$(alive $A1)$(alive $B1)" 11
lt request approve "$RA"
lt run
eq "after approval both are" "$(alive $A1)$(alive $B1)" 00

# --- a large batch from a web form: found by the run (Hal and Ivy
# registered again, new ids)
add_subject live.db $H2 client 'Hal' hal@example.com '020 7946 0337' \
	2026-12-01T00:00:00Z
add_subject live.db $I2 client 'Ivy' ivy@example.com '+44 20 7946 0337' \
	2026-12-01T00:00:00Z
{
	i=1
	while [ $i -le 1000 ]; do
		echo "web$i@example.com"
		i=$((i + 1))
	done
	echo "020 7946 0337"
} >batch.txt
lt request erase --from batch.txt
expect 0 "1001 requests from a file, the last the shared landline"
RB=$(tail -n 1 out | cut -d' ' -f1)
lt run
expect 0 "run"
err_has "$RB" "run names the waiting request"
eq "a wait event records that it needs approval" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'wait' AND
	  request = '$RB'")" 1
eq "Hal and Ivy are kept" "$(alive $H2)$(alive $I2)" 11
eq "the other 1000 requests are done" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase' AND
	  subject IS NULL AND request <> '$RB'")" 1000
lt run
expect 0 "a second run"
eq "still kept: the wait holds" "$(alive $H2)$(alive $I2)" 11
lt request approve "$RB"
lt run
expect 0 "run after approval"
eq "now both are erased" "$(alive $H2)$(alive $I2)" 00

# --- integer ids in a column of no declared type
mkdir int
cd int
sql app.db "
CREATE TABLE subjects(id, kind TEXT, email TEXT, phone TEXT,
  last_contact_at TEXT);
INSERT INTO subjects VALUES
  (1, 'client', 'kim@example.com', '020 7946 0111', '2026-11-01'),
  (2, 'client', 'kai@example.com', '020 7946 0111', '2026-11-01'),
  (3, 'client', 'xu@example.com', '+44 7700 900601', '2026-11-01'),
  (4, 'client', 'yan@example.com', '+44 7700 900602', '2026-11-01');"
cat >lethe.ini <<'INI'
[lethe]
live_store = app.db
ledger = ledger.db
key_file = ledger.key
[subjects]
table = subjects
id = id
identifiers = email:email, phone:phone
INI
CONF=$T/int/lethe.ini
lt init
expect 0 "init beside a store of integer ids"
lt request erase --phone '020 7946 0111'
expect 0 "a request naming the landline 1 and 2 share"
lt request erase --email xu@example.com --phone '+44 7700 900602'
expect 0 "a request naming 3's email and 4's phone"
lt run
expect 0 "run"
eq "no one is erased: both wait" \
	"$(sql app.db "SELECT group_concat(id) FROM subjects")" "1,2,3,4"
eq "two wait for approval" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'request'
	  AND json_extract(data, '$.approval')")" 2
done_testing
