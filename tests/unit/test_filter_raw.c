/*
 * test_filter_raw.c: the residue scan that reads a vacuumed database's
 * pages directly (law 11): it must find what the SQLite scan finds, and
 * give up (0) on anything it does not cover.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "filter_priv.h"
#include "hashset.h"
#include "ident.h"
#include "key.h"
#include "tap.h"

static char dir[] = "/tmp/lethe-test-raw-XXXXXX";
static char path[4096];
static struct filter f;

/* make: the database name.db, made by the pragmas pre, then sql. */
static const char *
make(const char *name, const char *pre, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, pre, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		printf("# %s: %s\n", name, err ? err : sqlite3_errmsg(db));
		exit(2);
	}
	sqlite3_close(db);
	return path;
}

static int feed_mismatch, feed_compared;

/*
 * fed: the scan of the database at p handed over in chunks of three
 * pages, as the copier hands a copy over (filter_raw_feed); -2 when p is
 * not what a copy is (free pages, UTF-16, pointer maps: not comparable).
 */
static int
fed(const char *p)
{
	static unsigned char buf[1 << 23];
	struct raw_feed *fd;
	FILE *fp = fopen(p, "rb");
	size_t n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
	uint32_t size, pages, at;

	if (fp)
		fclose(fp);
	/* what a copy is: no free pages, UTF-8, no pointer maps */
	if (n < 100 || buf[36] | buf[37] | buf[38] | buf[39] ||
	    memcmp(buf, "SQLite format 3", 16) != 0 || buf[59] > 1 ||
	    buf[52] | buf[53] | buf[54] | buf[55])
		return -2;
	size = (uint32_t)buf[16] << 8 | buf[17];
	size = size == 1 ? 65536 : size;
	if (buf[20] != 0 || n % size != 0)
		return -2;
	pages = (uint32_t)(n / size);
	fd = filter_raw_feed_start(&f, size, 1, 0x40000000 / size + 1);
	for (at = 0; at < pages; at += 3)
		filter_raw_feed(fd, buf + (size_t)at * size, at + 1,
				pages - at < 3 ? pages - at : 3);
	return filter_raw_feed_finish(fd);
}

/* clean: the file scan of p (index pages too with indexes). */
static int
clean(const char *p, int indexes)
{
	return filter_raw_wait(filter_raw_start(&f, p, indexes));
}

/* raw: the scan of the database at p, index pages included (and the
 * same handed over page by page must answer the same). */
static int
raw(const char *p)
{
	int r = clean(p, 1), g = fed(p);

	if (g != -2) {
		feed_compared++;
		if (g != r) {
			printf("# '%s': the file scan says %d, the feed %d\n",
			       p, r, g);
			feed_mismatch++;
		}
	}
	return r;
}

#define ROWS "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM " \
	     "n WHERE i < 5000) "

#define SCHEMA "CREATE TABLE c(id INTEGER PRIMARY KEY, kind TEXT, " \
	       "body TEXT, raw BLOB); CREATE INDEX c_kind ON c(kind);"
#define OTHERS "INSERT INTO c(kind, body) " ROWS "SELECT 'note', 'met " \
	       "user' || i || '@example.com at +44 7700 9' || " \
	       "printf('%05d', i) FROM n;"
#define BOB "INSERT INTO c(kind, body) VALUES ('note', 'write to " \
	    "Bob@Example.com');"

