/*
 * scan_deep.c: a restored file's identifiers in every form it may hold
 * them.
 *
 * A member of an archive is read once, as libarchive decompresses it: the
 * chunks a nested reader pulls from it are scanned on the way (a window
 * at a time, the windows overlapping by more than an identifier's
 * length), and the nested reader opens them as an archive or compressed
 * stream of their own when they are one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "extract.h"
#include "scan_deep.h"
#include "util.h"
#include "banned.h"

#define WINDOW (1 << 20)	/* decompressed bytes scanned at a time */
#define OVERLAP 1024		/* kept from one window to the next: more
				 * than the longest identifier */
#define CHUNK 65536		/* pulled from a member at a time */

/* What one scan_deep call shares at every depth. */
struct deep {
	const struct filter *f;
	struct spans *sp;
	int64_t budget;		/* decompressed bytes still to read */
	int found;
};

/*
 * utf16: filter_scan of text[0..n)'s 16-bit code units (big-endian when
 * be) read as text, each unit above 0x7f as a '?', a window at a time.
 * Returns the number found (sp: offsets into that window's reading).
 */
static int
utf16(const struct filter *f, const unsigned char *p, size_t n, int be,
      struct spans *sp)
{
	char *buf = xmalloc(WINDOW + OVERLAP);
	size_t at = 0, i, k;
	int found = 0;

	n &= ~(size_t)1;
	while (found == 0 && at < n) {
		for (i = at, k = 0; i < n && k < WINDOW + OVERLAP; i += 2) {
			unsigned u = be ? (unsigned)p[i] << 8 | p[i + 1]
					: (unsigned)p[i + 1] << 8 | p[i];

			buf[k++] = u < 0x80 ? (char)u : '?';
		}
		found = filter_scan(f, buf, k, sp);
		if (i >= n)
			break;
		at = i - 2 * OVERLAP;
	}
	free(buf);
	return found;
}

/*
 * forms: filter_scan of text[0..n) as it is, then as UTF-16: after a byte
 * order mark in its order, else, where a quarter of the bytes are zeros,
 * in both orders.  Returns the number found.
 */
static int
forms(const struct filter *f, const char *text, size_t n, struct spans *sp)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i, zeros = 0;

	if (filter_scan(f, text, n, sp) > 0)
		return (int)sp->n;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return utf16(f, p + 2, n - 2, 0, sp);
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return utf16(f, p + 2, n - 2, 1, sp);
	for (i = 0; i < n; i++)
		zeros += p[i] == 0;
	if (zeros == 0 || zeros < n / 4)
		return 0;
	if (utf16(f, p, n, 0, sp) > 0)
		return (int)sp->n;
	return utf16(f, p, n, 1, sp);
}

/* A member's data as it is pulled: its archive, the window scanned. */
struct member {
	struct deep *d;
	struct archive *from;
	char *win;
	size_t have;
	int at_end;
	char chunk[CHUNK];
};

/* window_scan: scan the window (all of it when last, else keeping the
 * overlap for the next). */
static void
window_scan(struct member *m, int last)
{
	if (m->d->found || m->have == 0)
		return;
	if (forms(m->d->f, m->win, m->have, m->d->sp) > 0) {
		m->d->found = 1;
		return;
	}
	if (last || m->have <= OVERLAP)
		return;
	memmove(m->win, m->win + m->have - OVERLAP, OVERLAP);
	m->have = OVERLAP;
}

/*
 * pull: the next chunk of m's data into m->chunk, scanned on its way
 * through the window.  Returns its length, 0 at its end (or once the
 * budget is spent, an identifier found, or the data does not read).
 */
static la_ssize_t
pull(struct member *m)
{
	la_ssize_t got;
	size_t off = 0;

	if (m->at_end || m->d->found || m->d->budget <= 0)
		return 0;
	got = archive_read_data(m->from, m->chunk, sizeof(m->chunk));
	if (got <= 0) {
		m->at_end = 1;
		return 0;
	}
	if (got > m->d->budget)
		got = (la_ssize_t)m->d->budget;
	m->d->budget -= got;
	while (off < (size_t)got) {
		size_t take = WINDOW + OVERLAP - m->have;

		if (take > (size_t)got - off)
			take = (size_t)got - off;
		memcpy(m->win + m->have, m->chunk + off, take);
		m->have += take;
		off += take;
		if (m->have == WINDOW + OVERLAP)
			window_scan(m, 0);
	}
	return got;
}

