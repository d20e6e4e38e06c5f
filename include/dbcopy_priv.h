/*
 * dbcopy_priv.h: the parts of the copier, shared by dbcopy*.c only.
 *
 * dbcopy.c reads the source (pages, cells, the schema); dbcopy_tree.c
 * writes the copy (pages in order, overflow chains, b-trees built
 * bottom-up).  Every function returns 0, or -1 with the reason in the
 * copy's state (c->fail: not covered, with c->why; or an I/O error, with
 * c->err and c->what).
 */
#ifndef DBCOPY_PRIV_H
#define DBCOPY_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "dbcopy.h"
#include "sqlfmt.h"

#define DBC_HEADER 100			/* the file header on page 1 */
#define DBC_PENDING_BYTE 0x40000000	/* its page is never used */
#define DBC_MAX_DEPTH 64		/* b-tree levels followed */

enum dbc_fail { DBC_NONE, DBC_UNCOVERED, DBC_IOERR };

/* One copy: the source read, the copy written. */
struct dbc {
	/* the source */
	int in;
	uint32_t size;			/* page size */
	uint32_t usable;		/* = size: no reserved bytes */
	uint32_t npages;
	uint32_t lock_page;		/* the page holding PENDING_BYTE */
	unsigned char *seen;		/* bit per page: read once already */
	/* the copy */
	int out;
	uint32_t next;			/* the page the next write gets */
	uint32_t maxpages;		/* the most it may have: a copy is no
					 * larger than its source, give or
					 * take, unless the source lies */
	unsigned char *buf;		/* pages buf_first.. not written yet */
	uint32_t buf_first, nbuf, capbuf;
	const struct dbcopy_tap *tap;	/* or NULL */
	/* the outcome */
	int fail;			/* enum dbc_fail */
	int err;			/* errno of an I/O error */
	const char *what;		/* "read" or "write" */
	char *why;
	size_t whylen;
};

/* A cell of a source page. */
struct dbc_cell {
	const unsigned char *p;		/* the cell, past an interior index
					 * cell's child pointer */
	uint32_t len;			/* its bytes (overflow pointer too) */
	uint32_t hdr;			/* bytes before the payload */
	uint64_t payload;		/* payload bytes in all */
	uint32_t local;			/* payload bytes on the page */
	uint32_t ovfl;			/* first overflow page, or 0 */
	int64_t rowid;			/* table leaf cells */
	int marked;			/* its overflow pages were read (and
					 * marked) already */
};

/* dbc_uncovered: note that the source is not covered (why, printf-style);
 * returns -1. */
int dbc_uncovered(struct dbc *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dbc_local: the payload bytes a cell keeps on its page, for a payload
 * of n bytes on a table leaf page (table) or an index page. */
uint32_t dbc_local(uint32_t usable, int table, uint64_t n);

/* dbc_varint_put: write v as a SQLite varint at p; its length (1-9). */
int dbc_varint_put(unsigned char *p, uint64_t v);

/*
 * dbc_read_page: read source page pgno into buf; with mark, it must not
 * have been read with mark before, and is marked.  The lock page and
 * pages out of range are not covered.
 */
int dbc_read_page(struct dbc *c, uint32_t pgno, unsigned char *buf,
		  int mark);

/* put16, put32: big-endian integers (sqlfmt.h reads them). */
void dbc_put16(unsigned char *p, uint32_t v);
void dbc_put32(unsigned char *p, uint32_t v);

/* dbc_out_flush: write the pages buffered so far. */
int dbc_out_flush(struct dbc *c);

/* dbc_out_page1: write page 1 (img) in place. */
int dbc_out_page1(struct dbc *c, const unsigned char *img);

/* A b-tree being written. */
struct dbc_tree;

/*
 * dbc_tree_new: start a b-tree of the copy: a table b-tree (rowid keys)
 * or an index b-tree (index); with page1, the schema's, whose root is
 * page 1 (every page then keeps room for the file header).  Free with
 * dbc_tree_free (NULL is a no-op).
 */
struct dbc_tree *dbc_tree_new(struct dbc *c, int index, int page1);
void dbc_tree_free(struct dbc_tree *t);

/*
 * dbc_tree_add: add source cell cell (in key order), its overflow pages
 * copied from the source.
 */
int dbc_tree_add(struct dbc_tree *t, const struct dbc_cell *cell);

/*
 * dbc_tree_add_record: add a table row: rowid and its record
 * rec[0..n), written out from memory.
 */
int dbc_tree_add_record(struct dbc_tree *t, int64_t rowid,
			const unsigned char *rec, uint64_t n);

/*
 * dbc_tree_finish: write what is left and the levels above the leaves;
 * the root's page number into *root (1 for the schema's).
 */
int dbc_tree_finish(struct dbc_tree *t, uint32_t *root);

/*
 * dbc_tree_image: after dbc_tree_finish of the schema's b-tree, the image
 * of page 1 (owned by t), its first 100 bytes left for the file header.
 */
const unsigned char *dbc_tree_image(const struct dbc_tree *t);

#endif
