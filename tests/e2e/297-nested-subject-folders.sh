#!/bin/sh
# SPEC 1 data map "file trees with per-subject paths": with
# `attachments/{subject}/`, an erased subject's folder is removed by `run`
# also where the application filed it deeper (attachments/2026/ID/, or
# inside another subject's folder), as a restore drops such folders; so
# are folders of `mail/{email}/` named by her email in any spelling, at
# any depth of mail/ (named in no log line): a
# backup taken after the run then holds nothing of her (`inspect` 0).
# Other folders and files stay, a symlink is never followed, and
# `run --dry-run` names each folder it would remove and the records of
# structured files it would drop, and changes no byte.
. "$TESTS_TOP/tests/lib.sh"

A=aaaaaaaa-0000-4000-8000-00000000000a
K=cccccccc-0000-4000-8000-00000000000c
setup "[files exports]
path   = exports/*.csv
format = csv
match  = email:email

[files mail]
path = mail/{email}/"
NOW=2026-03-01T00:00:00Z
add_subject live.db $A client Alice alice@example.com '' 2026-02-01T00:00:00Z
add_subject live.db $K client Kay kay@example.com '' 2026-02-01T00:00:00Z
mkdir -p attachments/$A attachments/2026/$A/scans attachments/$K/$A \
	attachments/2026/$K outside/$A exports mail/alice@example.com \
	mail/2025/Alice@Example.com mail/kay@example.com
echo m >mail/alice@example.com/m.eml
echo m >mail/2025/Alice@Example.com/m.eml
echo m >mail/kay@example.com/m.eml
echo a >attachments/$A/a.txt
echo b >attachments/2026/$A/scans/b.pdf
echo c >attachments/$K/$A/c.txt
echo k >attachments/2026/$K/k.txt
echo o >outside/$A/o.txt
ln -s "$T/outside" attachments/elsewhere
mkdir -p links && ln -s "$T/outside" links/$A
mkdir -p attachments/2028 mail/s && ln -s "$T/outside/$A" attachments/2028/$A &&
	ln -s "$T/outside" mail/s/alice@example.com
printf 'email,name\nalice@example.com,Alice\nkay@example.com,Kay\n' \
	>exports/c.csv
lt request erase --email alice@example.com
expect 0 "a request for alice"

find attachments outside exports mail -type f | sort | xargs sha256sum \
	>sums.before
lt run --dry-run
expect 0 "dry run"
err_has "would remove '$T/attachments/$A'" "it names her folder"
err_has "would remove '$T/attachments/2026/$A'" "and the one filed by year"
err_has "would remove '$T/attachments/$K/$A'" \
	"and the one inside another subject's folder"
err_has "would drop 1 record of erased subjects from structured files" \
	"and the CSV record"
eq "and two mail folders and a link, not naming her" \
	"$(grep -c 'would remove a path named by an identifier (\[files mail\])' err)" 3
err_lacks "alice@" "the dry run never names her email"
find attachments outside exports mail -type f | sort | xargs sha256sum \
	>sums.after
check "the dry run changed no file" cmp -s sums.before sums.after

lt run
expect 0 "the run erases alice"
check "her folder is gone" test ! -e attachments/$A
check "the one filed by year too" test ! -e attachments/2026/$A
check "and the one inside kay's folder" test ! -e attachments/$K/$A
check "kay's files stay" test -f attachments/2026/$K/k.txt
check "her mail folders are gone, where the pattern puts them and deeper" \
	sh -c "[ ! -e mail/alice@example.com ] && [ ! -e mail/2025/Alice@Example.com ]"
check "kay's mail stays" test -f mail/kay@example.com/m.eml
check "a folder reached through a symlink is never touched" \
	test -f outside/$A/o.txt
check "symlinks named after her are removed, not followed" \
	sh -c "[ ! -L attachments/2028/$A ] && [ ! -L mail/s/alice@example.com ]"
check "a link outside the trees is left alone" test -L links/$A
eq "her CSV record is dropped" "$(cat exports/c.csv)" \
	"$(printf 'email,name\nkay@example.com,Kay')"
rm attachments/elsewhere
lt backup -o "$T/after.tar"
expect 0 "a backup after the run"
lt inspect "$T/after.tar"
expect 0 "holds nothing of her"

# a folder in the tree that lethe cannot read (a volume's lost+found) is
# passed over with a warning: it must not stop the run, nor later runs
B=bbbbbbbb-0000-4000-8000-00000000000b
add_subject live.db $B client Bea bea@example.com '' 2026-02-01T00:00:00Z
mkdir -p attachments/2027/$B attachments/lost+found
echo b >attachments/2027/$B/b.txt
chmod 000 attachments/lost+found
lt request erase --email bea@example.com
as_user=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	chown -R nobody "$T"
fi
for pass in first second; do
	$as_user "$LETHE" -c "$CONF" --now "$NOW" run >"$T/out" 2>"$T/err"
	rc=$?
	expect 0 "the $pass run with an unreadable folder in the tree"
done
err_lacks "unfinished intents" "no intent is left unfinished"
check "bea's folder filed by year is gone" test ! -e attachments/2027/$B
chmod 755 attachments/lost+found
done_testing
