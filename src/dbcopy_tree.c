/*
 * dbcopy_tree.c: writing the copy: pages in order, overflow chains, and
 * b-trees built bottom-up.
 *
 * Pages are given out in the order they are written (2, 3, ...; page 1,
 * the schema's root and the file header, is written last, in place), so
 * the copy is one sequential write.  The page holding SQLite's lock byte
 * is skipped (left zero).  A b-tree's leaves are filled as its cells
 * come; the children of the level above (page number and, for a table,
 * its largest rowid; for an index, the entry that follows it, taken off
 * the end of the full leaf) are kept in memory, and the interior levels
 * are laid out from them at the end, so that no interior page is left
 * without a cell.  A cell takes at least 4 bytes on a page, as SQLite
 * counts them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbcopy_priv.h"
#include "util.h"
#include "banned.h"

#define OUT_BUF (1 << 20)		/* bytes written at a time */
#define MAX_SEPARATORS (64 << 20)	/* bytes of index separators kept */

void
dbc_put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

void
dbc_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

int
dbc_varint_put(unsigned char *p, uint64_t v)
{
	unsigned char tmp[9];
	int i, n;

	if (v > 0x00ffffffffffffffULL) {
		p[8] = (unsigned char)v;
		v >>= 8;
		for (i = 7; i >= 0; i--) {
			p[i] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		return 9;
	}
	n = 0;
	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v != 0);
	tmp[0] &= 0x7f;
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

uint32_t
dbc_local(uint32_t usable, int table, uint64_t n)
{
	uint32_t max = table ? usable - 35 : (usable - 12) * 64 / 255 - 23;
	uint32_t min = (usable - 12) * 32 / 255 - 23;
	uint64_t surplus;

	if (n <= max)
		return (uint32_t)n;
	surplus = min + (n - min) % (usable - 4);
	return surplus <= max ? (uint32_t)surplus : min;
}

/* io_fail: note an I/O error (errno) while doing what; returns -1. */
static int
io_fail(struct dbc *c, const char *what)
{
	c->fail = DBC_IOERR;
	c->err = errno;
	c->what = what;
	return -1;
}

/* pwrite_all: write n bytes of p at off. */
static int
pwrite_all(int fd, const unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

int
dbc_out_flush(struct dbc *c)
{
	if (c->nbuf == 0)
		return 0;
	if (c->tap != NULL)
		c->tap->pages(c->tap->arg, c->buf, c->buf_first, c->nbuf);
	if (pwrite_all(c->out, c->buf, (size_t)c->nbuf * c->size,
		       (off_t)(c->buf_first - 1) * c->size) != 0)
		return io_fail(c, "write");
	c->buf_first += c->nbuf;
	c->nbuf = 0;
	return 0;
}

int
dbc_out_page1(struct dbc *c, const unsigned char *img)
{
	if (c->tap != NULL)
		c->tap->pages(c->tap->arg, img, 1, 1);
	if (pwrite_all(c->out, img, c->size, 0) != 0)
		return io_fail(c, "write");
	return 0;
}

/* out_slot: the buffer slot of the next page; NULL after a failure. */
static unsigned char *
out_slot(struct dbc *c)
{
	unsigned char *slot;

	if (c->capbuf == 0) {
		c->capbuf = OUT_BUF / c->size > 0 ? OUT_BUF / c->size : 1;
		c->buf = xmalloc((size_t)c->capbuf * c->size);
		c->buf_first = c->next;
	}
	if (c->nbuf == c->capbuf && dbc_out_flush(c) != 0)
		return NULL;
	slot = c->buf + (size_t)c->nbuf * c->size;
	c->nbuf++;
	c->next++;
	return slot;
}

/* out_peek: the page number the next page written gets. */
static uint32_t
out_peek(const struct dbc *c)
{
	return c->next == c->lock_page ? c->next + 1 : c->next;
}

/* out_page: a zeroed page to fill, the next one; its number in *pgno. */
static unsigned char *
out_page(struct dbc *c, uint32_t *pgno)
{
	unsigned char *slot;

	if (c->next == c->lock_page) {
		slot = out_slot(c);
		if (slot == NULL)
			return NULL;
		memset(slot, 0, c->size);
	}
	if (c->next == 0 || c->next > c->maxpages) {
		dbc_uncovered(c, "a copy larger than its source");
		return NULL;
	}
	*pgno = c->next;
	slot = out_slot(c);
	if (slot != NULL)
		memset(slot, 0, c->size);
	return slot;
}

/*
 * A source of overflow bytes: the source's chain from a page, or memory.
 */
struct chain_src {
	uint32_t pgno;			/* next source page, or 0 */
	const unsigned char *mem;	/* or the bytes themselves */
	unsigned char *page;		/* a source page buffer */
	int marked;			/* its pages were marked read already */
};

/*
 * write_chain: write n overflow bytes from s as a chain of new pages;
 * its first page into *first.
 */
static int
write_chain(struct dbc *c, struct chain_src *s, uint64_t n, uint32_t *first)
{
	uint32_t room = c->usable - 4, pgno;
	unsigned char *img;

	*first = out_peek(c);
	while (n > 0) {
		uint32_t chunk = n < room ? (uint32_t)n : room;
		const unsigned char *from;

		if (s->mem != NULL) {
			from = s->mem;
			s->mem += chunk;
		} else {
			if (s->pgno == 0)
				return dbc_uncovered(c, "an overflow chain "
						     "ends early");
			if (dbc_read_page(c, s->pgno, s->page, !s->marked) !=
			    0)
				return -1;
			from = s->page + 4;
			s->pgno = sqlfmt_get32(s->page);
		}
		n -= chunk;
		img = out_page(c, &pgno);
		if (img == NULL)
			return -1;
		/* the next page written is this one's successor */
		if (n > 0)
			dbc_put32(img, out_peek(c));
		memcpy(img + 4, from, chunk);
	}
	return 0;
}

/* A b-tree being written. */
struct dbc_tree {
	struct dbc *c;
	int index;
	int page1;
	uint32_t icap;			/* bytes an interior page may use */
	/* the leaf being filled: cells packed in cells[] */
	unsigned char *cells;
	uint32_t used;
	uint32_t *off, *len;
	int n;
	int64_t last_rowid;
	/* the children of the level above the leaves */
	uint32_t *child;
	int64_t *key;			/* table: the child's largest rowid */
	size_t *sep;			/* index: the entry after the child */
	uint32_t *seplen;		/*   (offset and length in arena) */
	int nchild, capchild;
	unsigned char *arena;
	size_t alen, acap;
	unsigned char *img;		/* a page image */
	unsigned char *scratch;		/* a cell being made */
	unsigned char *srcpage;		/* an overflow page read */
};

struct dbc_tree *
dbc_tree_new(struct dbc *c, int index, int page1)
{
	struct dbc_tree *t = xcalloc(1, sizeof(*t));

	t->c = c;
	t->index = index;
	t->page1 = page1;
	t->icap = page1 ? c->usable - DBC_HEADER : c->usable;
	t->cells = xmalloc(c->usable);
	t->off = xmalloc(sizeof(*t->off) * (c->usable / 4 + 1));
	t->len = xmalloc(sizeof(*t->len) * (c->usable / 4 + 1));
	t->img = xmalloc(c->size);
	t->scratch = xmalloc(c->usable + 16);
	t->srcpage = xmalloc(c->size);
	return t;
}

void
dbc_tree_free(struct dbc_tree *t)
{
	if (t == NULL)
		return;
	free(t->cells);
	free(t->off);
	free(t->len);
	free(t->child);
	free(t->key);
	free(t->sep);
	free(t->seplen);
	free(t->arena);
	free(t->img);
	free(t->scratch);
	free(t->srcpage);
	free(t);
}

/* cell_room: the bytes a cell of len bytes takes on a page. */
static uint32_t
cell_room(uint32_t len)
{
	return len < 4 ? 4 : len;
}

/*
 * lay_out: the image of a b-tree page of type with n cells (cell[i],
 * len[i]) and, on an interior page, right child, into t->img, its header
 * at hdr.
 */
static void
lay_out(struct dbc_tree *t, uint32_t hdr, int type,
	const unsigned char *const *cell, const uint32_t *len, int n,
	uint32_t right)
{
	unsigned char *img = t->img;
	int leaf = type == 10 || type == 13, i;
	uint32_t top = t->c->usable, ptr = hdr + (leaf ? 8 : 12);

	memset(img, 0, t->c->size);
	for (i = 0; i < n; i++) {
		top -= cell_room(len[i]);
		memcpy(img + top, cell[i], len[i]);
		dbc_put16(img + ptr + 2 * (uint32_t)i, top);
	}
	img[hdr] = (unsigned char)type;
	dbc_put16(img + hdr + 3, (uint32_t)n);
	dbc_put16(img + hdr + 5, top == 65536 ? 0 : top);
	if (!leaf)
		dbc_put32(img + hdr + 8, right);
}

/* put_page: write t->img as the next page (or keep it for page 1 when
 * root and the schema's); its number in *pgno. */
static int
put_page(struct dbc_tree *t, int root, uint32_t *pgno)
{
	unsigned char *slot;

	if (root && t->page1) {
		*pgno = 1;
		return 0;	/* t->img stays for dbc_tree_finish */
	}
	slot = out_page(t->c, pgno);
	if (slot == NULL)
		return -1;
	memcpy(slot, t->img, t->c->size);
	return 0;
}

/* add_child: one more child of the level above the leaves. */
static int
add_child(struct dbc_tree *t, uint32_t pgno, int64_t key)
{
	if (t->nchild == t->capchild) {
		t->capchild = t->capchild ? t->capchild * 2 : 64;
		t->child = xrealloc(t->child, sizeof(*t->child) *
						      (size_t)t->capchild);
		t->key = xrealloc(t->key, sizeof(*t->key) *
					  (size_t)t->capchild);
		t->sep = xrealloc(t->sep, sizeof(*t->sep) *
					  (size_t)t->capchild);
		t->seplen = xrealloc(t->seplen, sizeof(*t->seplen) *
							(size_t)t->capchild);
	}
	t->child[t->nchild] = pgno;
	t->key[t->nchild] = key;
	t->sep[t->nchild] = 0;
	t->seplen[t->nchild] = 0;
	t->nchild++;
	return 0;
}

/* set_sep: the entry after the last child (index), kept in the arena. */
static int
set_sep(struct dbc_tree *t, const unsigned char *cell, uint32_t len)
{
	if (t->alen + len > MAX_SEPARATORS)
		return dbc_uncovered(t->c, "an index too large to rebuild "
				     "in memory");
	if (t->alen + len > t->acap) {
		t->acap = t->acap ? t->acap * 2 : 65536;
		while (t->acap < t->alen + len)
			t->acap *= 2;
		t->arena = xrealloc(t->arena, t->acap);
	}
	memcpy(t->arena + t->alen, cell, len);
	t->sep[t->nchild - 1] = t->alen;
	t->seplen[t->nchild - 1] = len;
	t->alen += len;
	return 0;
}

/* leaf_image: the image of the leaf's first n cells, header at hdr. */
static void
leaf_image(struct dbc_tree *t, int n, uint32_t hdr)
{
	const unsigned char *cell[16384];
	int i;

	for (i = 0; i < n; i++)
		cell[i] = t->cells + t->off[i];
	lay_out(t, hdr, t->index ? 10 : 13, cell, t->len, n, 0);
}

/* flush_leaf: write the leaf's first n cells as the next page. */
static int
flush_leaf(struct dbc_tree *t, int n)
{
	uint32_t pgno;

	leaf_image(t, n, 0);
	if (put_page(t, 0, &pgno) != 0)
		return -1;
	return add_child(t, pgno, t->last_rowid);
}

/* leaf_add: add a cell (as it goes on the page) to the leaf. */
static int
leaf_add(struct dbc_tree *t, const unsigned char *cell, uint32_t len,
	 int64_t rowid)
{
	uint32_t room = cell_room(len);

	if (8 + 2 * (uint32_t)(t->n + 1) + t->used + room > t->c->usable) {
		if (!t->index) {
			if (flush_leaf(t, t->n) != 0)
				return -1;
		} else {
			/* the last entry goes up, between this leaf and
			 * the next */
			int last = t->n - 1;

			if (last < 1)
				return dbc_uncovered(t->c, "an index entry "
						     "too large");
			if (flush_leaf(t, last) != 0 ||
			    set_sep(t, t->cells + t->off[last],
				    t->len[last]) != 0)
				return -1;
		}
		t->n = 0;
		t->used = 0;
	}
	memcpy(t->cells + t->used, cell, len);
	t->off[t->n] = t->used;
	t->len[t->n] = len;
	t->used += room;
	t->n++;
	t->last_rowid = rowid;
	return 0;
}

/*
 * add_cell: add a cell whose first hdr + local bytes (payload header and
 * local payload) are at p, and whose other payload - local bytes come
 * from s.
 */
static int
add_cell(struct dbc_tree *t, const unsigned char *p, uint32_t hdr,
	 uint32_t local, uint64_t payload, struct chain_src *s, int64_t rowid)
{
	uint32_t len = hdr + local, first;

	if (len > t->c->usable)
		return dbc_uncovered(t->c, "a cell larger than a page");
	if (local < payload) {
		if (write_chain(t->c, s, payload - local, &first) != 0)
			return -1;
		memcpy(t->scratch, p, len);
		dbc_put32(t->scratch + len, first);
		return leaf_add(t, t->scratch, len + 4, rowid);
	}
	return leaf_add(t, p, len, rowid);
}

int
dbc_tree_add(struct dbc_tree *t, const struct dbc_cell *cell)
{
	struct chain_src s;

	s.pgno = cell->ovfl;
	s.mem = NULL;
	s.page = t->srcpage;
	s.marked = cell->marked;
	return add_cell(t, cell->p, cell->hdr, cell->local, cell->payload, &s,
			cell->rowid);
}

int
dbc_tree_add_record(struct dbc_tree *t, int64_t rowid,
		    const unsigned char *rec, uint64_t n)
{
	unsigned char head[32];
	struct chain_src s;
	uint32_t hdr, local = dbc_local(t->c->usable, 1, n);
	unsigned char *cell = xmalloc(sizeof(head) + local);
	int rc;

	hdr = (uint32_t)dbc_varint_put(head, n);
	hdr += (uint32_t)dbc_varint_put(head + hdr, (uint64_t)rowid);
	memcpy(cell, head, hdr);
	memcpy(cell + hdr, rec, local);
	s.pgno = 0;
	s.mem = rec + local;
	s.page = NULL;
	s.marked = 0;
	rc = add_cell(t, cell, hdr, local, n, &s, rowid);
	free(cell);
	return rc;
}

/* The children of one level: page numbers, and what separates them. */
struct level {
	uint32_t *child;
	int64_t *key;
	size_t *sep;
	uint32_t *seplen;
	int n;
};

/* interior_cell: the cell for child i of lv into buf; its length. */
static uint32_t
interior_cell(const struct dbc_tree *t, const struct level *lv, int i,
	      unsigned char *buf)
{
	dbc_put32(buf, lv->child[i]);
	if (!t->index)
		return 4 + (uint32_t)dbc_varint_put(buf + 4,
						    (uint64_t)lv->key[i]);
	memcpy(buf + 4, t->arena + lv->sep[i], lv->seplen[i]);
	return 4 + lv->seplen[i];
}

/* interior_size: the bytes the cell for child i of lv takes. */
static uint32_t
interior_size(const struct dbc_tree *t, const struct level *lv, int i)
{
	unsigned char buf[16];

	if (t->index)
		return cell_room(4 + lv->seplen[i]);
	return (uint32_t)dbc_varint_put(buf, (uint64_t)lv->key[i]) + 4;
}

/*
 * build_level: lay out the pages over the children in (at least two),
 * into up: the pages, each with what separates it from the next.  A page
 * covering children a..j has the cells of a..j-1 and j as its right
 * child; child j's separator goes up.
 */
static int
build_level(struct dbc_tree *t, const struct level *in, struct level *up,
	    uint32_t *root)
{
	unsigned char *cells = xmalloc(t->c->usable);
	const unsigned char *cell[16384];
	uint32_t len[16384];
	int a = 0, j, i, rc = -1;

	up->n = 0;
	up->child = xmalloc(sizeof(*up->child) * (size_t)in->n);
	up->key = xmalloc(sizeof(*up->key) * (size_t)in->n);
	up->sep = xmalloc(sizeof(*up->sep) * (size_t)in->n);
	up->seplen = xmalloc(sizeof(*up->seplen) * (size_t)in->n);
	while (a < in->n) {
		uint32_t size = 12, used = 0, pgno;
		int isroot;

		for (j = a; j < in->n - 1; j++) {
			uint32_t s = interior_size(t, in, j);

			if (size + 2 + s > t->icap || j - a >= 16383)
				break;
			size += 2 + s;
		}
		/* never leave a last page with a right child only */
		if (j < in->n - 1 && j + 1 == in->n - 1)
			j--;
		if (j <= a) {
			dbc_uncovered(t->c, "index entries too large");
			goto done;
		}
		isroot = a == 0 && j == in->n - 1;
		for (i = a; i < j; i++) {
			cell[i - a] = cells + used;
			len[i - a] = interior_cell(t, in, i, cells + used);
			used += len[i - a];
		}
		lay_out(t, isroot && t->page1 ? DBC_HEADER : 0,
			t->index ? 2 : 5, cell, len, j - a, in->child[j]);
		if (put_page(t, isroot, &pgno) != 0)
			goto done;
		if (isroot)
			*root = pgno;
		up->child[up->n] = pgno;
		up->key[up->n] = in->key[j];
		up->sep[up->n] = in->sep[j];
		up->seplen[up->n] = in->seplen[j];
		up->n++;
		a = j + 1;
	}
	rc = 0;
done:
	free(cells);
	return rc;
}

static void
level_free(struct level *lv)
{
	free(lv->child);
	free(lv->key);
	free(lv->sep);
	free(lv->seplen);
	memset(lv, 0, sizeof(*lv));
}

int
dbc_tree_finish(struct dbc_tree *t, uint32_t *root)
{
	struct level in, up;
	int rc = -1;

	if (t->nchild == 0 && t->page1) {
		/* the only leaf: on page 1 if it fits beside the header, else
		 * below a root with no cell, as SQLite's balance_deeper()
		 * leaves it */
		if (8 + 2 * (uint32_t)t->n + t->used <= t->icap) {
			leaf_image(t, t->n, DBC_HEADER);
		} else {
			if (flush_leaf(t, t->n) != 0)
				return -1;
			lay_out(t, DBC_HEADER, 5, NULL, NULL, 0, t->child[0]);
		}
		*root = 1;
		return 0;
	}
	if (flush_leaf(t, t->n) != 0)
		return -1;
	if (t->nchild == 1) {
		*root = t->child[0];
		return 0;
	}
	in.child = t->child;
	in.key = t->key;
	in.sep = t->sep;
	in.seplen = t->seplen;
	in.n = t->nchild;
	memset(&up, 0, sizeof(up));
	for (;;) {
		*root = 0;
		if (build_level(t, &in, &up, root) != 0)
			goto done;
		if (in.child != t->child)
			level_free(&in);
		in = up;
		memset(&up, 0, sizeof(up));
		if (in.n == 1)
			break;
	}
	rc = 0;
done:
	if (in.child != t->child)
		level_free(&in);
	level_free(&up);
	return rc;
}

const unsigned char *
dbc_tree_image(const struct dbc_tree *t)
{
	return t->img;
}
