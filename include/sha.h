/*
 * sha.h: SHA-256 digests, streamed, as lowercase hex.
 */
#ifndef SHA_H
#define SHA_H

#include <stddef.h>

struct sha;

/* sha_new: a new digest in progress; free with sha_free (NULL is a no-op). */
struct sha *sha_new(void);
void sha_free(struct sha *s);

/* sha_update: add n bytes. */
void sha_update(struct sha *s, const void *p, size_t n);

/* sha_final_hex: finish into hex (65 bytes) and start over. */
void sha_final_hex(struct sha *s, char *hex);

/* sha_hex: the digest of n bytes at p, into hex (65 bytes). */
void sha_hex(const void *p, size_t n, char *hex);

/* sha_raw: the digest of n bytes at p, into md (32 bytes). */
void sha_raw(const void *p, size_t n, unsigned char *md);

#endif
