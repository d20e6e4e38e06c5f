#!/bin/sh
# SPEC 4 inspect and "readers take no lock": `inspect` on an archive that
# holds no erased subject (a backup taken after the only erasure, a
# foreign tar of unrelated files) exits 0 and writes nothing: the
# archive's folder and its parent, and the temporary folder, hold the
# same files afterwards, the ledger's bytes are the same and no event is
# recorded.  It also works while another process holds the lock file,
# from a file or from standard input.
. "$TESTS_TOP/tests/lib.sh"

E=15151515-0000-4000-8000-00000000000a
K=15151515-0000-4000-8000-00000000000b
nevents() { sql ledger.db "SELECT count(*) FROM events"; }
# snap: every path under bk/ and tmp/ (the archives' folders and TMPDIR)
# with its checksum, and the ledger's checksum
snap() {
	(cd "$T" && find bk tmp -printf '%p %y %m %s\n' | sort
	 cd "$T" && find bk tmp -type f -exec md5sum {} + | sort
	 md5sum ledger.db) >"$T/.snap.$1"
}

setup
add_subject live.db $E client 'Eli Erased' eli@example.com '+44 7700 901001' \
	2026-10-01T00:00:00Z
add_subject live.db $K client 'Kat Kept' kat@example.com '+44 7700 901002' \
	2026-10-01T00:00:00Z
mkdir -p attachments/$E attachments/$K bk/sub tmp
echo "eli" >attachments/$E/a.txt
echo "kat" >attachments/$K/a.txt
lt request erase --email eli@example.com
lt run
expect 0 "eli is erased before the backup"
NOW=2026-11-23T10:00:00Z
lt backup -o "$T/bk/sub/clean.tar.zst"
expect 0 "backup after the erasure"
echo "nothing personal here" >plain.txt
tar cf bk/plain.tar plain.txt && rm plain.txt

TMPDIR=$T/tmp
export TMPDIR
N=$(nevents)
snap before
lt inspect bk/sub/clean.tar.zst
expect 0 "inspect a clean backup"
out_has "no erased subject" "it says the archive holds no erased subject"
lt_in bk/sub/clean.tar.zst inspect -
expect 0 "inspect a clean backup from standard input"
lt inspect bk/plain.tar
expect 0 "inspect a clean foreign tar"
snap after
if cmp -s .snap.before .snap.after; then ok "inspect wrote nothing (archives' folders, TMPDIR, ledger bytes)"
else not_ok "inspect changed files"; diff .snap.before .snap.after | head | sed 's/^/# /'; fi
eq "no event" "$(nevents)" "$N"
eq "no staging left in TMPDIR" "$(ls -A tmp)" ""

# another process holds the lock (default: <ledger>.lock)
( exec 9>>"$T/ledger.db.lock"; flock -x 9; touch "$T/held"; exec sleep 30 ) &
holder=$!
i=0
while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "another process holds the lock" test -e held
lt inspect bk/sub/clean.tar.zst
expect 0 "inspect works while the lock is held"
lt_in bk/sub/clean.tar.zst inspect -
expect 0 "from standard input too"
lt backup -o "$T/bk/held.tar.zst"
expect 75 "while backup, which takes the lock, gives up"
check "no archive from the refused backup" test ! -e bk/held.tar.zst
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
rm -f held
done_testing
