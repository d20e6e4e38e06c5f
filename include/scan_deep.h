/*
 * scan_deep.h: a restored file's identifiers in every form it may hold
 * them (law 11): its bytes as they are, as UTF-16 text, and what it holds
 * as an archive or a compressed stream, member by member.
 */
#ifndef SCAN_DEEP_H
#define SCAN_DEEP_H

#include <stddef.h>

#include "filter_priv.h"

/* how deep archives inside archives are opened */
#define SCAN_DEPTH 4

/*
 * scan_deep: filter_scan of text[0..n) as it is, then as UTF-16 text (with
 * its byte order mark, or without one where a quarter of its bytes are
 * zeros), then, in a PDF, of what its zlib streams inflate to, then, when
 * it is an archive libarchive reads or a compressed stream, of each
 * member's data as it decompresses, in the same forms and at any depth up
 * to SCAN_DEPTH (an old backup zipped inside the one restored).  At most the [restore] max_entry_size bytes are decompressed
 * in all; an archive or stream that does not read is scanned as far as it
 * goes.  Stops at the first form that holds an identifier of a newer
 * erasure (its spans in sp; offsets into what was scanned then).  Returns
 * the number found.
 */
int scan_deep(const struct filter *f, const char *text, size_t n,
	      struct spans *sp);

#endif
