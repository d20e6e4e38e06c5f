/*
 * live.h: the live store, the application's SQLite database.
 *
 * lethe never changes its schema.  Connections have secure_delete on (so
 * erased rows are zeroed in the file), foreign keys off while lethe
 * erases, a busy timeout instead of failing when the application holds a
 * lock, and lethe's SQL functions.
 */
#ifndef LIVE_H
#define LIVE_H

#include <sqlite3.h>

#include "sqlfn.h"

#define LIVE_BUSY_MS 10000

/*
 * live_open_flags: how to open the live store at path.  Read-write when
 * writable; else read-only where a WAL file is there already, and where
 * none is, read-write, the caller writing nothing to it (query_only would
 * refuse its temp tables too): a read-only connection to a WAL-mode store
 * leaves a -wal and a -shm file behind it, while a writable one, the last
 * to close, removes them, with no frames to copy.
 */
int live_open_flags(const char *path, int writable);

/*
 * live_open: open the live store at path (read-write, or for reading only
 * when !writable, as live_open_flags says) and set it up as above; fn
 * must outlive the connection.  Returns the connection, or NULL after
 * reporting.
 */
sqlite3 *live_open(const char *path, int writable, struct sqlfn_ctx *fn);

/*
 * live_maybe_checkpoint: call between batches.  When the WAL has grown
 * past 262,144 pages (or LETHE_CHECKPOINT_FRAMES, for tests) since the
 * last checkpoint, starts a passive checkpoint on a thread of its own;
 * once that is done, checkpoints what was committed meanwhile.
 * Returns 0, or -1 after reporting.
 */
int live_maybe_checkpoint(sqlite3 *db);

/*
 * live_begin: begin a transaction on the live store: a write transaction
 * (the write lock taken at once), or a read one when dry.  Returns 0, or
 * -1 after reporting.
 */
int live_begin(sqlite3 *db, int dry);

/*
 * live_wal_frames: where the next commit on a connection live_open opened
 * should start writing in the live store's WAL, in frames: the frames
 * there after the last commit, or 0 once a checkpoint here has copied
 * them all (the WAL then starts over unless a reader keeps it).
 */
int live_wal_frames(void);

/*
 * live_checkpoint: wait for a background checkpoint, then checkpoint the
 * WAL and truncate it to zero bytes, so erased rows do not linger in it.
 * Warns (and returns -1) when readers keep it from finishing; returns 0.
 */
int live_checkpoint(sqlite3 *db);

/*
 * live_close: wait for a background checkpoint, then close db and the
 * checkpoint's connection.  db may be NULL.
 */
void live_close(sqlite3 *db);

/*
 * live_wal_path: the path of db's WAL file, which the caller frees, or
 * NULL when db is not in WAL mode (its commits then always sync) or is an
 * in-memory or temporary database.
 */
char *live_wal_path(sqlite3 *db);

/*
 * live_sync: make what was committed to the WAL at path wal durable
 * (fdatasync, then fsync of its folder, in case the WAL is new), for a
 * connection with `synchronous = NORMAL`, whose commits do not sync.
 * Needs no connection, so it can run on another thread.
 * Returns 0 (also when wal is NULL or there is no WAL), or -1 after
 * reporting.
 */
int live_sync(const char *wal);

#endif
