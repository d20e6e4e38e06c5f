/*
 * dbcopy.h: a compact copy of a SQLite database, leaving rows out.
 *
 * The restore filter must not leave erased rows in free pages, so every
 * filtered database is rewritten into a fresh file.  VACUUM INTO does
 * that, but only after the rows were deleted, each delete a b-tree
 * operation on some page of the file.  dbcopy does both in one pass over
 * the file: it walks every b-tree of the source (tables in rowid order,
 * indexes in key order) and copies the cells it keeps into new, packed
 * pages built bottom-up, leaving out the rows of the given tables whose
 * rowid is in their set, and those rows' entries in the tables' indexes
 * (whose last field is the rowid).  Free pages, deleted cells and the
 * unused bytes of pages are never copied: the copy holds what SQLite
 * shows of the source, and nothing else.
 *
 * It covers files without auto-vacuum pointer maps and without reserved
 * bytes at the end of pages.  Anything else, or a page that does not read
 * as the b-tree page it should be, makes it give up; the caller then
 * deletes the rows through SQLite and uses VACUUM INTO.
 */
#ifndef DBCOPY_H
#define DBCOPY_H

#include <stddef.h>

#include "rowset.h"

/* A table's rows to leave out. */
struct dbcopy_drop {
	const char *table;		/* a rowid table (ASCII case ignored) */
	const struct rowset *rows;	/* its rowids to leave out */
};

/*
 * dbcopy: copy the database file src (which nobody writes meanwhile; no
 * -wal beside it) into dst, a new file (mode 0600; an existing dst is
 * replaced), leaving out drops[0..ndrops) (each table named once: two
 * non-empty sets for one table are not covered).  Returns 1 when the
 * copy is made; 0 when src holds what dbcopy does not cover (why, of
 * whylen bytes, says what; dst is removed); -1 after reporting an I/O
 * error (dst removed).
 */
int dbcopy(const char *src, const char *dst, const struct dbcopy_drop *drops,
	   int ndrops, char *why, size_t whylen);

#endif
