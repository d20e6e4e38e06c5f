/*
 * walbuf.h: a SQLite VFS that gathers a connection's WAL writes into few.
 *
 * SQLite writes each WAL frame as two calls, its 24-byte header, then its
 * page: at 1M subjects `lethe run` commits about 2M frames, 4M calls that
 * cost the main thread seconds of system time (bench/README.md).  The VFS
 * "lethe-walbuf" is the default one, except for what it gathers: a WAL
 * frame's header that is not a commit's (its bytes 4 to 7, the database
 * size after a commit, are 0), and the write right after it, its page.
 * Those are kept in a buffer of up to 124 KiB while they follow one
 * another in the file and the connection holds the WAL's write lock (so
 * never in exclusive locking mode, which takes none); any other write
 * (a commit frame's header or page, a frame written over in place, a
 * checksum rewritten, the WAL's header, a piece of a frame split at a
 * sync point) is written out at once, in
 * one call with what is gathered before it, so a commit's frames are all
 * in the file when its last write returns, and its error is that
 * write's.  Any other call on the WAL (a read, a sync, its size,
 * truncation) writes out what is gathered first; a write that fails
 * fails every later write and sync until the transaction ends.  Before
 * the WAL's write lock is let go (the main database file goes through
 * this VFS for that alone), what is left (a transaction rolled back
 * after its frames spilled) is written out while the lock is still held,
 * as the default VFS would have written it: once the lock is gone,
 * another writer may put its frames there.  Nothing another connection
 * can see is ever only in the buffer: SQLite makes frames visible only
 * once their commit frame is written.
 */
#ifndef WALBUF_H
#define WALBUF_H

#define WALBUF_VFS "lethe-walbuf"

/*
 * walbuf_register: register the VFS WALBUF_VFS over the default one (not
 * as the default).  Call once, before any thread opens a connection with
 * it.  Returns 0, or -1 after reporting.
 */
int walbuf_register(void);

#endif
