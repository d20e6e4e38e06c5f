/*
 * dbcopy.c: a compact copy of a SQLite database, leaving rows out: the
 * source side (header, b-tree walks, cells, the schema).
 *
 * The schema (the table b-tree on page 1) is read first; then every
 * b-tree it names is walked in order and copied (dbcopy_tree.c), with
 * the rows and index entries to leave out skipped; then the schema is
 * written with each b-tree's new root page, and page 1 with the file
 * header.  Every page read is checked against what it should be (its
 * b-tree's kind, its cells within the page, read once only), so a source
 * that is not what it claims to be is never copied wrong: the copy gives
 * up instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbcopy.h"
#include "dbcopy_priv.h"
#include "log.h"
#include "sqlfmt.h"
#include "util.h"
#include "banned.h"

#define MAX_SCHEMA_RECORD (16 << 20)	/* bytes of one schema row read */

int
dbc_uncovered(struct dbc *c, const char *fmt, ...)
{
	va_list ap;

	if (c->fail == DBC_NONE) {
		c->fail = DBC_UNCOVERED;
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
dbc_read_page(struct dbc *c, uint32_t pgno, unsigned char *buf, int mark)
{
	ssize_t n;

	if (pgno == 0 || pgno > c->npages || pgno == c->lock_page)
		return dbc_uncovered(c, "a reference to page %u, out of range",
				     pgno);
	if (mark) {
		if (c->seen[pgno / 8] >> (pgno % 8) & 1)
			return dbc_uncovered(c, "page %u is used twice", pgno);
		c->seen[pgno / 8] |= (unsigned char)(1u << (pgno % 8));
	}
	do
		n = pread(c->in, buf, c->size, (off_t)(pgno - 1) * c->size);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)c->size)
		return 0;
	if (n >= 0)
		return dbc_uncovered(c, "page %u is cut short", pgno);
	c->fail = DBC_IOERR;
	c->err = errno;
	c->what = "read";
	return -1;
}

/* A page of a walk: where it is, and how far its cells have been taken. */
struct frame {
	unsigned char *page;
	uint32_t hdr;			/* 100 on page 1 */
	int type;
	uint32_t ncells;
	uint32_t k;
};

/*
 * load: read page pgno of a b-tree (index or table) into f, checking its
 * kind and its cell pointer array.
 */
static int
load(struct dbc *c, struct frame *f, uint32_t pgno, int index)
{
	uint32_t ptrs;

	if (dbc_read_page(c, pgno, f->page, 1) != 0)
		return -1;
	f->hdr = pgno == 1 ? DBC_HEADER : 0;
	f->type = f->page[f->hdr];
	if (index ? f->type != 2 && f->type != 10
		  : f->type != 5 && f->type != 13)
		return dbc_uncovered(c, "page %u is not a %s b-tree page", pgno,
				     index ? "index" : "table");
	f->ncells = sqlfmt_get16(f->page + f->hdr + 3);
	ptrs = f->hdr + (f->type == 2 || f->type == 5 ? 12 : 8);
	if (ptrs + 2 * f->ncells > c->usable)
		return dbc_uncovered(c, "page %u has too many cells", pgno);
	f->k = 0;
	return 0;
}

/*
 * parse_cell: cell i of f into *cell (and an interior page's left child
 * into *child).
 */
static int
parse_cell(struct dbc *c, const struct frame *f, uint32_t i,
	   struct dbc_cell *cell, uint32_t *child)
{
	int leaf = f->type == 10 || f->type == 13;
	uint32_t ptrs = f->hdr + (leaf ? 8 : 12) + 2 * f->ncells;
	uint32_t off = sqlfmt_get16(f->page + f->hdr + (leaf ? 8 : 12) + 2 * i);
	const unsigned char *p = f->page + off, *end = f->page + c->usable;
	uint64_t v;
	int k;

