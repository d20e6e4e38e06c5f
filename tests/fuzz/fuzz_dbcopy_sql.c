/*
 * fuzz_dbcopy_sql.c: a libFuzzer harness for dbcopy() on sound databases
 * of every shape (see README).
 *
 * Each input is read as a recipe: a page size, tables (rowid or WITHOUT
 * ROWID, with UNIQUE constraints, plain, partial and expression indexes),
 * rows whose values are NULL, integers, or text and blobs of lengths
 * around what a page keeps, and which rows of table t0 to leave out.
 * SQLite makes the database; dbcopy must copy it (a sound database is
 * always covered), the copy must pass integrity_check and show what
 * SQLite shows of the source without those rows.  Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbcopy.h"
#include "rowset.h"

#define BUDGET (3 << 20)	/* bytes of values per database */

struct recipe {
	const uint8_t *p;
	size_t n;
};

static unsigned
b8(struct recipe *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static unsigned
b16(struct recipe *r)
{
	unsigned hi = b8(r);

	return hi << 8 | b8(r);
}

static char src[256], dst[256];
static struct rowset *drop;

static void
fn_dropped(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(cx, rowset_has(drop,
					  sqlite3_value_int64(argv[0])));
}

static void
run(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "recipe: %s: %s\n", sql, err);
		abort();
	}
}

static void
mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		*h = (*h ^ *b++) * 1099511628211ULL;
}

/* digest: the schema and every table's rows; with filter, not t0's
 * dropped rows */
