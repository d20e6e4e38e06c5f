/*
 * ledger.c: creating, opening and reading the ledger database.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "ledger.h"
#include "ledger_priv.h"
#include "log.h"
#include "util.h"
#include "banned.h"

static const char schema[] =
	"PRAGMA journal_mode = WAL;"
	"BEGIN;"
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE events("
	" seq INTEGER PRIMARY KEY,"
	" at TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" subject TEXT, reason TEXT, request TEXT, scope TEXT,"
	" ref INTEGER, ref_last INTEGER,"
	" ids TEXT, data TEXT,"
	" prev TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX events_type ON events(type, seq);"
	"CREATE INDEX events_request ON events(request, type)"
	" WHERE request IS NOT NULL;"
	"CREATE INDEX events_subject ON events(subject)"
	" WHERE subject IS NOT NULL;"
#define AS_STATEMENT(name, sql) sql ";"
	LEDGER_TRIGGERS(AS_STATEMENT);
#undef AS_STATEMENT

static int
set_pragmas(sqlite3 *db)
{
	sqlite3_busy_timeout(db, 30000);
	sqlite3_extended_result_codes(db, 1);
	return db_exec(db, "PRAGMA synchronous = FULL; "
			   "PRAGMA foreign_keys = OFF;",
		       "set up the ledger");
}

int
ledger_create(const char *path, const struct key *k)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char id[HASH_HEX];
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_errno("cannot create ledger '%s'", path);
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		db_fail(db, "create the ledger");
		goto done;
	}
	if (set_pragmas(db) != 0 ||
	    db_exec(db, schema, "create the ledger") != 0)
		goto done;
	st = db_prepare(db, "INSERT INTO meta(name, value) VALUES "
			    "('format', 'lethe-ledger-1'), ('key_id', ?1)");
	if (st == NULL)
		goto done;
	key_id(k, id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, "create the ledger");
		goto done;
	}
	if (db_exec(db, "COMMIT", "create the ledger") != 0)
		goto done;
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc != 0)
		unlink(path);
	return rc;
}

/* damaged_db: whether db's last error says its file is damaged. */
static int
damaged_db(sqlite3 *db)
{
	int e = sqlite3_errcode(db) & 0xff;

	return db != NULL && (e == SQLITE_CORRUPT || e == SQLITE_NOTADB);
}

int
ledger_check_key(struct ledger *l, const char *path, const struct key *k,
		 const char *where)
{
	const char *pre = where ? where : "", *sep = where ? ": " : "";
	sqlite3_stmt *st;
	char id[HASH_HEX];
	int rc = -1;

	st = db_prepare(l->db, "SELECT value FROM meta WHERE name = 'key_id'");
	if (st == NULL)
		return damaged_db(l->db) ? -2 : -1;
	key_id(k, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		log_err("%s%sledger '%s' has no key fingerprint: it was "
			"damaged or replaced", pre, sep, path);
		rc = -2;
	} else if (strcmp(db_text(st, 0), id) != 0) {
		log_err("%s%sledger '%s' was made with another key; check "
			"key_file", pre, sep, path);
	} else {
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

struct ledger *
ledger_open(const char *path, const struct key *k, int writable,
	    int64_t now)
{
	return ledger_open_checked(path, k, writable, now, NULL);
}

struct ledger *
ledger_open_checked(const char *path, const struct key *k, int writable,
		    int64_t now, int *damaged)
{
	struct ledger *l = xcalloc(1, sizeof(*l));
	int64_t n;
	int r, bad = 0;

	l->now = now;
	r = writable ? sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE,
				       NULL)
		     : db_open_read(path, &l->db);
	if (r != SQLITE_OK) {
		log_err("cannot open ledger '%s': %s", path,
			sqlite3_errmsg(l->db));
		bad = damaged_db(l->db);
		goto fail;
	}
	if (set_pragmas(l->db) != 0 ||
	    db_int(l->db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			  "('events', 'meta')", &n) != 0) {
		bad = damaged_db(l->db);
		goto fail;
	}
	if (n != 2) {
		log_err("'%s' is not a lethe ledger", path);
		bad = 1;
		goto fail;
	}
	if (k != NULL && (r = ledger_check_key(l, path, k, NULL)) != 0) {
		bad = r == -2 || damaged_db(l->db);
		goto fail;
	}
	return l;
fail:
	if (damaged != NULL)
		*damaged = bad;
	ledger_free(l);
	return NULL;
}

void
ledger_free(struct ledger *l)
{
	if (l == NULL)
		return;
	sqlite3_finalize(l->insert);
	sqlite3_close(l->db);
	free(l);
}

sqlite3 *
ledger_db(struct ledger *l)
{
	return l->db;
}

int64_t
ledger_now(const struct ledger *l)
{
	return l->now;
}

int
ledger_head(struct ledger *l, int64_t *seq, char *hash)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(l->db, "SELECT seq, hash FROM events ORDER BY seq "
			       "DESC LIMIT 1");
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(hash, HASH_HEX, "%s", db_text(st, 1));
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		memset(hash, '0', HASH_HEX - 1);
		hash[HASH_HEX - 1] = '\0';
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(l->db, "read the ledger head");
	return 0;
}

void
event_read(sqlite3_stmt *st, int col, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = sqlite3_column_int64(st, col + 0);
	ev->at = db_dup(st, col + 1);
	ev->type = db_dup(st, col + 2);
	ev->subject = db_dup(st, col + 3);
	ev->reason = db_dup(st, col + 4);
	ev->request = db_dup(st, col + 5);
	ev->scope = db_dup(st, col + 6);
	ev->ref = sqlite3_column_int64(st, col + 7);
	ev->ref_last = sqlite3_column_int64(st, col + 8);
	ev->ids = db_dup(st, col + 9);
	ev->data = db_dup(st, col + 10);
	ev->prev = db_dup(st, col + 11);
	ev->hash = db_dup(st, col + 12);
}

void
event_release(struct event *ev)
{
	free(ev->at);
	free(ev->type);
	free(ev->subject);
	free(ev->reason);
	free(ev->request);
	free(ev->scope);
	free(ev->ids);
	free(ev->data);
	free(ev->prev);
	free(ev->hash);
	memset(ev, 0, sizeof(*ev));
}

int
ledger_get(struct ledger *l, int64_t seq, struct event *ev)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(l->db, "SELECT " EVENT_COLUMNS " FROM events WHERE "
			       "seq = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		event_read(st, 0, ev);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return db_fail(l->db, "read the ledger");
}

void
ledger_set_clean(struct ledger *l, int64_t seq)
{
	if (!l->dirty) {
		l->clean = seq;
		l->clean_known = 1;
	}
}

void
ledger_mark_dirty(struct ledger *l)
{
	l->dirty = 1;
}

int64_t
ledger_clean(const struct ledger *l, int64_t last)
{
	if (l->clean_known && !l->dirty && last > l->clean)
		return last;
	return l->clean;
}