	memset(cell, 0, sizeof(*cell));
	if (off < ptrs || off >= c->usable)
		return dbc_uncovered(c, "a cell outside its page");
	if (!leaf) {
		if (p + 4 > end)
			return dbc_uncovered(c, "a cell outside its page");
		*child = sqlfmt_get32(p);
		p += 4;
	}
	cell->p = p;
	if (f->type == 5) {
		k = sqlfmt_varint(p, end, &v);
		if (k == 0)
			return dbc_uncovered(c, "a cell outside its page");
		cell->rowid = (int64_t)v;
		return 0;
	}
	k = sqlfmt_varint(p, end, &cell->payload);
	if (k == 0)
		return dbc_uncovered(c, "a cell outside its page");
	cell->hdr = (uint32_t)k;
	if (f->type == 13) {
		k = sqlfmt_varint(p + cell->hdr, end, &v);
		if (k == 0)
			return dbc_uncovered(c, "a cell outside its page");
		cell->hdr += (uint32_t)k;
		cell->rowid = (int64_t)v;
	}
	if (cell->payload > 0x7fffffff)
		return dbc_uncovered(c, "a payload too large");
	cell->local = dbc_local(c->usable, f->type == 13, cell->payload);
	cell->len = cell->hdr + cell->local;
	if (cell->local < cell->payload)
		cell->len += 4;
	if (cell->len > (uint32_t)(end - p))
		return dbc_uncovered(c, "a cell outside its page");
	if (cell->local < cell->payload)
		cell->ovfl = sqlfmt_get32(p + cell->hdr + cell->local);
	return 0;
}

/*
 * payload_read: n bytes of cell's payload from offset off into out,
 * from its page and overflow chain (whose pages are marked read, with
 * mark).
 */
static int
payload_read(struct dbc *c, const struct dbc_cell *cell, uint64_t off,
	     uint64_t n, unsigned char *out, int mark)
{
	unsigned char *page = NULL;
	uint64_t pos = cell->local, room = c->usable - 4, hops = 0;
	uint32_t pgno = cell->ovfl;
	int rc = -1;

	if (off + n > cell->payload)
		return dbc_uncovered(c, "a record larger than its payload");
	if (off < cell->local) {
		uint64_t m = cell->local - off < n ? cell->local - off : n;

		memcpy(out, cell->p + cell->hdr + off, m);
		out += m;
		off += m;
		n -= m;
	}
	if (n > 0)
		page = xmalloc(c->size);
	while (n > 0) {
		if (pgno == 0 || ++hops > c->npages) {
			dbc_uncovered(c, "an overflow chain ends early");
			goto done;
		}
		if (dbc_read_page(c, pgno, page, mark) != 0)
			goto done;
		if (off < pos + room) {
			uint64_t in = off - pos;
			uint64_t m = room - in < n ? room - in : n;

			memcpy(out, page + 4 + in, m);
			out += m;
			off += m;
			n -= m;
		}
		pos += room;
		pgno = sqlfmt_get32(page);
	}
	rc = 0;
done:
	free(page);
	return rc;
}

/*
 * record_field: field k of cell's record (k < 0: the last), from its
 * header, which must be on the page: the serial type into *type, its
 * payload offset into *off, the offset past the last field into *end.
 * Returns 1, 0 when the record has no field k, or -1 (not covered).
 */
static int
record_field(struct dbc *c, const struct dbc_cell *cell, int k,
	     uint64_t *type, uint64_t *off, uint64_t *end)
{
	const unsigned char *rec = cell->p + cell->hdr, *h, *hend;
	uint64_t hlen, t;
	int64_t len;
	int n, col, found = 0;

	n = sqlfmt_varint(rec, rec + cell->local, &hlen);
	if (n == 0 || hlen < (uint64_t)n || hlen > cell->local)
		return dbc_uncovered(c, "a record whose header is not on its "
				     "page");
	hend = rec + hlen;
	*end = hlen;
	for (h = rec + n, col = 0; h < hend; h += n, col++) {
		n = sqlfmt_varint(h, hend, &t);
		len = n ? sqlfmt_serial_len(t) : -1;
		if (len < 0)
			return dbc_uncovered(c, "a malformed record");
		if (col == k || k < 0) {
			*type = t;
			*off = *end;
			found = 1;
		}
		*end += (uint64_t)len;
		if (col == k)
			break;
	}
	return found;
}

/*
 * index_rowid: the rowid that ends an index entry's record.  The rowid
 * ends the payload: on the last overflow page, when there are any, so
 * reading it reads the whole chain, whose pages are marked then (and
 * cell->marked set).
 */
