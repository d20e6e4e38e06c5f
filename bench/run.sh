#!/bin/sh
# bench/run.sh: `make bench`: lethe run against bare set-based SQL.
#
# usage: bench/run.sh LETHE        (make bench passes build/lethe)
#
# Environment:
#   BENCH_SUBJECTS   subjects in the generated live store (default 100000;
#                    BENCH_SUBJECTS=1000000 make bench for the target size)
#   BENCH_DIR        where binaries, cached stores and work folders go
#                    (default build/bench)
#   BENCH_ROUNDS     rounds of both sides, taken in turn (default 3): the
#                    median of each side is reported, so that one slow
#                    moment of a shared machine does not decide the ratio
#
# Generates the live store once per size (cached as live-N.db with its
# requests-N.txt), then, in each round, on a fresh copy each:
#   SQL:   the same deletions as one set-based transaction with
#          secure_delete on, through the sqlite3 shell (timed);
#   lethe: init (not timed); `request erase --from` and `run` (timed).
# Prints each round's times, the medians, their ratio and peak RSS, and
# checks both sides left the same rows (in the last round).  Everything
# is fixed (seed, --now), so the numbers depend only on the size and the
# machine.  Exits 1 when a side failed in any round or the row counts
# differ, after printing everything it could.  The store, its generation
# and the helpers are shared with bench/restore.sh through bench/common.sh.
set -eu

BENCH_SCRIPT=run.sh
. "$(dirname "$0")/common.sh"

# fresh DIR: an empty work folder holding a copy of the store and the
# requests, written out to disk so neither side pays for the other's copy.
fresh() {
	rm -rf "$1"
	mkdir -p "$1"
	cp "$DB" "$1/live.db"
	rm -f "$1/live.db-wal" "$1/live.db-shm"
	cp "$REQ" "$1/requests.txt"
	sync
}

WORK=$DIR/work-$N

