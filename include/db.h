/*
 * db.h: small SQLite helpers that report errors in lethe's way.
 */
#ifndef DB_H
#define DB_H

#include <stdint.h>

#include <sqlite3.h>

/*
 * db_setup: configure SQLite for this process before any connection is
 * opened: no memory statistics (each allocation would otherwise take a
 * global mutex) and no mutex per connection (multi-thread mode): lethe
 * uses each connection on one thread at a time (a thread either opens
 * its own, or uses one the main thread leaves alone until it has joined
 * the thread).  Call once, first thing in main.
 */
void db_setup(void);

/*
 * db_exec: run sql (no results).  Returns 0, or -1 after db_fail(db, what).
 */
int db_exec(sqlite3 *db, const char *sql, const char *what);

/*
 * db_prepare: a prepared statement for sql, or NULL after reporting.
 */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/*
 * db_fail: report the database's last error as "cannot WHAT in
 * 'FILE': ERROR".  Returns -1 so it can be returned.
 */
int db_fail(sqlite3 *db, const char *what);

/*
 * db_int: the first column of the first row of sql as an integer, into
 * *out (0 when no row).  Returns 0, or -1 after reporting.
 */
int db_int(sqlite3 *db, const char *sql, int64_t *out);

/* db_text: column i of st as a string, "" when NULL. */
const char *db_text(sqlite3_stmt *st, int i);

/*
 * db_bytes: column i of st as bytes, their number into *n, when it is
 * text or a blob; else NULL.
 */
const char *db_bytes(sqlite3_stmt *st, int i, size_t *n);

/*
 * db_bind_bytes: bind the n bytes at v (malloc'd; freed by SQLite) to
 * parameter i of st, as a blob when blob is set, else as text.
 */
void db_bind_bytes(sqlite3_stmt *st, int i, char *v, size_t n, int blob);

/* db_dup: column i of st as a new string, NULL when NULL. */
char *db_dup(sqlite3_stmt *st, int i);

/*
 * db_open_read: open the database at path to read only, into *db (close
 * it whatever the outcome), leaving behind no -wal or -shm file that was
 * not there: without a -wal yet, it is opened read-write with query_only
 * on (no temp tables either), so that closing it removes the files it
 * made; else read-only, as they are someone else's.  Returns SQLite's
 * result code.
 */
int db_open_read(const char *path, sqlite3 **db);

/*
 * db_has_table: 1 when schema "main" of db has a table called name (in
 * any ASCII case, as SQLite reads table names), 0 when not, -1 after
 * reporting an error.
 */
int db_has_table(sqlite3 *db, const char *name);

/*
 * db_table_like: db_has_table, for a table whose CREATE statement also
 * matches LIKE pattern like (e.g. "CREATE VIRTUAL TABLE%USING fts%").
 * Returns 1, 0, or -1 after reporting.
 */
int db_table_like(sqlite3 *db, const char *name, const char *like);

/*
 * db_plain_rowids: whether table name of db (schema main) has rowids
 * that "rowid" names: not a WITHOUT ROWID table, and no column called
 * rowid, _rowid_ or oid.  Returns 1 or 0, or -1 after reporting.
 */
int db_plain_rowids(sqlite3 *db, const char *name);

#endif
