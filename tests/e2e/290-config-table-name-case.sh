#!/bin/sh
# SPEC 3 and law 1: the live store reads table names in any case, so the
# config does too.  `[purge Subjects]` is the subjects table, refused as
# `[purge subjects]` is (subjects leave only through erasure, with a
# tombstone); `[table Tickets]` beside `[table tickets]` is a duplicate
# section.  Each names file and line, exits 78 and touches nothing.
. "$TESTS_TOP/tests/lib.sh"

sums() {
	{ sha256sum "$T/live.db" "$T/ledger.db"; cat "$T/ledger.db-wal" \
	  2>/dev/null | sha256sum; } | cut -d' ' -f1 | tr '\n' ' '
}

setup
cp "$CONF" "$T/ref.ini"
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Alice \
	alice@example.com '+44 7700 900001' 2020-01-01T00:00:00Z
SUMS=$(sums)
N=$(($(wc -l <"$T/ref.ini") + 1))

{ cat "$T/ref.ini"; printf '[purge Subjects]\ndate = last_contact_at\n'
  printf 'keep = 1 day\n'; } >"$T/purge.ini"
CONF=$T/purge.ini
lt run
expect 78 "[purge Subjects] refused"
err_has "purge.ini:$N: \[purge Subjects\] subjects leave only through erasure" \
	"names file, line and section"
eq "nothing touched" "$(sums)" "$SUMS"
eq "the subject is still there" \
	"$(sql live.db "SELECT count(*) FROM subjects")" 1

{ cat "$T/ref.ini"; printf '[table Tickets]\nsubject = subject_id\n'
  printf 'on_erase = retain\nretain_for = 1 year\ndate = opened_at\n'; } \
	>"$T/dup.ini"
CONF=$T/dup.ini
lt run
expect 78 "[table Tickets] beside [table tickets] refused"
err_has "dup.ini:$N: \[table Tickets\] duplicate section (first on line" \
	"names file, line and the duplicate"
eq "nothing touched" "$(sums)" "$SUMS"
done_testing
