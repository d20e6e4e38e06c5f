#!/bin/sh
# SPEC 3: all config errors are reported together and nothing is touched
# (exit 78): a key file or ledger that is missing or wrong is one of them,
# named by file, line and key, checked before the run lock is taken (no
# lock file made, a held lock does not hide it); a key file that is a
# symbolic link or a ledger that is a folder is said to be so.
. "$TESTS_TOP/tests/lib.sh"

setup
add_subject live.db 11111111-0000-4000-8000-000000000001 lead Lee \
	lee@example.com '' 2024-01-01T00:00:00Z
# sums: the bytes of the live store and the ledger
sums() { cat live.db ledger.db ledger.key | sha256sum; }
SUMS=$(sums)

# --- a bad duration and a readable key: both reported, no lock made
cp lethe.ini good.ini
sed 's/^erasure_deadline .*/erasure_deadline = 0 days/' good.ini >lethe.ini
chmod 644 ledger.key
rm -f ledger.db.lock
lt run
expect 78 "a bad duration and a key readable by others"
err_has "lethe.ini:8: \[policy\] erasure_deadline" "the duration error is named"
err_has "lethe.ini:4: \[lethe\] key_file: key file .*accessible by group or others" \
	"the key error is named beside it"
err_has "2 errors in config" "both are counted"
check "no lock file was made" test ! -e ledger.db.lock
eq "nothing touched" "$(sums)" "$SUMS"

# --- only the key: refused before the lock, even when the lock is held
cp good.ini lethe.ini
"$PY" -c '
import fcntl, os, sys, time
fd = os.open("ledger.db.lock", os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
open("locked", "w").close()
time.sleep(30)' &
holder=$!
i=0
while [ ! -e locked ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
lt run
kill $holder 2>/dev/null
wait $holder 2>/dev/null
expect 78 "a readable key while another lethe holds the lock: a config error"
err_has "key_file: key file" "naming the key file"
err_lacks "another lethe is running" "not taken for a busy lock"
chmod 600 ledger.key
rm -f ledger.db.lock

# --- a missing ledger beside a column the live store lacks
mv ledger.db ledger.away
sed 's/^date = at$/date = nosuch/' good.ini >lethe.ini
lt run
expect 78 "a missing ledger and a missing column"
err_has "\[purge web_log\] date" "the column is named"
err_has "lethe.ini:3: \[lethe\] ledger: cannot open ledger" \
	"the missing ledger is named beside it"
err_has "lethe init" "with the hint to run lethe init"
mv ledger.away ledger.db
cp good.ini lethe.ini

# --- a key file that is a symbolic link
mv ledger.key real.key
ln -s real.key ledger.key
lt request erase --email lee@example.com
expect 78 "a key file that is a symbolic link"
err_has "key_file: key file '.*ledger.key' is a symbolic link" \
	"says it is a symbolic link"
err_lacks "Too many levels" "not a bare ELOOP"
rm ledger.key
mv real.key ledger.key

# --- a ledger that is a folder
mkdir -p attachments
sed 's/^ledger .*/ledger = attachments/' good.ini >lethe.ini
lt ledger head
expect 78 "a ledger that names a folder"
err_has "lethe.ini:3: \[lethe\] ledger: ledger '.*attachments' is not a file" \
	"named by file, line and key"
cp good.ini lethe.ini

lt run
expect 0 "with all fixed, the run runs"
eq "and the lead is gone" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 0
done_testing
