#!/bin/sh
# Law 5 (restore is replay: erasures AND masks) for a foreign archive of a
# running application's folder whose database is in WAL mode (its header
# says so): the masks must reach the restored file, as deletes do, and
# scrub's output must be masked too.
. "$TESTS_TOP/tests/lib.sh"

setup
# tickets masked instead of deleted
awk '/^\[table tickets\]/ { t = 1 } /^\[table [a-z]*s\]/ && !/tickets/ { t = 0 }
     t && /^on_erase/ { print "on_erase = mask"; print "mask = title, body"; next }
     { print }' lethe.ini >x.ini && mv x.ini lethe.ini
V=11111111-0000-4000-8000-000000000001
K=22222222-0000-4000-8000-000000000002
add_subject live.db $V client Vic vic@example.com '' 2026-11-01T00:00:00Z
add_subject live.db $K client Kim kim@example.com '' 2026-11-01T00:00:00Z
sql live.db "INSERT INTO tickets(subject_id, opened_at, title, body, status)
  VALUES ('$V', '2026-10-01', 'Vic parcel', 'vic@example.com rang', 'open'),
         ('$K', '2026-10-01', 'Kim parcel', 'kim rang', 'open');"
sql live.db "INSERT INTO communications(subject_id, at, channel, body)
  VALUES ('$K', '2026-10-02', 'mail', 'Kim forwarded vic@example.com a note')"
add_order live.db vic@example.com Vic '1 Vic Road' 2026-10-01 100
add_order live.db kim@example.com Kim '2 Kim Road' 2026-10-01 200
mkdir app
cp live.db app/app.db
sql app/app.db "PRAGMA journal_mode = WAL" >/dev/null
check "the copy is in WAL mode" test "$(od -An -tu1 -j18 -N2 app/app.db |
	tr -s ' ')" = " 2 2"
tar -czf app.tar.gz app

lt request erase --email vic@example.com
expect 0 "Vic asks to be erased"
lt run
expect 0 "the run"

lt restore app.tar.gz --to "$T/r"
expect 0 "the foreign archive with a WAL-mode database restores"
eq "Vic's ticket is masked" \
	"$(sql r/app/app.db "SELECT count(*) FROM tickets WHERE subject_id IS
	  NULL AND title IS NULL AND body IS NULL")" 1
eq "Kim's ticket is untouched" \
	"$(sql r/app/app.db "SELECT title FROM tickets WHERE subject_id =
	  '$K'")" "Kim parcel"
eq "Vic's order is masked, Kim's kept" \
	"$(sql r/app/app.db "SELECT group_concat(coalesce(customer_name, '-'))
	  FROM orders ORDER BY id")" "-,Kim"
eq "Kim's note names Vic no more (redact)" \
	"$(sql r/app/app.db "SELECT body FROM communications")" \
	"Kim forwarded [erased] a note"
no_bytes "Vic's email is in no restored byte" vic@example.com \
	r/app/app.db
no_bytes "nor Vic's ticket title" "Vic parcel" r/app/app.db

lt scrub app.tar.gz -o "$T/clean.tar.gz"
expect 0 "scrub of the same archive"
mkdir s && tar -xzf clean.tar.gz -C s
eq "scrub's copy is masked too" \
	"$(sql s/app/app.db "SELECT count(*) FROM tickets WHERE title IS
	  NULL")" 1
no_bytes "and holds no byte of Vic's email" vic@example.com s/app/app.db
lt inspect clean.tar.gz
expect 0 "inspect finds no erased subject in the scrubbed archive"
done_testing
