#!/bin/sh
# Law 5 and law 6, the filtered copy of a restored database: lethe writes
# each restored database into a fresh file without the erased rows, by
# reading and writing its b-tree pages itself, or, where it does not cover
# the file (auto-vacuum, UTF-16), by deleting through SQLite and VACUUM
# INTO.  Both ways must give the same rows: the same old backup, restored
# as lethe wrote it and as a foreign archive holding the same database in
# auto-vacuum and in UTF-16 form, gives the same tables row for row; every
# copy passes integrity_check; no erased person's email or long message is
# left in any file's bytes; rows on overflow pages and a table whose
# column is called "oid" (erased through SQLite) come out right.
. "$TESTS_TOP/tests/lib.sh"

make_store live.db
write_config "$CONF" "[table notes]
subject  = owner
on_erase = delete"
sql live.db "
CREATE TABLE notes(oid TEXT, owner TEXT, note TEXT);
CREATE TABLE plain_kv(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
INSERT INTO plain_kv VALUES ('colour', 'blue'), ('size', 'large');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO subjects SELECT printf('bbbbbbbb-0000-4000-8000-%012d', i),
  CASE WHEN i % 2 THEN 'client' ELSE 'lead' END, 'Person ' || i,
  'p' || i || '@example.com', printf('+44 7700 9%05d', i), 'Street ' || i,
  '2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO communications(subject_id, at, channel, body)
  SELECT printf('bbbbbbbb-0000-4000-8000-%012d', (i * 7) % 300 + 1),
  '2026-10-01', 'mail', CASE WHEN i % 97 = 0
    THEN 'long letter ' || i || ' ' || hex(zeroblob(3000 + i))
    ELSE 'note ' || i END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO tickets(subject_id, opened_at, title, body, status)
  SELECT printf('bbbbbbbb-0000-4000-8000-%012d', i), '2026-10-02', 't',
  'ticket of p' || i || '@example.com', 'open' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO notes SELECT 'x' || i,
  printf('bbbbbbbb-0000-4000-8000-%012d', i), 'note on p' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO orders(customer_email, customer_name, delivery_address,
  placed_at, total_cents) SELECT 'P' || (i % 300 + 1) || '@Example.com',
  'Name ' || i, 'Addr ' || i, '2026-10-03', i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO web_log(at, ip, path, user_agent) SELECT
  CASE WHEN i % 2 THEN '2026-01-01T00:00:00Z' ELSE '2026-11-20T00:00:00Z'
  END, '192.0.2.1', '/p' || i, 'ua' FROM n;"
lt init
expect 0 "init"
mkdir bk
lt backup -o "$T/bk/b.tar.zst"
expect 0 "a backup of 300 subjects"

# every third subject asks to be erased (the leads are fresh: none expire)
for i in $(seq 3 3 300); do echo "p$i@example.com"; done >req.txt
NOW=2026-11-23T10:00:00Z
lt request erase --from req.txt
expect 0 "100 requests"
lt run
expect 0 "the run erases them"

# the same database, as another tool would have backed it up, in
# auto-vacuum and in UTF-16 form
mkdir bx av u16
bsdtar -xf bk/b.tar.zst -C bx live.db
sqlite3 bx/live.db "PRAGMA auto_vacuum = FULL; VACUUM INTO '$T/av/app.db'"
sqlite3 u16/app.db "PRAGMA encoding = 'UTF-16le'; CREATE TABLE x(a);
  DROP TABLE x;"
sqlite3 bx/live.db ".dump" | grep -v '^PRAGMA' | sqlite3 u16/app.db
eq "the auto-vacuum copy is in auto-vacuum" \
	"$(sql av/app.db 'PRAGMA auto_vacuum')" 1
eq "the UTF-16 copy is in UTF-16" "$(sql u16/app.db 'PRAGMA encoding')" \
	UTF-16le
(cd av && bsdtar -czf ../av.tar.gz app.db)
(cd u16 && bsdtar -czf ../u16.tar.gz app.db)

# dump DB: every table's rows (the data map's and the others), in order
dump() {
	for t in subjects communications tickets invoices orders notes \
	    web_log plain_kv; do
		echo "== $t"
		sql "$1" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

lt restore bk/b.tar.zst --to r1
expect 0 "restore of lethe's own backup (pages copied by lethe)"
lt restore av.tar.gz --to r2
expect 0 "restore of the auto-vacuum copy (through SQLite)"
lt restore u16.tar.gz --to r3
expect 0 "restore of the UTF-16 copy (through SQLite)"

dump r1/live.db >d1
dump r2/app.db >d2
dump r3/app.db >d3
eq "200 subjects come back" "$(sql r1/live.db 'SELECT count(*) FROM subjects')" 200
eq "their notes come back, the erased people's do not" \
	"$(sql r1/live.db "SELECT count(*) FROM notes")" 200
eq "web log rows past 30 days are purged" \
	"$(sql r1/live.db "SELECT count(*) FROM web_log")" 250
eq "the erased people's orders are masked" \
	"$(sql r1/live.db "SELECT count(*) FROM orders WHERE customer_email
	  IS NULL AND customer_name IS NULL")" \
	"$(sql bx/live.db "SELECT count(*) FROM orders WHERE
	  (substr(customer_email, 2, instr(customer_email, '@') - 2) + 0)
	  % 3 = 0")"
check "copied pages and SQLite give the same rows (auto-vacuum)" \
	cmp -s d1 d2
check "copied pages and SQLite give the same rows (UTF-16)" cmp -s d1 d3
eq "lethe's copy passes integrity_check" \
	"$(sql r1/live.db 'PRAGMA integrity_check')" ok
eq "the auto-vacuum copy passes integrity_check and stays so" \
	"$(sql r2/app.db 'PRAGMA integrity_check; PRAGMA auto_vacuum')" \
	"ok
1"
eq "a long letter of a person kept comes back whole" \
	"$(sql r1/live.db "SELECT length(body) FROM communications WHERE
	  body LIKE 'long letter 97 %'")" \
	"$(sql bx/live.db "SELECT length(body) FROM communications WHERE
	  body LIKE 'long letter 97 %'")"
for f in r1/live.db r2/app.db r3/app.db; do
	no_bytes "no erased email in the bytes of $f" p3@example.com "$f"
	no_bytes "no erased person's long letter in the bytes of $f" \
		"long letter 194 " "$f"
	no_bytes "no erased person's note in the bytes of $f" \
		"note on p300" "$f"
done
# strings reads one byte a character: UTF-16 text is read as such too
check "a kept person's email is there in UTF-16 bytes" \
	sh -c "strings -a -el r3/app.db | grep -q p1@example.com"
eq "no erased email in the UTF-16 bytes" \
	"$(strings -a -el r3/app.db | grep -c 'p3@example.com')" 0
done_testing
