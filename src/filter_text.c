/*
 * filter_text.c: structured files (csv, jsonl) and every other file.
 *
 * A structured file the data map knows loses each record that holds an
 * identifier of a newer erasure, in its match columns or anywhere else.
 * Any other file holding one is residue: the restore fails closed, naming
 * the file, unless the operator asked to leave such files out.  A file
 * is scanned in every form it may hold one (scan_deep.c): as it is, as
 * UTF-16 text, and member by member as the archive or compressed stream
 * (an export.csv.gz, an old backup zipped inside) it may be.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "filter_priv.h"
#include "fsutil.h"
#include "ident.h"
#include "interrupt.h"
#include "log.h"
#include "scan_deep.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* A file mapped into memory. */
struct mapped {
	const char *p;
	size_t n;
	int mode;
};

static int
map_file(const char *full, struct mapped *m)
{
	struct stat st;
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	memset(m, 0, sizeof(*m));
	if (fd < 0 || fstat(fd, &st) != 0) {
		log_errno("cannot read '%s'", full);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m->n = (size_t)st.st_size;
	m->mode = (int)(st.st_mode & 0777);
	if (m->n > 0) {
		void *p = mmap(NULL, m->n, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			log_errno("cannot read '%s'", full);
			close(fd);
			return -1;
		}
		m->p = p;
	}
	close(fd);
	return 0;
}

static void
unmap_file(struct mapped *m)
{
	if (m->n > 0)
		munmap((void *)m->p, m->n);
	memset(m, 0, sizeof(*m));
}

/* csv_end: the end of the CSV record starting at p (after its newline). */
static size_t
csv_end(const char *p, size_t n)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '\n' && !quoted)
			return i + 1;
	}
	return n;
}

/* csv_field: field k of record rec (len bytes), unquoted, into sb. */
static int
csv_field(const char *rec, size_t len, int k, struct strbuf *sb)
{
	size_t i = 0;
	int field = 0;

	sb_reset(sb);
	while (i <= len) {
		int quoted = i < len && rec[i] == '"';

		if (quoted)
			i++;
		while (i < len) {
			if (quoted && rec[i] == '"') {
				if (i + 1 < len && rec[i + 1] == '"') {
					if (field == k)
						sb_addc(sb, '"');
					i += 2;
					continue;
				}
				quoted = 0;
				i++;
				continue;
			}
			if (!quoted && (rec[i] == ',' || rec[i] == '\n' ||
					rec[i] == '\r'))
				break;
			if (field == k)
				sb_addc(sb, rec[i]);
			i++;
		}
		if (field == k)
			return 0;
		if (i >= len || rec[i] != ',')
			return -1;
		i++;
		field++;
	}
	return -1;
}

/*
 * header_index: the column of name in CSV header hdr, or -1 (a UTF-8
 * byte order mark before the first name is not part of it).
 */
static int
header_index(const char *hdr, size_t len, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	int k;

	if (len >= 3 && memcmp(hdr, "\xEF\xBB\xBF", 3) == 0) {
		hdr += 3;
		len -= 3;
	}

	for (k = 0; csv_field(hdr, len, k, &sb) == 0; k++) {
		if (strcmp(trim(sb.buf ? sb.buf : (char *)""), name) == 0) {
			sb_release(&sb);
			return k;
		}
	}
	sb_release(&sb);
	return -1;
}