ROUNDS=${BENCH_ROUNDS:-3}
case $ROUNDS in
'' | *[!0-9]*) die "BENCH_ROUNDS must be a number, not '$ROUNDS'" ;;
esac
[ "$ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be 1 or more, not '$ROUNDS'"

# ---- bare SQL --------------------------------------------------------
SQLW=$WORK/sql
BARE=$WORK/bare.sql
mkdir -p "$WORK"
cat >"$BARE" <<EOF
.bail on
PRAGMA secure_delete = ON;
CREATE TEMP TABLE req(email TEXT);
.import --csv --schema temp requests.txt req
BEGIN IMMEDIATE;
-- who goes: stale leads, and whoever asked (requests are in stored form)
CREATE TEMP TABLE doomed(id TEXT PRIMARY KEY, email TEXT);
INSERT OR IGNORE INTO doomed
  SELECT id, lower(trim(email)) FROM subjects
   WHERE kind = 'lead' AND last_contact_at < '$LEAD_CUTOFF';
INSERT OR IGNORE INTO doomed
  SELECT id, lower(trim(email)) FROM subjects
   WHERE email IN (SELECT email FROM temp.req);
CREATE TEMP TABLE doomed_email(email TEXT PRIMARY KEY);
INSERT OR IGNORE INTO doomed_email
  SELECT email FROM doomed WHERE email IS NOT NULL;
$(bare_deletes doomed doomed_email)
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF

# sql_round: the bare SQL on a fresh copy; SQL_WALL, SQL_RSS and sql_rc.
sql_round() {
	fresh "$SQLW"
	cp "$BARE" "$SQLW/bare.sql"
	echo "bench: bare SQL in $SQLW" >&2
	sql_rc=0
	(cd "$SQLW" && "$MEASURE" sql -- sqlite3 live.db <bare.sql \
	    >sql.out 2>sql.log) || sql_rc=$?
	[ -s "$SQLW/sql.log" ] && tail -n 1 "$SQLW/sql.log" >&2
	SQL_WALL=$(field sql "$SQLW/sql.log" 1)
	SQL_RSS=$(field sql "$SQLW/sql.log" 2)
	if [ "$sql_rc" -ne 0 ] || [ -z "$SQL_WALL" ]; then
		echo "bench: the bare SQL failed (exit $sql_rc):" >&2
		tail -n 20 "$SQLW/sql.log" >&2
	fi
}

# ---- lethe -----------------------------------------------------------
LW=$WORK/lethe

# lethe_step LABEL ARGS...: run one timed lethe command in the work folder;
# its stdout to LABEL.out, its stderr and measure's line to LABEL.log.
lethe_step() {
	label=$1
	shift
	rc=0
	(cd "$LW" && "$MEASURE" "$label" -- "$LETHE" -c lethe.ini \
	    --now "$NOW" "$@" >"$label.out" 2>"$label.log") || rc=$?
	tail -n 1 "$LW/$label.log" >&2
	if [ "$rc" -ne 0 ]; then
		echo "bench: '$label' ($*) failed with exit $rc;" \
		    "its log ends:" >&2
		tail -n 15 "$LW/$label.log" | sed 's/^/    /' >&2
	fi
	return "$rc"
}

# lethe_round: lethe on a fresh copy; LETHE_OK (yes or no), REQ_* and
# RUN_* (WALL, RSS, EXIT) and TOTAL (both timed steps, when both ran).
lethe_round() {
	fresh "$LW"
	bench_config "$LW/lethe.ini" live.db
	echo "bench: lethe in $LW" >&2
	LETHE_OK=no
	REQ_WALL= REQ_RSS= REQ_EXIT= RUN_WALL= RUN_RSS= RUN_EXIT= TOTAL=
	if [ ! -x "$LETHE" ]; then
		echo "bench: no lethe binary at '$LETHE'" >&2
	elif ! (cd "$LW" && "$LETHE" -c lethe.ini --now "$NOW" init \
	    >init.out 2>init.log); then
		echo "bench: 'lethe init' failed; its log ends:" >&2
		tail -n 15 "$LW/init.log" | sed 's/^/    /' >&2
	elif lethe_step lethe-request request erase --from requests.txt; then
		if lethe_step lethe-run run; then
			LETHE_OK=yes
		fi
		RUN_WALL=$(field lethe-run "$LW/lethe-run.log" 1)
		RUN_RSS=$(field lethe-run "$LW/lethe-run.log" 2)
		RUN_EXIT=$(field lethe-run "$LW/lethe-run.log" 3)
	fi
	if [ -f "$LW/lethe-request.log" ]; then
		REQ_WALL=$(field lethe-request "$LW/lethe-request.log" 1)
		REQ_RSS=$(field lethe-request "$LW/lethe-request.log" 2)
		REQ_EXIT=$(field lethe-request "$LW/lethe-request.log" 3)
	fi
	if [ "$LETHE_OK" = yes ] && [ -n "$REQ_WALL" ] &&
	    [ -n "$RUN_WALL" ]; then
		TOTAL=$(calc 'sprintf("%.2f", a + b)' "$REQ_WALL" "$RUN_WALL")
	fi
}

# median LIST: the median of the numbers in LIST (blank-separated; the
# lower middle one of an even count), or nothing when LIST is empty.
median() {
	printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR > 0) printf "%s", v[int((NR + 1) / 2)] }'
}

# larger A B: the larger of two numbers (B may be empty).
larger() {
	calc 'sprintf("%.1f", a + 0 > b + 0 ? a : b)' "$1" "${2:-0}"
}

# ---- the rounds ------------------------------------------------------
SQL_ALL= REQ_ALL= RUN_ALL= TOTAL_ALL= RATIOS= PEAK=0 SQL_PEAK=0
AFTER_SQL= AFTER_LETHE= FAILED_ROUNDS=0
r=1
while [ "$r" -le "$ROUNDS" ]; do
	echo "bench: round $r of $ROUNDS" >&2
	sql_round
	lethe_round
	if [ "$sql_rc" -eq 0 ] && [ -n "$SQL_WALL" ]; then
		SQL_ALL="$SQL_ALL $SQL_WALL"
	fi
	if [ -n "$TOTAL" ]; then
		REQ_ALL="$REQ_ALL $REQ_WALL"
		RUN_ALL="$RUN_ALL $RUN_WALL"
		TOTAL_ALL="$TOTAL_ALL $TOTAL"
		RATIOS="$RATIOS $(ratio "$TOTAL" "$SQL_WALL")"
	fi
	if [ "$LETHE_OK" != yes ] || [ "$sql_rc" -ne 0 ] ||
	    [ -z "$SQL_WALL" ]; then
		FAILED_ROUNDS=$((FAILED_ROUNDS + 1))
	fi
	PEAK=$(larger "$PEAK" "$REQ_RSS")
	PEAK=$(larger "$PEAK" "$RUN_RSS")
	SQL_PEAK=$(larger "$SQL_PEAK" "$SQL_RSS")
	# the last round's rows are compared; the copies go once counted:
	# left on disk, they would crowd the next round's store out of the
	# OS page cache
	if [ "$r" -eq "$ROUNDS" ]; then
		AFTER_SQL=$(counts "$SQLW/live.db")
		[ "$LETHE_OK" = yes ] && AFTER_LETHE=$(counts "$LW/live.db")
	fi
	rm -f "$SQLW"/live.db* "$LW"/live.db*
	r=$((r + 1))