static int
index_rowid(struct dbc *c, struct dbc_cell *cell, int64_t *rowid)
{
	uint64_t t = 0, off = 0, end = 0;
	unsigned char b[8];
	int64_t len, v;
	int i, r;

	r = record_field(c, cell, -1, &t, &off, &end);
	if (r < 0)
		return -1;
	if (r == 0 || end != cell->payload ||
	    !((t >= 1 && t <= 6) || t == 8 || t == 9))
		return dbc_uncovered(c, "an index entry that does not end "
				     "with a rowid");
	if (t >= 8) {
		*rowid = (int64_t)(t - 8);
		return 0;
	}
	len = sqlfmt_serial_len(t);
	if (payload_read(c, cell, off, (uint64_t)len, b, 1) != 0)
		return -1;
	cell->marked = cell->ovfl != 0;
	v = (b[0] & 0x80) ? -1 : 0;
	for (i = 0; i < len; i++)
		v = (int64_t)((uint64_t)v << 8 | b[i]);
	*rowid = v;
	return 0;
}

/* What a walk does with each entry. */
typedef int (*entry_fn)(void *arg, struct dbc *c, const struct dbc_cell *cell);

/*
 * walk: every entry of the b-tree at root (an index b-tree, or a table
 * b-tree's leaf cells) in key order, through fn.
 */
static int
walk(struct dbc *c, uint32_t root, int index, entry_fn fn, void *arg)
{
	struct frame stack[DBC_MAX_DEPTH];
	struct dbc_cell cell;
	uint32_t child, i;
	int depth = 0, d, rc = -1;

	memset(stack, 0, sizeof(stack));
	stack[0].page = xmalloc(c->size);
	if (load(c, &stack[0], root, index) != 0)
		goto done;
	depth = 1;
	while (depth > 0) {
		struct frame *f = &stack[depth - 1];
		int leaf = f->type == 10 || f->type == 13;

		if (leaf) {
			for (i = 0; i < f->ncells; i++)
				if (parse_cell(c, f, i, &cell, &child) != 0 ||
				    fn(arg, c, &cell) != 0)
					goto done;
			depth--;
			continue;
		}
		/* children and (index) entries in turn: child 0, entry 0,
		 * child 1, ..., the right child last */
		if (f->k > (index ? 2 * f->ncells : f->ncells)) {
			depth--;
			continue;
		}
		i = index ? f->k / 2 : f->k;
		if (index && f->k % 2 == 1) {
			f->k++;
			if (parse_cell(c, f, i, &cell, &child) != 0 ||
			    fn(arg, c, &cell) != 0)
				goto done;
			continue;
		}
		f->k++;
		if (i < f->ncells) {
			if (parse_cell(c, f, i, &cell, &child) != 0)
				goto done;
		} else {
			child = sqlfmt_get32(f->page + f->hdr + 8);
		}
		if (depth == DBC_MAX_DEPTH) {
			dbc_uncovered(c, "a b-tree too deep");
			goto done;
		}
		if (stack[depth].page == NULL)
			stack[depth].page = xmalloc(c->size);
		if (load(c, &stack[depth], child, index) != 0)
			goto done;
		depth++;
	}
	rc = 0;
done:
	for (d = 0; d < DBC_MAX_DEPTH; d++)
		free(stack[d].page);
	return rc;
}

/* The copy of one b-tree. */
struct copying {
	struct dbc_tree *tree;
	struct dbcopy_drop *drop;	/* or NULL */
	int index;
	int any;			/* a row seen yet */
	int64_t last;			/* its rowid */
	unsigned char *value;		/* a field read (drop->values) */
};

/*
 * field_matches: whether field `column` of a table row's record is text
 * that drop's values hold (1), or not (0); -1 when the record does not
 * read, or has no such field.
 */
static int
field_matches(struct dbc *c, const struct dbc_cell *cell,
	      const struct dbcopy_drop *drop, unsigned char *value)
{
	uint64_t t = 0, off = 0, end = 0;
	int64_t len;
	int r;

	r = record_field(c, cell, drop->column, &t, &off, &end);
	if (r < 0)
		return -1;
	if (r == 0)
		return dbc_uncovered(c, "a row of '%s' without the column it "
				     "is matched on", drop->table);
	/* text of a length some value has: compare */
	len = sqlfmt_serial_len(t);
	if (t < 13 || t % 2 == 0 || (size_t)len > strset_longest(drop->values))
		return 0;
	if (payload_read(c, cell, off, (uint64_t)len, value, 0) != 0)
		return -1;
	return strset_has(drop->values, value, (size_t)len);
}

