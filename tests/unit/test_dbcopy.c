/*
 * test_dbcopy.c: the copier that rewrites a restored database without the
 * rows the filter leaves out (law 6: erased rows gone from the bytes).
 * Each copy is checked against SQLite itself: the same rows deleted from
 * the source and the source vacuumed must show exactly what the copy
 * shows, table by table, and the copy must pass integrity_check (which
 * also checks every index against its table).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dbcopy.h"
#include "dbcopy_priv.h"
#include "rowset.h"
#include "strset.h"
#include "sha.h"
#include "tap.h"

static char dir[] = "/tmp/lethe-test-dbcopy-XXXXXX";
static char src[4096], dst[4096];

/* make: the database name.db made by sql (pre first: pragmas). */
static const char *
make(const char *name, const char *pre, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	snprintf(src, sizeof(src), "%s/%s.db", dir, name);
	unlink(src);
	if (sqlite3_open(src, &db) != SQLITE_OK ||
	    sqlite3_exec(db, pre, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		printf("# %s: %s\n", name, err ? err : sqlite3_errmsg(db));
		exit(2);
	}
	sqlite3_close(db);
	snprintf(dst, sizeof(dst), "%s/%s.copy", dir, name);
	return src;
}

/*
 * digest: what SQLite shows of the database at p, as a SHA-256 in hex:
 * the schema, then every table's rows with their rowids in rowid (or
 * key) order; with table, not the rows of table that `where` selects.
 * "" when it cannot be read.
 */
static void
digest(const char *p, const char *table, const char *where, char *out)
{
	struct sha *h;
	sqlite3 *db;
	sqlite3_stmt *tl, *st;
	int i, j;

	out[0] = '\0';
	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	h = sha_new();
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql, "
				   "(SELECT wr FROM pragma_table_list AS l "
				   "WHERE l.name = s.name AND l.schema = "
				   "'main') FROM sqlite_schema AS s ORDER BY "
				   "name", -1, &tl, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		sha_free(h);
		return;
	}
	while (sqlite3_step(tl) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tl, 1);
		int wr = sqlite3_column_int(tl, 4);
		char q[8192], w[4096] = "";

		for (i = 0; i < 4; i++) {
			const unsigned char *v = sqlite3_column_text(tl, i);

			sha_update(h, v ? v : (const unsigned char *)"-",
				   v ? strlen((const char *)v) : 1);
			sha_update(h, "|", 1);
		}
		if (strcmp((const char *)sqlite3_column_text(tl, 0), "table"))
			continue;
		if (table != NULL && strcmp(name, table) == 0)
			snprintf(w, sizeof(w), " WHERE rowid NOT IN (SELECT "
				 "rowid FROM \"%s\" NOT INDEXED WHERE %s)",
				 table, where);
		snprintf(q, sizeof(q), "SELECT %s* FROM \"%s\"%s ORDER BY %s",
			 wr ? "" : "rowid, ", name, w, wr ? "1" : "rowid");
		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(st) == SQLITE_ROW)
			for (j = 0; j < sqlite3_column_count(st); j++) {
				const void *b = sqlite3_column_blob(st, j);
				char t = (char)('0' +
						sqlite3_column_type(st, j));

				sha_update(h, &t, 1);
				if (b)
					sha_update(h, b,
						   (size_t)sqlite3_column_bytes(
							   st, j));
			}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tl);
	sqlite3_close(db);
	sha_final_hex(h, out);
	sha_free(h);
}

