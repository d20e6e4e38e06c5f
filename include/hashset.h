/*
 * hashset.h: a set of 32-byte keys (identifier hashes, digests), each
 * with an int64 value (never INT64_MIN).  Open addressing; the keys are
 * already uniformly distributed digests, so their first bytes serve as
 * the hash and their first 16 bytes tell them apart.
 */
#ifndef HASHSET_H
#define HASHSET_H

#include <stddef.h>
#include <stdint.h>

struct hashset;

/* hashset_new: an empty set; free with hashset_free (NULL is a no-op). */
struct hashset *hashset_new(void);
void hashset_free(struct hashset *s);

/* hashset_put: add key with value; an existing key keeps its value. */
void hashset_put(struct hashset *s, const unsigned char *key, int64_t value);

/* hashset_put_replace: add key with value, replacing an existing value. */
void hashset_put_replace(struct hashset *s, const unsigned char *key,
			 int64_t value);

/* hashset_get: 1 and *value when key is in s, else 0. */
int hashset_get(const struct hashset *s, const unsigned char *key,
		int64_t *value);

/*
 * hashset_put_text, hashset_has_text: a text (a subject id) as the key of
 * its SHA-256: put with value 1; whether it is in s.
 */
void hashset_put_text(struct hashset *s, const char *text);
int hashset_has_text(const struct hashset *s, const char *text);

/* hashset_count: the number of keys. */
size_t hashset_count(const struct hashset *s);

/*
 * hex_key: 64 hex digits into 32 bytes.  Returns 0, or -1 if hex is not
 * 64 hex digits.
 */
int hex_key(const char *hex, size_t len, unsigned char *key);

/* hex_encode: n bytes as 2n lowercase hex digits and a NUL, into out. */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif
