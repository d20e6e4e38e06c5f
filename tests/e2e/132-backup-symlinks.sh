#!/bin/sh
# SPEC 4 backup with law 7 ("symlinks are created last and only when they
# resolve inside the target"): a [files] tree of the live application may
# hold symlinks that point outside it (an absolute link to a shared
# folder, a relative link climbing out of the tree).  `lethe backup`
# copies them into the archive as symlinks and exits 0 -- and then
# `lethe restore` of that very backup refuses the whole archive (65), so
# the operator learns on the day of the restore that every backup is
# unusable.  A backup that exits 0 must restore; otherwise the backup must
# say so when it is made (a warning or a failure naming the link).
# Symlinks that resolve inside the tree round-trip.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
mkdir -p attachments/$A/docs "$T/shared"
echo contract >attachments/$A/docs/contract.txt
echo shared >"$T/shared/policy.txt"
ln -s docs/contract.txt attachments/$A/latest.txt      # inside: fine
lt backup -o "$T/inside.tar.zst"
expect 0 "backup with a symlink inside the tree"
lt restore "$T/inside.tar.zst" --to "$T/r-inside"
expect 0 "it restores"
check "the inside symlink is restored as a symlink" test -L "$T/r-inside/attachments/$A/latest.txt"

ln -s "$T/shared" attachments/$A/shared                # absolute, outside
ln -s ../../../shared/policy.txt attachments/$A/policy.txt  # climbs out
lt backup -o "$T/outside.tar.zst"
brc=$rc
cp err backup.err
if [ "$brc" -eq 0 ]; then
	lt restore "$T/outside.tar.zst" --to "$T/r-outside"
	if [ "$rc" -eq 0 ]; then
		ok "the backup (exit 0) restores (exit 0)"
	elif grep -q 'shared\|policy' "$T/backup.err"; then
		ok "the backup warned about the link it could not restore"
	else
		not_ok "a backup that exited 0 with no warning is refused by restore (exit $rc)"
		sed 's/^/# restore: /' "$T/err"
	fi
else
	check "a refused backup names the link" grep -q 'shared\|policy' "$T/backup.err"
	check "and leaves no archive" test ! -e "$T/outside.tar.zst"
fi
check "nothing was written outside the target" sh -c "[ \"\$(ls '$T/shared')\" = policy.txt ]"
done_testing