/* integrity: PRAGMA integrity_check of the database at p is "ok". */
static int
integrity(const char *p)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ok = strcmp((const char *)sqlite3_column_text(st, 0),
				    "ok") == 0;
		if (!ok && sqlite3_column_text(st, 0))
			printf("# integrity_check: %s\n",
			       sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

/*
 * check_copy: copy src leaving out the rows `where` selects from table
 * (NULL: none), and compare with what SQLite shows of src without those
 * rows (rowids included: the copy keeps them); what is what is checked.
 * Returns dbcopy's answer.
 */
static int
check_copy(const char *table, const char *where, const char *what)
{
	struct rowset *rows = rowset_new();
	struct dbcopy_drop drop;
	char q[8192], a[65], b[65], why[256];
	sqlite3 *db;
	sqlite3_stmt *st;
	int r;

	if (table != NULL) {
		sqlite3_open(src, &db);
		snprintf(q, sizeof(q), "SELECT rowid FROM \"%s\" WHERE %s",
			 table, where);
		sqlite3_prepare_v2(db, q, -1, &st, NULL);
		while (sqlite3_step(st) == SQLITE_ROW)
			rowset_add(rows, sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	drop.table = table ? table : "none";
	drop.column = -1;
	drop.values = NULL;
	drop.matched = 0;
	drop.rows = rows;
	r = dbcopy(src, dst, &drop, 1, NULL, why, sizeof(why));
	if (r != 1) {
		CHECK(0, "%s: copied (%d: %s)", what, r, why);
		rowset_free(rows);
		return r;
	}
	digest(dst, NULL, NULL, a);
	digest(src, table, where, b);
	CHECK(a[0] && strcmp(a, b) == 0 && integrity(dst),
	      "%s: the copy shows what SQLite shows of the source without "
	      "those rows, and passes integrity_check (%lld rows left out)",
	      what, (long long)rowset_count(rows));
	rowset_free(rows);
	return r;
}

#define N(n) "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 " \
	     "FROM n WHERE i < " #n ") "

#define PEOPLE "CREATE TABLE s(id TEXT PRIMARY KEY, email TEXT, kind TEXT);" \
	       "CREATE INDEX s_email ON s(email);" \
	       "CREATE TABLE c(id INTEGER PRIMARY KEY, sid TEXT, body TEXT);" \
	       "CREATE INDEX c_sid ON c(sid);"                               \
	       "INSERT INTO s " N(3000) "SELECT printf('id-%05d', i), "     \
	       "'user' || i || '@example.com', CASE i % 3 WHEN 0 THEN "      \
	       "'lead' ELSE 'client' END FROM n;"                           \
	       "INSERT INTO c(sid, body) " N(15000) "SELECT "               \
	       "printf('id-%05d', (i * 7919) % 3000 + 1), 'message ' || i "  \
	       "|| ' ' || hex(randomblob(i % 90)) FROM n;"

static void
test_plain(void)
{
	static const int sizes[] = { 512, 1024, 4096, 65536 };
	char pre[128], what[128];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(pre, sizeof(pre), "PRAGMA page_size = %d;", sizes[i]);
		make("plain", pre, PEOPLE);
		snprintf(what, sizeof(what), "page size %d, nothing left out",
			 sizes[i]);
		check_copy(NULL, NULL, what);
		snprintf(what, sizeof(what), "page size %d, a third of the "
			 "messages left out", sizes[i]);
		check_copy("c", "sid IN (SELECT id FROM s WHERE kind = "
				"'lead')", what);
		snprintf(what, sizeof(what), "page size %d, subjects left out "
			 "(an index on a TEXT key and an autoindex)", sizes[i]);
		check_copy("s", "kind = 'lead'", what);
		snprintf(what, sizeof(what), "page size %d, every row left out",
			 sizes[i]);
		check_copy("c", "1", what);
	}
	make("empty", "", "CREATE TABLE e(x);");
	check_copy(NULL, NULL, "an empty table");
	make("none", "", "PRAGMA user_version = 7;");
	check_copy(NULL, NULL, "a database with no tables");
	make("edge", "", "CREATE TABLE t(a); CREATE INDEX t_a ON t(a);"
		 "INSERT INTO t(rowid, a) VALUES (-9223372036854775808, 1), "
		 "(-5, NULL), (0, x''), (1, ''), (127, 1.5), (128, 'x'), "
		 "(9223372036854775807, zeroblob(10));");
	check_copy("t", "rowid IN (-5, 128)", "extreme and negative rowids, "
		   "empty and NULL values");
}

static void
test_overflow(void)
{
	make("big", "PRAGMA page_size = 1024;",
	     "CREATE TABLE b(id INTEGER PRIMARY KEY, k TEXT, v BLOB);"
	     "CREATE INDEX b_k ON b(k);"
	     "INSERT INTO b(k, v) " N(400) "SELECT printf('%0*d', 200 + "
	     "(i * 37) % 3000, i), randomblob((i * 131) % 20000) FROM n;");
	check_copy(NULL, NULL, "overflow pages in rows and index entries");
	check_copy("b", "id % 3 = 0", "overflow pages, a third left out "
		   "(index entries whose rowid is on an overflow page)");
	make("huge", "", "CREATE TABLE h(v BLOB);"
			 "INSERT INTO h VALUES (randomblob(3000000));"
			 "INSERT INTO h VALUES (randomblob(10));");
	check_copy("h", "rowid = 2", "a value of 3 MB");
}

static void
test_shapes(void)
{
	char sql[1 << 16];
	size_t n = 0;
	int i;

	make("deep", "PRAGMA page_size = 512;",
	     "CREATE TABLE d(x TEXT); CREATE INDEX d_x ON d(x);"
	     "INSERT INTO d " N(60000) "SELECT hex(randomblob(8)) FROM n;");
	check_copy("d", "rowid % 10 <> 0", "a deep b-tree (512-byte pages, "
		   "60,000 rows), nine in ten left out");
	check_copy("d", "rowid % 10 = 0", "the same, one in ten left out");
	make("norowid", "",
	     "CREATE TABLE w(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"
	     "CREATE INDEX w_v ON w(v);"
	     "INSERT INTO w " N(5000) "SELECT 'k' || i, 'v' || (i % 50) "
	     "FROM n;"
	     "CREATE TABLE r(x); INSERT INTO r " N(100) "SELECT i FROM n;");
	check_copy("r", "x < 50", "a WITHOUT ROWID table and its index "
		   "copied beside a filtered table");
	/* a schema over several pages, records on overflow pages, and one
	 * too large to sit on page 1 beside the file header */
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
				      "CREATE TABLE t%d(a, b, c); CREATE "
				      "INDEX t%d_a ON t%d(a); INSERT INTO t%d "
				      "VALUES (%d, 'x', NULL);", i, i, i, i, i);
	make("schema", "", sql);
	check_copy("t7", "1", "a schema of 600 b-trees");
	snprintf(sql, sizeof(sql), "CREATE TABLE long(a DEFAULT '%0*d');"
		 "INSERT INTO long DEFAULT VALUES;", 9000, 0);
	make("longschema", "PRAGMA page_size = 1024;", sql);
	check_copy(NULL, NULL, "a schema record on overflow pages");
	snprintf(sql, sizeof(sql), "CREATE TABLE one(a DEFAULT '%0*d');",
		 3950, 0);
	make("page1", "", sql);
	check_copy(NULL, NULL, "one schema record too large for page 1");
	make("view", "", "CREATE TABLE v1(a); CREATE VIEW vv AS SELECT * "
			 "FROM v1; CREATE TRIGGER tr AFTER INSERT ON v1 BEGIN "
			 "SELECT 1; END; INSERT INTO v1 VALUES (1), (2);"
			 "CREATE TABLE q(id INTEGER PRIMARY KEY "
			 "AUTOINCREMENT, x); INSERT INTO q(x) VALUES (1), (2);"
			 "ANALYZE;");
	check_copy("q", "x = 1", "views, triggers, sqlite_sequence and "
		   "sqlite_stat1 kept as they are");
}

/* has_bytes: whether the file at p holds the string m. */
static int
has_bytes(const char *p, const char *m)
{
	FILE *fp = fopen(p, "rb");
	size_t n = strlen(m), len = 0, cap = 0, k;
	char *buf = NULL;
	int found = 0;

	if (fp == NULL)
		return 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (buf == NULL)
				exit(2);
		}
		k = fread(buf + len, 1, cap - len, fp);
		if (k == 0)
			break;
		len += k;
	}
	fclose(fp);
	for (k = 0; !found && k + n <= len; k++)
		found = memcmp(buf + k, m, n) == 0;
	free(buf);
	return found;
}

