/*
 * filter_raw.c: the residue scan of a vacuumed database, read as bytes.
 *
 * Scanning a database for residue through SQLite costs a statement step
 * and a column call per value.  A database lethe has just vacuumed into a
 * fresh file has no free pages, so its values can be read straight from
 * its b-tree pages: each cell's record is parsed (header, serial types)
 * and every text or blob value is scanned on its own, exactly the values
 * the SQLite scan sees.  Index pages hold copies of table values, and
 * are read only when the database has WITHOUT ROWID tables (whose rows
 * live in index b-trees).  Anything this
 * reader does not cover (a value continued on overflow pages, a text
 * encoding other than UTF-8, auto-vacuum pointer maps, a page that is not
 * a b-tree page, a malformed cell) makes it give up, and the caller scans
 * through SQLite instead, as it does when a candidate is found.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_priv.h"
#include "log.h"
#include "util.h"
#include "banned.h"

#define HEADER 100
#define PENDING_BYTE 0x40000000	/* SQLite's lock-byte page starts here */
#define CHUNK (4 << 20)		/* bytes read at a time, at least a page */

/* The outcome of a page or a value: go on, or stop for a reason. */
enum { RAW_GO = 0, RAW_FOUND = 1, RAW_UNCOVERED = 2 };

struct raw {
	const struct filter *f;
	struct spans sp;
	uint32_t usable;		/* page size less reserved bytes */
	int indexes;			/* read index b-tree pages too */
};

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * varint: read a SQLite varint at p (at most end); its byte length, or 0
 * when it runs past end.
 */
static int
varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	if (p < end && !(*p & 0x80)) {
		*v = *p;	/* the common case: one byte */
		return 1;
	}
	for (i = 0; i < 8; i++) {
		if (p + i >= end)
			return 0;
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	if (p + 8 >= end)
		return 0;
	*v = x << 8 | p[8];
	return 9;
}

/* serial_len: the bytes a value of serial type t takes; -1 if reserved. */
static int64_t
serial_len(uint64_t t)
{
	static const int fixed[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1 };

	if (t < 12)
		return fixed[t];
	if (t > (uint64_t)INT64_MAX)
		return -1;
	return (int64_t)((t - 12) / 2);
}

/* record: scan every text and blob value of the record rec[0..n). */
static int
record(struct raw *r, const unsigned char *rec, uint64_t n)
{
	const unsigned char *end = rec + n, *h, *body;
	uint64_t hlen, t;
	int k;

	k = varint(rec, end, &hlen);
	if (k == 0 || hlen < (uint64_t)k || hlen > n)
		return RAW_UNCOVERED;
	h = rec + k;
	body = rec + hlen;
	while (h < rec + hlen) {
		int64_t len;

		k = varint(h, rec + hlen, &t);
		if (k == 0)
			return RAW_UNCOVERED;
		h += k;
		len = serial_len(t);
		if (len < 0 || len > end - body)
			return RAW_UNCOVERED;
		if (t >= 12 && len > 0 &&
		    filter_scan(r->f, (const char *)body, (size_t)len,
				&r->sp) > 0)
			return RAW_FOUND;
		body += len;
	}
	return RAW_GO;
}

/*
 * page: scan the cells of b-tree page pg (pgno; its header at hdr, 100 on
 * page 1).  A cell whose payload continues on overflow pages is not
 * covered.
 */
static int
page(struct raw *r, const unsigned char *pg, uint32_t hdr)
{
	const unsigned char *end = pg + r->usable;
	uint32_t type = pg[hdr], ncells, i, x, cp;
	int leaf = type == 10 || type == 13, rc;

	if (type != 2 && type != 5 && type != 10 && type != 13)
		return RAW_UNCOVERED;
	if (type == 5 || (type != 13 && !r->indexes))
		return RAW_GO;		/* rowids only, or copies of values */
	/* the most a cell keeps on its page (SQLite file format, 1.6) */
	x = type == 13 ? r->usable - 35 : (r->usable - 12) * 64 / 255 - 23;
	ncells = be16(pg + hdr + 3);
	cp = hdr + (leaf ? 8 : 12);
	if (cp + 2 * ncells > r->usable)
		return RAW_UNCOVERED;
	for (i = 0; i < ncells; i++) {
		uint32_t off = be16(pg + cp + 2 * i);
		const unsigned char *c = pg + off;
		uint64_t plen, rowid;
		int k;

		if (off < cp + 2 * ncells || off >= r->usable)
			return RAW_UNCOVERED;
		if (type == 2)
			c += 4;		/* left child page */
		k = c < end ? varint(c, end, &plen) : 0;
		if (k == 0)
			return RAW_UNCOVERED;
		c += k;
		if (type == 13) {
			k = varint(c, end, &rowid);
			if (k == 0)
				return RAW_UNCOVERED;
			c += k;
		}
		if (plen > x || plen > (uint64_t)(end - c))
			return RAW_UNCOVERED;	/* on overflow pages */
		rc = record(r, c, plen);
		if (rc != RAW_GO)
			return rc;
	}
	return RAW_GO;
}

int
filter_raw_clean(const struct filter *f, const char *full, int indexes)
{
	unsigned char head[HEADER], *buf = NULL;
	struct raw r;
	struct stat st;
	uint32_t size, pgno, lock_page;
	uint64_t npages, at;
	size_t chunk;
	int fd = -1, rc = -1, res = RAW_GO;

	memset(&r, 0, sizeof(r));
	r.f = f;
	r.indexes = indexes;
	fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		log_errno("cannot read '%s'", full);
		goto done;
	}
	if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head)) {
		rc = 0;
		goto done;
	}
	size = be16(head + 16);
	size = size == 1 ? 65536 : size;
	/* UTF-8, no free pages, no pointer maps, whole pages */
	if (size < 512 || (size & (size - 1)) != 0 || head[20] > size - 480 ||
	    be32(head + 56) != 1 || be32(head + 36) != 0 ||
	    be32(head + 52) != 0 || st.st_size % size != 0) {
		rc = 0;
		goto done;
	}
	r.usable = size - head[20];
	npages = (uint64_t)st.st_size / size;
	lock_page = PENDING_BYTE / size + 1;
	chunk = CHUNK > size ? CHUNK : size;
	buf = xmalloc(chunk);
	for (at = 0, pgno = 1; at < (uint64_t)st.st_size && res == RAW_GO;) {
		ssize_t n = pread(fd, buf, chunk, (off_t)at);
		size_t off;

		if (n <= 0 || n % size != 0) {
			if (n < 0)
				log_errno("cannot read '%s'", full);
			rc = n < 0 ? -1 : 0;
			goto done;
		}
		for (off = 0; off < (size_t)n && res == RAW_GO;
		     off += size, pgno++)
			if (pgno != lock_page)
				res = page(&r, buf + off, pgno == 1 ? HEADER
								  : 0);
		at += (uint64_t)n;
	}
	rc = res == RAW_GO && pgno == npages + 1 ? 1 : 0;
done:
	free(buf);
	spans_release(&r.sp);
	if (fd >= 0)
		close(fd);
	return rc;
}