done
SQL_WALL=$(median "$SQL_ALL")
REQ_WALL=$(median "$REQ_ALL")
RUN_WALL=$(median "$RUN_ALL")
TOTAL=$(median "$TOTAL_ALL")

# ---- summary ---------------------------------------------------------
SUMMARY=$DIR/results-$N.txt
{
	echo
	echo "lethe bench: $N subjects, $NREQ erasure requests," \
	    "seed $SEED, now $NOW, $ROUNDS round(s)"
	echo "store: $DB ($DB_MIB MiB)"
	printf '%-26s %10s %12s   %s\n' "" "median" "peak RSS" \
	    "each round (s)"
	printf '%-26s %10s %12s  %s\n' "lethe request erase" \
	    "$(fmt "$REQ_WALL" s)" "" "$REQ_ALL"
	printf '%-26s %10s %12s  %s\n' "lethe run" \
	    "$(fmt "$RUN_WALL" s)" "" "$RUN_ALL"
	printf '%-26s %10s %12s  %s\n' "lethe total" \
	    "$(fmt "$TOTAL" s)" "$(fmt "$PEAK" MiB)" "$TOTAL_ALL"
	printf '%-26s %10s %12s  %s\n' "bare SQL (one transaction)" \
	    "$(fmt "$SQL_WALL" s)" "$(fmt "$SQL_PEAK" MiB)" "$SQL_ALL"
	printf '%-26s %10s %12s  %s\n' "ratio lethe/SQL" \
	    "$(ratio "$TOTAL" "$SQL_WALL")" "" "$RATIOS"
	if [ "$FAILED_ROUNDS" -ne 0 ]; then
		echo "FAILED ROUNDS: $FAILED_ROUNDS (the last one's logs:" \
		    "$LW, $SQLW)"
	fi
	if [ -f "$LW/ledger.db" ]; then
		kib=$(du -k "$LW/ledger.db" | cut -f1)
		lines=$(grep -c . "$LW/lethe-run.log" 2>/dev/null || echo 0)
		echo "lethe ledger.db: $kib KiB; run log: $lines lines"
	fi
	echo "target at 1M subjects: ratio <= 1.3," \
	    "lethe peak RSS flat in subjects"
	echo
	printf '%-20s %10s %10s %10s\n' "rows" "before" "lethe" "SQL"
	mismatch=0
	for t in subjects communications tickets invoices "orders with email" \
	    "orders with name" web_log; do
		b=$(count_of "$t" "$BEFORE")
		s=$(count_of "$t" "$AFTER_SQL")
		l=$(count_of "$t" "$AFTER_LETHE")
		mark=
		if [ "$LETHE_OK" = yes ] && { [ "$l" != "$s" ] || [ -z "$l" ]; }
		then
			mark="   <== MISMATCH"
			mismatch=1
		fi
		printf '%-20s %10s %10s %10s%s\n' "$t" "${b:-?}" "${l:-n/a}" \
		    "${s:-?}" "$mark"
	done
	if [ "$LETHE_OK" != yes ]; then
		echo "LETHE FAILED: no lethe numbers (logs in $LW)"
	elif [ "$mismatch" -ne 0 ]; then
		echo "ROW COUNT MISMATCH: lethe and the bare SQL disagree" \
		    "(see $LW and $SQLW)"
	else
		echo "row counts: lethe and the bare SQL agree"
	fi
} | tee "$SUMMARY"

[ "$FAILED_ROUNDS" -eq 0 ] || exit 1
grep -q MISMATCH "$SUMMARY" && exit 1
exit 0