/* patch: write n bytes of b at offset off of the file at p. */
static void
patch(const char *p, long off, const void *b, size_t n)
{
	FILE *fp = fopen(p, "r+b");

	if (fp == NULL || fseek(fp, off, SEEK_SET) != 0 ||
	    fwrite(b, 1, n, fp) != n) {
		printf("# cannot patch %s\n", p);
		exit(2);
	}
	fclose(fp);
}

/* root_of: the root page of b-tree name in the database at p (0 if
 * none). */
static int
root_of(const char *p, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int root = 0;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE "
			       "name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			root = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return root;
}

#define FEATURES                                                             \
	"CREATE TABLE c(id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT "   \
	"UNIQUE, phone TEXT, oid TEXT, body TEXT, n INT, g1 TEXT GENERATED " \
	"ALWAYS AS (lower(email)) VIRTUAL, g2 INT GENERATED ALWAYS AS "      \
	"(n * 2) STORED, UNIQUE(phone, n));"                                 \
	"CREATE INDEX c_part ON c(n) WHERE n % 2 = 0;"                       \
	"CREATE INDEX c_expr ON c(substr(body, 1, 40), length(body));"       \
	"CREATE INDEX c_g1 ON c(g1); CREATE INDEX c_body ON c(body, g2);"    \
	"CREATE TABLE w(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"          \
	"CREATE INDEX w_v ON w(v);"                                          \
	"CREATE TABLE e(x UNIQUE); CREATE INDEX e_x ON e(x DESC);"           \
	"CREATE VIRTUAL TABLE f USING fts5(body);"                           \
	"CREATE VIRTUAL TABLE r USING rtree(id, x0, x1);"                    \
	"INSERT INTO c(email, phone, oid, body, n) " N(400) "SELECT 'user' " \
	"|| i || '@example.com', printf('+4477009%05d', i), 'o' || i, CASE " \
	"WHEN i % 17 = 0 THEN 'long ' || i || ' ' || hex(randomblob(400 + "  \
	"i * 7)) ELSE 'body ' || i END, i FROM n;"                           \
	"INSERT INTO w " N(200) "SELECT 'k' || i, 'v' || (i % 13) FROM n;"   \
	"INSERT INTO f SELECT body FROM c WHERE id % 5 = 0;"                 \
	"INSERT INTO r SELECT id, n, n + 1 FROM c WHERE id % 7 = 0;"         \
	"ANALYZE;"

/*
 * test_features: at every page size, a table with what an application's
 * table may have (autoindexes, a partial, an expression index, an index
 * on a generated column, a column named oid, long values in rows and
 * index entries), beside a WITHOUT ROWID table, an empty table, virtual
 * tables (FTS5, R*Tree) with their shadow tables, sqlite_sequence and
 * sqlite_stat1; a third of its rows left out, whose bytes are then in no
 * page of the copy.
 */
static void
test_features(void)
{
	char pre[128], what[160];
	int size;

	for (size = 512; size <= 65536; size *= 2) {
		snprintf(pre, sizeof(pre), "PRAGMA page_size = %d;", size);
		make("features", pre, FEATURES);
		snprintf(what, sizeof(what), "page size %d, every kind of "
			 "b-tree, a third of the rows left out", size);
		check_copy("c", "id % 3 = 0", what);
		CHECK(!has_bytes(dst, "user3@example.com") &&
		      !has_bytes(dst, "+447700900003") &&
		      !has_bytes(dst, "long 51 ") &&
		      has_bytes(dst, "user4@example.com"),
		      "page size %d: no byte of a row left out is in the copy "
		      "(its email, its phone, its long body)", size);
	}
	make("deepidx", "PRAGMA page_size = 512;",
	     "CREATE TABLE d(k TEXT); CREATE INDEX d_k ON d(k);"
	     "INSERT INTO d " N(6000) "SELECT printf('%0100d', i * 7919 % "
	     "6000) FROM n;");
	check_copy("d", "rowid % 4 = 1", "an index of keys as long as a "
		   "512-byte page keeps (four to a page: a deep tree)");
}

/*
 * test_free_space: free pages and the free space of pages (deleted rows'
 * bytes, with secure_delete off) are never copied; nor are bytes past
 * the page count in the header.
 */
