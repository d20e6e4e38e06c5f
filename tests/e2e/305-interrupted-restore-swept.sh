#!/bin/sh
# Law 6 after a crash: a restore killed once its entries are staged (not
# yet filtered) leaves the erased person's data beside its target, in a
# folder no later command was pointed at.  The next command that takes
# the run lock (here `run`) removes it, wherever it is; a staging folder
# of another installation (another ledger) is left alone.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-000000000001
setup
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' \
	2026-01-01T00:00:00Z
tar cf app.tar live.db
lt request erase --email alice@example.com
lt run
expect 0 "alice erased"
mkdir -p area other
chmod 755 area
mkdir other/.lethe-staging-ffffffff-1-abcdef
echo kept >other/.lethe-staging-ffffffff-1-abcdef/x
LETHE_FAULT=restore-staged
export LETHE_FAULT
EXPECT_KILL=1
lt restore app.tar --to area/target
unset LETHE_FAULT
EXPECT_KILL=
expect 137 "a restore killed with its entries staged"
check "it left a staging folder beside the target" \
	sh -c "ls -d area/.lethe-staging-* >/dev/null 2>&1"
check "holding the erased email" \
	sh -c "grep -rqa alice@example.com area"
lt run
expect 0 "the next run"
err_has "removed '.*area/.lethe-staging-" "it removes what the restore left"
check "nothing of the restore is left" test -z "$(ls -A area)"
check "another installation's staging folder is left alone" \
	test -f other/.lethe-staging-ffffffff-1-abcdef/x
lt run
expect 0 "a second run"
err_lacks "removed" "finds nothing more to remove"

# --- a folder others may write in (like /tmp, where inspect stages) is
# never swept: what looks like ours there may be anyone's
TAG=$(printf '%s' "$T/ledger.db" | sha256sum | cut -c1-8)
mkdir shared
chmod 1777 shared
mkdir "shared/.lethe-tmp-$TAG-planted"
echo theirs >"shared/.lethe-tmp-$TAG-planted/f"
TMPDIR=$T/shared
export TMPDIR
lt inspect app.tar
unset TMPDIR
expect 1 "inspect staging in the shared folder finds alice"
lt run
expect 0 "run"
check "what another user put in the shared folder stays" \
	test -f "shared/.lethe-tmp-$TAG-planted/f"
check "the shared folder is not in the list" \
	sh -c "! grep -q shared '$T/ledger.db.staging-dirs'"

# --- a restore that completes leaves no path of its own in the list (the
# operator's path may name a person): only a crash leaves one there
mkdir -p "nest/bob.smith@example.com"
chmod 755 nest "nest/bob.smith@example.com"
lt restore app.tar --to "nest/bob.smith@example.com/r"
expect 0 "a restore into a folder named after a person"
check "its folder is not left in the list" \
	sh -c "! grep -q bob.smith '$T/ledger.db.staging-dirs'"
done_testing
