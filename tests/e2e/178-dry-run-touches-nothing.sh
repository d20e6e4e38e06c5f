#!/bin/sh
# SPEC 4 restore: "--dry-run reports what would be restored and filtered
# and writes nothing".  Not even for a moment beside the target: the
# folder that would hold the target is not modified at all (its mtime
# stays, as does its listing), whether the target is missing or an empty
# folder, from a file or standard input; the dry run stages in $TMPDIR
# (as inspect does) and leaves nothing there.  It still reports the same
# as before, and still refuses a target that is not empty (64).
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar.zst"
mkdir -p p/empty tmpd
touch marker
sleep 0.05

lt restore b.tar.zst --to "$T/p/target" --dry-run
expect 0 "dry run into a missing target"
out_has "would erase: 1 subject" "it reports what it would erase"
lt restore b.tar.zst --to "$T/p/empty" --dry-run
expect 0 "dry run into an empty folder"
lt_in b.tar.zst restore - --to "$T/p/target" --dry-run
expect 0 "dry run from standard input"
export TMPDIR="$T/tmpd"
lt restore b.tar.zst --to "$T/p/target" --dry-run
expect 0 "dry run with TMPDIR set"
unset TMPDIR
eq "nothing under p/ was modified, p/ itself included" \
	"$(find p -newer marker)" ""
eq "p/ holds what it held" "$(ls -A p)" empty
eq "nothing left in TMPDIR" "$(ls -A tmpd)" ""

echo x >p/empty/file
lt restore b.tar.zst --to "$T/p/empty" --dry-run
expect 64 "a dry run into a folder that is not empty is refused"
done_testing
