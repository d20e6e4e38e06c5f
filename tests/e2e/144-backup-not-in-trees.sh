#!/bin/sh
# Laws 2 and 6: a backup never lands inside a [files] tree, where the next
# backup would carry it (and the people erased since) along: backup_dir
# there is a config error (78, naming file, line and key), `backup -o`
# there is refused (64) before anything is written.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Ann \
	ann@example.com +447700900001 2026-11-01T00:00:00Z
mkdir -p attachments/aaaaaaaa-0000-4000-8000-000000000001
echo contract >attachments/aaaaaaaa-0000-4000-8000-000000000001/c.txt

lt backup -o "$T/attachments/b.tar.zst"
expect 64 "backup -o inside the attachments tree"
err_has "\[files attachments\]" "names the tree"
check "nothing written there" sh -c "! ls -A '$T/attachments' | grep -q 'b.tar\|lethe'"

(cd attachments && "$LETHE" -c "$CONF" --now "$NOW" backup -o x.tar.zst \
	>"$T/out" 2>"$T/err"); rc=$?
expect 64 "backup -o NAME from inside the tree"
check "nothing written there" test ! -e attachments/x.tar.zst
lt backup -o "$T/attachments/new/deeper/b.tar.zst"
expect 64 "backup -o into folders of the tree not made yet"

cp "$CONF" good.ini
sed -i 's|^key_file   = ledger.key|key_file   = ledger.key\nbackup_dir = attachments/bk|' "$CONF"
lt backup
expect 78 "backup_dir inside the attachments tree"
err_has "lethe.ini:[0-9]*: \[lethe\] backup_dir" "names file, line and key"
check "no backup folder made" test ! -e attachments/bk
cp good.ini "$CONF"
sed -i "s|^key_file   = ledger.key|key_file   = ledger.key\nbackup_dir = $T/nx/../attachments//bk/|" "$CONF"
lt backup
expect 78 "backup_dir reaching the tree through a folder not made yet and '..'"
check "no folder made" test ! -e nx
cp good.ini "$CONF"

lt backup -o "$T/b.tar.zst"
expect 0 "a backup beside the trees"
eq "the backup event names the file by its absolute path" \
	"$(sql ledger.db "SELECT json_extract(data, '$.file') FROM events
	  WHERE type = 'backup'")" "$T/b.tar.zst"
bsdtar -tf b.tar.zst >list
check "its own temporary file is not inside it" sh -c "! grep -q lethe-tmp list"
lt scrub b.tar.zst -o "$T/attachments/s.tar.zst"
expect 64 "scrub -o inside the tree"
check "nothing scrubbed there" test ! -e attachments/s.tar.zst
done_testing
