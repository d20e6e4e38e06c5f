/*
 * scan_deep.h: a restored file's identifiers in every form it may hold
 * them (law 11): its bytes as they are, as UTF-16 text, and what it holds
 * as an archive or a compressed stream, member by member.
 */
#ifndef SCAN_DEEP_H
#define SCAN_DEEP_H

#include <stddef.h>

#include "filter_priv.h"

/* how deep archives and compressed streams inside each other are read */
#define SCAN_DEPTH 10

/*
 * scan_deep: filter_scan of text[0..n) as it is, then as UTF-16 text (with
 * its byte order mark, or without one where a quarter of its bytes are
 * zeros); then of what it holds: a PDF's zlib streams as they inflate, a
 * compressed stream as it decompresses (every byte of it: a tar's headers
 * too), an archive's members (an old backup zipped inside the one
 * restored), each in the same forms and holding more in turn, up to
 * SCAN_DEPTH levels.  What is decompressed or inflated in all is bounded
 * by max_ratio times n (at least 64 MiB), at most max_entry_size; what
 * does not read is scanned as far as it goes, and *unread says so (an
 * archive inside that failed to read, encrypted say, one past
 * SCAN_DEPTH, or the bound reached).  Stops at the first form that holds
 * an identifier of a newer erasure (its spans in sp; offsets into what
 * was scanned then).  Returns the number found.
 */
int scan_deep(const struct filter *f, const char *text, size_t n,
	      struct spans *sp, int *unread);

#endif