/* copy_entry: a walk's entry: copied unless its row is left out. */
static int
copy_entry(void *arg, struct dbc *c, const struct dbc_cell *cell)
{
	struct copying *cp = arg;
	struct dbc_cell k = *cell;
	int64_t rowid = cell->rowid;
	int m;

	if (!cp->index) {
		if (cp->any && rowid <= cp->last)
			return dbc_uncovered(c, "rowids out of order");
		cp->any = 1;
		cp->last = rowid;
	}
	if (cp->drop == NULL)
		return dbc_tree_add(cp->tree, &k);
	if (cp->index && index_rowid(c, &k, &rowid) != 0)
		return -1;
	if (!cp->index && cp->drop->values != NULL) {
		m = field_matches(c, &k, cp->drop, cp->value);
		if (m < 0)
			return -1;
		if (m) {
			cp->drop->matched +=
				rowset_add(cp->drop->rows, rowid);
			return 0;
		}
	}
	if (rowset_has(cp->drop->rows, rowid))
		return 0;
	return dbc_tree_add(cp->tree, &k);
}

/* One row of the schema, read whole. */
struct schema_row {
	int64_t rowid;
	unsigned char *rec;
	uint64_t n;
	char *type, *name, *tbl;
	int64_t root;
	int root_field;			/* the rootpage value's index */
	int sql_null;			/* no sql (NULL or ''): an index made
					 * for a PRIMARY KEY or UNIQUE
					 * constraint */
	int dup;			/* an index whose name another index
					 * row has too */
};

struct schema {
	struct schema_row *v;
	int n, cap;
};

/* field_text: a record's text value at body[0..len), as a new string. */
static char *
field_text(const unsigned char *body, int64_t len)
{
	return xstrndup((const char *)body, (size_t)len);
}

/*
 * parse_row: read the columns of a schema record (type, name, tbl_name,
 * rootpage, sql).  SQLite reads them as text: a name stored as a blob or
 * a number, or a rootpage stored as text, means to SQLite what it would
 * not mean here, and is not covered.
 */
static int
parse_row(struct dbc *c, struct schema_row *r)
{
	const unsigned char *rec = r->rec, *end = rec + r->n, *h, *body;
	uint64_t hlen, t;
	int64_t len;
	int k, col;

	k = sqlfmt_varint(rec, end, &hlen);
	if (k == 0 || hlen < (uint64_t)k || hlen > r->n)
		return dbc_uncovered(c, "a malformed schema record");
	h = rec + k;
	body = rec + hlen;
	r->root = 0;
	r->root_field = -1;
	r->sql_null = 1;
	for (col = 0; h < rec + hlen; col++) {
		k = sqlfmt_varint(h, rec + hlen, &t);
		len = k ? sqlfmt_serial_len(t) : -1;
		if (len < 0 || len > end - body)
			return dbc_uncovered(c, "a malformed schema record");
		h += k;
		if (col == 64)
			return dbc_uncovered(c, "a malformed schema record");
		if (col <= 2 && (t < 13 || t % 2 == 0))
			return dbc_uncovered(c, "a schema record whose type or "
					     "names are not text");
		if (col == 0)
			r->type = field_text(body, len);
		else if (col == 1)
			r->name = field_text(body, len);
		else if (col == 2)
			r->tbl = field_text(body, len);
		else if (col == 3 && t >= 1 && t <= 6) {
			int i;

			r->root = (body[0] & 0x80) ? -1 : 0;
			for (i = 0; i < len; i++)
				r->root = (int64_t)((uint64_t)r->root << 8 |
						    body[i]);
			r->root_field = 3;
		} else if (col == 3 && (t == 8 || t == 9)) {
			r->root = (int64_t)t - 8;
			r->root_field = 3;
		} else if (col == 4) {
			/* SQLite parses sql that starts with "cr"; a row
			 * without (NULL, '') it takes for an autoindex's */
			r->sql_null = !(t >= 12 && len >= 2 &&
					(body[0] | 0x20) == 'c' &&
					(body[1] | 0x20) == 'r');
		}
		body += len;
	}
	if (r->type == NULL || r->name == NULL || r->tbl == NULL ||
	    r->root_field != 3)
		return dbc_uncovered(c, "a malformed schema record");
	if (r->root < 0 || r->root > UINT32_MAX || r->root == 1 ||
	    (r->root > 0 && strcmp(r->type, "table") != 0 &&
	     strcmp(r->type, "index") != 0) ||
	    (r->root == 0 && strcmp(r->type, "index") == 0))
		return dbc_uncovered(c, "a schema record with a bad root page");
	return 0;
}

