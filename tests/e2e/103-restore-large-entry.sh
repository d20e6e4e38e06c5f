#!/bin/sh
# SPEC 4 restore ("a SHA-256 of every entry" checked against the
# manifest) with law 5: an entry larger than 8 MiB is hashed by a second
# thread reading back what extraction wrote.  A lethe backup whose store
# is 12 MiB restores under its verified manifest, the erased subject gone;
# the same archive with one byte changed near the end of that entry is
# refused (exit 65), naming the entry, and nothing is restored.
. "$TESTS_TOP/tests/lib.sh"

G=eeeeeeee-0000-4000-8000-00000000000a		# erased after the backup
K=eeeeeeee-0000-4000-8000-00000000000b		# kept

setup
add_subject live.db $G client 'Gil Gone' gil@example.com \
	'+44 7700 900501' 2026-10-01T00:00:00Z
add_subject live.db $K client 'Kim Kept' kim@example.com \
	'+44 7700 900502' 2026-10-01T00:00:00Z
# about 12 MiB of the kept subject's messages, the last one marked
sql live.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
 FROM n WHERE i < 30000) INSERT INTO communications(subject_id, at, body)
 SELECT '$K', '2026-10-02', printf('note %d %.400c', i, 'x') FROM n;
 INSERT INTO communications(subject_id, at, body) VALUES
 ('$K', '2026-10-03', 'LAST-NOTE-OF-THE-STORE'),
 ('$G', '2026-10-03', 'from gil@example.com')"
check "the store is larger than 8 MiB" test "$(wc -c <live.db)" -gt 8388608
mkdir bk
lt backup -o "$T/bk/b.tar"
expect 0 "backup"
lt request erase --email gil@example.com
expect 0 "erasure requested"
lt run
expect 0 "erasure done"

lt restore bk/b.tar --to "$T/r"
expect 0 "restore of the large backup"
out_has "manifest" "the rule is the verified manifest's"
eq "the erased subject is gone" \
	"$(sql r/live.db "SELECT count(*) FROM subjects WHERE id = '$G'")" 0
eq "the kept subject's messages are all there" \
	"$(sql r/live.db "SELECT count(*) FROM communications
	  WHERE subject_id = '$K'")" 30001
no_bytes "the erased email is in no restored byte" gil@example.com "$T/r/live.db"

# one byte of the last message changed inside the archive
"$PY" -S - "$T/bk/b.tar" "$T/bk/bad.tar" <<'PYTHON'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"LAST-NOTE-OF-THE-STORE")
assert at > 9 * 1024 * 1024  # past where the second thread hashes
data[at] = ord("X")
open(sys.argv[2], "wb").write(data)
PYTHON
lt restore bk/bad.tar --to "$T/r2"
expect 65 "a large entry that differs from the manifest is refused"
err_has "live.db" "the message names the entry"
check "nothing is restored" test ! -e r2

done_testing
