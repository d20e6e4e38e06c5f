/*
 * extract.h: reading a hostile archive into a staging folder (law 7).
 *
 * Every entry passes the guard before a byte is written: no "..", no
 * absolute path, no device node, FIFO or socket, no setuid/setgid bit, no
 * path twice, nothing written through a symlink (symlinks are created
 * last, only when they resolve inside the folder through the archive's
 * own entries), hardlinks only to regular files restored earlier from the
 * same archive, and the [restore] caps on entries, sizes and compression
 * ratio.  Files are created with O_EXCL|O_NOFOLLOW below directory fds
 * opened with O_NOFOLLOW.  On any failure the caller removes the folder.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "config.h"

/* bytes out before max_ratio is checked: what a small archive may
 * decompress to whatever its ratio */
#define RATIO_AFTER (INT64_C(64) << 20)

/* Why an extraction failed. */
enum extract_error { EXTRACT_OK, EXTRACT_HOSTILE, EXTRACT_IO };

struct extract {
	/* results */
	char sha[65];		/* SHA-256 of the archive's bytes */
	int format;		/* libarchive format code of the input */
	int filter;		/* libarchive filter code (compression) */
	char *format_name;
	char *manifest;		/* a root MANIFEST_NAME entry's bytes */
	size_t manifest_len;
	int64_t entries;
	int64_t bytes;
	/* every entry: path, type, sha256 of its data; owned here */
	sqlite3 *index;
	int error;		/* enum extract_error */
};

/* Entry types in the index. */
enum { ENT_FILE = 1, ENT_DIR, ENT_SYMLINK, ENT_IMPLICIT_DIR };

/*
 * extract_archive: read archive `src` ("-" for standard input) into
 * folder `dir` (which exists and is empty) under the guard and the limits
 * of cfg's [restore].  The manifest entry, if any, is kept in memory and
 * not written.  Returns 0, or -1 after reporting, with x->error telling
 * hostile or corrupt input (EXTRACT_HOSTILE) from I/O errors.  Release x
 * with extract_release in both cases.
 */
int extract_archive(const char *src, const char *dir,
		    const struct config *cfg, struct extract *x);

/*
 * extract_support_formats: every archive format libarchive reads, as
 * archive_read_support_format_all, but mtree: an mtree file is a
 * listing of paths that carries no file data (its reader opens the files
 * it names), and any one word of text reads as one, so a file that is no
 * archive at all would "restore" as an empty file.
 */
struct archive;
void extract_support_formats(struct archive *a);

/*
 * extract_support_filters: the compressions libarchive decodes itself
 * (gzip, bzip2, xz, lzma, lzip, zstd, lz4, compress), not those it would
 * hand to an outside program (lzop, lrzip, grzip): nothing from an archive
 * is ever run through a program that happens to be installed.
 */
void extract_support_filters(struct archive *a);

/*
 * extract_write_manifest_file: write the manifest bytes held in x into
 * dir as an ordinary file (a manifest that did not verify is just data).
 * Returns 0, or -1 after reporting.
 */
int extract_write_manifest_file(const struct extract *x, const char *dir);

/*
 * extract_apply_modes: give the folders and files extracted into dir the
 * modes the archive gave them (the owner always keeps full access to
 * folders), and folders the archive has no entry for 0777 less the umask
 * (as tar makes them); folders are made 0700, and files readable and
 * writable by their owner, while extracting and filtering.  Returns 0,
 * or -1 after reporting.
 */
int extract_apply_modes(const struct extract *x, const char *dir);

/* extract_release: free what x holds.  Safe on a zeroed x. */
void extract_release(struct extract *x);

/* printable: s with control characters escaped, for messages; static. */
const char *printable(const char *s);

/*
 * entry_name: archive entry name as messages show it (they go to the
 * journal): printable, with each '/'-separated part that looks like an
 * email address or phone number (national numbers read with
 * calling_code) masked as "[identifier]".  For messages before the
 * filter runs (extraction, the manifest); the filter's own name the
 * erased people's identifiers only (filter_shown).  Static, as
 * printable's.
 */
const char *entry_name(const char *name, int calling_code);

#endif
