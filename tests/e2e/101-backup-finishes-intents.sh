#!/bin/sh
# Law 1 and law 3 with SPEC 4 backup ("under the lock, finish unapplied
# intents" before the snapshot): a run killed (SIGKILL, LETHE_FAULT) after
# its tombstones were made durable, or after the live commit but before
# the files and the `applied` event, or after a purge intent, leaves
# intents without `applied`.  `backup` then finishes them first: the
# ledger shows an `applied` event naming the intent before the `backup`
# event, the manifest's seq covers it, and the archive holds neither the
# erased subject (rows, attachments, email bytes) nor the purged rows.  A
# later run writes no second tombstone.
. "$TESTS_TOP/tests/lib.sh"

X=16161616-0000-4000-8000-00000000000a		# erased by the interrupted run
K=16161616-0000-4000-8000-00000000000b		# kept

# faulted POINT ARGS...: lt with LETHE_FAULT=POINT; a kill is expected
faulted() {
	LETHE_FAULT=$1
	export LETHE_FAULT
	EXPECT_KILL=1
	shift
	lt "$@"
	unset LETHE_FAULT
	EXPECT_KILL=
}
lsql() { sql "$D/ledger.db" "$1"; }

# case_ DIR POINT: a fresh installation in DIR, a run killed at POINT,
# then a backup
case_() {
	D=$T/$1
	mkdir "$D"
	CONF=$D/lethe.ini
	NOW=2026-11-22T10:00:00Z
	make_store "$D/live.db"
	write_config "$CONF"
	lt init
	expect 0 "$1: init"
	add_subject "$D/live.db" $X client 'Xia Crash' xia.crash@example.com \
		'+44 7700 901101' 2026-10-01T00:00:00Z
	add_subject "$D/live.db" $K client 'Kip Kept' kip@example.com \
		'+44 7700 901102' 2026-10-01T00:00:00Z
	sql "$D/live.db" "INSERT INTO communications(subject_id, at, body) VALUES
	 ('$X', '2026-10-01', 'from xia.crash@example.com'), ('$K', '2026-10-01', 'kip');
	 INSERT INTO web_log(id, at, ip, path) VALUES
	 (1, '2026-09-01T00:00:00Z', '192.0.2.1', '/aged'),
	 (2, '2026-11-21T00:00:00Z', '192.0.2.2', '/fresh')"
	mkdir -p "$D/attachments/$X" "$D/attachments/$K"
	echo "xia's passport" >"$D/attachments/$X/passport.txt"
	echo "kip's file" >"$D/attachments/$K/file.txt"
	lt request erase --email xia.crash@example.com
	expect 0 "$1: request erase"
	faulted "$2" run
	expect 137 "$1: the run is killed at $2"
}

# after_backup WHAT INTENT_TYPE: the checks once the backup is done
after_backup() {
	ISEQ=$(lsql "SELECT max(seq) FROM events WHERE type = '$2'")
	BSEQ=$(lsql "SELECT seq FROM events WHERE type = 'backup'")
	eq "$1: an applied event covers the $2 intent, before the backup event" \
		"$(lsql "SELECT count(*) FROM events WHERE type = 'applied' AND
		  $ISEQ BETWEEN ref AND coalesce(ref_last, ref) AND seq < $BSEQ")" 1
	eq "$1: the manifest's seq covers that applied event" \
		"$(lsql "SELECT json_extract(b.data, '$.ledger_seq') >= max(a.seq) FROM
		  events b, events a WHERE b.type = 'backup' AND a.type = 'applied'")" 1
	rm -rf "$D/x" && mkdir "$D/x" && bsdtar -xf "$D/b.tar.zst" -C "$D/x"
}

# ------------------------------------------------------------ after-tombstones
case_ tomb after-tombstones
eq "tomb: the tombstone is durable" "$(lsql "SELECT count(*) FROM events WHERE type = 'erase'")" 1
eq "tomb: no applied yet" "$(lsql "SELECT count(*) FROM events WHERE type = 'applied'")" 0
eq "tomb: the live store still holds X" \
	"$(sql "$D/live.db" "SELECT count(*) FROM subjects WHERE id = '$X'")" 1
lt backup -o "$D/b.tar.zst"
expect 0 "tomb: backup"
after_backup tomb erase
eq "tomb: the backup's database lacks X" \
	"$(sql "$D/x/live.db" "SELECT count(*) FROM subjects WHERE id = '$X'")/$(sql \
	"$D/x/live.db" "SELECT count(*) FROM communications WHERE subject_id = '$X'")" 0/0
eq "tomb: the backup's database keeps K" \
	"$(sql "$D/x/live.db" "SELECT count(*) FROM subjects WHERE id = '$K'")" 1
check "tomb: the backup lacks X's attachments" test ! -e "$D/x/attachments/$X"
check "tomb: the backup keeps K's attachments" test -f "$D/x/attachments/$K/file.txt"
eq "tomb: X's email is not in the archive's bytes" \
	"$(zstd -dc "$D/b.tar.zst" | strings -a | grep -ci xia.crash@example.com)" 0
eq "tomb: the live store lacks X too" \
	"$(sql "$D/live.db" "SELECT count(*) FROM subjects WHERE id = '$X'")" 0
check "tomb: X's attachments are gone from the live tree" test ! -e "$D/attachments/$X"
lt run
expect 0 "tomb: a later run"
eq "tomb: still exactly one tombstone" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'erase'")" 1
lt ledger verify
expect 0 "tomb: the ledger verifies"

# ------------------------------------------------------------ after-live-commit
case_ live after-live-commit
check "live: the attachments are still there (killed before the files)" \
	test -e "$D/attachments/$X/passport.txt"
lt backup -o "$D/b.tar.zst"
expect 0 "live: backup"
after_backup live erase
check "live: the backup lacks X's attachments" test ! -e "$D/x/attachments/$X"
eq "live: X's email is not in the archive's bytes" \
	"$(zstd -dc "$D/b.tar.zst" | strings -a | grep -ci -e xia.crash@example.com -e "xia's passport")" 0

# ------------------------------------------------------------ after-purge-intent
case_ purge after-purge-intent
eq "purge: the purge intent is durable" \
	"$(lsql "SELECT count(*) FROM events WHERE type = 'purge'")" 1
lt backup -o "$D/b.tar.zst"
expect 0 "purge: backup"
after_backup purge purge
eq "purge: the backup lacks the aged web_log row" \
	"$(sql "$D/x/live.db" "SELECT id FROM web_log ORDER BY id")" 2
done_testing
