#!/bin/sh
# SPEC 3 (configuration): every config error names the file, line and key,
# all errors are reported, nothing runs and nothing is touched (exit 78):
# unknown key or section, a key given twice, a duplicate section, bad
# durations, a missing required key, a table or column the live store
# lacks, a mask column that is NOT NULL, a retained table with ON DELETE
# CASCADE to subjects or named by a trigger of another table, an
# over-long line, ledger = live store, ledger inside a [files] tree, a
# [purge] of a retained table shorter than its hold.  A missing ledger or key is 78 with a hint to run
# `lethe init`; a key file readable by others is refused (78).
. "$TESTS_TOP/tests/lib.sh"

# err_has_f TEXT WHAT: stderr holds TEXT, a fixed string
err_has_f() {
	if grep -qF -- "$1" "$T/err"; then ok "$2"
	else not_ok "$2: stderr lacks '$1'"; fi
}
# sums: the bytes of the live store and the ledger (an absent or empty WAL
# alike: a reader may leave an empty one behind)
sums() {
	{ sha256sum "$T/live.db" "$T/ledger.db"; cat "$T/ledger.db-wal" \
	  2>/dev/null | sha256sum; } | cut -d' ' -f1 | tr '\n' ' '
}
REF=$T/ref.ini

# mk NAME AWK: config $T/NAME.ini made from the reference by an awk program
mk() {
	awk "$2" "$REF" >"$T/$1.ini"
	CONF=$T/$1.ini
	C=$1.ini
}
# line NAME REGEX: the line number of the first line matching REGEX
line() { grep -n -- "$2" "$T/$1.ini" | head -n 1 | cut -d: -f1; }

# refused WHAT: lt run exits 78 and touched nothing
refused() {
	lt run
	expect 78 "$1: refused"
	eq "$1: nothing touched" "$(sums)" "$SUMS"
}

setup
cp "$CONF" "$REF"
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 lead 'Stale Lead' \
	stale@example.com '+44 7700 900001' 2024-01-01T00:00:00Z
lt request erase --email someone@example.com
expect 0 "a pending request, so that a run would change things"
SUMS=$(sums)

mk unknown_key '{ print } /^\[policy\]/ { print "colour = blue" }'
refused "unknown key"
err_has_f "$C:$(line unknown_key '^colour'): [policy] colour: unknown key" \
	"unknown key: file:line, section and key named"

mk unknown_section '{ print } END { print "[bogus]"; print "x = 1" }'
refused "unknown section"
err_has_f "$C:$(line unknown_section '^\[bogus\]'): [bogus]" \
	"unknown section: file:line and section named"
err_has_f "unknown section" "unknown section: says so"

mk twice '{ print } /^erasure_deadline/ { print "lead_expiry = 6 months" }'
refused "key given twice"
err_has_f "$C:$(grep -n '^lead_expiry' "$T/twice.ini" | sed -n 2p | cut -d: -f1): [policy] lead_expiry:" \
	"key twice: the second line and key named"
err_has_f "twice" "key twice: says so"

mk dup_section '{ print } END { print "[table tickets]";
	print "subject = subject_id"; print "on_erase = delete" }'
refused "duplicate section"
err_has_f "$C:$(grep -n '^\[table tickets\]' "$T/dup_section.ini" | sed -n 2p | cut -d: -f1): [table tickets]" \
	"duplicate section: its second line named"
err_has_f "duplicate section" "duplicate section: says so"

for bad in '0 days' '13' '5 fortnights' '36501 days' '-3 days' '1.5 years' \
	'days'; do
	mk dur "/^lead_expiry/ { print \"lead_expiry = $bad\"; next } { print }"
	refused "lead_expiry = $bad"
	err_has_f "$C:$(line dur '^lead_expiry'): [policy] lead_expiry:" \
		"lead_expiry = $bad: file:line and key named"
done
for good in '1 day' '36500 days' '2 Weeks' '18 months' '7 years'; do
	mk dur "/^lead_expiry/ { print \"lead_expiry = $good\"; next } { print }"
	lt request list
	expect 0 "lead_expiry = $good is accepted"
