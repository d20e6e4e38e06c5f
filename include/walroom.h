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
 * It is safe because the zeros are written only past the end of the file
 * and only while this process holds the WAL's write lock, in a write
 * transaction that writes no frame until its commit (batch.c keeps its
 * connection from spilling pages into the WAL meanwhile, and halts the
 * zeros the moment the transaction rolls back): no one appends frames
 * while they are written.  A frame of zeros (page number 0) is never a
 * valid frame: recovery and readers stop before it.  The final checkpoint
 * truncates the WAL, zeros and all.
 */
#ifndef WALROOM_H
#define WALROOM_H

#include <stdint.h>

struct wal_room;

/*
 * wal_room_start: make the WAL file at path at least upto bytes long,
 * writing zeros past its end on a thread of its own.  Call only while
 * holding the WAL's write lock and before writing a frame; call
 * wal_room_stop before the first frame is written.  Returns the job, or
 * NULL when there is nothing to do (no file, long enough already), when
 * its file system has less than four times the room free, or no thread
 * could start.  Failures only cost the commit its head start.
 */
struct wal_room *wal_room_start(const char *path, int64_t upto);

/*
 * wal_room_halt: ask job r (NULL: none) to stop before its next write,
 * without waiting; safe from any thread.
 */
void wal_room_halt(struct wal_room *r);

/*
 * wal_room_stop: stop job r (NULL: none) where it is, wait for it (one
 * write at most) and free it; the zeros written stay.
 */
void wal_room_stop(struct wal_room *r);

#endif
