#!/bin/sh
# SPEC 3: yes/no and choice values are read whatever their case, as
# durations are ("2 Weeks"): `require_approval = Yes` asks for approval,
# `on_erase = Delete` deletes; a value that is none of the choices is
# still an error naming file, line and key (78).
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-00000000000a
add_subject live.db $A client Alice alice@example.com '+44 7700 900123' \
	2026-11-01T00:00:00Z
sql live.db "INSERT INTO tickets(subject_id, opened_at, title) VALUES
  ('$A', '2026-10-01', 'help')"
sed -i 's/^require_approval .*/require_approval     = Yes/' "$CONF"
sed -i '/^\[table tickets\]/,/^$/ s/^on_erase = delete/on_erase = Delete/' \
	"$CONF"
lt request erase --email alice@example.com
expect 0 "request erase with require_approval = Yes"
RID=$(cut -d' ' -f1 out)
lt run
expect 0 "run"
eq "the request waits for approval" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1
lt request approve "$RID"
expect 0 "request approve"
lt run
expect 0 "run after approval"
eq "the subject is erased" "$(sql live.db "SELECT count(*) FROM subjects")" 0
eq "its ticket is deleted (on_erase = Delete)" \
	"$(sql live.db "SELECT count(*) FROM tickets")" 0

sed -i 's/^require_approval .*/require_approval     = perhaps/' "$CONF"
lt run
expect 78 "require_approval = perhaps"
err_has "lethe.ini:[0-9]*: \[policy\] require_approval:" \
	"the bad value names file, line and key"
done_testing
