#!/bin/sh
# SPEC 1 data map ("mask (set the named columns to NULL)") and SPEC 3
# ("after_hold = delete ; default delete; or mask (then `mask` names the
# columns)"): a mask needs its columns.  A [table] with after_hold = mask
# or on_erase = mask and no `mask` key is a missing required key: exit 78
# naming file, line and key, nothing runs.  Accepting it silently keeps
# an erased person's name and address in the live store for good, with
# only the link to the subject nulled (checked below on the data).
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client 'Alice Person' alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
sql live.db "INSERT INTO invoices(subject_id, number, issued_at, amount_cents,
  billing_name, billing_address) VALUES
  ('$A', 'INV-OLD', '2019-01-01T00:00:00Z', 100, 'Alice Person', '1 Alice Road');
INSERT INTO orders(customer_email, customer_name, delivery_address, placed_at,
  total_cents) VALUES ('alice@example.com', 'Alice Person', '1 Alice Road',
  '2026-01-01', 5)"
lt request erase --email alice@example.com
expect 0 "a pending request"
cp "$CONF" ref.ini
sums() { sql live.db .dump | sha256sum | cut -d' ' -f1
	"$LETHE" -c "$T/ref.ini" --now "$NOW" ledger head 2>/dev/null; }
SUMS=$(sums)
mkdir orig && cp live.db* ledger.db* orig/

# after_hold = mask, no mask key
sed 's/^after_hold = delete/after_hold = mask/' ref.ini >"$T/hold.ini"
CONF=$T/hold.ini
lt run
expect 78 "after_hold = mask without a mask key is refused"
err_has "hold.ini:[0-9]*: \[table invoices\] mask" \
	"after_hold = mask: file, line, section and the missing key named"
r=$rc
eq "after_hold = mask: nothing touched" "$(sums)" "$SUMS"
if [ "$r" -eq 0 ]; then
	eq "accepted anyway: the erased person's billing name must not stay in the masked invoice" \
		"$(sql live.db "SELECT count(*) FROM invoices WHERE billing_name = 'Alice Person'")" 0
fi

# on_erase = mask, no mask key
rm -f live.db* ledger.db* && cp orig/* .
sed '/^mask     = customer_name, delivery_address$/d' ref.ini >"$T/omask.ini"
CONF=$T/omask.ini
lt run
expect 78 "on_erase = mask without a mask key is refused"
err_has "omask.ini:[0-9]*: \[table orders\] mask" \
	"on_erase = mask: file, line, section and the missing key named"
eq "on_erase = mask: nothing touched" "$(sums)" "$SUMS"
done_testing
