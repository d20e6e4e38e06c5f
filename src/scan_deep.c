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
#define SPOOL_MAX (256 << 20)	/* the most of a member read whole */
#define HEADER_COST 4096	/* budget a member's header costs */

/* What one scan_deep call shares at every depth. */
struct deep {
	const struct filter *f;
	struct spans *sp;
	int64_t budget;		/* bytes still to decompress or inflate */
	int found;
	int unread;		/* an archive or stream inside failed to read */
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
 * forms: filter_scan of text[0..n) as it is, then, where it holds a zero
 * byte (as UTF-16 text of ASCII characters does), as UTF-16 in both byte
 * orders from both even and odd offsets: a text file in UTF-16, with a
 * byte order mark or without, and UTF-16 strings inside binary files (an
 * Outlook message, a photo's author) alike.  Returns the number found.
 */
static int
forms(const struct filter *f, const char *text, size_t n, struct spans *sp)
{
	const unsigned char *p = (const unsigned char *)text;
	int be, odd;

	if (filter_scan(f, text, n, sp) > 0)
		return (int)sp->n;
	if (n < 2 || memchr(p, 0, n) == NULL)
		return 0;
	for (odd = 0; odd < 2; odd++)
		for (be = 0; be < 2; be++)
			if (utf16(f, p + odd, n - (size_t)odd, be, sp) > 0)
				return (int)sp->n;
	return 0;
}

/* A stream's bytes as they come: scanned a window at a time, the windows
 * overlapping by more than an identifier's length. */
struct window {
	struct deep *d;
	char *buf;
	size_t have;
};

static void
window_init(struct window *w, struct deep *d)
{
	w->d = d;
	w->buf = xmalloc(WINDOW + OVERLAP);
	w->have = 0;
}

/* window_scan: forms of the window (all of it when last, else keeping
 * the overlap for the next); sets d->found. */
static void
window_scan(struct window *w, int last)
{
	if (w->d->found || w->have == 0)
		return;
	if (forms(w->d->f, w->buf, w->have, w->d->sp) > 0) {
		w->d->found = 1;
		return;
	}
	if (last || w->have <= OVERLAP)
		return;
	memmove(w->buf, w->buf + w->have - OVERLAP, OVERLAP);
	w->have = OVERLAP;
}

/* window_add: p[0..n) into w, scanning each window as it fills. */
static void
window_add(struct window *w, const char *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t take = WINDOW + OVERLAP - w->have;

		if (take > n - off)
			take = n - off;
		memcpy(w->buf + w->have, p + off, take);
		w->have += take;
		off += take;
		if (w->have == WINDOW + OVERLAP)
			window_scan(w, 0);
	}
}

/* window_end: scan what is left in w, and free it. */
static void
window_end(struct window *w)
{
	window_scan(w, 1);
	free(w->buf);
	w->buf = NULL;
}

/*
 * inflate_scan: forms of what the zlib stream at p[0..n) inflates to,
 * through a window, within d's budget (charged what it reads and what it
 * writes); stops at its end, at data that does not inflate, or at an
 * identifier found (d->found).
 */
static void
inflate_scan(struct deep *d, const unsigned char *p, size_t n)
{
	unsigned char *out = xmalloc(CHUNK);
	struct window w;
	z_stream z;
	int r = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(out);
		return;
	}
	window_init(&w, d);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (r == Z_OK && !d->found && d->budget > 0) {
		uInt in = z.avail_in;

		z.next_out = out;
		z.avail_out = CHUNK;
		r = inflate(&z, Z_NO_FLUSH);
		/* what it read and what it wrote: blocks that inflate to
		 * nothing cost too */
		d->budget -= (int64_t)(in - z.avail_in) +
			     (int64_t)(CHUNK - z.avail_out);
		window_add(&w, (const char *)out, CHUNK - z.avail_out);
	}
	window_end(&w);
	inflateEnd(&z);
	free(out);
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

/* A member's data as it is pulled: its archive, the window scanned. */
struct member {
	struct deep *d;
	struct archive *from;
	struct window w;
	size_t pending;		/* chunk bytes pulled, not yet handed on */
	int at_end;
	char chunk[CHUNK];
};

/*
 * pull: the next chunk of m's data into m->chunk, scanned on its way
 * through the window and charged to the budget.  Returns its length, 0 at
 * its end (or once the budget is spent, an identifier found, or the data
 * does not read).
 */
static size_t
pull(struct member *m)
{
	la_ssize_t got;

	if (m->at_end || m->d->found || m->d->budget <= 0)
		return 0;
	got = archive_read_data(m->from, m->chunk, sizeof(m->chunk));
	if (got <= 0) {
		m->d->unread |= got < 0;
		m->at_end = 1;
		return 0;
	}
	if (got > m->d->budget)
		got = (la_ssize_t)m->d->budget;
	m->d->budget -= got;
	window_add(&m->w, m->chunk, (size_t)got);
	return (size_t)got;
}

/* read_member: libarchive's read callback over a member: what was pulled
 * to look at first, then pull. */
static la_ssize_t
read_member(struct archive *a, void *arg, const void **buf)
{
	struct member *m = arg;
	size_t n = m->pending;

	(void)a;
	*buf = m->chunk;
	m->pending = 0;
	return (la_ssize_t)(n > 0 ? n : pull(m));
}

/* A reader's data handed on as it is (to the reader of its formats). */
struct pass {
	struct archive *from;
	char chunk[CHUNK];
};

static la_ssize_t
read_pass(struct archive *a, void *arg, const void **buf)
{
	struct pass *p = arg;
	la_ssize_t got = archive_read_data(p->from, p->chunk,
					   sizeof(p->chunk));

	(void)a;
	*buf = p->chunk;
	return got > 0 ? got : 0;
}

/* new_reader: a reader of libarchive's filters and the raw format (with
 * formats 0), or of its archive formats and no filter (formats 1). */
static struct archive *
new_reader(int formats)
{
	struct archive *a = archive_read_new();

	if (formats) {
		extract_support_formats(a);
	} else {
		extract_support_filters(a);
		archive_read_support_format_raw(a);
	}
	return a;
}

static void member(struct deep *d, struct archive *from, int depth);

/* members: scan each member of archive a, whose members are at depth. */
static void
members(struct deep *d, struct archive *a, int depth)
{
	struct archive_entry *ent;
	int r = ARCHIVE_EOF;

	while (!d->found && d->budget > 0 &&
	       ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK ||
		r == ARCHIVE_WARN)) {
		/* a member costs, if only its header: millions of empty
		 * ones fit in a small 7z */
		d->budget -= HEADER_COST;
		member(d, a, depth);
	}
	if (!d->found && d->budget > 0 && r != ARCHIVE_EOF)
		d->unread = 1;
}