static void
test_free_space(void)
{
	static const unsigned char junk[4096] = { 'j', 'u', 'n', 'k', '!' };
	unsigned char b[4];
	char why[256];
	long size;
	FILE *fp;

	make("free", "PRAGMA page_size = 1024; PRAGMA secure_delete = OFF;",
	     "CREATE TABLE c(id INTEGER PRIMARY KEY, v TEXT);"
	     "CREATE INDEX c_v ON c(v);"
	     "INSERT INTO c(v) " N(600) "SELECT 'deleted-' || i || "
	     "printf('%0*d', i % 300, 0) FROM n;"
	     "DELETE FROM c WHERE id % 2 = 0 OR id > 300;"
	     "UPDATE c SET v = 'kept-' || id;");
	CHECK(has_bytes(src, "deleted-2"), "the source keeps deleted rows' "
	      "bytes in its free pages and free space");
	check_copy(NULL, NULL, "a source with free pages and deleted rows");
	CHECK(!has_bytes(dst, "deleted-"), "no byte of a deleted row is in "
	      "the copy");
	/* pages past the page count in the header (valid: 24 = 92) are
	 * not the database's, to SQLite as to the copy */
	fp = fopen(src, "rb");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	patch(src, size, junk, sizeof(junk));
	check_copy("c", "id % 3 = 0", "bytes after the pages the header "
		   "counts");
	CHECK(!has_bytes(dst, "junk!"), "they are not copied");
	/* the header's reserved bytes (SQLite never reads them) */
	patch(src, 72, "x@example.com", 13);
	check_copy(NULL, NULL, "bytes in the header's reserved space");
	CHECK(!has_bytes(dst, "x@example.com"), "they are not copied");
	/* a header count larger than the file: not covered */
	b[0] = 0, b[1] = 0x10, b[2] = 0, b[3] = 0;
	patch(src, 28, b, 4);
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0,
	      "a header page count past the end of the file: not covered "
	      "(%s)", why);
	/* an invalid count (24 != 92): the file's size counts, as SQLite
	 * does */
	b[3] = 0x55;
	patch(src, 92, b, 4);
	check_copy("c", "id % 3 = 0", "a header page count that is not "
		   "valid: the file's size is used");
}

/*
 * test_cycles: pages that lead back to a page already read (a b-tree
 * whose child is its root or page 1, an overflow chain that loops, two
 * b-trees sharing a page) are not covered, and found at once.
 */
static void
test_cycles(void)
{
	unsigned char page[512], b[4];
	char why[256];
	int root, i;
	FILE *fp;

	for (i = 0; i < 4; i++) {
		make("cycle", "PRAGMA page_size = 512;",
		     "CREATE TABLE c(id INTEGER PRIMARY KEY, v TEXT);"
		     "CREATE TABLE o(x);"
		     "INSERT INTO c(v) " N(300) "SELECT printf('%0*d', "
		     "20 + i * 3, i) FROM n;"
		     "INSERT INTO c(v) VALUES (printf('%03000d', 1));"
		     "INSERT INTO o VALUES (1);");
		root = root_of(src, "c");
		fp = fopen(src, "rb");
		fseek(fp, (long)(root - 1) * 512, SEEK_SET);
		if (fread(page, 1, 512, fp) != 512 || page[0] != 5) {
			fclose(fp);
			CHECK(0, "a cycle: the root is an interior page");
			return;
		}
		fclose(fp);
		if (i == 0) {		/* the root's right child: itself */
			dbc_put32(b, (uint32_t)root);
			patch(src, (long)(root - 1) * 512 + 8, b, 4);
		} else if (i == 1) {	/* a child: page 1 */
			dbc_put32(b, 1);
			patch(src, (long)(root - 1) * 512 +
					   sqlfmt_get16(page + 12), b, 4);
		} else if (i == 2) {	/* another table's root: o's */
			dbc_put32(b, (uint32_t)root_of(src, "o"));
			patch(src, (long)(root - 1) * 512 + 8, b, 4);
		} else {		/* an overflow page that loops */
			sqlite3 *db;
			sqlite3_stmt *st;
			int pg = 0;

			sqlite3_open(src, &db);
			/* the first of a chain of more than one */
			if (sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat "
					       "AS a WHERE name = 'c' AND path "
					       "LIKE '%+000000' AND EXISTS ("
					       "SELECT 1 FROM dbstat AS b "
					       "WHERE b.name = 'c' AND b.path "
					       "= substr(a.path, 1, length("
					       "a.path) - 7) || '+000001')",
					       -1, &st, NULL) == SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				pg = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
			sqlite3_close(db);
			dbc_put32(b, (uint32_t)pg);
			patch(src, (long)(pg - 1) * 512, b, 4);
		}
		CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0 &&
		      access(dst, F_OK) != 0,
		      "a page reached twice (%s): not covered (%s)",
		      i == 0 ? "a root its own child" : i == 1 ? "page 1 a "
		      "child" : i == 2 ? "another table's root a child" :
		      "an overflow chain that loops", why);
	}
}

/*
 * test_shared_cells: an index page whose 3,000 cell pointers all point to
 * one 16 KB cell (quick_check finds that) would be 48 MB of copy from a
 * file of 192 KB; a copy larger than its source is not covered.
 */
static void
test_shared_cells(void)
{
	static unsigned char page[65536];
	char why[256];
	long root;
	int i;
	FILE *fp;

	make("cells", "PRAGMA page_size = 65536;",
	     "CREATE TABLE c(k TEXT); CREATE INDEX c_k ON c(k);"
	     "INSERT INTO c VALUES (printf('%016000d', 1));");
	root = root_of(src, "c_k");
	fp = fopen(src, "rb");
	if (fp == NULL || fseek(fp, (root - 1) * 65536, SEEK_SET) != 0 ||
	    fread(page, 1, sizeof(page), fp) != sizeof(page) ||
	    page[0] != 10) {
		CHECK(0, "shared cells: the index page is there");
		if (fp)
			fclose(fp);
		return;
	}
	fclose(fp);
	dbc_put16(page + 3, 3000);
	for (i = 1; i < 3000; i++)
		memcpy(page + 8 + 2 * i, page + 8, 2);
	patch(src, (root - 1) * 65536, page, sizeof(page));
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0 &&
	      access(dst, F_OK) != 0,
	      "an index page whose cell pointers share one cell: not covered "
	      "(%s)", why);
}

