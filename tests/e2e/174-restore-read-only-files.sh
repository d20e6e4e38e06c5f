#!/bin/sh
# SPEC 4 restore by an operator who is not root: an archive from another
# tool whose database is read-only (0444), as are some other files, is
# filtered all the same (the database replayed and vacuumed, eve gone),
# and every file comes back with the mode the archive gave it.  Files are
# kept readable and writable by their owner while staged and filtered;
# their modes are applied at the end, as folders' are.  Run as nobody
# when the tests run as root (root reads and writes anything).
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-00000000000a
eve_backup_erased "$T/b.tar.zst"
mkdir app && bsdtar -xf b.tar.zst -C app && rm app/lethe-manifest.json
echo "ann's notes" >app/notes.txt
printf '#!/bin/sh\necho hi\n' >app/run.sh
chmod 0444 app/live.db
chmod 0400 app/notes.txt
chmod 0755 app/run.sh
bsdtar -cf app.tar -C app .

as_user=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	chown -R nobody "$T"
fi
$as_user "$LETHE" -c "$CONF" --now "$NOW" restore app.tar --to "$T/r" \
	>"$T/out" 2>"$T/err"
rc=$?
if grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' err; then
	not_ok "restore: sanitizer report"
fi
expect 0 "restore of an archive holding a read-only database"
eq "eve is gone from it" "$(sql r/live.db "SELECT count(*) FROM subjects
  WHERE id = '$EVE'" 2>&1)" 0
eq "ann is in it" "$(sql r/live.db "SELECT count(*) FROM subjects
  WHERE id = '$A'" 2>&1)" 1
no_bytes "eve's email is not in its bytes" eve@example.com r/live.db
eq "the database keeps its mode" "$(stat -c %a r/live.db 2>&1)" 444
eq "the notes keep theirs" "$(stat -c %a r/notes.txt 2>&1)" 400
eq "the script keeps its" "$(stat -c %a r/run.sh 2>&1)" 755
check "the notes are intact" cmp -s r/notes.txt app/notes.txt

# folders the archive has no entry for are made as tar makes them (0777
# less the umask), not left 0700 from staging; so are they in a scrub
mkdir -p deep/data/att && echo "a file" >deep/data/att/f.txt
bsdtar -cf deep.tar -C deep data/att/f.txt
(umask 022 && lt restore deep.tar --to "$T/r2")
expect 0 "restore of an archive with no folder entries"
eq "its folders are 755 (umask 022)" \
	"$(stat -c %a r2/data r2/data/att | tr '\n' ' ')" "755 755 "
(umask 027 && lt restore deep.tar --to "$T/r3")
expect 0 "the same under umask 027"
eq "a new target and its folders follow the umask" \
	"$(stat -c %a r3 r3/data r3/data/att | tr '\n' ' ')" "750 750 750 "
(umask 022 && lt scrub deep.tar -o "$T/deep2.tar")
expect 0 "scrub of it"
check "the scrubbed archive's folders are not 0700" \
	sh -c "! bsdtar -tvf '$T/deep2.tar' | grep -q '^drwx------'"
done_testing
