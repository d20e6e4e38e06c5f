/*
 * db.c: SQLite helpers.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "extract.h"
#include "fsutil.h"
#include "log.h"
#include "util.h"
#include "walbuf.h"
#include "banned.h"

void
db_setup(void)
{
	/* a failure leaves the defaults, which work the same, slower */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	/* without it, the live store is opened with the default VFS */
	(void)walbuf_register();
}

int
db_open_read(const char *path, sqlite3 **db)
{
	char *wal = xasprintf("%s-wal", path), *dir = dir_of(path);
	int rw = access(wal, F_OK) != 0 && access(path, W_OK) == 0 &&
		 access(dir, W_OK) == 0;
	int r;

	free(wal);
	free(dir);
	*db = NULL;
	r = sqlite3_open_v2(path, db, rw ? SQLITE_OPEN_READWRITE
					 : SQLITE_OPEN_READONLY, NULL);
	if (r == SQLITE_OK && rw)
		r = sqlite3_exec(*db, "PRAGMA query_only = ON", NULL, NULL,
				 NULL);
	return r;
}

int
db_fail(sqlite3 *db, const char *what)
{
	const char *file = sqlite3_db_filename(db, "main");
	const char *stage = file ? strstr(file, "/" STAGING_PREFIX) : NULL;

	/* a file extracted from an archive is named by its entry (national
	 * phone numbers in it read as the config's default, +44, would) */
	if (stage != NULL && strchr(stage + 1, '/') != NULL)
		log_err("cannot %s in entry '%s': %s", what,
			entry_name(strchr(stage + 1, '/') + 1, 44),
			sqlite3_errmsg(db));
	else if (file != NULL && *file)
		log_err("cannot %s in '%s': %s", what, file,
			sqlite3_errmsg(db));
	else
		log_err("cannot %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

int
db_exec(sqlite3 *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, what);
	return 0;
}

sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "prepare a query");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int
db_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "read");
	return 0;
}

const char *
db_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

const char *
db_bytes(sqlite3_stmt *st, int i, size_t *n)
{
	int type = sqlite3_column_type(st, i);
	const char *v;

	if (type != SQLITE_TEXT && type != SQLITE_BLOB)
		return NULL;
	v = type == SQLITE_TEXT ? (const char *)sqlite3_column_text(st, i)
				: sqlite3_column_blob(st, i);
	*n = (size_t)sqlite3_column_bytes(st, i);
	return v != NULL ? v : "";
}

void
db_bind_bytes(sqlite3_stmt *st, int i, char *v, size_t n, int blob)
{
	if (blob)
		sqlite3_bind_blob(st, i, v, (int)n, free);
	else
		sqlite3_bind_text(st, i, v, (int)n, free);
}

char *
db_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
db_has_table(sqlite3 *db, const char *name)
{
	return db_table_like(db, name, NULL);
}

int
db_table_like(sqlite3 *db, const char *name, const char *like)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM main.sqlite_schema "
					  "WHERE type = 'table' AND name = ?1 "
					  "COLLATE NOCASE AND (?2 IS NULL OR "
					  "sql LIKE ?2)");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (like != NULL)
		sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(db, "read the schema");
	return r == SQLITE_ROW;
}

int
db_plain_rowids(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT (SELECT wr FROM "
					  "pragma_table_list WHERE schema = "
					  "'main' AND name = ?1 COLLATE "
					  "NOCASE), (SELECT count(*) FROM "
					  "pragma_table_xinfo(?1, "
					  "'main') WHERE lower(name) IN "
					  "('rowid', '_rowid_', 'oid'))");
	int r, plain = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		plain = sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
			sqlite3_column_int(st, 0) == 0 &&
			sqlite3_column_int(st, 1) == 0;
	sqlite3_finalize(st);
	if (r != SQLITE_ROW)
		return db_fail(db, "read the schema");
	return plain;
}