static uint64_t
digest(sqlite3 *db, int filter)
{
	sqlite3_stmt *tl, *st;
	uint64_t h = 1469598103934665603ULL;
	int i;

	if (sqlite3_prepare_v2(db, "SELECT type, name, sql, (SELECT wr FROM "
				   "pragma_table_list AS l WHERE l.name = "
				   "s.name AND l.schema = 'main') FROM "
				   "sqlite_schema AS s ORDER BY name", -1, &tl,
			       NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(tl) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(tl, 0);
		const char *name = (const char *)sqlite3_column_text(tl, 1);
		int wr = sqlite3_column_int(tl, 3);
		char *q;

		for (i = 0; i < 3; i++) {
			const unsigned char *v = sqlite3_column_text(tl, i);

			mix(&h, v ? (const char *)v : "-",
			    v ? strlen((const char *)v) : 1);
		}
		if (strcmp(type, "table") != 0)
			continue;
		q = sqlite3_mprintf("SELECT %s* FROM \"%w\"%s ORDER BY %s",
				    wr ? "" : "rowid, ", name,
				    filter && strcmp(name, "t0") == 0
					    ? " WHERE NOT dropped(rowid)" : "",
				    wr ? "1" : "rowid");
		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
			abort();
		sqlite3_free(q);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (i = 0; i < sqlite3_column_count(st); i++) {
				const void *v = sqlite3_column_blob(st, i);
				char t = (char)('0' +
						sqlite3_column_type(st, i));

				mix(&h, &t, 1);
				if (v != NULL)
					mix(&h, v, (size_t)sqlite3_column_bytes(
							   st, i));
			}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tl);
	return h;
}

static int
integrity(sqlite3 *db)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		ok = strcmp((const char *)sqlite3_column_text(st, 0),
			    "ok") == 0;
		if (!ok)
			fprintf(stderr, "integrity_check: %s\n",
				sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ok;
}

/* make: the database the recipe says, into src */
static void
make(struct recipe *r)
{
	static char text[200000];
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[4096];
	int ps = 512 << (b8(r) % 8), nt = 1 + (int)b8(r) % 3, t, i, k;
	long budget = BUDGET;

	if (text[0] == 0)
		for (i = 0; i < (int)sizeof(text); i++)
			text[i] = (char)('a' + (i * 7 + i / 26) % 26);
	unlink(src);
	if (sqlite3_open(src, &db) != SQLITE_OK)
		abort();
	snprintf(sql, sizeof(sql), "PRAGMA page_size = %d; PRAGMA "
		 "journal_mode = OFF; PRAGMA synchronous = OFF;", ps);
	run(db, sql);
	for (t = 0; t < nt; t++) {
		unsigned f = b8(r), ncol = 1 + f % 4, nidx = (f >> 2) % 4;
		int wr = t > 0 && (f >> 4) % 4 == 0, ipk = (f >> 6) & 1;
		int n;

		n = snprintf(sql, sizeof(sql), "CREATE TABLE t%d(%s", t,
			     wr    ? "k PRIMARY KEY, "
			     : ipk ? "id INTEGER PRIMARY KEY, "
				   : "");
		for (i = 0; i < (int)ncol; i++)
			n += snprintf(sql + n, sizeof(sql) - (size_t)n,
				      "%sc%d%s", i ? ", " : "", i,
				      (b8(r) % 5 == 0) ? " UNIQUE" : "");
		snprintf(sql + n, sizeof(sql) - (size_t)n, ")%s;",
			 wr ? " WITHOUT ROWID" : "");
		run(db, sql);
		for (k = 0; k < (int)nidx; k++) {
			unsigned g = b8(r);
			const char *what[] = { "c0", "c0, c%d", "substr(c0, 1, "
					       "%d)", "c%d DESC, c0" };

			n = snprintf(sql, sizeof(sql), "CREATE INDEX t%d_%d ON "
				     "t%d(", t, k, t);
			n += snprintf(sql + n, sizeof(sql) - (size_t)n,
				      what[g % 4], g % 4 == 2
						   ? (int)(g >> 2) * 50
						   : (int)((g >> 2) % ncol));
			snprintf(sql + n, sizeof(sql) - (size_t)n, ")%s;",
				 (g >> 7) ? " WHERE c0 IS NOT NULL" : "");
			run(db, sql);
		}
		n = snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO t%d "
			     "VALUES (%s", t, wr || ipk ? "?, " : "");
		for (i = 0; i < (int)ncol; i++)
			n += snprintf(sql + n, sizeof(sql) - (size_t)n, "%s?",
				      i ? ", " : "");
		snprintf(sql + n, sizeof(sql) - (size_t)n, ")");
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			abort();
		run(db, "BEGIN");
		for (k = (int)b8(r) * 2; k > 0 && budget > 0; k--) {
			int col = 1;

			if (wr || ipk)
				sqlite3_bind_int64(st, 1, (int64_t)b16(r) -
							       (wr ? 0 : 100));
			else
				col = 0;
			for (i = 0; i < (int)ncol; i++) {
				unsigned v = b8(r);
				long len = 0;

				switch (v % 4) {
				case 0:
					sqlite3_bind_null(st, col + i + 1);
					break;
				case 1:
					sqlite3_bind_int64(st, col + i + 1,
							   (int64_t)b16(r) *
								   (v >> 2));
					break;
				default:
					/* around a page's worth, or short */
					len = (v >> 2) < 16
						      ? (long)(v >> 2)
						      : (long)b16(r) % (3 * ps);
					if (len > (long)sizeof(text) - 600)
						len = (long)sizeof(text) - 600;
					budget -= len;
					if (v % 4 == 2)
						sqlite3_bind_text(
						    st, col + i + 1,
						    text + (k * 37) % 500,
						    (int)len, SQLITE_STATIC);
					else
						sqlite3_bind_blob(
						    st, col + i + 1,
						    text + (k * 53) % 500,
						    (int)len, SQLITE_STATIC);
				}
			}
			if (sqlite3_step(st) != SQLITE_DONE &&
			    sqlite3_errcode(db) != SQLITE_CONSTRAINT)
				abort();
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		run(db, "COMMIT");
		if (b8(r) % 4 == 0) {
			snprintf(sql, sizeof(sql), "DELETE FROM t%d WHERE "
				 "rowid %% 5 = 1", t);
			if (!wr)
				run(db, sql);
		}
	}
	sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recipe r = { data, size };
	struct dbcopy_drop d;
	sqlite3 *a = NULL, *b = NULL;
	sqlite3_stmt *st;
	char why[256];
	unsigned m, rem;
	int rc;

	if (src[0] == 0) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
								 : "/tmp";

		snprintf(src, sizeof(src), "%s/fuzz-dbcopy-sql-%d.db", base,
			 (int)getpid());
		snprintf(dst, sizeof(dst), "%s.copy", src);
	}
	make(&r);
	rowset_free(drop);
	drop = rowset_new();
	m = 1 + b8(&r) % 6;
	rem = b8(&r) % m;
	if (sqlite3_open_v2(src, &a, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(a, "SELECT rowid FROM t0", -1, &st, NULL) !=
		    SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if ((uint64_t)id % m == rem)
			rowset_add(drop, id);
	}
	sqlite3_finalize(st);
	sqlite3_create_function(a, "dropped", 1, SQLITE_UTF8, NULL,
				fn_dropped, NULL, NULL);
	d.table = "t0";
	d.column = -1;
	d.values = NULL;
	d.matched = 0;
	d.rows = drop;
	rc = dbcopy(src, dst, &d, 1, NULL, why, sizeof(why));
	if (rc != 1) {
		fprintf(stderr, "dbcopy: a sound database not copied: %d %s\n",
			rc, why);
		abort();
	}
	if (sqlite3_open_v2(dst, &b, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    !integrity(b) || digest(a, 1) != digest(b, 0)) {
		fprintf(stderr, "dbcopy: a wrong copy\n");
		abort();
	}
	sqlite3_close(a);
	sqlite3_close(b);
	unlink(dst);
	return 0;
}