/*
 * unpack: the data raw (its first reader, of filters and the raw format,
 * at its first header; its bytes are scanned already, as they are) read
 * on: when compressed, its decompressed stream is scanned as a member of
 * its own, at depth + 1; else it is read as an archive whose members are
 * at depth + 1, through a second reader (opened on p[0..n) when the data
 * is in memory, so that formats that seek, like 7z, read).
 */
static void
unpack(struct deep *d, struct archive *raw, const char *p, size_t n,
       int depth)
{
	struct archive *fmt = new_reader(1);
	struct pass *pass = NULL;
	int r;

	if (archive_filter_count(raw) >= 2) {
		member(d, raw, depth + 1);
		archive_read_free(fmt);
		return;
	}
	if (p != NULL) {
		r = archive_read_open_memory(fmt, p, n);
	} else {
		pass = xcalloc(1, sizeof(*pass));
		pass->from = raw;
		r = archive_read_open(fmt, pass, NULL, read_pass, NULL);
	}
	if (r == ARCHIVE_OK)
		members(d, fmt, depth + 1);
	archive_read_free(fmt);
	free(pass);
}

/*
 * whole: what p[0..n) (in memory, its bytes scanned as they are) holds:
 * a PDF's streams, an archive's members or a compressed stream, at
 * depth + 1.
 */
static void
whole(struct deep *d, const char *p, size_t n, int depth)
{
	struct archive *raw;
	struct archive_entry *ent;

	pdf_streams(d, p, n);
	if (d->found || depth >= SCAN_DEPTH)
		return;
	raw = new_reader(0);
	if (archive_read_open_memory(raw, p, n) == ARCHIVE_OK &&
	    archive_read_next_header(raw, &ent) == ARCHIVE_OK)
		unpack(d, raw, p, n, depth);
	archive_read_free(raw);
}

