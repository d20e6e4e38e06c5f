#!/bin/sh
# Law 6 and law 11 in the live store: `run` replaces an erased person's
# identifiers by [erased] in the data map's `redact` columns of other
# people's rows, every spelling of them, also where two spellings of her
# number stand in one run of digits and separators (the scanner looked at
# six digit groups at a time and missed the second).  Each place counts
# once in the applied event, however many readings of it matched; the
# restore of a backup taken before gives the same text.
. "$TESTS_TOP/tests/lib.sh"

A=aaaaaaaa-0000-4000-8000-00000000000a
C=cccccccc-0000-4000-8000-00000000000c
setup
NOW=2026-03-01T00:00:00Z
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' \
	2026-02-01T00:00:00Z
add_subject live.db $C client Carol carol@example.com '' 2026-02-01T00:00:00Z
sql live.db "INSERT INTO communications(id, subject_id, at, body) VALUES
 (1, '$C', '2026-02-02', 'tel +44 (0)7700 900001 / 0044-7700-900001 end'),
 (2, '$C', '2026-02-03', 'mail Alice@Example.com or 07700 900001.'),
 (3, '$C', '2026-02-04', '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 +447700900001'),
 (4, '$C', '2026-02-05', 'carol@example.com 07700 900002')"
lt backup -o "$T/b0.tar"
expect 0 "a backup before the erasure"
NOW=2026-03-02T00:00:00Z
lt request erase --email alice@example.com
lt run
expect 0 "alice is erased"
eq "both spellings in one run redacted" \
	"$(sql live.db "SELECT body FROM communications WHERE id = 1")" \
	"tel [erased] / [erased] end"
eq "an email and a number redacted" \
	"$(sql live.db "SELECT body FROM communications WHERE id = 2")" \
	"mail [erased] or [erased]."
eq "a number after twenty digit groups redacted" \
	"$(sql live.db "SELECT body FROM communications WHERE id = 3")" \
	"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 [erased]"
eq "carol's own identifiers kept" \
	"$(sql live.db "SELECT body FROM communications WHERE id = 4")" \
	"carol@example.com 07700 900002"
eq "the applied event counts each place once" \
	"$(sql ledger.db "SELECT json_extract(data, '$.redacted') FROM events
	  WHERE type = 'applied'")" 5
for x in alice@example.com "7700 900001" 7700-900001 447700900001; do
	no_bytes "'$x' in no byte of the live store" "$x" live.db live.db-wal
done
lt backup -o "$T/b1.tar"
lt inspect "$T/b1.tar"
expect 0 "a backup after the run holds nothing of her"
NOW=2026-03-03T00:00:00Z
lt restore "$T/b0.tar" --to "$T/r"
expect 0 "the backup from before restores"
eq "with the same text" \
	"$(sql r/live.db "SELECT group_concat(body, '|') FROM communications")" \
	"$(sql live.db "SELECT group_concat(body, '|') FROM communications")"
done_testing
