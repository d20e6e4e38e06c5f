# bench/common.sh: what bench/run.sh and bench/restore.sh share.  Sourced,
# not run, with the caller's arguments, after the caller set BENCH_SCRIPT
# (its own name, for messages):
#
#	BENCH_SCRIPT=run.sh
#	. "$(dirname "$0")/common.sh"
#
# Checks the one argument (the lethe binary; LETHE is set to its absolute
# path), reads BENCH_SUBJECTS (N) and BENCH_DIR (DIR, absolute), moves to
# the top of the repository, builds bench/gen.c and bench/measure.c into
# DIR when they changed, and generates the live store once per size and
# generator: DB (live-N.db) with its erasure requests REQ (requests-N.txt),
# and the rows in it, BEFORE (counted once, cached as live-N.db.counts).
# Also defines the helpers both scripts use: die, field, calc, counts,
# count_of, fmt and ratio.

SEED=20261122
NOW=2026-11-22T00:00:00Z
NOW_UNIX=1795305600
# The config's durations, counted back from NOW (row is past when
# date + duration < now, i.e. date < NOW - duration):
LEAD_CUTOFF=2025-11-22T00:00:00Z	# lead_expiry = 12 months
HOLD_CUTOFF=2020-11-22T00:00:00Z	# invoices retain_for = 6 years
WEB_CUTOFF=2026-10-23T00:00:00Z		# web_log keep = 30 days

