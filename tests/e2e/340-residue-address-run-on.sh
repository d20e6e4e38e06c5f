#!/bin/sh
# Law 11: an erased person's email run into what follows it in a stray
# file ("bea.run@example.com.pdf", "bea.run@example.com-old") is still
# residue: the restore fails closed (65) naming the file, and
# --drop-residue leaves it out; in a `redact` column it is replaced by
# [erased] with what followed kept.  Another person's address that only
# begins like it (a longer domain, "bea.run@example.community") is not.
. "$TESTS_TOP/tests/lib.sh"
A=34034034-0000-4000-8000-00000000000a		# kept
B=34034034-0000-4000-8000-00000000000b		# erased after the backups
setup
add_subject live.db $A client 'Al Kept' al.kept@example.com '' \
	2026-10-01T00:00:00Z
add_subject live.db $B client 'Bea Run' bea.run@example.com '' \
	2026-10-01T00:00:00Z
sql live.db "INSERT INTO communications(id, subject_id, at, body) VALUES
 (1, '$A', '2026-10-01', 'attached bea.run@example.com.pdf for you')"
mkdir -p bk attachments/$A
echo "see bea.run@example.com.pdf and bea.run@example.community" \
	>attachments/$A/notes.txt
lt backup -o "$T/bk/a.tar.zst"
expect 0 "backup: the address run on, in a note and a message"
rm attachments/$A/notes.txt
echo "old address: bea.run@example.com-old" >attachments/$A/old.txt
lt backup -o "$T/bk/b.tar.zst"
expect 0 "backup: the address run into '-old'"
rm attachments/$A/old.txt
echo "write to bea.run@example.community" >attachments/$A/other.txt
lt backup -o "$T/bk/c.tar.zst"
expect 0 "backup: only a longer domain that begins the same"

NOW=2026-11-23T10:00:00Z
lt request erase --email bea.run@example.com
lt run
expect 0 "Bea is erased"
eq "the run redacted the message, '.pdf' kept" \
	"$(sql live.db "SELECT body FROM communications WHERE id = 1")" \
	"attached [erased].pdf for you"

lt restore "$T/bk/a.tar.zst" --to "$T/ra"
expect 65 "restore with notes.txt: residue, fails closed"
err_has "notes.txt" "the error names the file"
check "the target is not made" test ! -e "$T/ra"
lt restore "$T/bk/a.tar.zst" --to "$T/ra" --drop-residue
expect 0 "--drop-residue"
check "notes.txt is left out" test ! -e "$T/ra/attachments/$A/notes.txt"
eq "the restored message is redacted, '.pdf' kept" \
	"$(sql "$T/ra/live.db" "SELECT body FROM communications WHERE id = 1")" \
	"attached [erased].pdf for you"
lt restore "$T/bk/b.tar.zst" --to "$T/rb"
expect 65 "restore with old.txt: residue"
err_has "old.txt" "the error names the file"
lt restore "$T/bk/c.tar.zst" --to "$T/rc"
expect 0 "a longer domain that begins the same is not residue"
check "other.txt is restored" test -e "$T/rc/attachments/$A/other.txt"
done_testing