static void
test_found(void)
{
	const char *t = SCHEMA OTHERS;
	char sql[4096];

	CHECK(raw(make("clean", "", t)) == 1,
	      "5,000 rows over many pages, other people only: clean");
	CHECK(raw(make("first", "", SCHEMA BOB OTHERS)) == 0,
	      "an erased email in the first row: found");
	CHECK(raw(make("last", "", SCHEMA OTHERS BOB)) == 0,
	      "an erased email in the last row: found");
	snprintf(sql, sizeof(sql), "%s INSERT INTO c(kind, body) VALUES "
		 "('note', 'bob@example.com');VACUUM;", t);
	CHECK(raw(make("glued", "", sql)) == 0,
	      "a value right after another word-like value: found (values "
	      "scanned one by one, not as the bytes run on)");
	snprintf(sql, sizeof(sql), "%s INSERT INTO c(kind, raw) VALUES "
		 "('x', CAST('id=bob@example.com;' AS BLOB));VACUUM;", t);
	CHECK(raw(make("blob", "", sql)) == 0,
	      "an erased email in a blob: found");
	snprintf(sql, sizeof(sql), "%s INSERT INTO c(kind) VALUES "
		 "('bob@example.com');VACUUM;", t);
	CHECK(raw(make("indexed", "", sql)) == 0,
	      "an erased email in an indexed column: found");
	make("expr", "", "CREATE TABLE c(kind TEXT);"
			 "CREATE INDEX c_expr ON c(kind || '@example.com');"
			 "INSERT INTO c VALUES ('bob');");
	CHECK(raw(path) == 0 && clean(path, 0) == 1,
	      "an email only in an index's values: found when index pages "
	      "are read, not when they are skipped");
	make("split", "PRAGMA page_size = 512;", SCHEMA
	     "INSERT INTO c(kind, body) WITH RECURSIVE n(i) AS (SELECT 1 "
	     "UNION ALL SELECT i + 1 FROM n WHERE i < 80000) SELECT 'note', "
	     "'met user' || i || '@example.com' FROM n;");
	CHECK(raw(path) == 1, "a file read by two threads, other people "
	      "only: clean");
	make("split1", "PRAGMA page_size = 512;", SCHEMA BOB
	     "INSERT INTO c(kind, body) WITH RECURSIVE n(i) AS (SELECT 1 "
	     "UNION ALL SELECT i + 1 FROM n WHERE i < 80000) SELECT 'note', "
	     "'met user' || i || '@example.com' FROM n;");
	CHECK(raw(path) == 0, "an erased email in the first thread's part: "
	      "found");
	make("split2", "PRAGMA page_size = 512;", SCHEMA
	     "INSERT INTO c(kind, body) WITH RECURSIVE n(i) AS (SELECT 1 "
	     "UNION ALL SELECT i + 1 FROM n WHERE i < 80000) SELECT 'note', "
	     "'met user' || i || '@example.com' FROM n;" BOB);
	CHECK(raw(path) == 0, "an erased email in the second thread's part: "
	      "found");
	CHECK(raw(make("norowid", "",
					"CREATE TABLE w(k TEXT PRIMARY KEY, "
					"v TEXT) WITHOUT ROWID;"
					"INSERT INTO w VALUES ('a', "
					"'bob@example.com');")) == 0,
	      "an erased email in a WITHOUT ROWID table: found");
}

/* holds: whether the file at p holds the bytes of text. */
static int
holds(const char *p, const char *text)
{
	static char buf[1 << 22];
	FILE *fp = fopen(p, "rb");
	size_t n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;

	if (fp)
		fclose(fp);
	return memmem(buf, n, text, strlen(text)) != NULL;
}

static void
test_deleted(void)
{
	FILE *fp;

	make("cell", "PRAGMA secure_delete = OFF;", SCHEMA OTHERS BOB
	     "DELETE FROM c WHERE body LIKE '%bob%';");
	CHECK(holds(path, "Bob@Example.com") && raw(path) == 1,
	      "a deleted row still in its page's bytes is not read: what "
	      "VACUUM copies is clean");
	make("pages", "PRAGMA secure_delete = OFF;", SCHEMA OTHERS BOB
	     "DELETE FROM c WHERE id >= 1000;");
	CHECK(holds(path, "Bob@Example.com") && raw(path) == 1,
	      "free pages still holding the email are not read");
	make("freelist", "", SCHEMA OTHERS BOB
	     "DELETE FROM c WHERE id BETWEEN 1000 AND 4000;");
	CHECK(raw(path) == 0, "the same with the row kept: found");
	/* a freelist count in the header that the list does not add up to */
	fp = fopen(path, "r+b");
	fseek(fp, 36, SEEK_SET);
	fputc(0x7f, fp);
	fclose(fp);
	CHECK(raw(path) == 0, "a freelist that does not add up: not covered");
}

