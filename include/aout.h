/*
 * aout.h: writing archives through libarchive, shared by backup and scrub.
 *
 * The archive is written to a temporary file beside its path and only
 * given its name (fsync, link, fsync of the folder) by aout_close, so a
 * failed or interrupted write never leaves a partial archive under the
 * final name; an existing file is never overwritten (exit 64).
 */
#ifndef AOUT_H
#define AOUT_H

#include <stdint.h>
#include <sys/stat.h>

struct aout;

/*
 * aout_check: whether aout_open could tell a format for path (NULL: a
 * name lethe makes from fmt) and fmt (or NULL), reporting why not.
 * Returns 0, or -1 (a usage error).
 */
int aout_check(const char *path, const char *fmt);

/*
 * aout_check_out: refuse "-" as the -o of command cmd: as `-` reads
 * standard input elsewhere, it must not quietly become a file called "-"
 * ("./-" names one).  Returns 0, or -1 after reporting (a usage error).
 */
int aout_check_out(const char *cmd, const char *path);

/* the formats lethe writes, as --format names them */
#define AOUT_FORMATS "tar.zst, tar.gz, tar.xz, tar.bz2, tar.lz4, tar, zip, " \
	"7z or cpio"

/*
 * aout_format_name: the name of format fmt as lethe spells it ("tar.gz")
 * when fmt names one in any letter case ("TAR.GZ"), else NULL.  The
 * result is static.
 */
const char *aout_format_name(const char *fmt);

/*
 * aout_open: start an archive at path in format fmt ("tar.zst",
 * "tar.gz", "tar.xz", "tar.bz2", "tar.lz4", "tar", "zip", "7z", "cpio",
 * in any letter case), or told by path's name (case aside) when fmt is
 * NULL: a name without an extension is tar.zst, one with an extension
 * lethe does not write is refused; a name that suggests another format
 * than fmt is warned about.  Returns the writer, or NULL after
 * reporting; *usage is set when the format is unknown or cannot be
 * written (exit 64).
 */
struct aout *aout_open(const char *path, const char *fmt, int *usage);

/*
 * aout_open_like: as aout_open, in libarchive format and filter codes
 * (those an archive was read in).
 */
struct aout *aout_open_like(const char *path, int format, int filter,
			    int *usage);

/*
 * aout_add_file: add file fspath (a regular file, st from lstat) as name,
 * streaming it; its SHA-256 into sha (65 bytes) when sha is not NULL.
 * Returns 0, or -1 after reporting.
 */
int aout_add_file(struct aout *o, const char *name, const char *fspath,
		  const struct stat *st, char *sha);

/* aout_add_dir, aout_add_symlink: a folder or a symlink entry. */
int aout_add_dir(struct aout *o, const char *name, const struct stat *st);
int aout_add_symlink(struct aout *o, const char *name, const char *target,
		     const struct stat *st);

/* aout_add_data: an entry holding n bytes of data. */
int aout_add_data(struct aout *o, const char *name, const void *data,
		  size_t n, int64_t mtime);

/*
 * aout_close: finish the archive, make it durable and move it into place;
 * the SHA-256 of the archive's bytes into sha (65 bytes).  Frees o.
 * Returns 0, or -1 after reporting (the temporary file is removed).
 */
int aout_close(struct aout *o, char *sha);

/* aout_unfit: whether an entry failed because o's format cannot hold it
 * (a usage error: another --format can), not for the system's reasons. */
int aout_unfit(const struct aout *o);

/* aout_abort: drop the archive and its temporary file.  NULL is a no-op. */
void aout_abort(struct aout *o);


#include "strbuf.h"

/*
 * A tree being added to an archive: what was added (names, so a tree
 * reached twice is added once), files never to add (by inode), and the
 * manifest entries of regular files when manifest is not NULL.
 */
#define AOUT_NEVER 8

struct aout_tree {
	struct aout *out;
	struct strbuf *manifest;
	struct hashset *seen;
	struct stat never[AOUT_NEVER];
	int nnever;
	int64_t entries;
	int64_t bytes;
};

/*
 * aout_temp_path: the temporary file o is being written to (beside its
 * final name), or NULL.  Owned by o.
 */
const char *aout_temp_path(const struct aout *o);

/* aout_tree_init, aout_tree_release: set up and free a tree walk. */
void aout_tree_init(struct aout_tree *t, struct aout *out,
		    struct strbuf *manifest);
void aout_tree_release(struct aout_tree *t);

/* aout_tree_never: never add the file at path (if it exists; NULL is a
 * no-op; up to AOUT_NEVER files).  The archive's own temporary file is
 * never added. */
void aout_tree_never(struct aout_tree *t, const char *path);

/*
 * aout_tree_add: add path (a file, symlink or folder and everything below
 * it, in name order, following no symlink but path itself) as archive
 * name `name`.  A missing top-level path is skipped.  Returns 0, or -1
 * after reporting.
 */
int aout_tree_add(struct aout_tree *t, const char *name, const char *path);

/*
 * aout_tree_file: add one regular file (st from lstat) as name, with its
 * manifest entry.  Returns 0, or -1 after reporting.
 */
int aout_tree_file(struct aout_tree *t, const char *name, const char *path,
		   const struct stat *st);

#endif
