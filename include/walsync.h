/*
 * walsync.h: the live store's WAL synced on a thread of its own.
 *
 * A batch's live commit does not sync (synchronous = NORMAL); its
 * `applied` event waits until the WAL is synced (law 1: `applied` only
 * once the change is durable).  Started as soon as the batch has
 * committed, the sync runs while the next batch is read and counted, so
 * that the next batch's tombstone thread, which writes that `applied`,
 * finds it done or nearly (at 1M subjects, on a slow disk, the syncs took
 * 0.2 s a batch, about half of each batch's deletes).
 */
#ifndef WALSYNC_H
#define WALSYNC_H

struct wal_sync;

/*
 * wal_sync_start: start live_sync(wal) on a thread of its own, for what
 * was committed to the WAL at path wal before the call.  Returns the job
 * (NULL when wal is NULL: nothing to sync); when no thread could start,
 * the sync is left for wal_sync_wait to do.
 */
struct wal_sync *wal_sync_start(const char *wal);

/*
 * wal_sync_wait: wait for job s (NULL: none, 0) and free it.  Returns
 * live_sync's result: 0 when what was committed before wal_sync_start is
 * durable, or -1 after reporting.
 */
int wal_sync_wait(struct wal_sync *s);

#endif
