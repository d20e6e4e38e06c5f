#!/bin/sh
# bench/restore.sh: `make bench` (or `BENCH=restore make bench`): lethe
# restore against what an operator would do by hand.
#
# usage: bench/restore.sh LETHE    (make bench passes build/lethe)
#
# Environment:
#   BENCH_SUBJECTS   subjects in the generated live store (default 100000;
#                    BENCH_SUBJECTS=1000000 for the target size)
#   BENCH_DIR        where binaries, cached stores and work folders go
#                    (default build/bench)
#   BENCH_FRESH      set (to anything) to rebuild the cached installation
#                    and backup even when they look current
#   BENCH_PERF       set to record `perf record -g` of the restore into
#                    the work folder (the times then include perf's cost)
#
# Uses the live store of bench/run.sh (live-N.db, requests-N.txt; shared
# through bench/common.sh).  Once per size and lethe version, not timed, it
# sets up an installation on a copy of the store (restore-N: run.sh's
# config plus a [files attachments] tree of a few hundred subject folders),
# runs `lethe init` and `lethe backup -o backup.tar.zst`, then erases 10%
# of the subjects after the backup (`request erase --from` and `run`, which
# also expires the stale leads), so the ledger holds tombstones newer than
# the backup's manifest; the ids and emails of the erased subjects (the
# store before and after the run) are kept for the hand pipeline.  Then, on
# the same archive:
#   lethe: `lethe restore backup.tar.zst --to OUT` (timed, with a copy of
#          the installation's ledger, so every run starts the same);
#   hand:  `bsdtar -xf`, then one sqlite3 script (set-based DELETEs and the
#          orders mask for the erased subjects, the web log purge, VACUUM),
#          then `rm -rf` of the erased subjects' attachment folders (each
#          timed, and the total).
# Prints both times, the ratio and lethe's peak RSS, checks lethe's result
# (row counts equal the live store after the run, integrity_check ok, the
# erased subjects' folders gone, no erased email left in the bytes) and
# compares it with the hand result.  Exits 1 when lethe failed or its
# result is wrong, after printing everything it could.
set -eu

BENCH_SCRIPT=restore.sh
. "$(dirname "$0")/common.sh"

command -v bsdtar >/dev/null ||
    die "bsdtar is needed for the hand pipeline (apt-get install" \
	"libarchive-tools)"
[ -x "$LETHE" ] || die "no lethe binary at '$LETHE'"

# Attachment folders: about one subject in STRIDE, at most 500.
NATT=500
[ "$NATT" -le $((N / 10)) ] || NATT=$((N / 10))
STRIDE=$((N / NATT))
# Erased emails looked for in the restored bytes.
NSAMPLE=1000

# write_config FILE LIVE: the benchmark's lethe.ini, with attachments.
write_config() {
	bench_config "$1" "$2"
	printf '\n[files attachments]\npath = attachments/{subject}/\n' >>"$1"
}

# step FOLDER LABEL CMD...: run CMD in FOLDER under measure; its stdout to
# LABEL.out, its stderr and measure's line to LABEL.log.  Prints the line,
# and the end of the log when CMD failed; returns CMD's exit status.
step() {
	folder=$1
	label=$2
	shift 2
	rc=0
	(cd "$folder" && "$MEASURE" "$label" -- "$@" >"$label.out" \
	    2>"$label.log") || rc=$?
	tail -n 1 "$folder/$label.log" >&2
	if [ "$rc" -ne 0 ]; then
		echo "bench: '$label' failed with exit $rc; its log ends:" >&2
		tail -n 15 "$folder/$label.log" | sed 's/^/    /' >&2
	fi
	return "$rc"
}