/*
 * test_schema_order: the schema's rows are read in the order of their
 * rowids, and written in that order: a schema b-tree whose rowids are
 * not in order is not covered (its copy would be a b-tree out of
 * order).
 */
static void
test_schema_order(void)
{
	unsigned char page1[1024], one = 1;
	char why[256];
	FILE *fp;

	make("order", "PRAGMA page_size = 1024;",
	     "CREATE TABLE a(x); CREATE TABLE b(y); INSERT INTO b VALUES (1);");
	fp = fopen(src, "rb");
	if (fp == NULL || fread(page1, 1, sizeof(page1), fp) != sizeof(page1) ||
	    page1[100] != 13 || sqlfmt_get16(page1 + 103) != 2) {
		CHECK(0, "a schema out of order: page 1 is one leaf");
		if (fp)
			fclose(fp);
		return;
	}
	fclose(fp);
	/* the second row's rowid (after a 1-byte payload size): 1 */
	patch(src, (long)sqlfmt_get16(page1 + 110) + 1, &one, 1);
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0,
	      "a schema whose rowids are not in order: not covered (%s)", why);
}

/* quick: PRAGMA quick_check of the database at p is "ok". */
static int
quick(const char *p)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st,
			       NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW &&
		     strcmp((const char *)sqlite3_column_text(st, 0), "ok") ==
			     0;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

/* not_covered: dbcopy of src leaving out rowid 2 of table gives up, and
 * leaves no copy. */
static int
not_covered(const char *table, char *why, size_t whylen)
{
	struct rowset *rows = rowset_new();
	struct dbcopy_drop drop;
	int r;

	rowset_add(rows, 2);
	drop.table = table;
	drop.column = -1;
	drop.values = NULL;
	drop.matched = 0;
	drop.rows = rows;
	r = dbcopy(src, dst, &drop, 1, NULL, why, whylen);
	rowset_free(rows);
	return r == 0 && access(dst, F_OK) != 0;
}

#define HOSTILE_BASE "CREATE TABLE s(id INTEGER PRIMARY KEY, email TEXT "    \
		     "UNIQUE, name TEXT); CREATE INDEX s_name ON s(name);"     \
		     "CREATE TABLE o(x UNIQUE);"                               \
		     "INSERT INTO s VALUES (1, 'kept@example.com', 'Kept'), "  \
		     "(2, 'gone@example.com', 'Gone'), (3, 'k3@example.com', " \
		     "'K3'); INSERT INTO o VALUES ('a'), ('b');"               \
		     "PRAGMA writable_schema = ON;"

/*
 * test_hostile_schema: law 7: the schema of an archived database is the
 * archive's.  SQLite reads a schema row's values as text and finds the
 * index made for a PRIMARY KEY or UNIQUE constraint by its name, not by
 * its tbl_name; so a schema that says one thing to SQLite and another to
 * a reader of its bytes passes quick_check, and would have had the copy
 * keep the left-out rows' index entries (their emails) or drop another
 * table's.  Each is given up (the rows then go through SQLite).
 */
static void
test_hostile_schema(void)
{
	char why[256];

	make("h_auto", "", HOSTILE_BASE "UPDATE sqlite_schema SET tbl_name = "
	     "'o' WHERE name = 'sqlite_autoindex_s_1';");
	CHECK(quick(src) && not_covered("s", why, sizeof(why)),
	      "an autoindex whose tbl_name names another table: passes "
	      "quick_check, not covered (%s)", why);
	make("h_auto3", "", HOSTILE_BASE "UPDATE sqlite_schema SET tbl_name = "
	     "'o', sql = '' WHERE name = 'sqlite_autoindex_s_1';");
	CHECK(quick(src) && not_covered("s", why, sizeof(why)),
	      "the same with sql '' instead of NULL: not covered (%s)", why);
	make("h_auto2", "", HOSTILE_BASE "UPDATE sqlite_schema SET tbl_name = "
	     "'s' WHERE name = 'sqlite_autoindex_o_1';");
	CHECK(quick(src) && not_covered("s", why, sizeof(why)),
	      "another table's autoindex whose tbl_name names the table rows "
	      "are left out of: not covered (%s)", why);
	make("h_blob", "", HOSTILE_BASE "UPDATE sqlite_schema SET tbl_name = "
	     "CAST(tbl_name AS BLOB) WHERE name = 's_name';");
	CHECK(quick(src) && not_covered("s", why, sizeof(why)),
	      "an index whose tbl_name is a blob: passes quick_check, not "
	      "covered (%s)", why);
	make("h_root", "", HOSTILE_BASE "UPDATE sqlite_schema SET rootpage = "
	     "CAST(rootpage AS BLOB) WHERE name = 's_name';");
	CHECK(not_covered("s", why, sizeof(why)),
	      "a rootpage that is not an integer: not covered (%s)", why);
	/* an index row without sql is the index of that name, whatever its
	 * tbl_name: one defined by an earlier row, here with no b-tree of
	 * its own (rootpage 0) and then none but this one */
	make("h_dup", "", HOSTILE_BASE "INSERT INTO sqlite_schema VALUES "
	     "('index', 'sqlite_autoindex_o_9', 'o', (SELECT rootpage FROM "
	     "sqlite_schema WHERE name = 's_name'), NULL);"
	     "UPDATE sqlite_schema SET name = 'sqlite_autoindex_o_9', sql = "
	     "'CREATE INDEX sqlite_autoindex_o_9 ON s(name)', rootpage = 0 "
	     "WHERE name = 's_name';");
	CHECK(quick(src) && not_covered("s", why, sizeof(why)),
	      "an index row without sql naming an index defined before (with "
	      "rootpage 0): passes quick_check, not covered (%s)", why);
	make("h_dup2", "", HOSTILE_BASE "CREATE INDEX spare ON o(x);"
	     "INSERT INTO sqlite_schema VALUES ('index', "
	     "'sqlite_autoindex_o_9', 'o', (SELECT rootpage FROM "
	     "sqlite_schema WHERE name = 'spare'), NULL);"
	     "DELETE FROM sqlite_schema WHERE name = 'spare';"
	     "UPDATE sqlite_schema SET name = 'sqlite_autoindex_o_9', sql = "
	     "'CREATE INDEX sqlite_autoindex_o_9 ON s(name)' WHERE name = "
	     "'s_name';");
	CHECK(not_covered("s", why, sizeof(why)),
	      "the same with a rootpage of its own: not covered (%s)", why);
	/* the autoindex names of tables whose names end in _N are read
	 * right */
	make("h_names", "", "CREATE TABLE \"t_2\"(a UNIQUE, b UNIQUE);"
	     "CREATE TABLE \"T_2_1\"(a PRIMARY KEY, b);"
	     "INSERT INTO t_2 " N(200) "SELECT 'a' || i, 'b' || i FROM n;"
	     "INSERT INTO t_2_1 " N(200) "SELECT 'a' || i, 'b' || i FROM n;");
	check_copy("t_2", "rowid % 2 = 0", "autoindexes of tables named "
		   "t_2 and T_2_1, rows of t_2 left out");
	check_copy("T_2_1", "rowid % 2 = 0", "the same, rows of T_2_1 left "
		   "out");
}

