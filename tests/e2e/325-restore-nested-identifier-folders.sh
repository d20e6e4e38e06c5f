#!/bin/sh
# Law 5 with per-subject folders named by an identifier (`mail/{email}/`):
# `run` removes an erased person's folder at any depth of mail/ (test
# 297), and a restore of a backup taken before drops it the same way,
# counted as a per-subject path, and restores the rest.  It refused the
# whole backup (exit 65, "its name holds an identifier"), for a folder
# deeper than the pattern's own.
. "$TESTS_TOP/tests/lib.sh"

A=aaaaaaaa-0000-4000-8000-00000000000a
K=cccccccc-0000-4000-8000-00000000000c
setup "[files mail]
path = mail/{email}/

[files calls]
path = calls/{phone}/"
NOW=2026-03-01T00:00:00Z
add_subject live.db $A client Alice alice@example.com '+44 7700 900104' \
	2026-02-01T00:00:00Z
add_subject live.db $K client Kay kay@example.com '' 2026-02-01T00:00:00Z
mkdir -p mail/2025/Alice@Example.com mail/alice@example.com \
	mail/2025/kay@example.com calls/2026/+447700900104 attachments/2026/$A
echo m >mail/2025/Alice@Example.com/m.eml
echo m >mail/alice@example.com/m.eml
echo k >mail/2025/kay@example.com/k.eml
echo c >calls/2026/+447700900104/c.wav
echo a >attachments/2026/$A/a.txt
lt backup -o "$T/before.tar"
expect 0 "a backup before the erasure"
lt request erase --email alice@example.com
lt run
expect 0 "alice is erased"
check "her mail and call folders are gone" sh -c \
	"[ ! -e mail/2025/Alice@Example.com ] && [ ! -e calls/2026/+447700900104 ]"
lt inspect "$T/before.tar"
expect 1 "the old backup holds her"
out_lacks "its name" "her folders count as per-subject paths, not residue"
lt restore "$T/before.tar" --to "$T/r"
expect 0 "the old backup restores"
check "without her folders, at any depth" sh -c \
	"cd r && [ ! -e mail/2025/Alice@Example.com ] &&
	 [ ! -e mail/alice@example.com ] && [ ! -e calls/2026/+447700900104 ] &&
	 [ ! -e attachments/2026/$A ]"
check "with kay's mail" test -f r/mail/2025/kay@example.com/k.eml
done_testing