/* schema_entry: a walk's entry of the schema: read whole and kept. */
static int
schema_entry(void *arg, struct dbc *c, const struct dbc_cell *cell)
{
	struct schema *s = arg;
	struct schema_row *r;

	if (cell->payload > MAX_SCHEMA_RECORD)
		return dbc_uncovered(c, "a schema record too large");
	if (s->n > 0 && cell->rowid <= s->v[s->n - 1].rowid)
		return dbc_uncovered(c, "rowids out of order");
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = xrealloc(s->v, sizeof(*s->v) * (size_t)s->cap);
	}
	r = &s->v[s->n++];
	memset(r, 0, sizeof(*r));
	r->rowid = cell->rowid;
	r->n = cell->payload;
	r->rec = xmalloc(r->n + 1);
	if (payload_read(c, cell, 0, r->n, r->rec, 1) != 0)
		return -1;
	return parse_row(c, r);
}

static void
schema_free(struct schema *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].rec);
		free(s->v[i].type);
		free(s->v[i].name);
		free(s->v[i].tbl);
	}
	free(s->v);
}

/* int_type: the serial type and length of integer v (>= 0). */
static int
int_type(int64_t v, int *len)
{
	static const int64_t max[] = { 127, 32767, 8388607, 2147483647,
				       140737488355327LL };
	static const int lens[] = { 1, 2, 3, 4, 6 };
	int i;

	for (i = 0; i < 5; i++)
		if (v <= max[i]) {
			*len = lens[i];
			return i + 1;
		}
	*len = 8;
	return 6;
}

/*
 * set_root: rewrite r's record with rootpage value v (the record was
 * parsed: its header and values are sound).
 */
static void
set_root(struct schema_row *r, int64_t v)
{
	const unsigned char *rec = r->rec, *h, *body;
	unsigned char *out, *oh, *ob, head[64];
	uint64_t hlen, t, types[64];
	int64_t lens[64];
	int k, i, n = 0, vlen, vt = int_type(v, &vlen);
	size_t hsize = 0, bsize = 0, total;

	k = sqlfmt_varint(rec, rec + r->n, &hlen);
	h = rec + k;
	while (h < rec + hlen && n < 64) {
		h += sqlfmt_varint(h, rec + hlen, &t);
		types[n] = t;
		lens[n] = sqlfmt_serial_len(t);
		n++;
	}
	types[r->root_field] = (uint64_t)vt;
	for (i = 0; i < n; i++) {
		hsize += (size_t)dbc_varint_put(head, types[i]);
		bsize += i == r->root_field ? (size_t)vlen : (size_t)lens[i];
	}
	/* the header's length counts its own varint */
	k = dbc_varint_put(head, hsize + 1);
	if (dbc_varint_put(head, hsize + (size_t)k) != k)
		k++;
	total = (size_t)k + hsize + bsize;
	out = xmalloc(total);
	oh = out + dbc_varint_put(out, hsize + (size_t)k);
	ob = out + k + hsize;
	body = rec + hlen;
	for (i = 0; i < n; i++) {
		oh += dbc_varint_put(oh, types[i]);
		if (i == r->root_field) {
			int j;

			for (j = 0; j < vlen; j++)
				ob[j] = (unsigned char)((uint64_t)v >>
							(8 * (vlen - 1 - j)));
			ob += vlen;
		} else {
			memcpy(ob, body, (size_t)lens[i]);
			ob += lens[i];
		}
		body += lens[i];
	}
	free(r->rec);
	r->rec = out;
	r->n = total;
}