/*
 * test_shared_chain: two index entries whose records go on through the
 * same overflow pages (quick_check finds that) are not covered, even
 * when both are left out: each page of a chain is read once, so a
 * hostile file cannot make the copy read a long chain once per entry.
 */
static void
test_shared_chain(void)
{
	unsigned char page[512];
	uint32_t off[2], len;
	sqlite3 *db;
	sqlite3_stmt *st;
	char why[256];
	int root = 0, i;
	FILE *fp;

	make("shared", "PRAGMA page_size = 512;",
	     "CREATE TABLE c(k TEXT); CREATE INDEX c_k ON c(k);"
	     "INSERT INTO c VALUES ('short'), (printf('%0*d', 1000, 1)), "
	     "(printf('%0*d', 1000, 2));");
	sqlite3_open(src, &db);
	if (sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema "
				   "WHERE name = 'c_k'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		root = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	fp = fopen(src, "r+b");
	if (fp == NULL || root < 2 ||
	    fseek(fp, (long)(root - 1) * 512, SEEK_SET) != 0 ||
	    fread(page, 1, 512, fp) != 512 || page[0] != 10) {
		CHECK(0, "a shared chain: the index page is there");
		if (fp)
			fclose(fp);
		return;
	}
	/* the two long entries (rowids 2 and 3, which end their records
	 * on their last overflow page): payload size (a 2-byte varint),
	 * the bytes on the page, the first overflow page */
	for (i = 0; i < 2; i++)
		off[i] = sqlfmt_get16(page + 8 + 2 * i);
	len = 2 + dbc_local(512, 0, (uint64_t)(page[off[0]] & 0x7f) << 7 |
					    page[off[0] + 1]);
	memcpy(page + off[1] + len, page + off[0] + len, 4);
	fseek(fp, (long)(root - 1) * 512, SEEK_SET);
	fwrite(page, 1, 512, fp);
	fclose(fp);
	{
		struct rowset *rows = rowset_new();
		struct dbcopy_drop drop = { "c", rows, -1, NULL, 0 };

		rowset_add(rows, 2);
		rowset_add(rows, 3);
		CHECK(!quick(src) && dbcopy(src, dst, &drop, 1, NULL, why,
					    sizeof(why)) == 0,
		      "two index entries sharing their overflow pages, both "
		      "left out: not covered (%s)", why);
		rowset_free(rows);
	}
}

/*
 * test_lock_page: the page holding SQLite's lock byte (PENDING_BYTE, at
 * 1 GiB) is never a page of a b-tree or an overflow chain, in the source
 * or in the copy.  SQLite lets a test move the lock byte to 64 KiB, so
 * that databases crossing it are small; dbcopy follows it.
 */
static void
test_lock_page(void)
{
	static const int sizes[] = { 512, 1024, 4096, 65536 };
	char pre[128], what[160];
	int old = sqlite3_test_control(SQLITE_TESTCTRL_PENDING_BYTE, 0x10000u);
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(pre, sizeof(pre), "PRAGMA page_size = %d;", sizes[i]);
		make("lock", pre,
		     "CREATE TABLE l(id INTEGER PRIMARY KEY, k TEXT, v BLOB);"
		     "CREATE INDEX l_k ON l(k);"
		     "INSERT INTO l(k, v) " N(300) "SELECT printf('%0*d', "
		     "(i * 41) % 700, i), randomblob((i * 97) % 2500) FROM n;"
		     "INSERT INTO l(k, v) VALUES ('big', randomblob(300000));");
		snprintf(what, sizeof(what), "page size %d, lock byte at 64 "
			 "KiB, nothing left out", sizes[i]);
		check_copy(NULL, NULL, what);
		snprintf(what, sizeof(what), "page size %d, lock byte at 64 "
			 "KiB, a third left out", sizes[i]);
		check_copy("l", "id % 3 = 1", what);
		snprintf(what, sizeof(what), "page size %d, lock byte at 64 "
			 "KiB, all but a few left out (a copy short of it)",
			 sizes[i]);
		check_copy("l", "id > 3", what);
	}
	sqlite3_test_control(SQLITE_TESTCTRL_PENDING_BYTE,
			     (unsigned int)old);
	if (getenv("LETHE_TEST_BIG") == NULL)
		return;
	/* where it is (1 GiB): about 2.3 GB of disk and a few seconds */
	make("lockbig", "PRAGMA page_size = 65536; PRAGMA journal_mode = OFF;",
	     "CREATE TABLE l(id INTEGER PRIMARY KEY, k TEXT, v BLOB);"
	     "CREATE INDEX l_k ON l(k);"
	     "INSERT INTO l(k, v) " N(3) "SELECT printf('%0*d', 70000, i), "
	     "zeroblob(370000000) FROM n;"
	     "INSERT INTO l(k, v) " N(2000) "SELECT printf('%0*d', 3000 + i, "
	     "i), randomblob(i * 10) FROM n;");
	check_copy("l", "id % 7 = 5", "a copy of 1.1 GB, over the lock byte "
		   "where SQLite keeps it (LETHE_TEST_BIG)");
	unlink(src);
	unlink(dst);
}