done
mk dur '/^keep/ { print "keep = 0 days"; next } { print }'
refused "[purge] keep = 0 days"
err_has_f "$C:$(line dur '^keep'): [purge web_log] keep:" \
	"purge keep: file:line and key named"
mk dur '/^retain_for/ { print "retain_for = 5 fortnights"; next } { print }'
refused "[table] retain_for = 5 fortnights"
err_has_f "$C:$(line dur '^retain_for'): [table invoices] retain_for:" \
	"retain_for: file:line and key named"

mk missing '!/^live_store/ { print }'
refused "missing live_store"
err_has_f "$C:$(line missing '^\[lethe\]'): [lethe] live_store:" \
	"missing required key: file:line (its section) and key named"
mk missing '!/^identifiers/ { print }'
refused "missing identifiers"
err_has_f "[subjects] identifiers:" "missing identifiers named"
mk missing '!/^on_erase/ || ++n > 1 { print }'
refused "missing on_erase in a [table]"
err_has_f "[table communications] on_erase:" "missing on_erase named"

mk no_table '{ print } END { print "[table notes]";
	print "subject = subject_id"; print "on_erase = delete" }'
refused "a table the live store lacks"
err_has_f "$C:$(line no_table '^\[table notes\]'): [table notes]" \
	"missing table: file:line and section named"
err_has_f "notes" "missing table: the table named"

mk no_column '/^\[table tickets\]/ { t = 1 }
	t && /^subject/ { print "subject  = owner_id"; t = 0; next } { print }'
refused "a column the live store lacks"
err_has_f "$C:$(line no_column 'owner_id'): [table tickets] subject:" \
	"missing column: file:line and key named"
err_has_f "owner_id" "missing column: the column named"

# a purge of a table under a legal hold must not delete held rows
mk purge_held '{ print } END { print "[purge invoices]";
	print "date = issued_at"; print "keep = 1 year" }'
refused "a purge keeping held invoices 1 year of the 6-year hold"
err_has_f "$C:$(line purge_held '^keep = 1 year'): [purge invoices] keep: 1 year is shorter than the legal hold" \
	"purge shorter than the hold: file:line and key named"
mk purge_held '{ print } END { print "[purge invoices]";
	print "date = issued_at"; print "keep = 2191 days" }'
refused "a purge in days that may be shorter than a hold in years"
err_has_f "[purge invoices] keep: 2191 days and the legal hold on 'invoices'" \
	"purge in other units: named"
mk purge_held '{ print } END { print "[purge invoices]";
	print "date = number"; print "keep = 7 years" }'
refused "a purge of held rows counted from another column"
err_has_f "[purge invoices] date: 'invoices' is under a legal hold counted from 'issued_at'" \
	"purge from another column: named"
mk purge_held '{ print } END { print "[purge invoices]";
	print "date = issued_at"; print "date_format = unix";
	print "keep = 7 years" }'
refused "a purge of held rows reading their date in another format"
err_has_f "[purge invoices] date_format: 'invoices' is under a legal hold" \
	"purge in another date_format: named"
for good in '6 years' '72 months' '10 years' '3000 days'; do
	mk purge_held "{ print } END { print \"[purge invoices]\";
		print \"date = issued_at\"; print \"keep = $good\" }"
	lt request list
	expect 0 "a purge of the held invoices keeping them $good is accepted"
done

mk no_column '/^\[purge web_log\]/ { t = 1 }
	t && /^date/ { print "date = logged_at"; t = 0; next } { print }'
refused "a purge date column the live store lacks"
err_has_f "$C:$(line no_column 'logged_at'): [purge web_log] date:" \
	"missing purge column named"

mk notnull '/^mask/ { print "mask     = customer_name, placed_at"; next } { print }'
refused "a mask column that is NOT NULL"
err_has_f "$C:$(line notnull '^mask'): [table orders] mask:" \
	"NOT NULL mask column: file:line and key named"
err_has_f "placed_at" "NOT NULL mask column: the column named"

# a live store whose retained table cascades from subjects
make_store "$T/live-fk.db"
sqlite3 "$T/live-fk.db" "DROP TABLE invoices; CREATE TABLE invoices(id
  INTEGER PRIMARY KEY, subject_id TEXT REFERENCES subjects(id) ON DELETE
  CASCADE, number TEXT NOT NULL, issued_at TEXT NOT NULL, amount_cents
  INTEGER NOT NULL, billing_name TEXT, billing_address TEXT)"
FKSUM=$(sha256sum "$T/live-fk.db")
mk cascade '/^live_store/ { print "live_store = live-fk.db"; next } { print }'
refused "a retained table with ON DELETE CASCADE to subjects"
err_has_f "$C:$(line cascade '^on_erase   = retain'): [table invoices] on_erase:" \
	"cascade: file:line and key named"
err_has_f "CASCADE" "cascade: says why"
eq "cascade: that live store is untouched" "$(sha256sum "$T/live-fk.db")" "$FKSUM"

# a trigger on subjects that deletes a subject's invoices would do the same
make_store "$T/live-trig.db"
sqlite3 "$T/live-trig.db" "CREATE TRIGGER tidy AFTER DELETE ON subjects
  BEGIN DELETE FROM Invoices WHERE subject_id = old.id; END"
mk trig '/^live_store/ { print "live_store = live-trig.db"; next } { print }'
refused "a trigger of another table that names a retained table"
err_has_f "$C:$(line trig '^on_erase   = retain'): [table invoices] on_erase:" \
	"trigger: file:line and key named"
err_has_f "trigger 'tidy'" "trigger: names the trigger"

LONG=$(printf '; %0250d' 0)
mk long "{ print } /^\\[policy\\]/ { print \"$LONG\" }"
refused "a line longer than 200 bytes"
err_has_f "$C:$(line long '^; 000'):" "long line: file:line named"
err_has_f "longer" "long line: says so"
LONGV=$(printf 'live_store = ./%0200d/../live.db' 0)
mk long "/^live_store/ { print \"$LONGV\"; next } { print }"
refused "a key line longer than 200 bytes"
err_has_f "$C:$(line long '^live_store'):" "long key line: file:line named"
OK199=$(printf '; %0197d' 0)
mk long199 "{ print } /^\\[policy\\]/ { print \"$OK199\" }"
eq "a 199-byte line is 199 bytes" "$(grep '^; 000' "$T/long199.ini" | tr -d '\n' | wc -c | tr -d ' ')" 199
lt request list
expect 0 "a 199-byte line is accepted"

mk same '/^ledger/ { print "ledger     = live.db"; next } { print }'
refused "ledger = live store"
err_has_f "$C:$(line same '^ledger'): [lethe] ledger:" \
	"ledger = live store: file:line and key named"
ln "$T/live.db" "$T/live-link.db"
mk same '/^ledger/ { print "ledger     = live-link.db"; next } { print }'
refused "ledger = live store by another name (same inode)"
err_has_f "$C:$(line same '^ledger'): [lethe] ledger:" \
	"same inode: file:line and key named"
rm -f "$T/live-link.db"

mkdir -p "$T/attachments"
mk inside '/^ledger/ { print "ledger     = attachments/ledger.db"; next } { print }'
refused "ledger inside a [files] tree"
err_has_f "$C:$(line inside '^ledger'): [lethe] ledger:" \
	"ledger in a files tree: file:line and key named"
err_has_f "attachments" "ledger in a files tree: the tree named"

mk several '/^\[policy\]/ { print; print "colour = blue"; next }
	/^lead_expiry/ { print "lead_expiry = 13"; next }
	{ print } END { print "[table tickets]"; print "subject = subject_id";
	print "on_erase = delete" }'
refused "several errors in one file"
err_has_f "$C:$(line several '^colour'): [policy] colour:" "several: the unknown key"
err_has_f "$C:$(line several '^lead_expiry'): [policy] lead_expiry:" "several: the bad duration"
err_has_f "$C:$(grep -n '^\[table tickets\]' "$T/several.ini" | sed -n 2p | cut -d: -f1): [table tickets]" \
	"several: the duplicate section"
