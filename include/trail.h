/*
 * trail.h: the SHA-256 of a file while it is being written, taken by a
 * second thread that reads back what the writer has written so far.
 *
 * Extraction decompresses and writes on one core; hashing a large entry
 * on the other halves the time its digest costs.  The file's bytes are
 * read back in order, holes reading as zeros, so the digest is the one of
 * the bytes the writer meant, as if hashed inline.
 */
#ifndef TRAIL_H
#define TRAIL_H

#include <stdint.h>

#include "sha.h"

struct trail;

/*
 * trail_start: hash the file open at fd (readable, written by the
 * caller) from offset `from` on, continuing digest h, which already holds
 * bytes [0, from) and passes to the trail.  Returns the trail, or NULL
 * after reporting (h is then still the caller's).
 */
struct trail *trail_start(int fd, struct sha *h, int64_t from);

/* trail_advance: bytes [0, written) of the file are written. */
void trail_advance(struct trail *t, int64_t written);

/*
 * trail_finish: wait until bytes [0, size) are hashed; their digest into
 * hex (65 bytes).  Frees t (NULL: returns -1).  Returns 0, or -1 with
 * errno set when the file could not be read back.
 */
int trail_finish(struct trail *t, int64_t size, char *hex);

/* trail_abort: stop and free t without a digest.  NULL is a no-op. */
void trail_abort(struct trail *t);

#endif
