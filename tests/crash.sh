# tests/crash.sh: helpers the crash scenarios (tests/e2e/015, 016, 298,
# 327) share; sourced after lib.sh.

# faulted SPEC ARGS...: lt with LETHE_FAULT=SPEC; a death is expected
faulted() {
	LETHE_FAULT=$1
	export LETHE_FAULT
	EXPECT_KILL=1
	shift
	lt "$@"
	unset LETHE_FAULT
	EXPECT_KILL=
}

# use DIR: later lt calls act on the copy in DIR
use() { CONF=$1/lethe.ini; }

# base_store [EXTRA]: the reference store, config (with EXTRA appended),
# key and ledger in $T/base, which later lt calls act on; B names its live
# store
base_store() {
	mkdir -p "$T/base"
	make_store "$T/base/live.db"
	write_config "$T/base/lethe.ini" "${1:-}"
	use "$T/base"
	lt init
	expect 0 "init"
	B=$T/base/live.db
}

# live_state DIR: every row of every live table, the attachment trees,
# and the exports folder (every name in it, hidden ones too, and what its
# files hold), when there is one
live_state() {
	for t in subjects communications tickets invoices orders web_log; do
		echo "== $t"
		sql "$1/live.db" "SELECT * FROM $t ORDER BY rowid"
	done
	echo "== attachments"
	(cd "$1/attachments" && find . | sort)
	if [ -d "$1/exports" ]; then
		echo "== exports"
		(cd "$1/exports" && find . | sort && find . -type f | sort |
			xargs cat)
	fi
}

# erasures DIR: what the ledger says was erased and released
erasures() {
	sql "$1/ledger.db" "SELECT 'erase ' || coalesce(subject, 'request ' ||
	  request) FROM events WHERE type = 'erase' ORDER BY 1;
	  SELECT 'release ' || subject || ' ' || scope FROM events
	  WHERE type = 'release' ORDER BY 1"
}

# applied_rows DIR: the rows per table the ledger's applied events report
applied_rows() {
	sql "$1/ledger.db" "SELECT j.key, sum(j.value) FROM events,
	  json_each(events.data, '$.tables') AS j WHERE events.type = 'applied'
	  GROUP BY j.key ORDER BY j.key"
}

# same WHAT FILE1 FILE2: ok if equal, else the differences as comments
same() {
	if cmp -s "$2" "$3"; then ok "$1"
	else not_ok "$1"; diff "$2" "$3" | head -n 20 | sed 's/^/# /'; fi
}

# laws_after DIR WHAT: the ledger checks every end state must pass
laws_after() {
	use "$1"
	lt ledger verify
	expect 0 "$2: ledger verifies"
	eq "$2: exactly one tombstone per erased subject" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM (SELECT subject FROM
		  events WHERE type = 'erase' AND subject IS NOT NULL GROUP BY
		  subject HAVING count(*) <> 1)")" 0
	eq "$2: exactly one tombstone per subject-less request" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM (SELECT request FROM
		  events WHERE type = 'erase' AND subject IS NULL GROUP BY
		  request HAVING count(*) <> 1)")" 0
	eq "$2: every intent is covered by exactly one applied event" \
		"$(sql "$1/ledger.db" "SELECT count(*) FROM events i WHERE
		  i.type IN ('erase', 'release', 'purge') AND (SELECT count(*)
		  FROM events a WHERE a.type = 'applied' AND i.seq BETWEEN
		  a.ref AND a.ref_last) <> 1")" 0
}

# law1 DIR WHAT: nothing is gone from the crashed store without an intent
# (checked on a copy, so that SQLite's recovery does not touch DIR)
law1() {
	rm -rf "$T/l1"
	cp -a "$1" "$T/l1"
	eq "$2: every subject gone from the live store has a tombstone" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM b.subjects s WHERE s.id NOT IN (SELECT id
		  FROM main.subjects) AND s.id NOT IN (SELECT subject FROM
		  l.events WHERE type = 'erase' AND subject IS NOT NULL)")" 0
	eq "$2: every linked row gone has its subject's tombstone or release" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM (SELECT id, subject_id FROM b.communications
		  WHERE id NOT IN (SELECT id FROM main.communications) UNION ALL
		  SELECT id, subject_id FROM b.tickets WHERE id NOT IN (SELECT id
		  FROM main.tickets) UNION ALL SELECT id, subject_id FROM
		  b.invoices WHERE id NOT IN (SELECT id FROM main.invoices)) g
		  WHERE g.subject_id NOT IN (SELECT subject FROM l.events WHERE
		  type IN ('erase', 'release') AND subject IS NOT NULL)")" 0
	eq "$2: every masked order has a tombstone" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM main.orders o WHERE o.customer_email IS
		  NULL AND (SELECT count(*) FROM l.events WHERE type = 'erase' AND
		  request IS NOT NULL) = 0")" 0
	eq "$2: every web_log row gone is inside a purge intent's range" \
		"$(sql "$T/l1/live.db" "ATTACH '$T/base/live.db' AS b;
		  ATTACH '$T/l1/ledger.db' AS l;
		  SELECT count(*) FROM b.web_log w WHERE w.id NOT IN (SELECT id
		  FROM main.web_log) AND NOT EXISTS (SELECT 1 FROM l.events p
		  WHERE p.type = 'purge' AND w.id BETWEEN
		  json_extract(p.data, '$.first') AND json_extract(p.data, '$.last'))")" 0
	missing=0
	for s in $(ls "$T/base/attachments"); do
		[ -e "$T/l1/attachments/$s" ] && continue
		n=$(sql "$T/l1/ledger.db" "SELECT count(*) FROM events WHERE
		  type = 'erase' AND subject = '$s'")
		[ "$n" -ge 1 ] || missing=$((missing + 1))
	done
	eq "$2: every attachment tree gone has its subject's tombstone" "$missing" 0
}

# wal_clients N WORD: switch the base store to WAL mode and give it N
# clients (email WORDi@example.com, one communication each naming it), who
# all ask for erasure (`request erase --from`)
wal_clients() {
	sql "$B" "PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO subjects SELECT printf('bbbbbbbb-0000-4000-8000-%012d', i),
  'client', 'N' || i, '$2' || i || '@example.com', NULL, 'x',
  '2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;
INSERT INTO communications(subject_id, at, body)
  SELECT id, '2026-10-01', 'to ' || email FROM subjects;" >/dev/null
	eq "the live store is in WAL mode" "$(sql "$B" "PRAGMA journal_mode")" \
		wal
	sql "$B" "SELECT email FROM subjects" >"$T/base/req.txt"
	lt request erase --from "$T/base/req.txt"
	expect 0 "$1 requests"
}

# wal_rerun DIR WHAT EMAIL: after a killed run on wal_clients' store in DIR,
# the rerun completes: everyone and their communications erased, the
# ledger's laws hold, the WAL truncated, erased EMAIL nowhere in the bytes
wal_rerun() {
	use "$1"
	lt run
	expect 0 "$2: the rerun completes"
	eq "$2: every subject erased" \
		"$(sql "$1/live.db" "SELECT count(*) FROM subjects")" 0
	eq "$2: no communication left" \
		"$(sql "$1/live.db" "SELECT count(*) FROM communications")" 0
	laws_after "$1" "$2"
	check "$2: the WAL is empty or gone" test ! -s "$1/live.db-wal"
	no_bytes "$2: an erased email is gone from the bytes" "$3" \
		"$1/live.db" "$1/live.db-wal"
}
