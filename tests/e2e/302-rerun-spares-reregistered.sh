#!/bin/sh
# Laws 3 and 8: a run killed after its live commit leaves Eve's erasure
# without its `applied` event; before the next run she registers again
# (new id, same email) and orders.  The next run finishes the intent as
# one clean run followed by her registration would have left things: the
# old order stays masked, the new Eve, her order and her message are
# untouched (the redo does not match her by the old identifiers).
. "$TESTS_TOP/tests/lib.sh"
E1=eeeeeeee-0000-4000-8000-0000000000e1
E2=eeeeeeee-0000-4000-8000-0000000000e2
setup
add_subject live.db $E1 client 'Eve' eve@example.com '+44 7700 900901' \
	2026-11-01T00:00:00Z
add_order live.db eve@example.com Eve '1 Old St' 2026-10-01 5
lt request erase --email eve@example.com
LETHE_FAULT=after-live-commit
export LETHE_FAULT
EXPECT_KILL=1
lt run
unset LETHE_FAULT
EXPECT_KILL=
expect 137 "a run killed after its live commit"
eq "the old Eve is gone" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$E1'")" 0

NOW=2026-11-23T10:00:00Z
add_subject live.db $E2 client 'Eve Again' eve@example.com '+44 7700 900909' \
	2026-11-23T00:00:00Z
add_order live.db eve@example.com 'Eve Again' '2 New St' 2026-11-23 9
sql live.db "INSERT INTO communications(subject_id, at, channel, body) VALUES
  ('$E2', '2026-11-23', 'mail', 'hello from eve@example.com')"
lt run
expect 0 "the next run finishes the intent"
err_has "finished 1 intent" "it says so"
err_has "belong to a live subject now" "and that it left the new holder alone"
eq "the new Eve is there" \
	"$(sql live.db "SELECT count(*) FROM subjects WHERE id = '$E2'")" 1
eq "her order is untouched" \
	"$(sql live.db "SELECT customer_name || '/' || delivery_address FROM orders
	  WHERE placed_at = '2026-11-23'")" "Eve Again/2 New St"
eq "her message is untouched" \
	"$(sql live.db "SELECT body FROM communications WHERE subject_id = '$E2'")" \
	"hello from eve@example.com"
eq "the old order stays masked" \
	"$(sql live.db "SELECT coalesce(customer_name, '') || '/' ||
	  coalesce(delivery_address, '') FROM orders WHERE placed_at = '2026-10-01'")" "/"
eq "one tombstone for the old Eve, and its applied event" \
	"$(sql ledger.db "SELECT count(*) FROM events WHERE type = 'erase'")/$(sql ledger.db \
	  "SELECT count(*) FROM events WHERE type = 'applied'")" "1/1"
lt ledger verify
expect 0 "the chain verifies"
done_testing
