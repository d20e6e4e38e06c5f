#!/bin/sh
# Law 6 on the live [files] tree, as restore reads it (law 5): a subject's
# folder named by its UUID in capitals is the same subject's; `run`
# removes it with the subject, as it removes one in small letters or in
# braces (a Windows GUID; restore drops such folders too), and
# leaves another subject's folder alone; an id that is no UUID is matched
# as spelt (cust-ab12 and CUST-AB12 are two subjects).
. "$TESTS_TOP/tests/lib.sh"
E=eeeeeeee-0000-4000-8000-00000000000e
K=aaaaaaaa-0000-4000-8000-00000000000a
EU=$(echo "$E" | tr a-f A-F)
setup
add_subject live.db $E client 'Eve' eve@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $K client 'Kim' kim@example.com '' 2026-11-01T00:00:00Z
mkdir -p "attachments/$EU" "attachments/$K"
echo cv >"attachments/$EU/cv.txt"
echo id >"attachments/$K/id.txt"
lt request erase --email eve@example.com
lt run --dry-run
expect 0 "run --dry-run"
err_has "would remove '.*attachments/$EU'" "the dry run names the folder"
lt run
expect 0 "run"
check "eve's folder in capitals is removed" test ! -e "attachments/$EU"
check "kim's folder stays" test -f "attachments/$K/id.txt"
lt backup -o "$T/b.tar"
lt inspect "$T/b.tar"
expect 0 "a backup after the run holds no erased subject"

# --- a UUID in braces, as Windows writes a GUID, is the same subject's
G=99999999-0000-4000-8000-000000000009
GU=$(echo "$G" | tr a-f A-F)
add_subject live.db $G client 'Gil' gil@example.com '' 2026-11-01T00:00:00Z
mkdir -p "attachments/{$GU}" "app/attachments/{$G}"
echo g >"attachments/{$GU}/g.txt"
echo g >"app/attachments/{$G}/g.txt"
(cd app && tar -cf "$T/app.tar" attachments)
lt request erase --email gil@example.com
lt run
expect 0 "run erasing Gil"
check "Gil's folder in braces is removed" test ! -e "attachments/{$GU}"
lt restore "$T/app.tar" --to "$T/rg"
expect 0 "restore of an archive holding Gil's folder in braces"
check "the folder is not restored" test ! -e "$T/rg/attachments/{$G}"

# --- ids that are not UUIDs are told apart by case
add_subject live.db cust-ab12 client 'Alice' alice@example.com '' \
	2026-11-01T00:00:00Z
add_subject live.db CUST-AB12 client 'Bob' bob@example.com '' \
	2026-11-01T00:00:00Z
mkdir -p attachments/cust-ab12 attachments/CUST-AB12
echo a >attachments/cust-ab12/a.txt
echo b >attachments/CUST-AB12/b.txt
lt backup -o "$T/ab.tar"
expect 0 "a backup holding both"
lt request erase --email alice@example.com
lt run
expect 0 "run erasing cust-ab12"
check "cust-ab12's folder is removed" test ! -e attachments/cust-ab12
check "CUST-AB12's folder (another subject) stays" \
	test -f attachments/CUST-AB12/b.txt
lt restore "$T/ab.tar" --to "$T/rab"
expect 0 "the backup from before restores"
eq "without cust-ab12, with CUST-AB12, as run left them" \
	"$(sql rab/live.db "SELECT group_concat(id) FROM subjects WHERE
	  id LIKE 'cust%'")" CUST-AB12
check "CUST-AB12's folder is restored" test -f rab/attachments/CUST-AB12/b.txt
done_testing
