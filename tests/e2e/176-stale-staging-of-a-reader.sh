#!/bin/sh
# SPEC 4 (readers take no lock; inspect "without writing anything") meets
# the clean-up of staging folders left by an interrupted lethe: a restore
# takes the lock, so no other restore or scrub is at work, but an
# `inspect` or a `restore --dry-run` may be, and the staging folder it is
# filling sits in the same folder when its $TMPDIR (or target's parent)
# is the restore's target's parent.  The restore must leave that folder
# alone (the inspect then answers as it would have: eve found, exit 1),
# while it still removes a staging folder whose process is gone, or whose
# pid now runs another program.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar"
mkdir shared

# an inspect reading the archive from a FIFO: it stages, then waits
mkfifo feed
TMPDIR=$T/shared "$LETHE" -c "$CONF" --now "$NOW" inspect - <feed \
	>"$T/iout" 2>"$T/ierr" &
pid=$!
exec 3>feed
i=0
while [ "$(ls -A shared | grep -c '^\.lethe-staging')" -eq 0 ] &&
	[ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
STAGE=$(ls -A shared | grep '^\.lethe-staging' | head -n 1)
check "the inspect has its staging folder in shared/" test -n "$STAGE"

# a crashed lethe's staging folder (no such process), and one whose pid
# now runs another program (this shell)
TAG=$(echo "$STAGE" | sed 's/^\.lethe-staging-\([^-]*\)-.*/\1/')
mkdir "shared/.lethe-staging-$TAG-2147483646-aaaaaa" \
	"shared/.lethe-staging-$TAG-$$-bbbbbb"

lt restore b.tar --to "$T/shared/r"
expect 0 "a restore into shared/r meanwhile"
check "it left the running inspect's staging folder alone" \
	test -d "shared/$STAGE"
check "it removed the one whose process is gone" \
	test ! -e "shared/.lethe-staging-$TAG-2147483646-aaaaaa"
check "it removed the one whose pid runs another program" \
	test ! -e "shared/.lethe-staging-$TAG-$$-bbbbbb"

cat b.tar >&3
exec 3>&-
wait $pid
rc=$?
if grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' ierr; then
	not_ok "inspect: sanitizer report"
fi
expect 1 "the inspect finds eve in the archive all the same"
grep -q "subject $EVE" iout && ok "it names her tombstone's subject" ||
	not_ok "it names her tombstone's subject"
eq "its staging folder is gone afterwards" \
	"$(ls -A shared | grep -c '^\.lethe-staging')" 0
done_testing
