/*
 * walbuf.h: a SQLite VFS that gathers a connection's WAL writes into few.
 *
 * SQLite writes each WAL frame as two calls, its 24-byte header, then its
 * page: at 1M subjects `lethe run` commits about 2M frames, 4M calls that
 * cost the main thread seconds of system time (bench/README.md).  The VFS
 * "lethe-walbuf" is the default one, except that the writes to a WAL file
 * that follow one another in it are gathered in a buffer and written in
 * one call when the next would not follow, when the buffer is full, and
 * at the end of each commit: the write of the page of a frame whose
 * header marks a commit (a non-zero database size) is written out before
 * it returns, and its error, if any, is that write's, so a commit fails
 * as it would have failed.  Any other call on the WAL file (a read, a
 * sync, its size, truncation, closing it) writes out what is gathered
 * first.  Nothing another connection can see is ever only in the buffer:
 * SQLite makes frames visible to others only once their commit frame is
 * written, and a frame it reads back itself is written out first.  What
 * is gathered when the WAL's write lock is let go (a transaction rolled
 * back after its frames spilled) is dropped, never written: another
 * writer may put its own frames there next.  The main database file is
 * the default VFS's, but for that.
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
