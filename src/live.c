/*
 * live.c: opening the live store.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "fault.h"
#include "fsutil.h"
#include "live.h"
#include "log.h"
#include "walbuf.h"
#include "util.h"
#include "banned.h"

/*
 * The WAL's size after the last commit.  Checkpoints start between
 * batches (live_maybe_checkpoint), not inside a batch's commit, so a
 * batch's time measures its own transaction.  Every few batches rather
 * than after each: fewer times that the database file is written out and
 * synced (a page erased from in several batches is written once per
 * checkpoint), while the WAL stays bounded (1 GiB with 4 KiB pages) and
 * quick to search.
 * Measured at 1M subjects (bench/README.md), then with the checkpoints
 * in the batches' way: 256 MiB 77 s, 1 GiB 59 s, 2 GiB 61 s, no
 * checkpoint until the end 83 s; in the background, 512 MiB was about
 * 1 s slower than 1 GiB.
 */
#define CHECKPOINT_FRAMES 262144
static int wal_frames;

/*
 * The checkpoint in the background: a connection of its own copies the
 * WAL into the database file on a thread while the next batches commit
 * (a passive checkpoint never blocks a writer).  Frames committed
 * meanwhile are copied by another round on the thread, until what is
 * left is small enough for a short checkpoint on the batches' connection
 * (or the WAL has grown to twice its bound); after that the WAL starts
 * over at the next commit.  At 1M subjects (bench/README.md) `lethe run`
 * took about 10 s less than with the checkpoints done between batches.
 */
static struct {
	sqlite3 *db;			/* checkpoints only;
					 * NULL until needed */
	pthread_t thread;
	int running;			/* thread started, not yet joined */
	atomic_int done;		/* the thread has finished */
	int rc;				/* its checkpoint's result code */
	int copied;			/* the frames it has copied */
} bg;

/*
 * checkpoint_frames: CHECKPOINT_FRAMES, or LETHE_CHECKPOINT_FRAMES from
 * the environment (a test seam: tests make checkpoints run between small
 * batches).
 */
