/*
 * filter_residue.c: residue in a filtered database, read through SQLite.
 *
 * Every text and blob value of every table is scanned for the identifiers
 * of newer erasures (law 11).  In a data-map table's redact column they
 * are replaced by "[erased]" (apply mode); anywhere else they are residue
 * that fails the restore.  The raw page scan (filter_raw.c) answers most
 * databases faster; this scan is what it falls back on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "extract.h"
#include "filter_priv.h"
#include "hashset.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* redact_col: whether table.column is a redact column of the data map. */
static int
redact_col(const struct config *cfg, const char *table, const char *col)
{
	int i = config_table(cfg, table), j;

	for (j = 0; i >= 0 && j < cfg->tables[i].redact.n; j++)
		if (strcasecmp(cfg->tables[i].redact.v[j], col) == 0)
			return 1;
	return 0;
}

/* scan_table: residue in one table; redact columns are rewritten. */
static int
scan_table(struct filter *f, sqlite3 *db, const char *rel,
	   const char *table, int datamap, int *fatal)
{
	struct strbuf sql = STRBUF_INIT;
	struct spans sp = { NULL, 0, 0 };
	sqlite3_stmt *st = NULL, *up = NULL;
	int r, i, ncol, rc = -1, rowid = 1;
	char what[1024];

	/* the table itself, not an index that may not list every row */
	sb_adds(&sql, "SELECT rowid, * FROM main.");
	sb_add_ident(&sql, table);
	sb_adds(&sql, " NOT INDEXED");
	if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		sb_reset(&sql);
		sb_adds(&sql, "SELECT NULL, * FROM main.");
		sb_add_ident(&sql, table);
		sb_adds(&sql, " NOT INDEXED");
		rowid = 0;
		st = db_prepare(db, sb_str(&sql));
		if (st == NULL)
			goto done;
	}
	ncol = sqlite3_column_count(st);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 1; i < ncol; i++) {
			const char *text, *col;
			size_t n;

			text = db_bytes(st, i, &n);
			if (text == NULL || filter_scan(f, text, n, &sp) == 0)
				continue;
			col = sqlite3_column_name(st, i);
			if (datamap && rowid && redact_col(f->cfg, table, col)) {
				size_t len;
				char *clean;

				filter_hit(f, sp.v[0].tag, rel,
					   "table '%s' column '%s' row %lld: "
					   "identifiers to redact", table, col,
					   sqlite3_column_int64(st, 0));
				f->st.redacted += spans_merge(&sp);
				if (f->mode == FILTER_COUNT)
					continue;
				clean = spans_replace_n(text, n, &sp, &len);
				if (up == NULL)
					up = db_prepare(db, "INSERT INTO "
							    "temp.lethe_redact "
							    "VALUES (?1, ?2, "
							    "?3)");
				if (up == NULL) {
					free(clean);
					goto done;
				}
				sqlite3_bind_text(up, 1, col, -1,
						  SQLITE_TRANSIENT);
				sqlite3_bind_int64(up, 2,
						   sqlite3_column_int64(st, 0));
				/* a blob stays a blob */
				db_bind_bytes(up, 3, clean, len,
					      sqlite3_column_type(st, i) ==
						  SQLITE_BLOB);
				r = sqlite3_step(up);
				sqlite3_reset(up);
				if (r != SQLITE_DONE) {
					db_fail(db, "redact");
					goto done;
				}
				continue;
			}
			snprintf(what, sizeof(what), "table '%s' column '%s'",
				 table, col);
			filter_residue(f, sp.v[0].tag, rel, what);
			*fatal = 1;
		}
	}
	if (r != SQLITE_DONE) {
		db_fail(db, "scan for residue");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	spans_release(&sp);
	sb_release(&sql);
	return rc;
}

/* apply_redactions: write the redacted texts back, table by table. */
static int
apply_redactions(sqlite3 *db, const char *table)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *cols = NULL, *up = NULL;
	int r, rc = -1;

	cols = db_prepare(db, "SELECT DISTINCT col FROM temp.lethe_redact");
	if (cols == NULL)
		goto done;
	while ((r = sqlite3_step(cols)) == SQLITE_ROW) {
		sb_reset(&sql);
		sb_adds(&sql, "UPDATE main.");
		sb_add_ident(&sql, table);
		sb_adds(&sql, " SET ");
		sb_add_ident(&sql, db_text(cols, 0));
		sb_adds(&sql, " = r.val FROM temp.lethe_redact AS r WHERE "
			      "r.col = ?1 AND r.rid = main.");
		sb_add_ident(&sql, table);
		sb_adds(&sql, ".rowid");
		up = db_prepare(db, sb_str(&sql));
		if (up == NULL)
			goto done;
		sqlite3_bind_text(up, 1, db_text(cols, 0), -1,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE) {
			db_fail(db, "redact");
			goto done;
		}
		sqlite3_finalize(up);
		up = NULL;
	}
	rc = r == SQLITE_DONE ? 0 : db_fail(db, "redact");
done:
	sqlite3_finalize(cols);
	sqlite3_finalize(up);
	sb_release(&sql);
	return rc;
}

/*
 * scan_schema: residue in the schema (a table, column or index named
 * after the person, a default value): never rewritten, so fatal.
 */
static int
scan_schema(struct filter *f, sqlite3 *db, const char *rel, int *fatal)
{
	struct spans sp = { NULL, 0, 0 };
	sqlite3_stmt *st;
	int r, i, found = 0;

	st = db_prepare(db,
			"SELECT name, tbl_name, sql FROM main.sqlite_schema");
	if (st == NULL)
		return -1;
	while (!found && (r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 3 && !found; i++) {
			const char *v =
			    (const char *)sqlite3_column_text(st, i);

			if (v != NULL &&
			    filter_scan(f, v, strlen(v), &sp) > 0) {
				filter_residue(f, sp.v[0].tag, rel,
					       "the schema");
				*fatal = 1;
				found = 1;
			}
		}
	}
	if (found)
		r = SQLITE_DONE;
	sqlite3_finalize(st);
	spans_release(&sp);
	return r == SQLITE_DONE ? 0 : db_fail(db, "read the schema");
}

int
filter_scan_db(struct filter *f, sqlite3 *db, const char *rel, int datamap,
	       int *fatal)
{
	sqlite3_stmt *st;
	char **tables = NULL;
	int n = 0, i, r, rc = -1;

	if (hashset_count(f->by_hash) == 0)
		return 0;
	if (scan_schema(f, db, rel, fatal) != 0)
		return -1;
	st = db_prepare(db, "SELECT name FROM main.sqlite_schema WHERE type = "
			    "'table' AND name NOT LIKE 'sqlite\\_%' "
			    "ESCAPE '\\' "
			    "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		tables = xrealloc(tables, sizeof(*tables) * (size_t)(n + 1));
		tables[n++] = xstrdup(db_text(st, 0));
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		db_fail(db, "list tables");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (f->mode == FILTER_APPLY &&
		    db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS lethe_redact("
				"col TEXT, rid INTEGER, val TEXT); DELETE FROM "
				"temp.lethe_redact;",
			    "redact") != 0)
			goto done;
		if (scan_table(f, db, rel, tables[i], datamap, fatal) != 0)
			goto done;
		if (f->mode == FILTER_APPLY &&
		    apply_redactions(db, tables[i]) != 0)
			goto done;
	}
	rc = 0;
done:
	free_list(tables, n);
	return rc;
}

