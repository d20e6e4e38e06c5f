/*
 * extract.c: the entry guard; archives streamed into a staging folder.
 *
 * The index of entries lives in a temporary SQLite database (on disk, so
 * memory stays flat however many entries an archive holds): it catches
 * duplicate paths, tells whether a path's parents are real folders, lets
 * hardlinks find the regular file they point to, and holds the symlinks
 * until they are checked and created at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "db.h"
#include "extract.h"
#include "fsutil.h"
#include "ident.h"
#include "log.h"
#include "manifest.h"
#include "sha.h"
#include "strbuf.h"
#include "trail.h"
#include "util.h"
#include "banned.h"

#define MIB (INT64_C(1) << 20)
#define MANIFEST_MAX (64 * MIB)
#define LINK_DEPTH 40
#define BLOCK (1 << 20)	/* bytes read from the input at a time */
#define TRAIL_FROM (8 * MIB)	/* an entry hashed by a second thread */

/* The state of one extraction. */
struct ex {
	struct extract *x;
	const struct config *cfg;
	struct archive *a;
	int root;			/* fd of the staging folder */
	size_t room;			/* longest path the filter can open */
	const char *src;
	struct sha *raw;		/* hashes the archive's bytes */
	struct trail *rawtrail;		/* or, for a file, a thread reading
					 * behind: raw is its then */
	int64_t rawpos;			/* bytes read from the input */
	int fd;				/* the input */
	int seeked;			/* the reader seeked: hash again */
	int spooled;			/* stdin copied to a file (hashed) */
	size_t pend;			/* bytes peeked into buf, unread */
	unsigned char *buf;
	sqlite3_stmt *ins;
	sqlite3_stmt *get;
	int64_t out;			/* bytes written so far */
};

const char *
printable(const char *s)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n = 0;

	if (s == NULL)
		return "?";
	for (; *s && n + 5 < sizeof(bufs[0]); s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			snprintf(b + n, 5, "\\x%02x", c);
			n += 4;
		} else {
			b[n++] = (char)c;
		}
	}
	b[n] = '\0';
	return b;
}

const char *
entry_name(const char *name, int calling_code)
{
	char *m;
	const char *p;

	if (name == NULL)
		return "?";
	m = ident_mask_name(name, calling_code);
	p = printable(m);
	free(m);
	return p;
}

/* entry_shown: entry_name with the config's calling code. */
static const char *
entry_shown(const struct ex *e, const char *entry)
{
	return entry_name(entry, (int)e->cfg->calling_code);
}

/* hostile: report a refused entry; the extraction fails with 65. */
static int
hostile(struct ex *e, const char *entry, const char *why)
{
	log_err("refusing archive '%s': entry '%s': %s", e->src,
		entry_shown(e, entry), why);
	e->x->error = EXTRACT_HOSTILE;
	return -1;
}

static int
io_error(struct ex *e, const char *entry, const char *what)
{
	if (errno == ENAMETOOLONG)
		return hostile(e, entry, "a name too long for this system");
	log_err("cannot %s '%s' from archive '%s': %s", what,
		entry_shown(e, entry), e->src, strerror(errno));
	e->x->error = EXTRACT_IO;
	return -1;
}

/*
 * bad_path: refuse path in, which is the name of the entry, or (entry
 * not NULL) the hardlink target of entry.  Returns -1 (see hostile).
 */
static int
bad_path(struct ex *e, const char *in, const char *entry, const char *why)
{
	char buf[700];

	if (entry == NULL)
		return hostile(e, in, why);
	snprintf(buf, sizeof(buf), "a hardlink to '%s': %s", entry_shown(e, in),
		 why);
	return hostile(e, entry, buf);
}

/*
 * clean_path: the entry path without "./", empty components or a
 * trailing '/'; refuses absolute paths and "..", naming the entry (or,
 * for a hardlink target, the link: entry).  An empty result names the
 * root itself.
 */
static int
clean_path(struct ex *e, const char *in, const char *entry,
	   struct strbuf *out)
{
	const char *p = in;