err_has_f "3 errors" "several: all three counted"

mk several '/^\[policy\]/ { print; print "colour = blue"; next } { print }'
lt request erase --email x@example.com
expect 78 "request erase with a bad config"
eq "request erase: nothing recorded" "$(sums)" "$SUMS"

# --- missing ledger or key
mk noledger '/^ledger/ { print "ledger     = nope.db"; next } { print }'
refused "missing ledger"
err_has_f "lethe init" "missing ledger: hint to run lethe init"
check "missing ledger: not created" test ! -e "$T/nope.db"
mk nokey '/^key_file/ { print "key_file   = nope.key"; next } { print }'
refused "missing key file"
err_has_f "lethe init" "missing key: hint to run lethe init"
err_has_f "restore that key file" \
	"missing key beside a ledger: the hint is to restore the key, as a new
one would match none of the ledger's hashes"
# an auditor's copy: the ledger and a config, no key
for verb in "ledger list" "ledger head" "ledger show 1" "report" \
	"request list"; do
	lt $verb
	expect 0 "$verb reads a ledger without its key (law 4: it can be handed to an auditor)"
done
lt ledger verify
expect 0 "ledger verify without the key"
out_has "ledger ok" "the chain verifies without the key"
lt ledger lookup --email stale@example.com
expect 78 "ledger lookup needs the key (it hashes the identifier)"
err_has_f "lethe init" "ledger lookup without the key: the same hint"
lt run --dry-run
expect 78 "a dry run needs the key too"
CONF=$T/nope.ini
lt run
expect 78 "a config file that does not exist"

# --- relative paths are resolved against the config file's folder
(cd / && "$LETHE" -c "$REF" --now "$NOW" request list >"$T/out" 2>"$T/err")
rc=$?
expect 0 "relative paths resolve from the config's folder, whatever the cwd"
(cd / && LETHE_CONFIG=$REF "$LETHE" --now "$NOW" request list >"$T/out" 2>"$T/err")
rc=$?
expect 0 "LETHE_CONFIG names the config"

# --- '#' after a value is no comment (only ';' is): read, with a warning
mk hash_comment '{ sub(/^lead_kind *= *lead$/, "lead_kind = lead # the kind"); print }'
lt run --dry-run
err_has_f "hash_comment.ini:$(line hash_comment '^lead_kind'): [subjects] lead_kind: '#' starts no comment" \
	"'#' after a value: a warning naming file, line and key"
eq "a dry run changes nothing" "$(sums)" "$SUMS"

# --- a folder given as the config: one error, not a page of missing keys
mkdir "$T/confdir"
CONF=$T/confdir
lt ledger head
expect 78 "a folder as the config"
err_has "confdir: read error" "the folder named, with why it cannot be read"
eq "one error, not the missing sections that follow from it" \
	"$(grep -c 'missing' "$T/err")" 0

# a structured file matched by a type [subjects] does not hold
mk files_fax '{ print } END { print "[files exports]";
	print "path = exports/*.csv"; print "format = csv";
	print "match = email:email, fax:fax" }'
refused "a [files] match type that is no identifier type"
err_has_f "$C:$(line files_fax '^match = email:email, fax'): [files exports] match: 'fax' is not an identifier type" \
	"[files] match type: file:line, section and key named"

# --- an endless file given as the config: refused past 1 MiB, not read
# until memory runs out
CONF=/dev/zero
lt ledger head
expect 78 "/dev/zero as the config"
err_has "no config is that large" "... refused for its size"
eq "... one error" "$(grep -c 'missing' "$T/err")" 0

# --- key file mode
CONF=$REF
chmod 0644 "$T/ledger.key"
refused "a key file readable by group and others (0644)"
err_has_f "ledger.key" "key mode: the file named"
chmod 0640 "$T/ledger.key"
refused "a key file readable by the group (0640)"
chmod 0600 "$T/ledger.key"
lt run
expect 0 "key file 0600 accepted: the run goes ahead"
eq "and erases the stale lead" "$(sql live.db "SELECT count(*) FROM subjects")" 0
done_testing