static int
by_name(const void *a, const void *b)
{
	const struct schema_row *x = *(const struct schema_row *const *)a;
	const struct schema_row *y = *(const struct schema_row *const *)b;

	return strcasecmp(x->name, y->name);
}

/* mark_dups: flag the index rows whose name (ASCII case ignored) another
 * index row has too. */
static void
mark_dups(struct schema *s)
{
	struct schema_row **v = xmalloc(sizeof(*v) * ((size_t)s->n + 1));
	int i, n = 0;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].type, "index") == 0)
			v[n++] = &s->v[i];
	qsort(v, (size_t)n, sizeof(*v), by_name);
	for (i = 1; i < n; i++)
		if (strcasecmp(v[i - 1]->name, v[i]->name) == 0)
			v[i - 1]->dup = v[i]->dup = 1;
	free(v);
}

/*
 * owner: the table whose rows the b-tree of schema row i holds (its own
 * for a table, its table's for an index), as SQLite reads the schema;
 * NULL (not covered) when that is not plain.  SQLite checks that a
 * table's name and an index's tbl_name agree with their sql; an index
 * without sql (a PRIMARY KEY's or a UNIQUE constraint's) it finds by its
 * name instead, sqlite_autoindex_TABLE_N, and does not read tbl_name:
 * such a row is covered when its name says the table its tbl_name says,
 * and no other index row has that name (the index it would find).
 */
static const char *
owner(struct dbc *c, const struct schema *s, int i)
{
	static const char prefix[] = "sqlite_autoindex_";
	const struct schema_row *r = &s->v[i];
	size_t plen = sizeof(prefix) - 1, tlen;
	const char *u = strrchr(r->name, '_');

	if (strcmp(r->type, "index") != 0)
		return r->name;
	if (!r->sql_null)
		return r->tbl;
	/* the name: the prefix, the table's name, '_', digits */
	if (!r->dup && strncasecmp(r->name, prefix, plen) == 0 &&
	    u >= r->name + plen && u[1] != '\0' &&
	    strspn(u + 1, "0123456789") == strlen(u + 1)) {
		tlen = (size_t)(u - r->name) - plen;
		if (strlen(r->tbl) == tlen &&
		    strncasecmp(r->tbl, r->name + plen, tlen) == 0)
			return r->tbl;
	}
	dbc_uncovered(c, "an index '%s' whose table is unclear", r->name);
	return NULL;
}

/* leaves_out: whether drop d leaves anything out. */
static int
leaves_out(const struct dbcopy_drop *d)
{
	return rowset_count(d->rows) > 0 ||
	       (d->values != NULL && strset_count(d->values) > 0);
}

/* find_drop: what to leave out of table name, or NULL. */
static struct dbcopy_drop *
find_drop(struct dbcopy_drop *drops, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(drops[i].table, name) == 0 &&
		    leaves_out(&drops[i]))
			return &drops[i];
	return NULL;
}

/*
 * make_header: the copy's file header, from the source's head, into the
 * first 100 bytes of page 1 (img): its settings kept (page size, schema
 * format, encoding, user_version, application_id, ...), the rest new.
 */
static void
make_header(const struct dbc *c, const unsigned char *head, unsigned char *img)
{
	uint32_t counter = sqlfmt_get32(head + 24) + 1;

	memcpy(img, head, DBC_HEADER);
	memset(img + 72, 0, 20);		/* reserved: zero */
	dbc_put32(img + 24, counter);
	dbc_put32(img + 28, c->next - 1);	/* pages in the copy */
	dbc_put32(img + 32, 0);			/* no freelist */
	dbc_put32(img + 36, 0);
	dbc_put32(img + 92, counter);		/* the page count is valid */
	dbc_put32(img + 96, SQLITE_VERSION_NUMBER);
}

/*
 * copy_btree: copy the b-tree of schema row i of s, leaving out what
 * drops say (value: a buffer for the longest value matched), and point
 * the row at the copy's root; kind is a page buffer.  Returns 0, or -1
 * with c's failure set.
 */