# ---- the installation, its backup and the erasures (cached) ----------
INST=$DIR/restore-$N
STAMP="$("$LETHE" --version 2>&1 | head -n 1); $N subjects; $NATT folders"
if [ -n "${BENCH_FRESH-}" ] || [ ! -f "$INST/ready" ] ||
    [ "$DB" -nt "$INST/ready" ] ||
    [ "$(cat "$INST/ready")" != "$STAMP" ]; then
	T=$INST.tmp
	echo "bench: setting up the installation and its backup in $INST" \
	    "(not timed)" >&2
	rm -rf "$INST" "$T"
	mkdir -p "$T"
	cp "$DB" "$T/live.db"
	write_config "$T/lethe.ini" live.db
	# a few hundred subjects' folders, some of them erased later; the
	# files name no one (a residue would fail the restore)
	sqlite3 "file:$DB?immutable=1" "SELECT id FROM subjects
	    WHERE rowid % $STRIDE = 0 ORDER BY rowid LIMIT $NATT;" \
	    >"$T/attachment-ids.txt"
	while read -r id; do
		mkdir -p "$T/attachments/$id/scans"
		printf 'Signed agreement, scanned copy on file.\n' \
		    >"$T/attachments/$id/agreement.txt"
		printf 'Proof of address, page one of two.\n%2000s\n' '' \
		    >"$T/attachments/$id/scans/address.txt"
	done <"$T/attachment-ids.txt"
	(cd "$T" && "$LETHE" -c lethe.ini --now "$NOW" init >init.out \
	    2>init.log) || { tail -n 15 "$T/init.log" >&2; die "lethe init failed"; }
	step "$T" backup "$LETHE" -c lethe.ini --now "$NOW" backup \
	    -o backup.tar.zst || die "lethe backup failed"
	step "$T" request "$LETHE" -c lethe.ini --now "$NOW" request erase \
	    --from "$REQ" || die "lethe request erase failed"
	step "$T" run "$LETHE" -c lethe.ini --now "$NOW" run ||
	    die "lethe run failed"
	# who was erased: in the store before the run, not after it
	sqlite3 "$T/live.db" "ATTACH 'file:$DB?immutable=1' AS pre;
	    SELECT id FROM pre.subjects
	     WHERE id NOT IN (SELECT id FROM main.subjects) ORDER BY id;" \
	    >"$T/erased-ids.txt"
	sqlite3 "$T/live.db" "ATTACH 'file:$DB?immutable=1' AS pre;
	    SELECT DISTINCT lower(trim(email)) FROM pre.subjects
	     WHERE email IS NOT NULL
	       AND id NOT IN (SELECT id FROM main.subjects) ORDER BY 1;" \
	    >"$T/erased-emails.txt"
	counts "$T/live.db" >"$T/live.counts"
	# the attachment folders that must survive a restore
	sqlite3 "$T/live.db" "SELECT count(*) FROM subjects WHERE id IN
	    ($(sed "s/.*/'&'/" "$T/attachment-ids.txt" | paste -sd, -));" \
	    >"$T/attachments.kept"
	sync
	mv "$T" "$INST"
	printf '%s\n' "$STAMP" >"$INST/ready"
fi
ARCHIVE=$INST/backup.tar.zst
ARCHIVE_MIB=$(du -m "$ARCHIVE" | cut -f1)
NERASED=$(wc -l <"$INST/erased-ids.txt" | tr -d ' ')
NEMAILS=$(wc -l <"$INST/erased-emails.txt" | tr -d ' ')
KEPT_ATT=$(cat "$INST/attachments.kept")
LIVE_AFTER=$(cat "$INST/live.counts")
BACKUP_WALL=$(field backup "$INST/backup.log" 1)
NTOMBS=$(sqlite3 -readonly "file:$INST/ledger.db?immutable=1" \
    "SELECT count(*) FROM events WHERE type = 'erase'" 2>/dev/null || echo '?')
awk -v n="$NEMAILS" -v k="$NSAMPLE" \
    'NR % (n > k ? int(n / k) : 1) == 0' "$INST/erased-emails.txt" |
    head -n "$NSAMPLE" >"$INST/erased-sample.txt"

# residue FILE: how many of the sampled erased emails FILE still holds.
residue() {
	if [ -s "$INST/erased-sample.txt" ] && [ -f "$1" ]; then
		grep -a -o -F -f "$INST/erased-sample.txt" "$1" | sort -u |
		    wc -l | tr -d ' '
	fi
}

WORK=$DIR/work-$N
LW=$WORK/restore-lethe
HW=$WORK/restore-hand
rm -rf "$LW" "$HW"
mkdir -p "$LW" "$HW"
# Both sides read the archive from the page cache.
cat "$ARCHIVE" >/dev/null
sync

# ---- lethe -----------------------------------------------------------
# Its own copy of the ledger and key: a restore appends a `restore` event.
write_config "$LW/lethe.ini" "$INST/live.db"
cp "$INST/ledger.db" "$INST/ledger.key" "$LW/"
sync
echo "bench: lethe restore in $LW" >&2
set -- "$LETHE" -c lethe.ini --now "$NOW" restore "$ARCHIVE" --to out
if [ -n "${BENCH_PERF-}" ]; then
	set -- perf record -g -o perf.data -- "$@"
fi
LETHE_OK=no
if step "$LW" lethe-restore "$@"; then
	LETHE_OK=yes