static void
test_uncovered(void)
{
	struct rowset *rows = rowset_new();
	struct dbcopy_drop drop = { "w", rows, -1, NULL, 0 };
	char why[256];

	make("autovac", "PRAGMA auto_vacuum = FULL;", "CREATE TABLE a(x);");
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0 &&
	      access(dst, F_OK) != 0,
	      "auto-vacuum: not covered, no copy left (%s)", why);
	make("utf16", "PRAGMA encoding = 'UTF-16le';", "CREATE TABLE a(x);");
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0,
	      "UTF-16: not covered (%s)", why);
	make("reserved", "", "CREATE TABLE a(x);");
	{
		FILE *fp = fopen(src, "r+b");

		fseek(fp, 20, SEEK_SET);
		fputc(8, fp);
		fclose(fp);
	}
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == 0,
	      "reserved bytes: not covered (%s)", why);
	make("wr", "", "CREATE TABLE w(k PRIMARY KEY) WITHOUT ROWID;"
		       "INSERT INTO w VALUES (1);");
	rowset_add(rows, 1);
	CHECK(dbcopy(src, dst, &drop, 1, NULL, why, sizeof(why)) == 0,
	      "rows to leave out of a WITHOUT ROWID table: not covered (%s)",
	      why);
	{
		struct rowset *other = rowset_new();
		struct dbcopy_drop two[2] = { { "r", rows, -1, NULL, 0 },
					    { "R", other, -1, NULL, 0 } };

		make("twice", "", "CREATE TABLE r(x); INSERT INTO r VALUES "
				  "(1), (2);");
		rowset_add(other, 2);
		CHECK(dbcopy(src, dst, two, 2, NULL, why, sizeof(why)) == 0,
		      "a table named twice, with rows in both sets: not "
		      "covered (%s)", why);
		rowset_free(other);
	}
	drop.table = "missing";
	drop.column = -1;
	drop.values = NULL;
	drop.matched = 0;
	CHECK(dbcopy(src, dst, &drop, 1, NULL, why, sizeof(why)) == 0,
	      "rows to leave out of a table that is not there: not covered "
	      "(%s)", why);
	snprintf(src, sizeof(src), "%s/missing.db", dir);
	capture_begin();
	CHECK(dbcopy(src, dst, NULL, 0, NULL, why, sizeof(why)) == -1,
	      "a missing source: an error");
	capture_end();
	rowset_free(rows);
}

/*
 * test_mangled: law 7: 400 copies of a database with bytes changed at
 * random are each copied without a fault (the ASan build checks every
 * access): given up, or copied into a file SQLite can open.
 */
static void
test_mangled(void)
{
	static unsigned char seed[1 << 21], copy[1 << 21];
	struct rowset *rows = rowset_new();
	struct dbcopy_drop drop = { "c", rows, -1, NULL, 0 };
	char why[256];
	FILE *fp;
	size_t n;
	int i, k, copied = 0, faults = 0;

	make("mseed", "PRAGMA page_size = 1024;",
	     "CREATE TABLE c(id INTEGER PRIMARY KEY, sid TEXT, body TEXT);"
	     "CREATE INDEX c_sid ON c(sid);"
	     "INSERT INTO c(sid, body) " N(800) "SELECT 's' || (i % 40), "
	     "printf('%0*d', (i * 53) % 1500, i) FROM n;");
	for (i = 1; i <= 800; i += 3)
		rowset_add(rows, i);
	fp = fopen(src, "rb");
	n = fp ? fread(seed, 1, sizeof(seed), fp) : 0;
	if (fp)
		fclose(fp);
	snprintf(src, sizeof(src), "%s/mangled.db", dir);
	srand(11);
	for (i = 0; i < 400 && n > 0; i++) {
		int r;

		memcpy(copy, seed, n);
		for (k = 1 + rand() % 12; k > 0; k--) {
			size_t at = (size_t)rand() % n;

			/* half the time within the first pages: headers */
			if (rand() % 2)
				at %= 4096;
			copy[at] = (unsigned char)rand();
		}
		fp = fopen(src, "wb");
		fwrite(copy, 1, n, fp);
		fclose(fp);
		capture_begin();
		r = dbcopy(src, dst, &drop, 1, NULL, why, sizeof(why));
		capture_end();
		if (r == 1)
			copied++;
		else if (r != 0)
			faults++;
	}
	CHECK(faults == 0 && copied > 0,
	      "400 mangled databases: each copied or given up (%d copied), "
	      "never a fault", copied);
	rowset_free(rows);
}