static int
copy_btree(struct dbc *c, struct schema *s, int i, struct dbcopy_drop *drops,
	   int ndrops, unsigned char *kind, unsigned char *value)
{
	struct schema_row *r = &s->v[i];
	struct copying cp;
	const char *table;
	uint32_t root;
	int rc;

	if ((table = owner(c, s, i)) == NULL ||
	    dbc_read_page(c, (uint32_t)r->root, kind, 0) != 0)
		return -1;
	memset(&cp, 0, sizeof(cp));
	cp.index = kind[0] == 2 || kind[0] == 10;
	if (!cp.index && strcmp(r->type, "index") == 0)
		return dbc_uncovered(c, "index '%s' is not an index b-tree",
				     r->name);
	cp.drop = find_drop(drops, ndrops, table);
	cp.value = value;
	cp.tree = dbc_tree_new(c, cp.index, 0);
	rc = walk(c, (uint32_t)r->root, cp.index, copy_entry, &cp) != 0 ||
		     dbc_tree_finish(cp.tree, &root) != 0 ? -1 : 0;
	dbc_tree_free(cp.tree);
	if (rc == 0)
		set_root(r, root);
	return rc;
}

/*
 * copy_all: the b-trees the schema names, then the schema itself and
 * page 1, with a file header made from the source's, head.
 */
static int
copy_all(struct dbc *c, struct schema *s, struct dbcopy_drop *drops,
	 int ndrops, const unsigned char *head)
{
	struct dbc_tree *tree = NULL;
	unsigned char *kind = xmalloc(c->size), *page1;
	unsigned char *value = NULL;
	size_t longest = 0;
	uint32_t root;
	int i, j, pass, rc = -1;

	mark_dups(s);
	/* every table rows are left out of must be there, with rowids */
	for (j = 0; j < ndrops; j++) {
		if (!leaves_out(&drops[j]))
			continue;
		if (drops[j].values != NULL &&
		    strset_longest(drops[j].values) > longest)
			longest = strset_longest(drops[j].values);
		for (i = 0; i < j; i++)
			if (leaves_out(&drops[i]) &&
			    strcasecmp(drops[i].table, drops[j].table) == 0) {
				dbc_uncovered(c, "table '%s' named twice",
					      drops[j].table);
				goto done;
			}
		for (i = 0; i < s->n; i++)
			if (strcmp(s->v[i].type, "table") == 0 &&
			    strcasecmp(s->v[i].name, drops[j].table) == 0)
				break;
		if (i == s->n || s->v[i].root == 0) {
			dbc_uncovered(c, "no table '%s' to leave rows out of",
				      drops[j].table);
			goto done;
		}
		if (dbc_read_page(c, (uint32_t)s->v[i].root, kind, 0) != 0)
			goto done;
		if (kind[0] != 5 && kind[0] != 13) {
			dbc_uncovered(c, "table '%s' has no rowids",
				      drops[j].table);
			goto done;
		}
	}
	value = xmalloc(longest + 1);
	/* the tables first: the rows they leave out by value are known
	 * before their indexes are copied */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->n; i++)
			if (s->v[i].root != 0 &&
			    (strcmp(s->v[i].type, "table") == 0) ==
			    (pass == 0) &&
			    copy_btree(c, s, i, drops, ndrops, kind,
				       value) != 0)
				goto done;
	tree = dbc_tree_new(c, 0, 1);
	for (i = 0; i < s->n; i++)
		if (dbc_tree_add_record(tree, s->v[i].rowid, s->v[i].rec,
					s->v[i].n) != 0)
			goto done;
	if (dbc_tree_finish(tree, &root) != 0 || dbc_out_flush(c) != 0)
		goto done;
	page1 = xmalloc(c->size);
	memcpy(page1, dbc_tree_image(tree), c->size);
	make_header(c, head, page1);
	rc = dbc_out_page1(c, page1);
	free(page1);
done:
	dbc_tree_free(tree);
	free(kind);
	free(value);
	return rc;
}

/*
 * pending_byte: where SQLite's lock byte is: at 1 GiB (PENDING_BYTE), but
 * a test may move it (SQLITE_TESTCTRL_PENDING_BYTE) to make databases that
 * cross it small; the copy leaves free the page SQLite leaves free.
 */
static uint32_t
pending_byte(void)
{
	int v = sqlite3_test_control(SQLITE_TESTCTRL_PENDING_BYTE, 0u);

	return v > 0 ? (uint32_t)v : DBC_PENDING_BYTE;
}