fi
L_WALL=$(field lethe-restore "$LW/lethe-restore.log" 1)
L_RSS=$(field lethe-restore "$LW/lethe-restore.log" 2)
L_EXIT=$(field lethe-restore "$LW/lethe-restore.log" 3)

# ---- by hand ---------------------------------------------------------
cat >"$HW/hand.sql" <<EOF
.bail on
CREATE TEMP TABLE erased(id TEXT PRIMARY KEY);
.import --csv --schema temp $INST/erased-ids.txt erased
CREATE TEMP TABLE erased_email(email TEXT PRIMARY KEY);
.import --csv --schema temp $INST/erased-emails.txt erased_email
BEGIN;
$(bare_deletes erased erased_email)
COMMIT;
VACUUM;
EOF
echo "bench: by hand in $HW" >&2
HAND_OK=yes
step "$HW" bsdtar bsdtar -xf "$ARCHIVE" -C . || HAND_OK=no
if [ "$HAND_OK" = yes ]; then
	step "$HW" sqlite3 sh -c 'sqlite3 live.db <hand.sql' || HAND_OK=no
fi
if [ "$HAND_OK" = yes ]; then
	step "$HW" rm sh -c "cd attachments && xargs rm -rf \
	    <'$INST/erased-ids.txt'" || HAND_OK=no
fi
B_WALL=$(field bsdtar "$HW/bsdtar.log" 1)
B_RSS=$(field bsdtar "$HW/bsdtar.log" 2)
S_WALL= S_RSS= R_WALL= R_RSS= H_WALL= H_RSS=
if [ -f "$HW/sqlite3.log" ]; then
	S_WALL=$(field sqlite3 "$HW/sqlite3.log" 1)
	S_RSS=$(field sqlite3 "$HW/sqlite3.log" 2)
fi
if [ -f "$HW/rm.log" ]; then
	R_WALL=$(field rm "$HW/rm.log" 1)
	R_RSS=$(field rm "$HW/rm.log" 2)
fi
if [ "$HAND_OK" = yes ]; then
	H_WALL=$(calc 'sprintf("%.2f", a + b)' "$B_WALL" "$S_WALL")
	H_WALL=$(calc 'sprintf("%.2f", a + b)' "$H_WALL" "$R_WALL")
	H_RSS=$(calc 'sprintf("%.1f", a + 0 > b + 0 ? a : b)' "$B_RSS" \
	    "$S_RSS")
	H_RSS=$(calc 'sprintf("%.1f", a + 0 > b + 0 ? a : b)' "$H_RSS" \
	    "$R_RSS")
fi

# ---- checks ----------------------------------------------------------
echo "bench: checking the results" >&2
AFTER_LETHE= AFTER_HAND= L_INTEGRITY=n/a L_ATT=n/a H_ATT=n/a
L_RESIDUE=n/a H_RESIDUE=n/a L_MIB=n/a H_MIB=n/a
if [ "$LETHE_OK" = yes ]; then
	AFTER_LETHE=$(counts "$LW/out/live.db")
	L_INTEGRITY=$(sqlite3 -readonly "$LW/out/live.db" \
	    'PRAGMA integrity_check' 2>&1 | head -n 3 | paste -sd' ' -)
	L_ATT=$(find "$LW/out/attachments" -mindepth 1 -maxdepth 1 \
	    -type d 2>/dev/null | wc -l | tr -d ' ')
	L_RESIDUE=$(residue "$LW/out/live.db")
	L_MIB=$(du -m "$LW/out/live.db" | cut -f1)
fi
if [ "$HAND_OK" = yes ]; then
	AFTER_HAND=$(counts "$HW/live.db")
	H_ATT=$(find "$HW/attachments" -mindepth 1 -maxdepth 1 -type d |
	    wc -l | tr -d ' ')
	H_RESIDUE=$(residue "$HW/live.db")
	H_MIB=$(du -m "$HW/live.db" | cut -f1)
fi