die() {
	echo "bench: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: bench/$BENCH_SCRIPT LETHE"
case $1 in
/*) LETHE=$1 ;;
*) LETHE=$PWD/$1 ;;
esac
N=${BENCH_SUBJECTS:-100000}
case $N in
'' | *[!0-9]*) die "BENCH_SUBJECTS must be a number, not '$N'" ;;
esac
[ "$N" -ge 100 ] || die "BENCH_SUBJECTS must be at least 100"
DIR=${BENCH_DIR:-build/bench}
case $DIR in
/*) ;;
*) DIR=$PWD/$DIR ;;
esac
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null ||
    die "the sqlite3 shell is needed (apt-get install sqlite3)"
mkdir -p "$DIR"

CC=${CC:-cc}
GEN=$DIR/gen
MEASURE=$DIR/measure
if [ ! -x "$GEN" ] || [ bench/gen.c -nt "$GEN" ] ||
    [ include/demo.h -nt "$GEN" ]; then
	echo "bench: building $GEN" >&2
	$CC -O2 bench/gen.c -Iinclude -lsqlite3 -o "$GEN"
fi
if [ ! -x "$MEASURE" ] || [ bench/measure.c -nt "$MEASURE" ]; then
	echo "bench: building $MEASURE" >&2
	$CC -O2 bench/measure.c -Iinclude -o "$MEASURE"
fi

# field LABEL LOG N: field N (1 wall, 2 maxrss, 3 exit) of measure's line
field() {
	sed -n "s/^$1: wall=\([0-9.]*\)s maxrss=\([0-9.]*\)MiB exit=/\1 \2 /p" \
	    "$2" | tail -n 1 | cut -d' ' -f"$3"
}

# calc 'AWK EXPR' A B: the value of the expression of a and b.
calc() {
	awk -v a="$2" -v b="$3" "BEGIN { printf \"%s\", $1 }"
}

# fmt VALUE [UNIT]: VALUE with its unit, or n/a when there is none.
fmt() {
	if [ -n "$1" ]; then printf '%s%s' "$1" "${2-}"; else printf 'n/a'; fi
}

# bare_deletes IDS EMAILS: the set-based SQL of both hand-made baselines:
# the benchmark config's data map applied to the subjects whose ids are in
# temp table IDS (column id) and emails in temp table EMAILS (column
# email), and the web log purge.
bare_deletes() {
	cat <<EOF
DELETE FROM communications WHERE subject_id IN (SELECT id FROM $1);
DELETE FROM tickets WHERE subject_id IN (SELECT id FROM $1);
-- invoices: a 6-year legal hold; only those past it go
DELETE FROM invoices
 WHERE subject_id IN (SELECT id FROM $1) AND issued_at < '$HOLD_CUTOFF';
UPDATE orders
   SET customer_name = NULL, delivery_address = NULL, customer_email = NULL
 WHERE lower(trim(customer_email)) IN (SELECT email FROM $2);
DELETE FROM web_log WHERE at < '$WEB_CUTOFF';
DELETE FROM subjects WHERE id IN (SELECT id FROM $1);
EOF
}

# ratio A B: A/B to two places, or n/a when either is missing.
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		calc 'sprintf("%.2f", b + 0 > 0 ? a / b : 0)' "$1" "$2"
	else
		printf 'n/a'
	fi
}

# The live store, generated once per size and generator.
DB=$DIR/live-$N.db
REQ=$DIR/requests-$N.txt
if [ ! -f "$DB" ] || [ ! -f "$REQ" ] || [ "$GEN" -nt "$DB" ]; then
	echo "bench: generating $N subjects into $DB" >&2
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.counts" "$REQ" "$DB.tmp" \
	    "$DB.tmp-wal" "$DB.tmp-shm" "$REQ.tmp"
	"$MEASURE" gen -- "$GEN" "$DB.tmp" "$N" "$SEED" "$NOW_UNIX" \
	    "$REQ.tmp" 2>"$DIR/gen-$N.log" ||
	    { cat "$DIR/gen-$N.log" >&2; die "generator failed"; }
	cat "$DIR/gen-$N.log" >&2
	rm -f "$DB.tmp-wal" "$DB.tmp-shm"
	mv "$REQ.tmp" "$REQ"
	mv "$DB.tmp" "$DB"
fi
NREQ=$(wc -l <"$REQ" | tr -d ' ')
DB_MIB=$(du -m "$DB" | cut -f1)

# counts DB: rows left in the tables lethe changes.
COUNT_SQL="SELECT 'subjects', count(*) FROM subjects;
SELECT 'communications', count(*) FROM communications;
SELECT 'tickets', count(*) FROM tickets;
SELECT 'invoices', count(*) FROM invoices;
SELECT 'orders with email', count(customer_email) FROM orders;
SELECT 'orders with name', count(customer_name) FROM orders;
SELECT 'web_log', count(*) FROM web_log;"
counts() {
	sqlite3 -readonly -separator ' ' "$1" "$COUNT_SQL" 2>&1 ||
	    echo "error: cannot count rows in '$1'"
}
# count_of TABLE COUNTS: TABLE's number in the output of counts.
count_of() {
	printf '%s\n' "$2" | sed -n "s/^$1 \([0-9]*\)\$/\1/p"
}
# Counted once per store, opened immutable: no -wal or -shm beside it.
if [ ! -f "$DB.counts" ] || [ "$DB" -nt "$DB.counts" ]; then
	counts "file:$DB?immutable=1" >"$DB.counts"
fi
BEFORE=$(cat "$DB.counts")

# bench_config FILE LIVE: the lethe.ini both benchmarks use (the data map
# of the generated store), for the live store at LIVE.
bench_config() {
	cat >"$1" <<EOF
; written by bench/common.sh
[lethe]
live_store = $2
ledger     = ledger.db
key_file   = ledger.key

[policy]
lead_expiry      = 12 months
erasure_deadline = 7 days

[subjects]
table = subjects
id = id
kind = kind
lead_kind = lead
last_activity = last_contact_at
identifiers = email:email, phone:phone

[table communications]
subject = subject_id
on_erase = delete

[table tickets]
subject = subject_id
on_erase = delete

[table invoices]
subject = subject_id
on_erase = retain
retain_for = 6 years
date = issued_at

[table orders]
subject = customer_email
match = email
on_erase = mask
mask = customer_name, delivery_address

[purge web_log]
date = at
keep = 30 days
EOF
}