/* hex4: the value of four hex digits at p, or -1. */
static long
hex4(const char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int c = (unsigned char)p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* add_utf8: code point cp as UTF-8. */
static void
add_utf8(struct strbuf *sb, long cp)
{
	char buf[4];

	sb_add(sb, buf, utf8_encode((unsigned)cp, buf));
}

/*
 * json_unescape: rec[0..len) with JSON's string escapes decoded into sb
 * ("eve\u0040example.com" holds an email as much as "eve@example.com");
 * what is not a valid escape is kept as it is.
 */
static void
json_unescape(const char *rec, size_t len, struct strbuf *sb)
{
	size_t i = 0;

	sb_reset(sb);
	while (i < len) {
		const char *bs = memchr(rec + i, '\\', len - i);
		long cp, lo;

		if (bs == NULL) {
			sb_add(sb, rec + i, len - i);
			break;
		}
		sb_add(sb, rec + i, (size_t)(bs - (rec + i)));
		i = (size_t)(bs - rec);
		if (i + 1 >= len) {
			sb_addc(sb, '\\');
			i++;
			continue;
		}
		switch (rec[i + 1]) {
		case 'n': case 'r': case 't': case 'b': case 'f':
			sb_addc(sb, ' ');
			i += 2;
			continue;
		case '"': case '\\': case '/':
			sb_addc(sb, rec[i + 1]);
			i += 2;
			continue;
		case 'u':
			cp = i + 6 <= len ? hex4(rec + i + 2) : -1;
			if (cp < 0)
				break;
			i += 6;
			/* a surrogate pair: the second half follows */
			if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= len &&
			    rec[i] == '\\' && rec[i + 1] == 'u' &&
			    (lo = hex4(rec + i + 2)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				i += 6;
			}
			add_utf8(sb, cp);
			continue;
		default:
			break;
		}
		sb_addc(sb, '\\');
		i++;
	}
}

/*
 * record_tomb: the newer tombstone a record belongs to, or -1: by its
 * match columns (CSV), then anywhere in it (a JSON record read with its
 * escapes decoded).
 */
static int
record_tomb(struct filter *f, const struct files_rule *r, const char *rec,
	    size_t len, const int *cols, struct spans *sp)
{
	struct strbuf field = STRBUF_INIT;
	char norm[IDENT_MAX];
	int i, t = -1;

	for (i = 0; cols != NULL && i < r->match.n && t < 0; i++) {
		if (cols[i] < 0 || csv_field(rec, len, cols[i], &field) != 0 ||
		    field.buf == NULL)
			continue;
		if (ident_normalise(r->match.type[i], field.buf,
				    (int)f->cfg->calling_code, norm) == 0)
			t = filter_ident(f, r->match.type[i], norm);
	}
	if (t < 0 && filter_scan(f, rec, len, sp) > 0)
		t = sp->v[0].tag;
	if (t < 0 && r->format == FMT_JSONL && memchr(rec, '\\', len) != NULL) {
		json_unescape(rec, len, &field);
		if (filter_scan(f, field.buf, field.len, sp) > 0)
			t = sp->v[0].tag;
	}
	sb_release(&field);
	return t;
}

int
filter_structured(struct filter *f, const char *rel, const char *full,
		  const struct files_rule *r)
{
	struct mapped m;
	struct spans sp = { NULL, 0, 0 };
	struct strbuf out = STRBUF_INIT;
	int *cols = NULL;
	size_t at = 0, len;
	int64_t dropped = 0, line = 0;
	int i, t, rc = -1;

	if (map_file(full, &m) != 0)
		return -1;
	if (!filter_has_newer(f))
		goto keep;
	if (r->format == FMT_CSV && m.n > 0) {
		len = csv_end(m.p, m.n);
		cols = xcalloc((size_t)r->match.n, sizeof(*cols));
		for (i = 0; i < r->match.n; i++) {
			cols[i] = header_index(m.p, len, r->match.column[i]);
			if (cols[i] < 0)
				log_warn("'%s': no column '%s' for [files %s] "
					 "match", filter_shown(f, rel),
					 r->match.column[i], r->name);
		}
		sb_add(&out, m.p, len);
		at = len;
	}
	while (at < m.n) {
		const char *rec = m.p + at;

		if (r->format == FMT_CSV) {
			len = csv_end(rec, m.n - at);
		} else {
			const char *nl = memchr(rec, '\n', m.n - at);

			len = nl ? (size_t)(nl - rec) + 1 : m.n - at;
		}
		line++;
		t = record_tomb(f, r, rec, len, cols, &sp);
		if (t >= 0) {
			filter_hit(f, t, rel, "record %" PRId64 " ([files %s])",
				   line, r->name);
			dropped++;
		} else {
			sb_add(&out, rec, len);
		}
		at += len;
	}
	f->st.records += dropped;
	if (dropped > 0 && f->mode == FILTER_APPLY) {
		char *tmp = NULL;
		/* noted: a copy a crash leaves before its rename holds the
		 * records kept, other people's, whom a later erasure would
		 * then miss there; the next command under the lock removes
		 * it */
		int fd = tmpfile_noted(full, &tmp), ok;

		if (fd < 0)
			goto done;
		ok = (out.len == 0 ||
		      write(fd, out.buf, out.len) == (ssize_t)out.len) &&
		     fchmod(fd, (mode_t)m.mode) == 0 && fsync(fd) == 0;
		if (!ok)
			log_errno("cannot write '%s'", tmp);
		close(fd);
		if (ok)
			fault_point("files-rewritten");
		if (!ok || rename_durable(tmp, full) != 0) {
			unlink(tmp);
			ok = 0;
		}
		interrupt_unguard(tmp);
		free(tmp);
		if (!ok)
			goto done;
	}
keep:
	rc = 0;
done:
	free(cols);
	spans_release(&sp);
	sb_release(&out);
	unmap_file(&m);
	return rc;
}

int
filter_plain(struct filter *f, const char *rel, const char *full)
{
	struct mapped m;
	struct spans sp = { NULL, 0, 0 };
	int rc = 0, unread;

	if (!filter_has_newer(f))
		return 0;
	if (map_file(full, &m) != 0)
		return -1;
	if (scan_deep(f, m.p, m.n, &sp, &unread) == 0 && unread)
		log_warn("'%s': an archive or compressed stream in it could "
			 "not be read to its end (encrypted, damaged, or past "
			 "max_ratio): scanned for residue as far as it goes",
			 filter_shown(f, rel));
	if (sp.n > 0) {
		if (f->drop_residue) {
			/* a dry run drops the staged copy too, so that it
			 * counts what the restore leaves out */
			log_warn("%s '%s': it holds an identifier of a "
				 "person erased after this backup (tombstone "
				 "seq %" PRId64 ") (--drop-residue)",
				 f->mode == FILTER_APPLY ? "leaving out"
							 : "would leave out",
				 filter_shown(f, rel),
				 f->tombs[sp.v[0].tag].seq);
			f->st.dropped++;
			if (unlink(full) != 0) {
				log_errno("cannot remove '%s'",
					  filter_shown(f, rel));
				rc = -1;
			}
		} else {
			filter_residue(f, sp.v[0].tag, rel, "the file");
		}
	}
	spans_release(&sp);
	unmap_file(&m);
	return rc;
}
