#!/bin/sh
# A hold a restore records for a subject it matched by identifier (a
# foreign archive: every erasure's identifiers match) never releases the
# rows of a subject the live store holds: here a person who registered
# again after her erasure (new id, same email, law 8), whose invoices
# are her own business, not a legal hold.
. "$TESTS_TOP/tests/lib.sh"
setup
I=11111111-0000-4000-8000-000000000001
X=99999999-0000-4000-8000-000000000009
add_subject live.db $I client Ivy ivy@example.com '' 2026-11-01T00:00:00Z
lt request erase --email ivy@example.com
lt run
expect 0 "Ivy is erased"
add_subject live.db $X client Ivy ivy@example.com '' 2026-11-10T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at,
  amount_cents, billing_name, billing_address) VALUES
  ('$X', 'X-1', '2024-01-01T00:00:00Z', 100, 'Ivy', '1 Road');"
mkdir app
sql live.db "VACUUM INTO 'app/live.db'"
tar -cf app.tar app
lt restore app.tar --to "$T/side"
expect 0 "a foreign copy restored beside (erring on erasure: X matches)"
eq "a hold is recorded for X's invoice in the copy" "$(nevents hold "$X")" 1
NOW=2030-02-01T00:00:00Z
lt run
expect 0 "a run after that hold's end"
eq "X, who lives in the live store, keeps her invoice" \
	"$(sql live.db "SELECT count(*) FROM invoices WHERE subject_id =
	  '$X'")" 1
eq "no release is recorded for her" "$(nevents release "$X")" 0
done_testing