/* read_cb: libarchive's read callback for a nested reader: pull. */
static la_ssize_t
read_cb(struct archive *a, void *arg, const void **buf)
{
	struct member *m = arg;

	(void)a;
	*buf = m->chunk;
	return pull(m);
}

/*
 * inflate_scan: forms of what the zlib stream at p[0..n) inflates to, a
 * window at a time (within d's budget); stops at its end, at data that
 * does not inflate, or at an identifier found (d->found).
 */
static void
inflate_scan(struct deep *d, const unsigned char *p, size_t n)
{
	char *win = xmalloc(WINDOW + OVERLAP);
	size_t have = 0;
	z_stream z;
	int r = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(win);
		return;
	}
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (r == Z_OK && !d->found && d->budget > 0) {
		z.next_out = (unsigned char *)win + have;
		z.avail_out = (uInt)(WINDOW + OVERLAP - have);
		r = inflate(&z, Z_NO_FLUSH);
		d->budget -= (int64_t)(WINDOW + OVERLAP - have - z.avail_out);
		have = WINDOW + OVERLAP - z.avail_out;
		if (r != Z_OK || have == WINDOW + OVERLAP) {
			if (forms(d->f, win, have, d->sp) > 0)
				d->found = 1;
			memmove(win, win + have - (have < OVERLAP ? have
						  : OVERLAP),
				have < OVERLAP ? have : OVERLAP);
			have = have < OVERLAP ? have : OVERLAP;
		}
	}
	inflateEnd(&z);
	free(win);
}

/*
 * pdf_streams: when text[0..n) is a PDF, inflate_scan of each of its
 * streams that is zlib data (FlateDecode: a document's text, an
 * invoice's lines).
 */
static void
pdf_streams(struct deep *d, const char *text, size_t n)
{
	const char *p = text, *end = text + n;

	if (n < 5 || memcmp(text, "%PDF-", 5) != 0)
		return;
	while (!d->found && d->budget > 0 &&
	       (p = memmem(p, (size_t)(end - p), "stream", 6)) != NULL) {
		const unsigned char *s;

		p += 6;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n')
			continue;
		s = (const unsigned char *)++p;
		/* a zlib header: deflate, its check bits right */
		if (end - p >= 2 && (s[0] & 0x0f) == 8 &&
		    ((unsigned)s[0] << 8 | s[1]) % 31 == 0)
			inflate_scan(d, s, (size_t)(end - p));
	}
}

static void members(struct deep *d, struct archive *a, int depth);

/*
 * member: scan the data of the member a is at (depth: a's own), opening
 * it as an archive or stream of its own while there is depth left.
 */
static void
member(struct deep *d, struct archive *a, int depth)
{
	struct member *m = xcalloc(1, sizeof(*m));

	m->d = d;
	m->from = a;
	m->win = xmalloc(WINDOW + OVERLAP);
	if (depth < SCAN_DEPTH) {
		struct archive *in = archive_read_new();

		archive_read_support_filter_all(in);
		extract_support_formats(in);
		archive_read_support_format_raw(in);
		if (archive_read_open(in, m, NULL, read_cb, NULL) ==
		    ARCHIVE_OK)
			members(d, in, depth + 1);
		archive_read_free(in);
	}
	/* the rest, which the nested reader did not ask for */
	while (pull(m) > 0)
		;
	window_scan(m, 1);
	free(m->win);
	free(m);
}

/*
 * members: scan each member of archive a (depth: a's own), unless a read
 * its input as one raw member, not compressed: then it is no archive, and
 * its bytes were scanned as they are.
 */
static void
members(struct deep *d, struct archive *a, int depth)
{
	struct archive_entry *ent;

	while (!d->found && d->budget > 0 &&
	       archive_read_next_header(a, &ent) >= ARCHIVE_WARN) {
		if (archive_format(a) == ARCHIVE_FORMAT_RAW &&
		    archive_filter_count(a) < 2)
			break;
		member(d, a, depth);
	}
}

int
scan_deep(const struct filter *f, const char *text, size_t n,
	  struct spans *sp)
{
	struct deep d = { f, sp, f->cfg->max_entry_size, 0 };
	struct archive *a;
	int found = forms(f, text, n, sp);

	if (found > 0)
		return found;
	pdf_streams(&d, text, n);
	if (d.found)
		return (int)sp->n;
	a = archive_read_new();
	archive_read_support_filter_all(a);
	extract_support_formats(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, text, n) == ARCHIVE_OK)
		members(&d, a, 1);
	archive_read_free(a);
	return d.found ? (int)sp->n : 0;
}