uint32_t
dbcopy_lock_page(uint32_t size)
{
	return pending_byte() / size + 1;
}

/* check_header: whether the source's header is one dbcopy covers; its
 * page size and count into c. */
static int
check_header(struct dbc *c, const unsigned char *head, off_t file_size)
{
	uint32_t size = sqlfmt_page_size(head), count;
	uint64_t max;

	if (memcmp(head, "SQLite format 3", 16) != 0)
		return dbc_uncovered(c, "not a SQLite database");
	if (size < 512 || size > 65536 || (size & (size - 1)) != 0 ||
	    head[21] != 64 || head[22] != 32 || head[23] != 32)
		return dbc_uncovered(c, "an unusual page layout");
	if (head[20] != 0)
		return dbc_uncovered(c, "reserved bytes at the end of pages");
	if (sqlfmt_get32(head + 52) != 0 || sqlfmt_get32(head + 64) != 0)
		return dbc_uncovered(c, "auto-vacuum pointer maps");
	if (sqlfmt_get32(head + 56) > 1)	/* 0: no table yet */
		return dbc_uncovered(c, "a text encoding other than UTF-8");
	c->size = c->usable = size;
	count = sqlfmt_get32(head + 28);
	if (count == 0 || sqlfmt_get32(head + 24) != sqlfmt_get32(head + 92))
		count = (uint32_t)(file_size / size > UINT32_MAX - 1
					   ? UINT32_MAX - 1
					   : file_size / size);
	if ((off_t)count * size > file_size || count == 0)
		return dbc_uncovered(c, "a file shorter than its header says");
	c->npages = count;
	/*
	 * Cells are packed into the copy's pages at least as tightly as
	 * SQLite packs them, overflow chains are as long: a copy larger
	 * than its source (the lock page and the odd page of a level
	 * aside) copies a cell more than once, as a page whose cell
	 * pointers share a cell would make it: one page into hundreds of
	 * pages of copy, a disk filled from a small file.
	 */
	max = (uint64_t)count + count / 64 + 64;
	c->maxpages = max > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)max;
	c->lock_page = dbcopy_lock_page(size);
	return 0;
}

int
dbcopy(const char *src, const char *dst, struct dbcopy_drop *drops,
       int ndrops, const struct dbcopy_tap *tap, char *why, size_t whylen)
{
	struct dbc c;
	struct schema s;
	struct stat st;
	unsigned char head[DBC_HEADER];
	int rc = -1, made = 0;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.in = c.out = -1;
	c.why = why;
	c.whylen = whylen;
	c.tap = tap;
	if (whylen > 0)
		why[0] = '\0';
	c.in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (c.in < 0 || fstat(c.in, &st) != 0) {
		log_errno("cannot read '%s'", src);
		goto done;
	}
	if (pread(c.in, head, sizeof(head), 0) != (ssize_t)sizeof(head)) {
		dbc_uncovered(&c, "not a SQLite database");
		goto fail;
	}
	if (check_header(&c, head, st.st_size) != 0)
		goto fail;
	c.seen = xcalloc((size_t)c.npages / 8 + 1, 1);
	if (walk(&c, 1, 0, schema_entry, &s) != 0)
		goto fail;
	unlink(dst);
	c.out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (c.out < 0) {
		log_errno("cannot create '%s'", dst);
		goto done;
	}
	made = 1;
	c.next = 2;
	if (copy_all(&c, &s, drops, ndrops, head) != 0)
		goto fail;
	if (close(c.out) != 0) {
		c.out = -1;
		log_errno("cannot write '%s'", dst);
		goto done;
	}
	c.out = -1;
	rc = 1;
	goto done;
fail:
	if (c.fail == DBC_IOERR) {
		errno = c.err;
		log_errno("cannot %s '%s'", c.what,
			  strcmp(c.what, "read") == 0 ? src : dst);
	} else {
		rc = 0;
	}
done:
	if (c.out >= 0)
		close(c.out);
	if (rc != 1 && made)
		unlink(dst);
	if (c.in >= 0)
		close(c.in);
	schema_free(&s);
	free(c.seen);
	free(c.buf);
	return rc;
}
