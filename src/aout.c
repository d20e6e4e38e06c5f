/*
 * aout.c: the archive writer shared by backup and scrub.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "aout.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "sha.h"
#include "util.h"
#include "banned.h"

#define BLOCK 65536

struct aout {
	struct archive *a;
	char *path;
	char *tmp;
	int fd;
	struct sha *sha;
	int failed;
	int unfit;		/* an entry the format cannot hold */
};

const char *
aout_temp_path(const struct aout *o)
{
	return o != NULL ? o->tmp : NULL;
}

static const struct {
	const char *name;
	int format;
	int filter;
} formats[] = {
	{ "tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD },
	{ "tzst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD },
	{ "tar.gz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP },
	{ "tgz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP },
	{ "tar.xz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_XZ },
	{ "txz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_XZ },
	{ "tar.bz2", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_BZIP2 },
	{ "tar.lz4", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_LZ4 },
	{ "tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE },
	{ "zip", ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE },
	{ "7z", ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE },
	{ "cpio", ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, ARCHIVE_FILTER_NONE },
	{ "cpio.gz", ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, ARCHIVE_FILTER_GZIP },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static la_ssize_t
write_cb(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct aout *o = arg;
	const char *p = buf;
	size_t left = n;

	(void)a;
	while (left > 0) {
		ssize_t w = write(o->fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			archive_set_error(o->a, errno, "%s", strerror(errno));
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	sha_update(o->sha, buf, n);
	return (la_ssize_t)n;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && s[n - m - 1] == '.' &&
	       strcasecmp(s + n - m, suffix) == 0;
}

/*
 * set_format: the writer for a format code as the reader reports it,
 * whose variant (ISO 9660 with Rock Ridge, GNU or BSD ar) libarchive's
 * writer may only know by its base code or its own function.
 */
static int
set_format(struct archive *a, int format)
{
	if (archive_write_set_format(a, format) == ARCHIVE_OK)
		return ARCHIVE_OK;
	if (format == ARCHIVE_FORMAT_AR_BSD)
		return archive_write_set_format_ar_bsd(a);
	if ((format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_AR)
		return archive_write_set_format_ar_svr4(a);
	if ((format & ARCHIVE_FORMAT_BASE_MASK) == format)
		return ARCHIVE_FATAL;
	return archive_write_set_format(a, format & ARCHIVE_FORMAT_BASE_MASK);
}

static struct aout *
start(const char *path, int format, int filter, int *usage)
{
	struct aout *o = xcalloc(1, sizeof(*o));

	o->fd = -1;
	o->a = archive_write_new();
	if (set_format(o->a, format) != ARCHIVE_OK ||
	    archive_write_add_filter(o->a, filter) != ARCHIVE_OK) {
		log_err("cannot write archives in this format (%s); choose "
			"another with --format (tar.zst, tar.gz, zip, ...)",
			archive_error_string(o->a));
		*usage = 1;
		goto fail;
	}
	if (format == ARCHIVE_FORMAT_ZIP)
		archive_write_set_options(o->a, "zip:compression=deflate");
	archive_write_set_bytes_in_last_block(o->a, 1);
	o->path = xstrdup(path);
	if (access(path, F_OK) == 0) {
		log_err("'%s' exists; lethe does not overwrite it", path);
		*usage = 1;
		goto fail;
	}
	o->fd = tmpfile_noted(path, &o->tmp);
	if (o->fd < 0)
		goto fail;
	o->sha = sha_new();
	if (archive_write_open(o->a, o, NULL, write_cb, NULL) != ARCHIVE_OK) {
		log_err("cannot write archive '%s': %s", path,
			archive_error_string(o->a));
		goto fail;
	}
	return o;
fail:
	aout_abort(o);
	return NULL;
}

/*
 * name_disagrees: whether path's name ends in a format lethe writes other
 * than libarchive format (of the same family: pax for tar) and filter
 * (x.zip written as a gzipped tar).
 */
static int
name_disagrees(const char *path, int format, int filter)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (ends_with(path, formats[i].name))
			return (formats[i].format & ARCHIVE_FORMAT_BASE_MASK) !=
				       (format & ARCHIVE_FORMAT_BASE_MASK) ||
			       formats[i].filter != filter;
	return 0;
}

/* pick: the formats[] index for path (NULL: a default name, told by
 * fmt) and fmt (or NULL), or -1 after reporting why none. */
static int
pick(const char *path, const char *fmt)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (fmt != NULL ? strcasecmp(fmt, formats[i].name) == 0
				: path != NULL &&
					  ends_with(path, formats[i].name))
			return (int)i;
	if (fmt != NULL) {
		log_err("unknown archive format '%s'; use " AOUT_FORMATS,
			fmt);
		return -1;
	}
	if (path != NULL && strchr(base_of(path), '.') != NULL) {
		/* x.tar.lzma must not quietly become a tar.zst */
		log_err("cannot tell an archive format from the name '%s': end "
			"it in .tar.zst, .tar.gz, .tar.xz, .tar.bz2, .tar.lz4, "
			".tar, .zip, .7z or .cpio, or give --format", path);
		return -1;
	}
	return 0;
}

const char *
aout_format_name(const char *fmt)
{
	size_t i;

	for (i = 0; fmt != NULL && i < NFORMATS; i++)
		if (strcasecmp(fmt, formats[i].name) == 0)
			return formats[i].name;
	return NULL;
}

int
aout_check(const char *path, const char *fmt)
{
	return pick(path, fmt) < 0 ? -1 : 0;
}

int
aout_check_out(const char *cmd, const char *path)
{
	if (path == NULL || strcmp(path, "-") != 0)
		return 0;
	log_err("%s: -o names a file, not standard output ('./-' for a file "
		"called '-')", cmd);
	return -1;
}

struct aout *
aout_open(const char *path, const char *fmt, int *usage)
{
	int i = pick(path, fmt);

	*usage = i < 0;
	if (i < 0)
		return NULL;
	if (fmt != NULL && path != NULL &&
	    name_disagrees(path, formats[i].format, formats[i].filter))
		log_warn("'%s' is written as %s, not in the format its name "
			 "suggests", path, formats[i].name);
	return start(path, formats[i].format, formats[i].filter, usage);
}

struct aout *
aout_open_like(const char *path, int format, int filter, int *usage)
{
	*usage = 0;
	if (name_disagrees(path, format, filter))
		log_warn("'%s' is written in the format of the archive read, "
			 "not the one its name suggests; --format chooses",
			 path);
	/* write tar variants as pax (same readers, longer names) but GNU
	 * tar's own, and cpio ones as newc but odc (bsdcpio's default): the
	 * variants libarchive writes with no limit the input did not have */
	if ((format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR &&
	    format != ARCHIVE_FORMAT_TAR_GNUTAR)
		format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED;
	if ((format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_CPIO &&
	    format != ARCHIVE_FORMAT_CPIO_POSIX)
		format = ARCHIVE_FORMAT_CPIO_SVR4_NOCRC;
	return start(path, format, filter, usage);
}

/*
 * format_refused: whether a's last error is the format's refusal of an
 * entry (WARC takes no folders, ar no long names), not the system's.
 */
static int
format_refused(struct archive *a)
{
	int e = archive_errno(a);

	/* libarchive's private ARCHIVE_ERRNO_FILE_FORMAT and _PROGRAMMER,
	 * which its writers set for what a format cannot hold (not _MISC,
	 * which a failing compressor sets too) */
	return e == EILSEQ || e == EINVAL;
}

int
aout_unfit(const struct aout *o)
{
	return o != NULL && o->unfit;
}

static int
header(struct aout *o, struct archive_entry *e, const char *name)
{
	int r = archive_write_header(o->a, e);

	if (r < ARCHIVE_OK)
		log_warn("archive entry '%s': %s", name,
			 archive_error_string(o->a));
	if (r >= ARCHIVE_WARN)
		return 0;
	o->unfit = format_refused(o->a);
	if (o->unfit)
		log_err("cannot write archive '%s' in this format: %s; "
			"choose another with --format (tar.zst, tar.gz, zip, "
			"...)", o->path, archive_error_string(o->a));
	else
		log_err("cannot write archive '%s': %s", o->path,
			archive_error_string(o->a));
	o->failed = 1;
	return -1;
}

static void
entry_from_stat(struct archive_entry *e, const char *name,
		const struct stat *st, int type)
{
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, st->st_mode & 0777);
	archive_entry_set_mtime(e, st->st_mtime, 0);
}

int
aout_add_file(struct aout *o, const char *name, const char *fspath,
	      const struct stat *st, char *sha)
{
	struct archive_entry *e = archive_entry_new();
	struct sha *h = sha_new();
	unsigned char *buf = xmalloc(BLOCK);
	int64_t left = st->st_size;
	int fd = -1, rc = -1;
	ssize_t n;

	fd = open(fspath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_errno("cannot open '%s'", fspath);
		goto done;
	}
	entry_from_stat(e, name, st, AE_IFREG);
	archive_entry_set_size(e, st->st_size);
	if (header(o, e, name) != 0)
		goto done;
	while (left > 0) {
		n = read(fd, buf, left < BLOCK ? (size_t)left : BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				log_err("'%s' shrank while being archived",
					fspath);
			else
				log_errno("cannot read '%s'", fspath);
			goto done;
		}
		sha_update(h, buf, (size_t)n);
		if (archive_write_data(o->a, buf, (size_t)n) != n) {
			log_err("cannot write archive '%s': %s", o->path,
				archive_error_string(o->a));
			goto done;
		}
		left -= n;
	}
	if (sha != NULL)
		sha_final_hex(h, sha);
	rc = 0;
done:
	if (rc != 0)
		o->failed = 1;
	if (fd >= 0)
		close(fd);
	free(buf);
	sha_free(h);
	archive_entry_free(e);
	return rc;
}

int
aout_add_dir(struct aout *o, const char *name, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	entry_from_stat(e, name, st, AE_IFDIR);
	archive_entry_set_size(e, 0);
	rc = header(o, e, name);
	archive_entry_free(e);
	return rc;
}

int
aout_add_symlink(struct aout *o, const char *name, const char *target,
		 const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	entry_from_stat(e, name, st, AE_IFLNK);
	archive_entry_set_symlink(e, target);
	archive_entry_set_size(e, 0);
	rc = header(o, e, name);
	archive_entry_free(e);
	return rc;
}

int
aout_add_data(struct aout *o, const char *name, const void *data, size_t n,
	      int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	int rc = -1;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	archive_entry_set_size(e, (la_int64_t)n);
	if (header(o, e, name) == 0 &&
	    archive_write_data(o->a, data, n) == (la_ssize_t)n)
		rc = 0;
	else
		o->failed = 1;
	archive_entry_free(e);
	return rc;
}

int
aout_close(struct aout *o, char *sha)
{
	int rc = -1;

	if (o->failed)
		goto done;
	if (archive_write_close(o->a) != ARCHIVE_OK) {
		log_err("cannot write archive '%s': %s", o->path,
			archive_error_string(o->a));
		goto done;
	}
	sha_final_hex(o->sha, sha);
	if (fsync(o->fd) != 0) {
		log_errno("cannot write archive '%s'", o->path);
		goto done;
	}
	if (close(o->fd) != 0) {
		o->fd = -1;
		log_errno("cannot write archive '%s'", o->path);
		goto done;
	}
	o->fd = -1;
	if (place_new(o->tmp, o->path) != 0)
		goto done;
	interrupt_unguard(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	rc = 0;
done:
	aout_abort(o);
	return rc;
}

void
aout_abort(struct aout *o)
{
	if (o == NULL)
		return;
	if (o->a != NULL)
		archive_write_free(o->a);
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp != NULL)
		unlink(o->tmp);
	interrupt_unguard(o->tmp);
	free(o->tmp);
	free(o->path);
	sha_free(o->sha);
	free(o);
}
