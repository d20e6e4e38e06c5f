/*
 * walroom.h: room made in the live store's WAL before a commit needs it.
 *
 * A commit that makes the WAL file longer spends much of its time in the
 * kernel, which zeroes each new page of the file as the frames, 24 bytes
 * of header and a page each, land across it (at 1M subjects, about 4 of
 * the 6 s that lead expiry's commits took; on a machine whose memory the
 * host backs only once it is touched, each new page costs more still).
 * Overwriting pages the file already has costs a third of that.  So,
 * while a batch is being read, counted and deleted, a thread of its own
 * writes zeros past the WAL's end, towards where the batch's commit
 * should reach, until just before the commit: what it wrote by then is
 * time the commit saves.
 *
 * It is safe because the zeros are only ever appended (O_APPEND): each
 * write lands at the end of the file as it is at that moment, so no zero
 * ever lands on a byte that SQLite, in this process or another, wrote,
 * whatever it does meanwhile (a spill, a commit, a restart of the WAL,
 * a rollback).  A frame of zeros (page number 0) is never a valid frame:
 * recovery and readers stop before it.  It runs while the batch normally
 * holds the WAL's write lock (a statement that fails may roll the
 * transaction back and let it go: the zeros, appended, still harm no
 * one), for the frames that batch will commit, and the final checkpoint
 * truncates the WAL, zeros and all.
 */
#ifndef WALROOM_H
#define WALROOM_H

#include <stdint.h>

struct wal_room;

/*
 * wal_room_start: make the WAL file at path at least upto bytes long,
 * appending zeros on a thread of its own (best while holding the WAL's
 * write lock, for the frames about to be committed; wal_room_stop before
 * the commit, which then has the disk to itself).  Returns the job, or
 * NULL when there is nothing to do (no file, long enough already), when
 * its file system has less than four times the room free, or no thread
 * could start.  Failures only cost the commit its head start.
 */
struct wal_room *wal_room_start(const char *path, int64_t upto);

/*
 * wal_room_stop: stop job r (NULL: none) where it is, wait for it (one
 * write at most) and free it; the zeros written stay.
 */
void wal_room_stop(struct wal_room *r);

#endif
