#!/bin/sh
# Identifier normalisation end to end (SPEC 3 "Identifiers", law 4: `run`
# finds subjects by hashing the live store's identifiers): emails are
# lower-cased and trimmed, phones become E.164 digits with
# default_calling_code, on both the request's and the live store's side.
. "$TESTS_TOP/tests/lib.sh"

alive() { sql live.db "SELECT count(*) FROM subjects WHERE id = '$1'"; }

A=aaaaaaaa-0000-4000-8000-000000000001
P=aaaaaaaa-0000-4000-8000-000000000002
N=aaaaaaaa-0000-4000-8000-000000000003
M=aaaaaaaa-0000-4000-8000-000000000004
X=aaaaaaaa-0000-4000-8000-000000000005
Y=aaaaaaaa-0000-4000-8000-000000000006
setup
add_subject live.db $A client 'Alice' alice@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $P client 'Phoebe' phoebe@example.com '+44 7700 900123' \
	2026-11-01T00:00:00Z
add_subject live.db $N client 'Nat' nat@example.com '07700 900555' \
	2026-11-01T00:00:00Z
add_subject live.db $M client 'Mixed' ' MiXeD@Example.ORG ' '' \
	2026-11-01T00:00:00Z
add_subject live.db $X client 'Near Alice' alice@example.co '' \
	2026-11-01T00:00:00Z
add_subject live.db $Y client 'Near Phoebe' phoebe2@example.com \
	'+44 7700 900124' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO orders(customer_email, customer_name,
  delivery_address, placed_at, total_cents) VALUES
  (' ALICE@EXAMPLE.COM', 'Alice', 'Rd', '2026-01-01', 1)"

lt request erase --email 'ALICE@example.com '
expect 0 "request for 'ALICE@example.com '"
lt request erase --phone '07700 900123'
expect 0 "request for '07700 900123'"
lt request erase --phone '0044 7700 900555'
expect 0 "request for '0044 7700 900555' (international 00 prefix)"
lt request erase --email 'mixed@example.org'
expect 0 "request for 'mixed@example.org'"
lt run
expect 0 "run"
eq "'ALICE@example.com ' erased alice@example.com" "$(alive $A)" 0
eq "its order (' ALICE@EXAMPLE.COM') is masked" \
	"$(sql live.db "SELECT count(*) FROM orders WHERE customer_email IS NULL")" 1
eq "'07700 900123' erased '+44 7700 900123'" "$(alive $P)" 0
eq "'0044 7700 900555' erased the national '07700 900555'" "$(alive $N)" 0
eq "'mixed@example.org' erased ' MiXeD@Example.ORG '" "$(alive $M)" 0
eq "alice@example.co is not alice@example.com" "$(alive $X)" 1
eq "'+44 7700 900124' is not '+44 7700 900123'" "$(alive $Y)" 1
eq "one tombstone per erased subject" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase' AND
	  subject IN ('$A', '$P', '$N', '$M')")" 4

# the hash does not depend on the spelling
lt ledger lookup --phone '+447700900123'
expect 0 "lookup '+447700900123' finds Phoebe's tombstone"
out_has "$P" "it names her subject"
lt ledger lookup --email ' Alice@Example.Com'
expect 0 "lookup ' Alice@Example.Com' finds Alice's tombstone"

# another calling code
sed -i 's/^default_calling_code *= *44/default_calling_code = 33/' "$CONF"
F=aaaaaaaa-0000-4000-8000-000000000007
add_subject live.db $F client 'Francois' fr@example.fr '+33 6 12 34 56 78' \
	2026-11-01T00:00:00Z
lt request erase --phone '06 12 34 56 78'
expect 0 "with default_calling_code = 33: request for '06 12 34 56 78'"
lt run
expect 0 "run"
eq "'06 12 34 56 78' erased '+33 6 12 34 56 78'" "$(alive $F)" 0

# --- spellings the live store holds, as lists and prose write them
Q1=aaaaaaaa-0000-4000-8000-000000000011
Q2=aaaaaaaa-0000-4000-8000-000000000012
Q3=aaaaaaaa-0000-4000-8000-000000000013
Q4=aaaaaaaa-0000-4000-8000-000000000014
Q5=aaaaaaaa-0000-4000-8000-000000000015
sed -i 's/^default_calling_code *= *33/default_calling_code = 44/' "$CONF"
add_subject live.db $Q1 client 'Trunk' trunk@example.com '+44 07700 900902' \
	2026-11-01T00:00:00Z
add_subject live.db $Q2 client 'Dot' 'dot@example.com.' '' 2026-11-01T00:00:00Z
add_subject live.db $Q3 client 'Quoted' '"quoted@example.com"' '' \
	2026-11-01T00:00:00Z
add_subject live.db $Q4 client 'Comma' 'Comma@Example.Com,' '' \
	2026-11-01T00:00:00Z
add_subject live.db $Q5 client 'Nbsp' "$(printf 'nbsp@example.com\302\240')" '' \
	2026-11-01T00:00:00Z
lt request erase --phone '07700 900902'
expect 0 "request for '07700 900902'"
for e in dot@example.com quoted@example.com comma@example.com \
	nbsp@example.com; do
	lt request erase --email "$e"
done
lt run
expect 0 "run"
eq "'07700 900902' erased '+44 07700 900902' (the trunk 0 after the code)" \
	"$(alive $Q1)" 0
eq "and 'dot@example.com.', '\"quoted@example.com\"', 'Comma@Example.Com,', a trailing no-break space" \
	"$(alive $Q2)$(alive $Q3)$(alive $Q4)$(alive $Q5)" 0000
lt ledger lookup --phone '+44 07700 900902'
expect 0 "ledger lookup with the live store's spelling finds the erasure"

lt request erase --email 'no-at-sign.example.com'
expect 64 "an email without @ is refused"
lt request erase --phone '12'
expect 64 "a phone too short is refused"
done_testing
