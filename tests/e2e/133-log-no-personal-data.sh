#!/bin/sh
# Law 4 and law 6 in spirit, SPEC 4 run ("one line per action to stderr
# (journald priority prefixes under systemd)"): under systemd, run's
# stderr goes to the journal, which keeps it long after the erasure.  The
# action lines name subjects by id, tombstones by seq and files by their
# [files] section -- never by the erased person's email or phone.  With a
# per-identifier tree (`[files mail] path = mail/{email}/`) the removed
# folder's path *is* the email: today run logs "removed '.../mail/
# alice@example.com'", and `run --dry-run` and `restore` must not either.
. "$TESTS_TOP/tests/lib.sh"
setup "[files mail]
path = mail/{email}/"
A=aaaaaaaa-0000-4000-8000-000000000001
add_subject live.db $A client Alice Alice@Example.com '+44 7700 900001' 2026-01-01T00:00:00Z
mkdir -p mail/alice@example.com mail/bob@example.com
echo "hello" >mail/alice@example.com/1.eml
echo "hello" >mail/bob@example.com/1.eml
lt backup -o "$T/old.tar.zst"
expect 0 "backup"
lt request erase --email alice@example.com
expect 0 "request"

# as under systemd: JOURNAL_STREAM names stderr's device and inode (lt
# truncates $T/err, which keeps its inode)
JOURNAL_STREAM=1:1
export JOURNAL_STREAM
lt run --dry-run
expect 0 "dry run"
err_lacks "^<[0-9]>" "no priority prefixes when stderr is not the journal's stream"
: >"$T/err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/err")
lt run --dry-run
expect 0 "dry run"
err_has "^<5>lethe: dry run:" "priority prefixes when it is"
err_lacks "alice@" "dry run's log names no erased email"
lt run
expect 0 "run"
check "alice's mail folder removed" test ! -e mail/alice@example.com
check "bob's kept" test -f mail/bob@example.com/1.eml
err_lacks "alice@" "run's log names no erased email"
err_lacks "900001" "run's log names no erased phone"
err_has "mail" "it still says which [files] section was cleaned"
lt restore "$T/old.tar.zst" --to "$T/r"
expect 0 "restore of the old backup"
check "alice's mail folder filtered out" test ! -e "$T/r/mail/alice@example.com"
err_lacks "alice@" "restore's output names no erased email"
out_lacks "alice@" "restore's stdout names no erased email"
done_testing
