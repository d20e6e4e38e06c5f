#!/bin/sh
# SPEC 4 restore: `--dry-run` reports what would be restored and filtered
# (the same counts a real restore then reports, and every path it would
# restore: exactly those the real restore writes) and writes nothing: no
# target, nothing new beside it, no ledger event.  A target that exists
# and is not an empty folder is a usage error (64) found before the
# archive is read: also when the archive path does not exist, and when the
# target is a regular file; nothing is written then either.
. "$TESTS_TOP/tests/lib.sh"

G=12121212-0000-4000-8000-00000000000a
K=12121212-0000-4000-8000-00000000000b
nevents() { sql ledger.db "SELECT count(*) FROM events"; }
# listing: every path under p/, with sizes
listing() { (cd p && find . -printf '%p %s\n' | sort); }

setup
add_subject live.db $G client 'Gus Gone' gus@example.com '+44 7700 900701' \
	2026-10-01T00:00:00Z
add_subject live.db $K client 'Kia Kept' kia@example.com '+44 7700 900702' \
	2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(subject_id, at, body) VALUES
 ('$G', '2026-10-01', 'one'), ('$G', '2026-10-02', 'two'), ('$K', '2026-10-01', 'k');
 INSERT INTO web_log(at, ip, path) VALUES ('2026-09-01T00:00:00Z', '192.0.2.1', '/old')"
mkdir -p bk attachments/$G p/empty
echo "gus" >attachments/$G/a.txt
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup"
NOW=2026-11-23T10:00:00Z
lt request erase --email gus@example.com
lt run
expect 0 "gus is erased after the backup"

N=$(nevents)
listing >before
lt restore bk/b.tar.zst --to "$T/p/target" --dry-run
expect 0 "dry run"
out_has "would erase: 1 subject" "it reports the subject it would erase"
out_has "subjects 1, communications 2" "it reports the rows per table"
out_has "1 aged rows purged" "it reports the aged rows"
out_has "would drop: 1 per-subject files" "it reports the per-subject files"
out_has "nothing was written" "it says nothing was written"
check "no target" test ! -e p/target
listing >after
check "nothing new beside the target" cmp -s before after
eq "no ledger event" "$(nevents)" "$N"
eq "no staging left in the temporary folder either" \
	"$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
grep '^would\|^archive\|^rule' out | grep -v '^would restore ' |
	sed 's/^would erase/erased/; s/^would drop/dropped/' >dry
grep '^would restore ' out | sed 's/^would restore //' >drylist
check "it lists the database it would restore" grep -qx live.db drylist
eq "and not gus's per-subject folder or file" \
	"$(grep -c "$G" drylist)" 0

lt restore bk/b.tar.zst --to "$T/p/empty" --dry-run
expect 0 "dry run into an existing empty folder"
eq "the folder stays empty" "$(ls -A p/empty)" ""
eq "still no ledger event" "$(nevents)" "$N"

lt restore bk/b.tar.zst --to "$T/p/target"
expect 0 "the real restore"
grep '^erase\|^dropped\|^archive\|^rule' out >real
check "it reports what the dry run announced" cmp -s dry real
eq "gus is gone from it" "$(sql p/target/live.db "SELECT count(*) FROM subjects WHERE id = '$G'")" 0
(cd p/target && find . -mindepth 1 | sed 's|^\./||' | while read -r e; do
	if [ -d "$e" ]; then echo "$e/"; else echo "$e"; fi
done | LC_ALL=C sort) >reallist
LC_ALL=C sort drylist >drysorted
check "the dry run listed exactly what was restored" cmp -s drysorted reallist
eq "one ledger event" "$(nevents)" $((N + 1))

# ------------------------------------------------ targets that are not empty
N=$(nevents)
listing >before
lt restore bk/b.tar.zst --to "$T/p/target"
expect 64 "a target that is not empty"
err_has "not an empty folder" "the message says why"
lt restore "$T/no/such/archive.tar" --to "$T/p/target"
expect 64 "a missing archive into a non-empty target: still 64, found first"
lt restore - --to "$T/p/target" </dev/null
expect 64 "standard input into a non-empty target"
: >p/file
mkdir -p elsewhere
ln -s "$T/elsewhere" p/link
listing >before
lt restore bk/b.tar.zst --to "$T/p/link"
expect 64 "a target that is a symlink, even to an empty folder"
err_has "is a symbolic link" "the message says so"
eq "the folder it points to stays empty" "$(ls -A elsewhere)" ""
lt restore bk/b.tar.zst --to "$T/p/file"
expect 64 "a target that is a regular file"
lt restore bk/b.tar.zst --to "$T/p/target" --dry-run
expect 64 "a dry run into a non-empty target"
listing >after
check "nothing was written by any of them" cmp -s before after
eq "no ledger event from any of them" "$(nevents)" "$N"

lt restore bk/b.tar.zst
expect 64 "restore without --to"
lt restore --to "$T/p/x"
expect 64 "restore without an archive"
check "no target made by either" test ! -e p/x
done_testing
