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
#include <stdint.h>

#include "rowset.h"
#include "strset.h"

struct strset;

/*
 * A table's rows to leave out: those whose rowid is in rows, and, with
 * values, those whose value in field `column` of the record is text equal,
 * byte for byte, to one of values (the copier reads the table, not an
 * index that might not list every row); the rowids of the latter are
 * added to rows (so that their index entries go too) and counted in
 * matched.
 */
struct dbcopy_drop {
	const char *table;		/* a rowid table (ASCII case ignored) */
	struct rowset *rows;		/* its rowids to leave out */
	int column;			/* a record field (with values) */
	const struct strset *values;	/* or NULL */
	int64_t matched;		/* out: rows left out by value */
};

/*
 * A tap on the copy: pages(arg, p, first, n) is called with the n pages
 * p[0..n * page size) of the copy, from page number first, as they are
 * written (each page once, page 1 last; the lock-byte page among them,
 * all zero), so they can be read while the copy goes on.
 */
struct dbcopy_tap {
	void (*pages)(void *arg, const unsigned char *p, uint32_t first,
		      uint32_t n);
	void *arg;
};

/*
 * dbcopy_lock_page: the page of a database with pages of size bytes that
 * holds SQLite's lock byte: never used.
 */
uint32_t dbcopy_lock_page(uint32_t size);

/*
 * dbcopy: copy the database file src (which nobody writes meanwhile; no
 * -wal beside it) into dst, a new file (mode 0600; an existing dst is
 * replaced), leaving out drops[0..ndrops) (each table named once: two
 * drops with rows or a column for one table are not covered; a row
 * whose record has fewer fields than the column is not covered).  The
 * tables are copied before the indexes.  tap (or NULL) sees the pages
 * written.  Returns 1 when the
 * copy is made; 0 when src holds what dbcopy does not cover (why, of
 * whylen bytes, says what; dst is removed); -1 after reporting an I/O
 * error (dst removed).
 */
int dbcopy(const char *src, const char *dst, struct dbcopy_drop *drops,
	   int ndrops, const struct dbcopy_tap *tap, char *why, size_t whylen);

#endif