static void
test_rowset(void)
{
	struct rowset *s = rowset_new();
	int64_t i;
	int ok = 1;

	for (i = -1000; i < 200000; i += 3)
		ok &= rowset_add(s, i) == 1;
	ok &= rowset_add(s, 2) == 0 && rowset_add(s, INT64_MIN) == 1 &&
	      rowset_add(s, INT64_MAX) == 1;
	for (i = -1000; i < 200000; i++)
		ok &= rowset_has(s, i) == ((i + 1000) % 3 == 0);
	ok &= rowset_has(s, INT64_MIN) && rowset_has(s, INT64_MAX) &&
	      !rowset_has(s, INT64_MAX - 1) && !rowset_has(NULL, 1);
	CHECK(ok && rowset_count(s) == 67002,
	      "rowset: adds, finds, counts (negative and extreme rowids)");
	rowset_free(s);
}

/*
 * by_value: copy src leaving out the rows of table whose field `column`
 * is one of the strings vals[0..n); the copy must show what SQLite shows
 * of the source without the rows `where` selects (rowids kept), pass
 * integrity_check, and count them.  Returns dbcopy's answer (why set).
 */
static int
by_value(const char *table, int column, const char *const *vals, int n,
	 const char *where, const char *what, char *why, size_t whylen)
{
	struct rowset *rows = rowset_new();
	struct strset *set = strset_new();
	struct dbcopy_drop drop;
	char a[65], b[65], q[512];
	sqlite3 *db;
	int64_t want = -1;
	int i, r;

	for (i = 0; i < n; i++)
		strset_add(set, vals[i], strlen(vals[i]));
	drop.table = table;
	drop.rows = rows;
	drop.column = column;
	drop.values = set;
	drop.matched = 0;
	r = dbcopy(src, dst, &drop, 1, NULL, why, whylen);
	if (r == 1) {
		sqlite3_open(src, &db);
		snprintf(q, sizeof(q), "SELECT count(*) FROM \"%s\" NOT "
			 "INDEXED WHERE %s", table, where);
		{
			sqlite3_stmt *st;

			sqlite3_prepare_v2(db, q, -1, &st, NULL);
			if (sqlite3_step(st) == SQLITE_ROW)
				want = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
		digest(dst, NULL, NULL, a);
		digest(src, table, where, b);
		CHECK(a[0] && strcmp(a, b) == 0 && integrity(dst) &&
			      drop.matched == want &&
			      rowset_count(rows) == want,
		      "%s: the rows whose column holds one of the values are "
		      "left out, with their index entries (%lld of %lld)", what,
		      (long long)drop.matched, (long long)want);
	}
	strset_free(set);
	rowset_free(rows);
	return r;
}

/*
 * test_by_value: the filter leaves out an erased subject's rows by their
 * subject column, read from the table itself: a hostile index that does
 * not list them cannot hide them; text only, compared byte for byte;
 * a row without the column (added later) is not covered.
 */
static void
test_by_value(void)
{
	static const char *const ids[] = { "id-00003", "id-00006",
					   "id-02997", "not-there" };
	static const char *const empty[] = { "" };
	char why[256];

	make("value", "PRAGMA page_size = 1024;", PEOPLE
	     "INSERT INTO c(sid, body) VALUES (CAST('id-00003' AS BLOB), "
	     "'a blob, not text'), ('ID-00003', 'capitals'), (NULL, 'none'), "
	     "('', 'empty');");
	by_value("c", 1, ids, 4, "CAST(sid AS TEXT) = sid AND sid IN "
		 "('id-00003', 'id-00006', 'id-02997')", "by subject id",
		 why, sizeof(why));
	by_value("s", 0, ids, 4, "id IN ('id-00003', 'id-00006', "
		 "'id-02997')", "the subjects table by its id", why,
		 sizeof(why));
	by_value("c", 1, empty, 1, "sid = ''", "an empty value", why,
		 sizeof(why));
	/* an index that leaves out the rows of id-00003, claiming all */
	make("lying", "", PEOPLE
	     "DROP INDEX c_sid; CREATE INDEX c_sid ON c(sid) WHERE sid <> "
	     "'id-00003'; PRAGMA writable_schema = ON; UPDATE sqlite_schema "
	     "SET sql = 'CREATE INDEX c_sid ON c(sid)' WHERE name = 'c_sid';");
	CHECK(by_value("c", 1, ids, 1, "sid = 'id-00003'", "an index that "
		       "hides the rows", why, sizeof(why)) == 1,
	      "a lying index: copied");
	make("added", "", "CREATE TABLE t(a TEXT); INSERT INTO t VALUES "
			  "('x'); ALTER TABLE t ADD COLUMN b TEXT;"
			  "INSERT INTO t VALUES ('y', 'id-00003');");
	CHECK(by_value("t", 1, ids, 1, "b = 'id-00003'", "a column added "
		       "later", why, sizeof(why)) == 0 &&
	      access(dst, F_OK) != 0,
	      "a row without the column (added later): not covered (%s)",
	      why);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_rowset();
	test_plain();
	test_overflow();
	test_shapes();
	test_features();
	test_free_space();
	test_cycles();
	test_schema_order();
	test_shared_cells();
	test_lock_page();
	test_hostile_schema();
	test_shared_chain();
	test_by_value();
	test_uncovered();
	test_mangled();
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
