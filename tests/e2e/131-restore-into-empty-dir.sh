#!/bin/sh
# SPEC 4 restore: "--to DIR: if DIR exists it must be an empty folder".
# `lethe backup` output restores into an existing empty folder prepared by
# the operator, given as a relative path from another working directory:
# exit 0, the data filtered, no staging folder left, the restore event
# records the absolute target.  The operator's folder is what they
# prepared for personal data: its permissions (0750 here) and owner must
# survive, not be swapped for the staging folder's (today they become
# 0755 and root: the staging folder replaced the operator's folder).
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z
mkdir -p attachments/$A attachments/$B
echo a >attachments/$A/a.txt
echo b >attachments/$B/b.txt
lt backup -o "$T/b.tar.zst"
expect 0 "backup"
lt request erase --email alice@example.com
lt run
expect 0 "alice erased after the backup"

mkdir -p "$T/srv/restore" "$T/work"
chmod 0750 "$T/srv/restore"
if [ "$(id -u)" -eq 0 ]; then chown nobody "$T/srv/restore" 2>/dev/null; fi
OWNER=$(stat -c %U "$T/srv/restore")
(cd "$T/work" && "$LETHE" -c "$CONF" --now "$NOW" restore ../b.tar.zst \
	--to ../srv/restore >"$T/out" 2>"$T/err")
rc=$?
expect 0 "restore into an existing empty folder, relative paths"
eq "bob restored" "$(sql "$T/srv/restore/live.db" "SELECT count(*) FROM subjects WHERE id = '$B'")" 1
eq "alice filtered out" "$(sql "$T/srv/restore/live.db" "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
check "alice's attachments filtered out" test ! -e "$T/srv/restore/attachments/$A"
check "bob's attachments there" test -f "$T/srv/restore/attachments/$B/b.txt"
no_bytes "alice's email gone from the restored bytes" alice@example.com \
	"$T/srv/restore/live.db"
eq "no staging left beside it" "$(ls -A "$T/srv" | tr '\n' ' ')" "restore "
lt ledger list --json
check "the restore event records the absolute target" \
	grep -q "\"type\":\"restore\".*\"target\":\"$T/srv/restore\"" out
eq "the folder keeps the mode the operator gave it" \
	"$(stat -c %a "$T/srv/restore")" 750
eq "the folder keeps its owner" "$(stat -c %U "$T/srv/restore")" "$OWNER"
done_testing
