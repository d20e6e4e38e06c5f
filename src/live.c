/*
 * live.c: opening the live store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "db.h"
#include "live.h"
#include "log.h"
#include "util.h"
#include "banned.h"

/*
 * The WAL's size after the last commit.  Checkpoints run between batches
 * (live_maybe_checkpoint), not inside a batch's commit, so a batch's time
 * measures its own transaction.  Every few batches rather than after each:
 * fewer times that the database file is written out and synced (a page
 * erased from in several batches is written once per checkpoint), while
 * the WAL stays bounded (1 GiB with 4 KiB pages) and quick to search.
 * Measured at 1M subjects (bench/README.md): 256 MiB 77 s, 1 GiB 59 s,
 * 2 GiB 61 s, no checkpoint until the end 83 s.
 */
#define CHECKPOINT_FRAMES 262144
static int wal_frames;

/*
 * checkpoint_frames: CHECKPOINT_FRAMES, or LETHE_CHECKPOINT_FRAMES from
 * the environment (a test seam: tests make checkpoints run between small
 * batches).
 */
static int
checkpoint_frames(void)
{
	const char *env = getenv("LETHE_CHECKPOINT_FRAMES");
	int64_t v;

	if (env != NULL && parse_int(env, 1, CHECKPOINT_FRAMES, &v) == 0)
		return (int)v;
	return CHECKPOINT_FRAMES;
}

static int
note_wal(void *arg, sqlite3 *db, const char *schema, int frames)
{
	(void)arg;
	(void)db;
	(void)schema;
	wal_frames = frames;
	return SQLITE_OK;
}

sqlite3 *
live_open(const char *path, int writable, struct sqlfn_ctx *fn)
{
	sqlite3 *db = NULL;
	struct stat st;
	int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;

	if (stat(path, &st) != 0) {
		log_errno("cannot open live store '%s'", path);
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		log_err("cannot open live store '%s': %s", path,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, LIVE_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	if (db_exec(db, "PRAGMA secure_delete = ON; "
			"PRAGMA foreign_keys = OFF; "
			"PRAGMA recursive_triggers = OFF; "
			"PRAGMA temp_store = FILE; "
			"PRAGMA cache_size = -65536; "
			"PRAGMA temp.cache_size = -16384; "
			"PRAGMA wal_autocheckpoint = 0; "
			"SELECT count(*) FROM sqlite_schema;",
		    "open the live store") != 0 ||
	    sqlfn_register(db, fn) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_wal_hook(db, note_wal, NULL);
	return db;
}

int
live_maybe_checkpoint(sqlite3 *db)
{
	if (wal_frames < checkpoint_frames())
		return 0;
	wal_frames = 0;
	if (sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE,
				      NULL, NULL) != SQLITE_OK)
		return db_fail(db, "checkpoint the live store");
	return 0;
}

int
live_checkpoint(sqlite3 *db)
{
	sqlite3_stmt *st;
	int busy = 0, rc;

	st = db_prepare(db, "PRAGMA main.wal_checkpoint(TRUNCATE)");
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		busy = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "checkpoint the live store");
	if (busy) {
		log_err("cannot truncate the live store's WAL: a reader keeps "
			"it; erased rows may remain in it until a later "
			"checkpoint");
		return -1;
	}
	return 0;
}
