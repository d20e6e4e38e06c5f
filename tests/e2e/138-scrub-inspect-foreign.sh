#!/bin/sh
# SPEC 4 scrub and inspect on foreign archives and standard input:
# `inspect -` reads the archive from stdin and exits 1 naming the
# tombstone seq and the entry; `scrub` of a foreign tar.gz writes a
# tar.gz (the input's format) without the erased person, which inspect
# then finds clean (0), and records a `scrub` event; -o naming the input
# is refused (64) and the input is untouched.  SPEC: "exit 64 if
# libarchive cannot write it; `--format` chooses another": for an input
# format lethe will not write (ISO 9660 here) the 64 must come with that
# hint, and --format then works.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z
mkdir -p app && cp live.db app/live.db
tar czf "$T/foreign.tar.gz" app
lt request erase --email alice@example.com
lt run
expect 0 "alice erased after the foreign tar was made"
SUM=$(sha256sum "$T/foreign.tar.gz")

lt_in "$T/foreign.tar.gz" inspect -
expect 1 "inspect - (stdin) finds the erased subject"
lt ledger list --json
TSEQ=$(grep '"type":"erase"' out | sed 's/^{"seq":\([0-9]*\),.*/\1/')
lt_in "$T/foreign.tar.gz" inspect -
out_has "seq $TSEQ" "inspect names the tombstone seq"
out_has "app/live.db" "inspect names the entry"
out_lacks "alice@" "inspect names no email"

lt scrub "$T/foreign.tar.gz" -o "$T/foreign.tar.gz"
expect 64 "scrub -o the input itself is refused"
eq "the input is untouched" "$(sha256sum "$T/foreign.tar.gz")" "$SUM"

lt scrub "$T/foreign.tar.gz" -o "$T/clean.tar.gz"
expect 0 "scrub of a foreign tar.gz"
check "the output is gzip-compressed" sh -c "gzip -t '$T/clean.tar.gz'"
mkdir x && (cd x && tar xzf "$T/clean.tar.gz")
eq "bob kept" "$(sql x/app/live.db "SELECT count(*) FROM subjects WHERE id = '$B'")" 1
eq "alice dropped" "$(sql x/app/live.db "SELECT count(*) FROM subjects WHERE id = '$A'")" 0
no_bytes "alice's email gone from the scrubbed bytes" alice@example.com x/app/live.db
lt inspect "$T/clean.tar.gz"
expect 0 "inspect of the scrubbed archive: clean"
lt ledger list --json
check "a scrub event" grep -q '"type":"scrub"' out
eq "the input is still untouched" "$(sha256sum "$T/foreign.tar.gz")" "$SUM"

if bsdtar -cf "$T/app.iso" --format iso9660 app 2>/dev/null; then
	lt scrub "$T/app.iso" -o "$T/clean.iso"
	if [ "$rc" -eq 0 ]; then
		ok "scrub of an ISO 9660 image writes one"
	else
		expect 64 "scrub of an ISO 9660 image that lethe will not write"
		err_has "--format" "the refusal points at --format"
		check "and wrote nothing" test ! -e "$T/clean.iso"
	fi
	lt scrub "$T/app.iso" -o "$T/clean-iso.tar.zst" --format tar.zst
	expect 0 "scrub of an ISO 9660 image with --format tar.zst"
fi
done_testing
