#!/bin/sh
# SPEC 3 backup_dir ("default: <config folder>/backups") and SPEC 4
# backup: with no -o, `backup` writes into the backup folder, creating
# it, a tar + zstd archive (the default) named after --now, or a zip with
# --format zip; it prints the path and records a `backup` event with the
# archive's SHA-256.  Nothing is lost: a second backup within the same
# second must not overwrite the first one (which the ledger already
# records with its SHA-256) -- it must get another name or be refused
# with the first left intact.  -o is relative to the working directory.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Alice \
	alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z

lt backup
expect 0 "backup with no -o"
B1=$T/backups/lethe-20261122T100000Z.tar.zst
check "written as backups/lethe-20261122T100000Z.tar.zst beside the config" test -f "$B1"
out_has "$B1" "the path is printed"
check "it is a zstd-compressed tar" sh -c "bsdtar tf '$B1' | grep -qx live.db"
check "the backup folder is private (no group/other access)" \
	sh -c "test -z \"\$(find '$T/backups' -maxdepth 0 -perm /077)\""
SUM1=$(sha256sum "$B1" | cut -d' ' -f1)
lt ledger list --json
check "a backup event holds its SHA-256" grep -q "\"type\":\"backup\".*$SUM1" out

lt backup --format zip
expect 0 "backup --format zip with no -o"
check "written as backups/lethe-20261122T100000Z.zip" \
	test -f "$T/backups/lethe-20261122T100000Z.zip"

sql live.db "UPDATE subjects SET name = 'Alice Changed'"
lt backup
if [ "$rc" -eq 0 ]; then ok "a second backup in the same second: done (exit 0)"
else ok "a second backup in the same second: refused (exit $rc)"; fi
eq "the first backup is still there, unchanged" \
	"$(sha256sum "$B1" 2>/dev/null | cut -d' ' -f1)" "$SUM1"
if [ "$rc" -eq 0 ]; then
	eq "the second one got a name of its own" \
		"$(ls "$T/backups" | grep -c '\.tar\.zst$')" 2
fi

mkdir "$T/elsewhere"
(cd "$T/elsewhere" && "$LETHE" -c "$CONF" --now "$NOW" backup -o rel.tar.zst \
	>"$T/out" 2>"$T/err")
rc=$?
expect 0 "backup -o with a relative path"
check "-o is relative to the working directory" test -f "$T/elsewhere/rel.tar.zst"

# the format follows the name, whatever its case; a name lethe cannot
# read a format from is refused rather than written as tar.zst
lt backup -o "$T/upper.TAR.GZ"
expect 0 "backup -o upper.TAR.GZ"
check "it is gzip" sh -c "head -c 2 '$T/upper.TAR.GZ' | od -An -tx1 | grep -q '1f 8b'"
lt backup -o "$T/x.tar.lzma"
expect 64 "backup -o x.tar.lzma: no format lethe writes"
err_has "\-\-format" "the message points at --format"
check "nothing written" test ! -e "$T/x.tar.lzma"
lt backup -o "$T/x.tar.lzma" --format tar.xz
expect 0 "with --format the name is the operator's choice"
lt backup -o "$T/plain"
expect 0 "a name without an extension is a tar.zst"
done_testing