/* read_whole: whether data starting p[0..n) is read whole: formats that
 * seek (7z, zip: its directory is at its end) and PDFs. */
static int
read_whole(const char *p, size_t n)
{
	return (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0) ||
	       (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) ||
	       (n >= 5 && memcmp(p, "%PDF-", 5) == 0);
}

/* packed: whether data starting p[0..n) looks compressed or like a tar. */
static int
packed(const char *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
	} m[] = {
		{ "\x1f\x8b", 2 },			/* gzip */
		{ "\x1f\x9d", 2 },			/* compress */
		{ "BZh", 3 },				/* bzip2 */
		{ "\xfd" "7zXZ\x00", 6 },		/* xz */
		{ "\x28\xb5\x2f\xfd", 4 },		/* zstd */
		{ "\x04\x22\x4d\x18", 4 },		/* lz4 */
		{ "LZIP", 4 },				/* lzip */
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= m[i].len && memcmp(p, m[i].magic, m[i].len) == 0)
			return 1;
	return n >= 262 && memcmp(p + 257, "ustar", 5) == 0;
}

/*
 * spool: the rest of m's data after its first chunk, into memory with it,
 * at most SPOOL_MAX bytes (the rest is scanned as it is pulled, and
 * dropped); *n its length.  Returns the bytes, to free.
 */
static char *
spool(struct member *m, size_t first, size_t *n)
{
	size_t cap = 4 * CHUNK, got;
	char *buf = xmalloc(cap);

	memcpy(buf, m->chunk, first);
	*n = first;
	while ((got = pull(m)) > 0) {
		if (*n + got > SPOOL_MAX)
			continue;
		if (*n + got > cap) {
			cap = cap * 2 < SPOOL_MAX ? cap * 2 : SPOOL_MAX;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + *n, m->chunk, got);
		*n += got;
	}
	return buf;
}

/*
 * member: scan the data of the member archive from is at, at depth (the
 * top file's are at 0): every byte as it is pulled, then, while depth is
 * left, what it holds.  Data that is read whole is spooled to memory;
 * the rest is read as it streams.
 */
static void
member(struct deep *d, struct archive *from, int depth)
{
	struct member *m = xcalloc(1, sizeof(*m));
	struct archive_entry *ent;
	size_t first, n;
	char *buf;
	int is_whole;

	m->d = d;
	m->from = from;
	window_init(&m->w, d);
	first = pull(m);
	is_whole = read_whole(m->chunk, first);
	/* past the depth it reads, what looks like more is said unread */
	if (depth >= SCAN_DEPTH && (is_whole || packed(m->chunk, first)))
		d->unread = 1;
	if (depth < SCAN_DEPTH && is_whole) {
		buf = spool(m, first, &n);
		window_end(&m->w);
		if (!d->found)
			whole(d, buf, n, depth);
		free(buf);
	} else {
		if (depth < SCAN_DEPTH && first > 0) {
			struct archive *raw = new_reader(0);

			m->pending = first;
			if (archive_read_open(raw, m, NULL, read_member,
					      NULL) == ARCHIVE_OK &&
			    archive_read_next_header(raw, &ent) ==
				    ARCHIVE_OK)
				unpack(d, raw, NULL, 0, depth);
			archive_read_free(raw);
		}
		/* the rest, which no reader asked for */
		while (pull(m) > 0)
			;
		window_end(&m->w);
	}
	free(m);
}

int
scan_deep(const struct filter *f, const char *text, size_t n,
	  struct spans *sp, int *unread)
{
	const struct config *cfg = f->cfg;
	struct deep d = { f, sp, 0, 0, 0 };
	int found = forms(f, text, n, sp);

	*unread = 0;
	if (found > 0)
		return found;
	/* as much as max_ratio allows from this file (at least the 64 MiB
	 * the ratio waits for), at most max_entry_size */
	d.budget = (int64_t)n > cfg->max_entry_size / cfg->max_ratio
			   ? cfg->max_entry_size
			   : (int64_t)n * cfg->max_ratio;
	if (d.budget < RATIO_AFTER)
		d.budget = RATIO_AFTER;
	whole(&d, text, n, 0);
	*unread = d.unread || d.budget <= 0;
	return d.found ? (int)sp->n : 0;
}