static void
test_uncovered(void)
{
	char sql[4096];

	snprintf(sql, sizeof(sql), "CREATE TABLE c(body TEXT);"
		 "INSERT INTO c VALUES (printf('%%.*c', 20000, 'x'));");
	CHECK(raw(make("overflow", "", sql)) == 0,
	      "a value on overflow pages: not covered");
	CHECK(raw(make("utf16", "PRAGMA encoding = "
					"'UTF-16le';",
					"CREATE TABLE c(body TEXT);"
					"INSERT INTO c VALUES "
					"('hello');")) == 0,
	      "UTF-16 text: not covered");
	CHECK(raw(make("autovac", "PRAGMA auto_vacuum = "
					"FULL;",
					"CREATE TABLE c(body TEXT);"
					"INSERT INTO c VALUES ('hi');")) == 0,
	      "pointer-map pages (auto_vacuum): not covered");
	snprintf(path, sizeof(path), "%s/text.txt", dir);
	{
		FILE *fp = fopen(path, "w");

		fputs("not a database at all, just some words\n", fp);
		fclose(fp);
	}
	CHECK(raw(path) == 0, "not a database: not covered");
	snprintf(path, sizeof(path), "%s/missing.db", dir);
	capture_begin();
	CHECK(raw(path) == -1, "a missing file: an error");
	capture_end();
}

/*
 * test_mangled: law 7, a hostile database: 500 copies of one with bytes
 * changed at random (a fixed seed) are each read without a fault (the
 * ASan build checks every access) and answered 0 or 1, never an error.
 */
static void
test_mangled(void)
{
	static unsigned char seed[1 << 16], copy[1 << 16];
	char out[4096];
	FILE *fp;
	size_t n;
	int i, k, bad = 0;

	make("seed", "PRAGMA secure_delete = OFF;", SCHEMA
	     "INSERT INTO c(kind, body) WITH RECURSIVE n(i) AS (SELECT 1 "
	     "UNION ALL SELECT i + 1 FROM n WHERE i < 400) SELECT 'k' || "
	     "(i % 7), 'user' || i || '@example.com +44 7700 9' || "
	     "printf('%05d', i) FROM n;" BOB
	     "DELETE FROM c WHERE id % 5 = 0;");
	fp = fopen(path, "rb");
	n = fp ? fread(seed, 1, sizeof(seed), fp) : 0;
	if (fp)
		fclose(fp);
	snprintf(out, sizeof(out), "%s/mangled.db", dir);
	srand(7);
	for (i = 0; i < 500 && n > 0; i++) {
		int r;

		memcpy(copy, seed, n);
		for (k = 1 + rand() % 16; k > 0; k--)
			copy[(size_t)rand() % n] = (unsigned char)rand();
		fp = fopen(out, "wb");
		if (fp == NULL || fwrite(copy, 1, n, fp) != n)
			bad++;
		if (fp)
			fclose(fp);
		r = clean(out, i % 2);
		bad += r != 0 && r != 1;
	}
	CHECK(n > 0 && n < sizeof(seed) && bad == 0,
	      "500 databases with bytes changed at random: each answered, "
	      "none an error or a fault");
}

int
main(void)
{
	static const unsigned char bytes[KEY_BYTES] = { 7, 7, 7 };
	struct config cfg;
	unsigned char h[32];

	if (mkdtemp(dir) == NULL)
		return 2;
	memset(&cfg, 0, sizeof(cfg));
	cfg.calling_code = 44;
	memset(&f, 0, sizeof(f));
	f.cfg = &cfg;
	f.key = key_from_bytes(bytes);
	f.by_hash = hashset_new();
	ident_hash_raw(f.key, "email", "bob@example.com", h);
	hashset_put(f.by_hash, h, 0);
	test_found();
	test_deleted();
	test_uncovered();
	test_mangled();
	CHECK(feed_compared > 5 && feed_mismatch == 0,
	      "the pages handed over in chunks answer as the file scan does "
	      "(%d databases compared)", feed_compared);
	hashset_free(f.by_hash);
	key_free((struct key *)f.key);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