static int
checkpoint_frames(void)
{
	return (int)env_int("LETHE_CHECKPOINT_FRAMES", 1, CHECKPOINT_FRAMES,
			    CHECKPOINT_FRAMES);
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

int
live_open_flags(const char *path, int writable)
{
	char *wal;
	struct stat st;
	int have_wal;

	if (writable)
		return SQLITE_OPEN_READWRITE;
	wal = xasprintf("%s-wal", path);
	have_wal = lstat(wal, &st) == 0;
	free(wal);
	return have_wal ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
}

sqlite3 *
live_open(const char *path, int writable, struct sqlfn_ctx *fn)
{
	sqlite3 *db = NULL;
	struct stat st;
	int flags = live_open_flags(path, writable);

	if (stat(path, &st) != 0) {
		log_errno("cannot open live store '%s'", path);
		return NULL;
	}
	/* its WAL written in few calls (walbuf.h) */
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOFOLLOW,
			    sqlite3_vfs_find(WALBUF_VFS) != NULL ? WALBUF_VFS
								: NULL) !=
	    SQLITE_OK) {
		log_err("cannot open live store '%s': %s", path,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, LIVE_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	/*
	 * A 128 MiB page cache: each page not cached is looked up in the
	 * WAL and read again (`run` sets a larger one for its deletes).
	 */
	if (db_exec(db, "PRAGMA secure_delete = ON; "
			"PRAGMA foreign_keys = OFF; "
			"PRAGMA recursive_triggers = OFF; "
			"PRAGMA temp_store = FILE; "
			"PRAGMA cache_size = -131072; "
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

/* checkpoint_thread: a passive checkpoint on bg.db; bg.rc says how it went. */
static void *
checkpoint_thread(void *arg)
{
	(void)arg;
	bg.copied = 0;
	bg.rc = sqlite3_wal_checkpoint_v2(bg.db, "main",
					  SQLITE_CHECKPOINT_PASSIVE, NULL,
					  &bg.copied);
	atomic_store(&bg.done, 1);
	return NULL;
}

/*
 * checkpoint_result: 0 when the last background checkpoint did its work
 * or was kept from it (busy: the next one copies more), else -1 after
 * reporting.
 */
static int
checkpoint_result(void)
{
	if (bg.rc != SQLITE_OK && bg.rc != SQLITE_BUSY)
		return db_fail(bg.db, "checkpoint the live store");
	return 0;
}

/*
 * checkpoint_join: wait for the background checkpoint, if one runs.
 * Returns 0, or -1 after reporting its failure.
 */
static int
checkpoint_join(void)
{
	if (!bg.running)
		return 0;
	pthread_join(bg.thread, NULL);
	bg.running = 0;
	return checkpoint_result();
}

/*
 * checkpoint_open: open bg.db on the live store at path.  Returns 0, or
 * -1 after reporting (bg.db stays NULL).
 */
static int
checkpoint_open(const char *path)
{
	if (sqlite3_open_v2(path, &bg.db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		db_fail(bg.db, "checkpoint the live store");
	} else {
		sqlite3_extended_result_codes(bg.db, 1);
		/* a connection finds the WAL only once it has read the
		 * file: before, a checkpoint on it does nothing */
		if (db_exec(bg.db, "SELECT count(*) FROM sqlite_schema",
			    "checkpoint the live store") == 0)
			return 0;
	}
	sqlite3_close(bg.db);
	bg.db = NULL;
	return -1;
}

/*
 * checkpoint_start: start the background checkpoint of db's WAL, on a
 * connection opened for it the first time.  Returns 0, or -1 after
 * reporting.
 */
static int
checkpoint_start(sqlite3 *db)
{
	const char *path = sqlite3_db_filename(db, "main");

	if (bg.db == NULL && checkpoint_open(path) != 0)
		return -1;
	atomic_store(&bg.done, 0);
	if (pthread_create(&bg.thread, NULL, checkpoint_thread, NULL) != 0) {
		/* no thread: checkpoint here instead */
		checkpoint_thread(NULL);
		return checkpoint_result();
	}
	bg.running = 1;
	return 0;
}

int
live_wal_frames(void)
{
	return wal_frames;
}

int
live_begin(sqlite3 *db, int dry)
{
	return db_exec(db, dry ? "BEGIN" : "BEGIN IMMEDIATE",
		       "begin a transaction on the live store");
}

int
live_maybe_checkpoint(sqlite3 *db)
{
	if (bg.running) {
		if (!atomic_load(&bg.done))
			return 0;
		if (checkpoint_join() != 0)
			return -1;
		/* what the batches committed meanwhile: another round, or
		 * a short one here once little is left or the WAL is big */
		if (wal_frames - bg.copied > checkpoint_frames() / 8 &&
		    wal_frames < 2 * checkpoint_frames())
			return checkpoint_start(db);
		wal_frames = 0;
		if (sqlite3_wal_checkpoint_v2(db, "main",
					      SQLITE_CHECKPOINT_PASSIVE, NULL,
					      NULL) != SQLITE_OK)
			return db_fail(db, "checkpoint the live store");
		return 0;
	}
	if (wal_frames < checkpoint_frames())
		return 0;
	return checkpoint_start(db);
}

int
live_checkpoint(sqlite3 *db)
{
	sqlite3_stmt *st;
	int busy = 0, rc;

	if (checkpoint_join() != 0)
		return -1;
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

void
live_close(sqlite3 *db)
{
	checkpoint_join();
	sqlite3_close(bg.db);
	bg.db = NULL;
	sqlite3_close(db);
}

char *
live_wal_path(sqlite3 *db)
{
	const char *name = sqlite3_db_filename(db, "main");
	const char *wal = name != NULL ? sqlite3_filename_wal(name) : NULL;
	sqlite3_stmt *st;
	int is_wal;

	st = db_prepare(db, "PRAGMA main.journal_mode");
	if (st == NULL)
		return NULL;
	is_wal = sqlite3_step(st) == SQLITE_ROW &&
		 strcmp(db_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	return is_wal && wal != NULL && *wal != '\0' ? xstrdup(wal) : NULL;
}

int
live_sync(const char *wal)
{
	int fd, rc = 0;

	if (wal == NULL)
		return 0;
	if (fault_fails("wal-sync")) {
		log_err("cannot sync the live store's WAL '%s': a failure "
			"injected (LETHE_FAIL)", wal);
		return -1;
	}
	fd = open(wal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;	/* no WAL: nothing committed to it */
		log_errno("cannot open the live store's WAL '%s'", wal);
		return -1;
	}
	if (fdatasync(fd) != 0) {
		log_errno("cannot sync the live store's WAL '%s'", wal);
		rc = -1;
	}
	close(fd);
	/* and its name, in case the WAL was created in this run */
	if (rc == 0) {
		char *dir = dir_of(wal);

		rc = fsync_dir(dir);
		free(dir);
	}
	return rc;
}
