/*
 * fuzz_dbcopy.c: a libFuzzer harness for dbcopy() (see README).
 *
 * Each input is a database file.  dbcopy copies it leaving out the rows
 * of table "c" whose rowid is a multiple of 3 (and their index entries).
 * It must never fault (the sanitizers watch every access), and when it
 * says it made a copy of a source that SQLite finds sound, the copy must
 * be sound too and show what SQLite shows of the source without those
 * rows; a difference aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbcopy.h"
#include "rowset.h"

#define DROP_TABLE "c"
#define WORK 2000000		/* SQLite VM steps per check (x 1000) */

static char src[256], dst[256];
static struct rowset *drop;

static int
progress(void *arg)
{
	return ++*(int *)arg > WORK / 1000;
}

static void
fn_dropped(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(cx, rowset_has(drop,
					  sqlite3_value_int64(argv[0])));
}

static sqlite3 *
open_ro(const char *p, int *ticks)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_progress_handler(db, 1000, progress, ticks);
	sqlite3_create_function(db, "dropped", 1, SQLITE_UTF8, NULL,
				fn_dropped, NULL, NULL);
	return db;
}

/* check: PRAGMA what of db says "ok" (1), something else (0), or fails
 * (-1). */
static int
check(sqlite3 *db, const char *what)
{
	char q[64];
	sqlite3_stmt *st;
	int ok = -1;

	snprintf(q, sizeof(q), "PRAGMA %s", what);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_text(st, 0) != NULL &&
		     strcmp((const char *)sqlite3_column_text(st, 0),
			    "ok") == 0;
	sqlite3_finalize(st);
	return ok;
}

/* FNV-1a, enough to compare two views */
static void
mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		*h = (*h ^ *b++) * 1099511628211ULL;
}

/*
 * digest: what SQLite shows of db: the schema, then every table's rows
 * (rowids too) in order; with filter, not table c's dropped rows.
 * 0 when it cannot be read.
 */
static int
digest(sqlite3 *db, int filter, uint64_t *h)
{
	sqlite3_stmt *tl, *st;
	int i, r;

	*h = 1469598103934665603ULL;
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql, "
				   "(SELECT wr FROM pragma_table_list AS l "
				   "WHERE l.name = s.name AND l.schema = "
				   "'main') FROM sqlite_schema AS s ORDER BY "
				   "name", -1, &tl, NULL) != SQLITE_OK)
		return 0;
	while ((r = sqlite3_step(tl)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(tl, 0);
		const char *name = (const char *)sqlite3_column_text(tl, 1);
		int wr = sqlite3_column_int(tl, 4);
		char *q;

		for (i = 0; i < 4; i++) {
			const unsigned char *v = sqlite3_column_text(tl, i);

			mix(h, v ? (const char *)v : "-",
			    v ? strlen((const char *)v) : 1);
			mix(h, "|", 1);
		}
		if (type == NULL || name == NULL || strcmp(type, "table") != 0)
			continue;
		q = sqlite3_mprintf("SELECT %s* FROM \"%w\"%s ORDER BY %s",
				    wr ? "" : "rowid, ", name,
				    filter && strcmp(name, DROP_TABLE) == 0
					    ? " WHERE NOT dropped(rowid)" : "",
				    wr ? "1" : "rowid");
		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
			sqlite3_free(q);
			mix(h, "?", 1);
			continue;
		}
		sqlite3_free(q);
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			for (i = 0; i < sqlite3_column_count(st); i++) {
				const void *b = sqlite3_column_blob(st, i);
				char t = (char)('0' +
						sqlite3_column_type(st, i));

				mix(h, &t, 1);
				if (b != NULL)
					mix(h, b, (size_t)sqlite3_column_bytes(
							  st, i));
			}
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			mix(h, "!", 1);
	}
	sqlite3_finalize(tl);
	return r == SQLITE_DONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbcopy_drop d;
	sqlite3 *a = NULL, *b = NULL;
	uint64_t ha, hb;
	char why[256];
	FILE *fp;
	int r, ta = 0, tb = 0, ok;

	if (drop == NULL) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
								 : "/tmp";
		int64_t i;

		snprintf(src, sizeof(src), "%s/fuzz-dbcopy-%d.db", base,
			 (int)getpid());
		snprintf(dst, sizeof(dst), "%s.copy", src);
		drop = rowset_new();
		for (i = 0; i < 20000; i += 3)
			rowset_add(drop, i);
		rowset_add(drop, -3);
		rowset_add(drop, INT64_MAX);
	}
	fp = fopen(src, "wb");
	if (fp == NULL || fwrite(data, 1, size, fp) != size ||
	    fclose(fp) != 0)
		abort();
	d.table = DROP_TABLE;
	d.column = -1;
	d.values = NULL;
	d.matched = 0;
	d.rows = drop;
	r = dbcopy(src, dst, &d, 1, NULL, why, sizeof(why));
	if (r < 0)
		abort();	/* an I/O error on a file that is there */
	if (r == 0) {
		if (access(dst, F_OK) == 0)
			abort();	/* given up, but a copy left */
		goto done;
	}
	a = open_ro(src, &ta);
	if (a == NULL)
		goto done;
	ok = check(a, "integrity_check");
	if (ok == 1) {
		/* a sound source: the copy is sound and shows the same */
		if (!digest(a, 1, &ha))
			goto done;
		b = open_ro(dst, &tb);
		if (b == NULL || check(b, "integrity_check") != 1 ||
		    !digest(b, 0, &hb) || ha != hb) {
			fprintf(stderr, "dbcopy: a wrong copy of a sound "
				"source\n");
			abort();
		}
	} else if (check(a, "quick_check") == 1) {
		b = open_ro(dst, &tb);
		if (b == NULL || check(b, "quick_check") != 1) {
			fprintf(stderr, "dbcopy: a copy failing quick_check "
				"of a source passing it\n");
			abort();
		}
	}
done:
	sqlite3_close(a);
	sqlite3_close(b);
	unlink(dst);
	return 0;
}
