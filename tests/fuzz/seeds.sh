#!/bin/sh
# seeds.sh DIR: small databases for fuzz_dbcopy to start from (see README).
set -eu
dir=${1:?usage: seeds.sh DIR}
mkdir -p "$dir"
n='WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < '
mk() {
	rm -f "$dir/$1.db"
	sqlite3 "$dir/$1.db" "$2"
}
mk plain512 "PRAGMA page_size = 512;
CREATE TABLE c(id INTEGER PRIMARY KEY, sid TEXT, body TEXT);
CREATE INDEX c_sid ON c(sid);
$n 60) INSERT INTO c(sid, body) SELECT 's' || (i % 7), 'b' || i FROM n;"
mk overflow512 "PRAGMA page_size = 512;
CREATE TABLE c(k TEXT, v BLOB); CREATE INDEX c_k ON c(k);
$n 12) INSERT INTO c SELECT printf('%0*d', 80 + i * 13, i),
  randomblob(i * 90) FROM n;"
mk autoindex1k "PRAGMA page_size = 1024;
CREATE TABLE c(id TEXT PRIMARY KEY, email TEXT UNIQUE, n INT);
CREATE TABLE other(x, y); CREATE INDEX other_x ON other(x);
$n 40) INSERT INTO c SELECT 'id' || i, 'u' || i || '@x.org', i FROM n;
$n 10) INSERT INTO other SELECT i, i FROM n;"
mk wr512 "PRAGMA page_size = 512;
CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE c(a, b); CREATE INDEX c_ab ON c(a, b) WHERE a > 3;
CREATE INDEX c_expr ON c(a + b);
$n 30) INSERT INTO w SELECT 'k' || i, i FROM n;
$n 30) INSERT INTO c SELECT i, 'x' || i FROM n;"
mk seq1k "PRAGMA page_size = 1024;
CREATE TABLE c(id INTEGER PRIMARY KEY AUTOINCREMENT, x);
CREATE VIEW v AS SELECT * FROM c;
CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 1; END;
$n 20) INSERT INTO c(x) SELECT i FROM n; ANALYZE;"
mk deep512 "PRAGMA page_size = 512;
CREATE TABLE c(x TEXT); CREATE INDEX c_x ON c(x);
$n 400) INSERT INTO c SELECT hex(randomblob(12)) FROM n;"
mk empty "CREATE TABLE c(x); CREATE INDEX c_x ON c(x);"
mk freelist512 "PRAGMA page_size = 512;
CREATE TABLE c(x); CREATE TABLE junk(y);
$n 40) INSERT INTO junk SELECT randomblob(300) FROM n;
$n 40) INSERT INTO c SELECT i FROM n; DROP TABLE junk;"
mk schema512 "PRAGMA page_size = 512;
CREATE TABLE c(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b DEFAULT '$(printf '%0600d' 0)');
$(for i in 1 2 3 4 5 6 7 8 9 10 11 12; do printf 'CREATE TABLE t%d(x PRIMARY KEY, y UNIQUE); CREATE INDEX t%d_y ON t%d(y, x);' $i $i $i; done)
$n 20) INSERT INTO c(a) SELECT 'a' || i FROM n;"
mk ovfidx1k "PRAGMA page_size = 1024;
CREATE TABLE c(id INTEGER PRIMARY KEY, k TEXT); CREATE INDEX c_k ON c(k);
$n 30) INSERT INTO c(id, k) SELECT i * 1000, printf('%0*d', 250 + i * 40, i) FROM n;"
