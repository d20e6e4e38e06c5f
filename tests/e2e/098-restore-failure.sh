#!/bin/sh
# Law 5, "nothing reaches the target until filtering succeeded; on any
# failure the target is untouched", and law 7, "a corrupt or truncated
# archive fails cleanly": a lethe backup cut short, one with a byte of
# its database changed (the manifest's SHA-256 no longer matches), random
# bytes, and a foreign tar whose database is damaged all fail with 65;
# an existing empty target keeps its mode and times and stays empty, a
# missing one is not made, no staging folder is left beside either, and
# no `restore` event is recorded.  The intact backup then restores.
. "$TESTS_TOP/tests/lib.sh"

S=13131313-0000-4000-8000-00000000000a
nevents() { sql ledger.db "SELECT count(*) FROM events"; }
# state: what the targets' parent folder holds, in detail (its own times
# change: the staging folder is made and removed in it)
state() { (cd p && find . -mindepth 1 -printf '%p %y %m %s %T@ %C@\n' | sort); }

setup
add_subject live.db $S client 'Sam Safe' sam@example.com '+44 7700 900801' \
	2026-10-01T00:00:00Z
sql live.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
  WHERE i < 400) INSERT INTO communications(subject_id, at, body)
  SELECT '$S', '2026-10-01', 'message number ' || i || ' ' || hex(randomblob(64)) FROM n"
mkdir -p bk attachments/$S p/empty arc
head -c 65536 /dev/urandom >attachments/$S/blob.bin
lt backup -o "$T/bk/b.tar"
expect 0 "backup"
zstd -q -c bk/b.tar >arc/b.tar.zst

# truncated: cut in the middle of the data
size=$(wc -c <arc/b.tar.zst)
head -c $((size / 2)) arc/b.tar.zst >arc/half.tar.zst
size=$(wc -c <bk/b.tar)
head -c $((size * 3 / 4)) bk/b.tar >arc/cut.tar
# a byte of the database changed inside the archive (same size)
"$PY" -S - <<'EOF'
import tarfile, io
src = tarfile.open("bk/b.tar")
dst = tarfile.open("arc/flipped.tar", "w", format=tarfile.PAX_FORMAT)
for m in src.getmembers():
    f = src.extractfile(m) if m.isfile() else None
    data = f.read() if f else None
    if m.name == "live.db":
        i = len(data) // 2
        data = data[:i] + bytes([data[i] ^ 0x55]) + data[i + 1:]
    dst.addfile(m, io.BytesIO(data) if data is not None else None)
dst.close()
EOF
head -c 100000 /dev/urandom >arc/random.bin
# a foreign tar whose database holds the subjects table but is damaged
sql live.db ".backup damaged.db"
"$PY" -S - <<'EOF'
f = open("damaged.db", "r+b")
f.seek(0, 2)
n = f.tell()
# overwrite the middle of every page after the first with garbage
for off in range(4096, n, 4096):
    f.seek(off + 8)
    f.write(b"\xff" * 200)
f.close()
EOF
tar cf arc/damaged.tar damaged.db

N=$(nevents)
# failed WHAT ARCHIVE: restore into p/empty and p/missing fails with 65
# and leaves p exactly as it was
failed() {
	state >before
	lt restore "$2" --to "$T/p/empty"
	expect 65 "$1: refused"
	if [ -s err ]; then ok "$1: says why"; else not_ok "$1: says nothing"; fi
	lt restore "$2" --to "$T/p/missing"
	expect 65 "$1: refused (missing target)"
	lt_in "$2" restore - --to "$T/p/missing"
	expect 65 "$1: refused (from standard input)"
	state >after
	if cmp -s before after; then ok "$1: target untouched, no staging left"
	else not_ok "$1: the targets' folder changed"; diff before after | sed 's/^/# /' | head; fi
	eq "$1: no staging beside the archive's reader either" \
		"$(ls -A "$T" | grep -c '^\.lethe-staging')" 0
	eq "$1: no event" "$(nevents)" "$N"
}
failed "zstd cut in half" arc/half.tar.zst
failed "tar cut short" arc/cut.tar
check "the flipped archive was made" test -s arc/flipped.tar
failed "a database byte changed" arc/flipped.tar
failed "random bytes" arc/random.bin
failed "a damaged database in a foreign tar" arc/damaged.tar

lt restore arc/b.tar.zst --to "$T/p/empty"
expect 0 "the intact archive restores into the same target"
eq "all its rows are back" "$(sql p/empty/live.db "SELECT count(*) FROM communications")" 400
check "the attachment is back, unchanged" cmp p/empty/attachments/$S/blob.bin attachments/$S/blob.bin
done_testing