# ---- summary ---------------------------------------------------------
SUMMARY=$DIR/restore-results-$N.txt
{
	echo
	echo "lethe restore bench: $N subjects, seed $SEED, now $NOW"
	echo "backup: $ARCHIVE ($ARCHIVE_MIB MiB; store $DB_MIB MiB;" \
	    "made in $(fmt "$BACKUP_WALL" s), not timed)"
	echo "erased since the backup: $NERASED subjects ($NREQ requests" \
	    "and the stale leads), $NTOMBS tombstones"
	printf '%-26s %10s %12s %6s\n' "" "wall" "peak RSS" "exit"
	printf '%-26s %10s %12s %6s\n' "lethe restore" \
	    "$(fmt "$L_WALL" s)" "$(fmt "$L_RSS" MiB)" "$(fmt "$L_EXIT")"
	printf '%-26s %10s %12s %6s\n' "hand: bsdtar -xf" \
	    "$(fmt "$B_WALL" s)" "$(fmt "$B_RSS" MiB)" \
	    "$(fmt "$(field bsdtar "$HW/bsdtar.log" 3)")"
	printf '%-26s %10s %12s\n' "hand: sqlite3 + VACUUM" \
	    "$(fmt "$S_WALL" s)" "$(fmt "$S_RSS" MiB)"
	printf '%-26s %10s %12s\n' "hand: rm attachments" \
	    "$(fmt "$R_WALL" s)" "$(fmt "$R_RSS" MiB)"
	printf '%-26s %10s %12s\n' "hand total" \
	    "$(fmt "$H_WALL" s)" "$(fmt "$H_RSS" MiB)"
	L_OK_WALL=
	[ "$LETHE_OK" = yes ] && L_OK_WALL=$L_WALL
	printf '%-26s %10s\n' "ratio lethe/hand" \
	    "$(ratio "$L_OK_WALL" "$H_WALL")"
	printf '%-26s %10s\n' "ratio lethe/bsdtar" \
	    "$(ratio "$L_OK_WALL" "$B_WALL")"
	echo "target: ratio <= 0.5, peak RSS < 256 MiB"
	echo
	printf '%-20s %10s %10s %10s %10s\n' "rows" "backup" "live now" \
	    "lethe" "hand"
	bad=0
	for t in subjects communications tickets invoices "orders with email" \
	    "orders with name" web_log; do
		b=$(count_of "$t" "$BEFORE")
		v=$(count_of "$t" "$LIVE_AFTER")
		l=$(count_of "$t" "$AFTER_LETHE")
		h=$(count_of "$t" "$AFTER_HAND")
		mark=
		if [ "$LETHE_OK" = yes ] && { [ -z "$l" ] || [ "$l" != "$v" ]; }
		then
			mark="   <== MISMATCH (lethe != live)"
			bad=1
		elif [ "$LETHE_OK" = yes ] && [ "$HAND_OK" = yes ] &&
		    [ "$l" != "$h" ]; then
			mark="   <== lethe != hand"
		fi
		printf '%-20s %10s %10s %10s %10s%s\n' "$t" "${b:-?}" "${v:-?}" \
		    "${l:-n/a}" "${h:-n/a}" "$mark"
	done
	printf '%-20s %10s %10s %10s %10s\n' "attachment folders" "$NATT" \
	    "$KEPT_ATT" "$L_ATT" "$H_ATT"
	[ "$LETHE_OK" != yes ] || [ "$L_ATT" = "$KEPT_ATT" ] || bad=1
	printf '%-20s %10s %10s %10s %10s\n' "store MiB" "$DB_MIB" "" \
	    "$L_MIB" "$H_MIB"
	echo "erased emails still in the restored live.db (of a sample of" \
	    "$(wc -l <"$INST/erased-sample.txt" | tr -d ' ')):" \
	    "lethe $L_RESIDUE, hand $H_RESIDUE"
	[ "$LETHE_OK" != yes ] || [ "$L_RESIDUE" = 0 ] || bad=1
	echo "lethe's live.db integrity_check: $L_INTEGRITY"
	[ "$LETHE_OK" != yes ] || [ "$L_INTEGRITY" = ok ] || bad=1
	if [ "$LETHE_OK" != yes ]; then
		echo "LETHE FAILED: no lethe numbers (logs in $LW)"
	elif [ "$bad" -ne 0 ]; then
		echo "RESTORE WRONG: lethe's result differs from the live" \
		    "store after the run (see $LW)"
	else
		echo "lethe's restore matches the live store after the run"
	fi
	[ "$HAND_OK" = yes ] || echo "THE HAND PIPELINE FAILED (logs in $HW)"
} | tee "$SUMMARY"

if [ -n "${BENCH_PERF-}" ] && [ -f "$LW/perf.data" ]; then
	echo "bench: perf profile of the restore (perf report, top entries):" >&2
	perf report -i "$LW/perf.data" --no-children --stdio -g none \
	    --sort dso,sym 2>/dev/null |
	    grep -v '^#' | grep '%' | head -n 25 >&2 || true
fi

[ "$LETHE_OK" = yes ] || exit 1
grep -q 'MISMATCH\|RESTORE WRONG' "$SUMMARY" && exit 1
exit 0