	sb_reset(out);
	if (in == NULL || *in == '\0')
		return bad_path(e, "", entry, entry ? "an empty name"
					  : "an entry without a name");
	if (in[0] == '/')
		return bad_path(e, in, entry, "an absolute path");
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return bad_path(e, in, entry,
					"a '..' path component");
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (out->len > 0)
				sb_addc(out, '/');
			sb_add(out, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* lookup: the type of path in the index, 0 when absent. */
static int
lookup(struct ex *e, const char *path, size_t len)
{
	int r, type = 0;

	sqlite3_bind_text(e->get, 1, path, (int)len, SQLITE_TRANSIENT);
	r = sqlite3_step(e->get);
	if (r == SQLITE_ROW)
		type = sqlite3_column_int(e->get, 0);
	sqlite3_reset(e->get);
	return type;
}

static int
record(struct ex *e, const char *path, int type, const char *sha,
       const char *target)
{
	int r;

	sqlite3_bind_text(e->ins, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(e->ins, 2, type);
	if (sha)
		sqlite3_bind_text(e->ins, 3, sha, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(e->ins, 3);
	if (target)
		sqlite3_bind_text(e->ins, 4, target, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(e->ins, 4);
	r = sqlite3_step(e->ins);
	sqlite3_reset(e->ins);
	sqlite3_clear_bindings(e->ins);
	if (r != SQLITE_DONE)
		return db_fail(e->x->index, "index an entry");
	return 0;
}

/*
 * open_parent: an fd for the folder holding `path`, made (0700) as
 * needed, never following a symlink; *name points at the last component.
 * Parents must be folders of this archive, never its files or symlinks.
 */
static int
open_parent(struct ex *e, const char *path, const char **name)
{
	const char *p = path, *slash;
	int fd = dup(e->root), next, type;

	if (fd < 0)
		return io_error(e, path, "open the staging folder for");
	while ((slash = strchr(p, '/')) != NULL) {
		char comp[NAME_MAX + 1];
		size_t n = (size_t)(slash - p);

		if (n > NAME_MAX) {
			close(fd);
			return hostile(e, path, "a path component too long");
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		type = lookup(e, path, (size_t)(slash - path));
		if (type == ENT_SYMLINK || type == ENT_FILE) {
			close(fd);
			return hostile(e, path, type == ENT_SYMLINK ?
				       "would be written through a symlink" :
				       "its parent is a file");
		}
		if (type == 0) {
			char *prefix = xstrndup(path, (size_t)(slash - path));
			int r = record(e, prefix, ENT_IMPLICIT_DIR, NULL, NULL);

			free(prefix);
			if (r != 0 ||
			    (mkdirat(fd, comp, 0700) != 0 && errno != EEXIST)) {
				close(fd);
				return r != 0 ? -1 :
				       io_error(e, path, "make a folder for");
			}
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						O_CLOEXEC);
		close(fd);
		if (next < 0)
			return io_error(e, path, "open a folder for");
		fd = next;
		p = slash + 1;
	}
	*name = p;
	return fd;
}

/*
 * check_ratio: refuse output that outgrows the input by max_ratio; the
 * output is the larger of the decompressed stream (tar.gz) and the data
 * written (formats that compress each entry, like zip).
 */
static int
check_ratio(struct ex *e, const char *entry)
{
	int64_t raw = archive_filter_bytes(e->a, -1);
	int64_t out = archive_filter_bytes(e->a, 0);
	char why[128];

	if (e->out > out)
		out = e->out;
	if (out < RATIO_AFTER || raw <= 0 || out / raw <= e->cfg->max_ratio)
		return 0;
	snprintf(why, sizeof(why), "decompresses more than max_ratio (%"
		 PRId64 ":1); a compression bomb?", e->cfg->max_ratio);
	return hostile(e, entry, why);
}

/* corrupt: a libarchive failure on entry; 65 unless it is a real I/O error. */
static int
corrupt(struct ex *e, const char *entry)
{
	int err = archive_errno(e->a);
	const char *msg = archive_error_string(e->a);

	if (err == EIO || err == ENOSPC || err == EACCES || err == EROFS ||
	    err == EDQUOT) {
		log_err("cannot read archive '%s' at entry '%s': %s", e->src,
			entry_shown(e, entry), msg ? msg : strerror(err));
		e->x->error = EXTRACT_IO;
		return -1;
	}
	log_err("refusing archive '%s': corrupt or truncated at entry '%s': %s",
		e->src, entry_shown(e, entry), msg ? msg : "unknown error");
	e->x->error = EXTRACT_HOSTILE;
	return -1;
}

/* write_all: n bytes at offset off, through short writes; errno set. */
static int
write_all(int fd, const void *buf, size_t n, int64_t off)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/*
 * copy_data: the entry's data into fd (or memory), hashed, within caps,
 * and at least declared bytes of it: a sparse entry's holes, the last one
 * included, are zeros.  Past TRAIL_FROM bytes, a second thread hashes what
 * has been written.
 */
static int
copy_data(struct ex *e, const char *entry, int64_t declared, int fd,
	  struct strbuf *mem, char *hex, int64_t *size)
{
	struct sha *h = sha_new();
	struct trail *t = NULL;
	const void *buf;
	size_t n;
	la_int64_t off;
	int64_t pos = 0, zeros;
	static const unsigned char zero[4096];
	char why[128];
	int r, rc = -1, tail = 0;

	while (!tail) {
		r = archive_read_data_block(e->a, &buf, &n, &off);
		if (r == ARCHIVE_EOF && pos >= declared)
			break;
		if (r == ARCHIVE_EOF) {
			/* a hole at the end: no block, only the size */
			buf = zero;
			n = 0;
			off = declared;
			tail = 1;
		} else if (r < ARCHIVE_OK) {
			/* a bad checksum or truncated data: never half
			 * a file */
			corrupt(e, entry);
			goto done;
		}
		if (off < pos || off > e->cfg->max_entry_size ||
		    (int64_t)n > e->cfg->max_entry_size - off) {
			snprintf(why, sizeof(why), "larger than max_entry_size "
				 "(%" PRId64 " bytes)", e->cfg->max_entry_size);
			hostile(e, entry, off < pos ? "overlapping data" : why);
			goto done;
		}
		/* a sparse entry's holes count as the zeros they unpack
		 * to (they are hashed and read as such): a tiny archive of
		 * holes is a bomb like any other */
		e->out += off - pos + (int64_t)n;
		if (e->out > e->cfg->max_total_size) {
			snprintf(why, sizeof(why), "the archive exceeds "
				 "max_total_size (%" PRId64 " bytes)",
				 e->cfg->max_total_size);
			hostile(e, entry, why);
			goto done;
		}
		if (check_ratio(e, entry) != 0)
			goto done;
		if (t == NULL && fd >= 0 && pos >= TRAIL_FROM) {
			t = trail_start(fd, h, pos);
			if (t == NULL) {
				io_error(e, entry, "hash");
				goto done;
			}
			h = NULL;
		}
		if (mem != NULL &&
		    (int64_t)mem->len + (off - pos) + (int64_t)n >
			    MANIFEST_MAX) {
			hostile(e, entry, "a manifest too large");
			goto done;
		}
		for (zeros = t ? 0 : off - pos; zeros > 0;) {
			size_t z = zeros > (int64_t)sizeof(zero)
			    ? sizeof(zero) : (size_t)zeros;

			sha_update(h, zero, z);
			if (mem != NULL)
				sb_add(mem, zero, z);
			zeros -= (int64_t)z;
		}
		if (t == NULL)
			sha_update(h, buf, n);
		if (mem != NULL) {
			sb_add(mem, buf, n);
		} else if (write_all(fd, buf, n, off) != 0 ||
			   (tail && ftruncate(fd, off) != 0)) {
			io_error(e, entry, "write");
			goto done;
		}
		pos = off + (int64_t)n;
		if (t != NULL)
			trail_advance(t, pos);
	}
	*size = pos;
	if (t != NULL) {
		rc = trail_finish(t, pos, hex);
		t = NULL;
		if (rc != 0)
			io_error(e, entry, "read back");
		goto done;
	}
	sha_final_hex(h, hex);
	rc = 0;
done:
	trail_abort(t);
	sha_free(h);
	return rc;
}

/* set_mode: remember an entry's mode, applied once filtering is done. */
static int
set_mode(struct ex *e, const char *path, int mode)
{
	sqlite3_stmt *st = db_prepare(e->x->index, "UPDATE entries SET mode = "
						   "?2 WHERE path = ?1");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, mode);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(e->x->index, "index a folder");
}

static int
regular(struct ex *e, struct archive_entry *ent, const char *path)
{
	int64_t declared = archive_entry_size_is_set(ent)
				   ? archive_entry_size(ent) : 0;
	struct strbuf mem = STRBUF_INIT;
	char hex[65], why[128];
	const char *name;
	int64_t size = 0;
	int dir = -1, fd = -1, rc = -1;
	struct timespec ts[2];
	mode_t mode;

	if (declared > e->cfg->max_entry_size) {
		snprintf(why, sizeof(why), "larger than max_entry_size (%"
			 PRId64 " bytes)", e->cfg->max_entry_size);
		return hostile(e, path, why);
	}
	if (lookup(e, path, strlen(path)) != 0)
		return hostile(e, path, "the same path twice");
	if (strcmp(path, MANIFEST_NAME) == 0) {
		if (copy_data(e, path, declared, -1, &mem, hex, &size) != 0)
			goto done;
		e->x->manifest = sb_detach(&mem);
		e->x->manifest_len = (size_t)size;
		rc = record(e, path, ENT_FILE, hex, NULL);
		goto done;
	}
	dir = open_parent(e, path, &name);
	if (dir < 0)
		goto done;
	fd = openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
				       O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			hostile(e, path, "the same path twice");
		else
			io_error(e, path, "create");
		goto done;
	}
	if (copy_data(e, path, declared, fd, NULL, hex, &size) != 0)
		goto done;
	ts[0].tv_sec = ts[1].tv_sec = archive_entry_mtime(ent);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	/* the owner reads and writes while filtering (a read-only database
	 * is vacuumed too); the archive's mode comes at the end */
	mode = archive_entry_perm(ent) & 0777;
	if (fchmod(fd, mode | 0600) != 0 || futimens(fd, ts) != 0) {
		io_error(e, path, "set the mode of");
		goto done;
	}
	rc = record(e, path, ENT_FILE, hex, NULL);
	if (rc == 0 && (mode & 0600) != 0600)
		rc = set_mode(e, path, (int)mode);
done:
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = io_error(e, path, "write");
	if (dir >= 0)
		close(dir);
	sb_release(&mem);
	return rc;
}

static int
directory(struct ex *e, const char *path)
{
	const char *name;
	int type, dir, rc = -1;

	if (*path == '\0')
		return 0;	/* the root itself */
	type = lookup(e, path, strlen(path));
	if (type == ENT_IMPLICIT_DIR) {
		sqlite3_stmt *st = db_prepare(e->x->index, "UPDATE entries SET "
							   "type = ?2 WHERE "
							   "path = ?1");

		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, ENT_DIR);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
		return rc;
	}
	if (type != 0)
		return hostile(e, path, "the same path twice");
	dir = open_parent(e, path, &name);
	if (dir < 0)
		return -1;
	if (mkdirat(dir, name, 0700) != 0)
		rc = errno == EEXIST ? hostile(e, path, "the same path twice")
				     : io_error(e, path, "make folder");
	else
		rc = record(e, path, ENT_DIR, NULL, NULL);
	close(dir);
	return rc;
}

static int
symlink_entry(struct ex *e, struct archive_entry *ent, const char *path)
{
	const char *target = archive_entry_symlink(ent), *name;
	int dir;

	if (*path == '\0')
		return hostile(e, ".", "the root cannot be a symlink");
	if (target == NULL || *target == '\0')
		return hostile(e, path, "a symlink without a target");
	if (lookup(e, path, strlen(path)) != 0)
		return hostile(e, path, "the same path twice");
	dir = open_parent(e, path, &name);
	if (dir < 0)
		return -1;
	close(dir);
	return record(e, path, ENT_SYMLINK, NULL, target);
}

/* set_sha: the SHA-256 of path's data in the index is now hex. */
static int
set_sha(struct ex *e, const char *path, const char *hex)
{
	sqlite3_stmt *st = db_prepare(e->x->index, "UPDATE entries SET sha = "
						   "?2 WHERE path = ?1");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(e->x->index, "index an entry");
}

/*
 * link_data: the data a hardlink entry carries, if any, written into the
 * file it links to (name in folder dir), which it replaces: cpio's newc
 * format stores a file's data with its last link, the earlier links
 * empty.  *got says whether there was data (its SHA-256 then in hex).
 * Returns 0, or -1 after reporting.
 */
static int
link_data(struct ex *e, struct archive_entry *ent, const char *path,
	  int dir, const char *name, char *hex, int *got)
{
	int64_t declared = archive_entry_size_is_set(ent)
				   ? archive_entry_size(ent) : 0;
	int64_t size = 0;
	char why[128];
	int fd, rc = -1;

	*got = 0;
	if (declared <= 0)
		return 0;
	if (declared > e->cfg->max_entry_size) {
		snprintf(why, sizeof(why), "larger than max_entry_size (%"
			 PRId64 " bytes)", e->cfg->max_entry_size);
		return hostile(e, path, why);
	}
	fd = openat(dir, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return io_error(e, path, "write");
	/* (declared 0: a link entry may declare a size and carry no data,
	 * and the file it links to keeps its own) */
	if (copy_data(e, path, 0, fd, NULL, hex, &size) != 0)
		goto done;
	*got = size > 0;
	if (*got && ftruncate(fd, size < declared ? declared : size) != 0) {
		io_error(e, path, "write");
		goto done;
	}
	rc = 0;
done:
	if (close(fd) != 0 && rc == 0)
		rc = io_error(e, path, "write");
	return rc;
}

static int
hardlink(struct ex *e, struct archive_entry *ent, const char *path)
{
	struct strbuf target = STRBUF_INIT;
	const char *lname, *tname;
	int ldir = -1, tdir = -1, got = 0, rc = -1;
	char *sha = NULL, hex[65];
	sqlite3_stmt *st = NULL;

	if (clean_path(e, archive_entry_hardlink(ent), path, &target) != 0)
		goto done;
	if (lookup(e, path, strlen(path)) != 0) {
		hostile(e, path, "the same path twice");
		goto done;
	}
	if (lookup(e, target.buf, target.len) != ENT_FILE ||
	    strcmp(target.buf, MANIFEST_NAME) == 0) {
		hostile(e, path, "a hardlink to something that is not a "
				 "regular file earlier in this archive");
		goto done;
	}
	st = db_prepare(e->x->index, "SELECT sha FROM entries WHERE path = ?1");
	if (st == NULL)
		goto done;
	sqlite3_bind_text(st, 1, target.buf, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		sha = db_dup(st, 0);
	tdir = open_parent(e, target.buf, &tname);
	if (tdir < 0)
		goto done;
	ldir = open_parent(e, path, &lname);
	if (ldir < 0)
		goto done;
	if (linkat(tdir, tname, ldir, lname, 0) != 0) {
		if (errno == EEXIST)
			hostile(e, path, "the same path twice");
		else
			io_error(e, path, "link");
		goto done;
	}
	if (link_data(e, ent, path, ldir, lname, hex, &got) != 0)
		goto done;
	if (got && set_sha(e, target.buf, hex) != 0)
		goto done;
	rc = record(e, path, ENT_FILE, got ? hex : sha, NULL);
done:
	sqlite3_finalize(st);
	free(sha);
	if (ldir >= 0)
		close(ldir);
	if (tdir >= 0)
		close(tdir);
	sb_release(&target);
	return rc;
}

/*
 * entry_type: ent's file type; an ar member is a regular file even when
 * its mode has no type bits (deterministic ar writes "644").
 */
static unsigned int
entry_type(struct ex *e, struct archive_entry *ent)
{
	unsigned int type = archive_entry_filetype(ent);

	if (type == 0 && (archive_format(e->a) & ARCHIVE_FORMAT_BASE_MASK) ==
			     ARCHIVE_FORMAT_AR)
		return AE_IFREG;
	return type;
}

static int
one_entry(struct ex *e, struct archive_entry *ent)
{
	struct strbuf path = STRBUF_INIT;
	const char *shown = archive_entry_pathname(ent);
	mode_t mode = archive_entry_mode(ent);
	int rc = -1;

	if (clean_path(e, shown, NULL, &path) != 0)
		goto done;
	if (path.len > e->room) {
		/* a file the filter could not open would pass unfiltered */
		hostile(e, shown, "a path too long for this system");
		goto done;
	}
	if (mode & (S_ISUID | S_ISGID)) {
		hostile(e, shown, "a setuid or setgid mode");
		goto done;
	}
	if (archive_entry_hardlink(ent) != NULL) {
		rc = hardlink(e, ent, sb_str(&path));
		goto done;
	}
	switch (entry_type(e, ent)) {
	case AE_IFREG:
		if (path.len == 0) {
			hostile(e, shown, "a file without a name");
			break;
		}
		rc = regular(e, ent, sb_str(&path));
		break;
	case AE_IFDIR:
		rc = directory(e, sb_str(&path));
		if (rc == 0 && path.len > 0)
			rc = set_mode(e, sb_str(&path),
				      (int)(archive_entry_perm(ent) & 0777));
		break;
	case AE_IFLNK:
		rc = symlink_entry(e, ent, sb_str(&path));
		break;
	case AE_IFCHR:
	case AE_IFBLK:
		hostile(e, shown, "a device node");
		break;
	case AE_IFIFO:
		hostile(e, shown, "a FIFO");
		break;
	case AE_IFSOCK:
		hostile(e, shown, "a socket");
		break;
	default:
		hostile(e, shown, "an entry of unknown type");
	}
done:
	sb_release(&path);
	return rc;
}

/* link_target: the target of symlink path in the index, or NULL. */
static char *
link_target(struct ex *e, const char *path, size_t len)
{
	sqlite3_stmt *st;
	char *t = NULL;

	st = db_prepare(e->x->index, "SELECT target FROM entries WHERE path = "
				     "?1 AND type = 3");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, path, (int)len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = db_dup(st, 0);
	sqlite3_finalize(st);
	return t;
}

/*
 * resolve: follow target from folder `base` (a clean relative path, "" for
 * the root) through the archive's own symlinks into *out.  Returns 0 when
 * it stays inside, -1 when it leaves or loops.
 */
static int
resolve(struct ex *e, const char *base, const char *target, int depth,
	struct strbuf *out)
{
	const char *p = target;

	if (depth > LINK_DEPTH || target[0] == '/')
		return -1;
	sb_reset(out);
	sb_adds(out, base);
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (out->len == 0)
				return -1;
			slash = strrchr(out->buf, '/');
			out->len = slash ? (size_t)(slash - out->buf) : 0;
			out->buf[out->len] = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			char *t;

			if (out->len > 0)
				sb_addc(out, '/');
			sb_add(out, p, n);
			t = link_target(e, out->buf, out->len);
			if (t != NULL) {
				struct strbuf dir = STRBUF_INIT;
				char *slash = strrchr(out->buf, '/');
				int r;

				sb_add(&dir, out->buf,
				       slash ? (size_t)(slash - out->buf) : 0);
				r = resolve(e, sb_str(&dir), t, depth + 1, out);
				sb_release(&dir);
				free(t);
				if (r != 0)
					return -1;
			}
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* make_symlinks: check every symlink, then create them all, last. */
static int
make_symlinks(struct ex *e)
{
	struct strbuf out = STRBUF_INIT, base = STRBUF_INIT;
	sqlite3_stmt *st;
	int pass, r, rc = -1;

	st = db_prepare(e->x->index, "SELECT path, target FROM entries WHERE "
				     "type = 3 ORDER BY path");
	if (st == NULL)
		return -1;
	for (pass = 0; pass < 2; pass++) {
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			const char *path = db_text(st, 0);
			const char *target = db_text(st, 1);
			const char *slash = strrchr(path, '/'), *name;
			int dir;

			sb_reset(&base);
			sb_add(&base, path, slash ? (size_t)(slash - path) : 0);
			if (pass == 0) {
				if (resolve(e, sb_str(&base), target, 0,
				    &out)) {
					hostile(e, path, "a symlink that does "
						"not resolve inside the "
						"restored folder");
					goto done;
				}
				continue;
			}
			dir = open_parent(e, path, &name);
			if (dir < 0)
				goto done;
			if (symlinkat(target, dir, name) != 0) {
				close(dir);
				if (errno == EEXIST)
					hostile(e, path, "the same path twice");
				else
					io_error(e, path, "make symlink");
				goto done;
			}
			close(dir);
		}
		if (r != SQLITE_DONE) {
			db_fail(e->x->index, "read the entry index");
			goto done;
		}
		sqlite3_reset(st);
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sb_release(&out);
	sb_release(&base);
	return rc;
}

/* is_file: whether fd is a regular file (it can be read again). */
static int
is_file(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* raw_hash: the n bytes just read into e->buf go into the archive's
 * hash (read back by the trailing thread, for a file). */
static void
raw_hash(struct ex *e, size_t n)
{
	e->rawpos += (int64_t)n;
	if (e->rawtrail != NULL)
		trail_advance(e->rawtrail, e->rawpos);
	else
		sha_update(e->raw, e->buf, n);
}

static la_ssize_t
read_cb(struct archive *a, void *arg, const void **buf)
{
	struct ex *e = arg;
	ssize_t n;

	(void)a;
	if (e->pend > 0) {
		n = (ssize_t)e->pend;	/* peeked by spool_stdin */
		e->pend = 0;
	} else {
		do
			n = read(e->fd, e->buf, BLOCK);
		while (n < 0 && errno == EINTR);
	}
	if (n < 0) {
		archive_set_error(e->a, errno, "read error");
		return -1;
	}
	if (!e->seeked && !e->spooled)
		raw_hash(e, (size_t)n);
	*buf = e->buf;
	return n;
}

/* seek_cb: formats such as zip and 7z seek; the archive is then hashed
 * in a pass of its own. */
static la_int64_t
seek_cb(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct ex *e = arg;
	off_t r;

	(void)a;
	e->seeked = 1;
	trail_abort(e->rawtrail);	/* hashed in a pass of its own */
	e->rawtrail = NULL;
	r = lseek(e->fd, (off_t)off, whence);
	if (r < 0)
		archive_set_error(e->a, errno, "seek error");
	return r;
}

/*
 * spool_stdin: peek at standard input; a 7z archive, which can only be
 * read by seeking, is copied (and hashed) into an unlinked file in the
 * staging folder first, at most max_total_size bytes.  Anything else is
 * streamed, starting with the bytes peeked (e->pend).  Returns 0, or -1
 * after reporting.
 */
static int
spool_stdin(struct ex *e, const char *dir)
{
	static const unsigned char magic[6] = { '7', 'z', 0xbc, 0xaf, 0x27,
						0x1c };
	char *tmp = NULL;
	int64_t total = 0;
	ssize_t n;
	int fd = -1, rc = -1;

	while (e->pend < sizeof(magic)) {
		n = read(STDIN_FILENO, e->buf + e->pend,
			 sizeof(magic) - e->pend);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_errno("cannot read standard input");
			return -1;
		}
		if (n == 0)
			break;
		e->pend += (size_t)n;
	}
	if (e->pend < sizeof(magic) || memcmp(e->buf, magic, 6) != 0)
		return 0;
	tmp = xasprintf("%s/.lethe-spool-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0 || unlink(tmp) != 0) {
		log_errno("cannot spool standard input in '%s'", dir);
		goto done;
	}
	n = (ssize_t)e->pend;
	e->pend = 0;
	do {
		total += n;
		if (total > e->cfg->max_total_size) {
			log_err("refusing archive '<stdin>': a 7z archive over "
				"max_total_size (%" PRId64 " bytes)",
				e->cfg->max_total_size);
			e->x->error = EXTRACT_HOSTILE;
			goto done;
		}
		sha_update(e->raw, e->buf, (size_t)n);
		if (write_all(fd, e->buf, (size_t)n, total - n) != 0) {
			log_errno("cannot spool standard input in '%s'", dir);
			goto done;
		}
		do
			n = read(STDIN_FILENO, e->buf, BLOCK);
		while (n < 0 && errno == EINTR);
	} while (n > 0);
	if (n < 0 || lseek(fd, 0, SEEK_SET) != 0) {
		log_errno("cannot read standard input");
		goto done;
	}
	e->fd = fd;
	e->spooled = 1;
	fd = -1;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	free(tmp);
	return rc;
}

/*
 * drain: read what follows the archive's end in a streamed input (a tar's
 * blocking padding, a zip's central directory read from standard input)
 * into the hash, so that the SHA-256 is the whole input's; at most
 * max_total_size bytes.  Returns 0, or -1 after reporting.
 */
static int
drain(struct ex *e)
{
	int64_t total = 0;
	ssize_t n;

	for (;;) {
		n = read(e->fd, e->buf, BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("cannot read archive '%s': %s", e->src,
				strerror(errno));
			e->x->error = EXTRACT_IO;
			return -1;
		}
		if (n == 0)
			return 0;
		total += n;
		if (total > e->cfg->max_total_size) {
			log_err("refusing archive '%s': more than "
				"max_total_size (%" PRId64 " bytes) follow "
				"its end", e->src, e->cfg->max_total_size);
			e->x->error = EXTRACT_HOSTILE;
			return -1;
		}
		raw_hash(e, (size_t)n);
	}
}

void
extract_support_filters(struct archive *a)
{
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_compress(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
}

void
extract_support_formats(struct archive *a)
{
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_empty(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_warc(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
}

/* hash_file: the SHA-256 of a whole file into hex. */
static int
hash_file(const char *path, char *hex)
{
	struct sha *h;
	unsigned char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_errno("cannot open archive '%s'", path);
		return -1;
	}
	h = sha_new();
	buf = xmalloc(BLOCK * 4);
	while ((n = read(fd, buf, BLOCK * 4)) > 0)
		sha_update(h, buf, (size_t)n);
	if (n < 0)
		log_errno("cannot read archive '%s'", path);
	sha_final_hex(h, hex);
	sha_free(h);
	free(buf);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
open_index(struct extract *x)
{
	if (sqlite3_open_v2("", &x->index, SQLITE_OPEN_READWRITE |
						  SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		log_err("cannot open a temporary index: %s",
			sqlite3_errmsg(x->index));
		return -1;
	}
	return db_exec(x->index,
		       "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
		       "CREATE TABLE entries(path TEXT PRIMARY KEY, type INT, "
		       "sha TEXT, target TEXT, mode INT); BEGIN;",
		       "make a temporary index");
}

int
extract_archive(const char *src, const char *dir, const struct config *cfg,
		struct extract *x)
{
	struct ex e;
	struct archive_entry *ent = NULL;
	const char *shown = "(start)";
	char *last = NULL;
	int r, rc = -1;

	memset(x, 0, sizeof(*x));
	memset(&e, 0, sizeof(e));
	e.x = x;
	e.cfg = cfg;
	e.src = strcmp(src, "-") == 0 ? "<stdin>" : src;
	e.fd = -1;
	x->error = EXTRACT_IO;
	/* the filter opens files by their path in the staging folder, with
	 * a suffix of its own (".lethe-vacuum") */
	e.room = strlen(dir) + 1 + 64 < PATH_MAX
			 ? PATH_MAX - (strlen(dir) + 1 + 64) : 0;
	e.root = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (e.root < 0) {
		log_errno("cannot open staging folder '%s'", dir);
		return -1;
	}
	if (open_index(x) != 0)
		goto done;
	e.ins = db_prepare(x->index, "INSERT INTO entries(path, type, sha, "
				     "target) VALUES (?1, ?2, ?3, ?4)");
	e.get = db_prepare(x->index, "SELECT type FROM entries WHERE path = "
				     "?1");
	if (e.ins == NULL || e.get == NULL)
		goto done;
	e.a = archive_read_new();
	extract_support_filters(e.a);
	extract_support_formats(e.a);
	/* the archive's bytes are hashed as they are read, in one pass */
	e.fd = strcmp(src, "-") == 0 ? STDIN_FILENO
				     : open(src, O_RDONLY | O_CLOEXEC);
	if (e.fd < 0) {
		log_errno("cannot open archive '%s'", src);
		goto done;
	}
	e.raw = sha_new();
	e.buf = xmalloc(BLOCK);
	if (e.fd == STDIN_FILENO && spool_stdin(&e, dir) != 0)
		goto done;
	/* a file's bytes are hashed by a second thread reading behind */
	if (!e.spooled && e.fd != STDIN_FILENO && is_file(e.fd)) {
		e.rawtrail = trail_start(e.fd, e.raw, 0);
		if (e.rawtrail != NULL)
			e.raw = NULL;
	}
	archive_read_set_callback_data(e.a, &e);
	archive_read_set_read_callback(e.a, read_cb);
	if (e.fd != STDIN_FILENO && lseek(e.fd, 0, SEEK_CUR) == 0)
		archive_read_set_seek_callback(e.a, seek_cb);
	r = archive_read_open1(e.a);
	if (r != ARCHIVE_OK) {
		if (archive_errno(e.a) == ENOENT || archive_errno(e.a) == EACCES
		    || archive_errno(e.a) == EISDIR) {
			log_err("cannot open archive '%s': %s", e.src,
				archive_error_string(e.a));
			goto done;
		}
		corrupt(&e, shown);
		goto done;
	}
	ent = archive_entry_new();
	for (;;) {
		r = archive_read_next_header2(e.a, ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			corrupt(&e, last ? last : shown);
			goto done;
		}
		if (r == ARCHIVE_WARN)
			log_warn("archive '%s' entry '%s': %s", e.src,
				 entry_shown(&e, archive_entry_pathname(ent)),
				 archive_error_string(e.a));
		if (++x->entries > cfg->max_entries) {
			char why[96];

			snprintf(why, sizeof(why), "more than max_entries (%"
				 PRId64 ") entries", cfg->max_entries);
			hostile(&e, archive_entry_pathname(ent), why);
			goto done;
		}
		free(last);
		last = xstrdup(archive_entry_pathname(ent)
				       ? archive_entry_pathname(ent) : "?");
		if (one_entry(&e, ent) != 0)
			goto done;
	}
	if (x->entries == 0) {
		hostile(&e, "(none)", "an archive without entries (empty or "
				      "unreadable)");
		goto done;
	}
	if (make_symlinks(&e) != 0)
		goto done;
	x->format = archive_format(e.a);
	x->filter = archive_filter_code(e.a, 0);
	x->format_name = xstrdup(archive_format_name(e.a)
					 ? archive_format_name(e.a) : "?");
	x->bytes = e.out;
	if (e.seeked && !e.spooled) {
		if (hash_file(src, x->sha) != 0)
			goto done;
	} else {
		if (!e.spooled && drain(&e) != 0)
			goto done;
		if (e.rawtrail != NULL) {
			r = trail_finish(e.rawtrail, e.rawpos, x->sha);
			e.rawtrail = NULL;
			if (r != 0) {
				log_errno("cannot read archive '%s'", e.src);
				goto done;
			}
		} else {
			sha_final_hex(e.raw, x->sha);
		}
	}
	if (db_exec(x->index, "COMMIT", "index entries") != 0)
		goto done;
	x->error = EXTRACT_OK;
	rc = 0;
done:
	free(last);
	archive_entry_free(ent);
	if (e.a != NULL)
		archive_read_free(e.a);
	sqlite3_finalize(e.ins);
	sqlite3_finalize(e.get);
	trail_abort(e.rawtrail);
	sha_free(e.raw);
	free(e.buf);
	if (e.fd > STDIN_FILENO)
		close(e.fd);
	close(e.root);
	return rc;
}

int
extract_apply_modes(const struct extract *x, const char *dir)
{
	sqlite3_stmt *st;
	int r, rc = 0;

	/* folders the archive has no entry for (made to hold its files)
	 * get the mode tar gives them (extraction and filtering are done:
	 * no other thread makes files now) */
	mode_t made = (mode_t)mode_of_new();

	st = db_prepare(x->index, "SELECT path, mode, type FROM entries WHERE "
				  "(type IN (1, 2) AND mode IS NOT NULL) OR "
				  "type = 4 ORDER BY path DESC");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char *full = xasprintf("%s/%s", dir, db_text(st, 0));
		int type = sqlite3_column_int(st, 2);
		int folder = type == ENT_DIR || type == ENT_IMPLICIT_DIR;
		mode_t mode = type == ENT_IMPLICIT_DIR ? made :
			      (mode_t)sqlite3_column_int(st, 1);
		struct stat sb;

		/* the owner keeps access to folders: the operator must be
		 * able to read what was restored */
		if (lstat(full, &sb) == 0 &&
		    (folder ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode)) &&
		    chmod(full, folder ? mode | 0700 : mode) != 0) {
			log_errno("cannot set the mode of '%s'", full);
			rc = -1;
		}
		free(full);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? rc : db_fail(x->index, "read the index");
}

int
extract_write_manifest_file(const struct extract *x, const char *dir)
{
	char *path;
	int fd, rc = -1;

	if (x->manifest == NULL)
		return 0;
	path = xasprintf("%s/%s", dir, MANIFEST_NAME);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0 || write(fd, x->manifest, x->manifest_len) !=
			      (ssize_t)x->manifest_len) {
		log_errno("cannot write '%s'", path);
	} else {
		rc = 0;
	}
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		log_errno("cannot write '%s'", path);
		rc = -1;
	}
	free(path);
	return rc;
}

void
extract_release(struct extract *x)
{
	free(x->manifest);
	free(x->format_name);
	sqlite3_close(x->index);
	memset(x, 0, sizeof(*x));
}
