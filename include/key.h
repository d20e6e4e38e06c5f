/*
 * key.h: the local 32-byte ledger key and the HMAC-SHA256 made with it.
 *
 * The key file holds exactly 32 raw bytes, mode 0600.  It is created with
 * O_CREAT|O_EXCL from the OS random source, refused when group or others
 * have any access, and wiped from memory when freed.
 */
#ifndef KEY_H
#define KEY_H

#include <stddef.h>

#define KEY_BYTES 32
#define HASH_HEX 65		/* 64 hex digits and a NUL */

struct key;

/*
 * key_create: write a new random key to path; fails if path exists.
 * Returns 0, or -1 after reporting the error.
 */
int key_create(const char *path);

/*
 * key_load: read the key at path into a new struct key (free with
 * key_free).  Refuses a file that is not a regular file of exactly 32
 * bytes or that group or others can access.  Returns the key, or NULL
 * after reporting why.
 */
struct key *key_load(const char *path);

/*
 * key_load_at: key_load, with where (e.g. "lethe.ini:4: [lethe] key_file",
 * or NULL) before each message.  Returns the key, or NULL after
 * reporting.
 */
struct key *key_load_at(const char *path, const char *where);

/*
 * key_check_at: the checks key_load makes, without reading the key (so
 * before the run lock, beside the config's errors): path is a regular
 * file, not a symbolic link, of exactly 32 bytes, that group and others
 * cannot access.  Messages start with where (or nothing when NULL).
 * Returns 0, -1 after reporting, or 1 when path cannot be looked at
 * (errno says why; nothing is reported).
 */
int key_check_at(const char *path, const char *where);

/*
 * key_from_bytes: a key made from 32 given bytes (tests, tools).
 */
struct key *key_from_bytes(const unsigned char bytes[KEY_BYTES]);

/*
 * key_free: wipe and free k.  NULL is a no-op.
 */
void key_free(struct key *k);

/*
 * key_hmac: HMAC-SHA256 of msg under k, as 64 lowercase hex digits into
 * hex (HASH_HEX bytes).
 */
void key_hmac(const struct key *k, const void *msg, size_t len, char *hex);

/* key_hmac_raw: the same, as 32 bytes into out. */
void key_hmac_raw(const struct key *k, const void *msg, size_t len,
		  unsigned char *out);

/*
 * key_id: a fingerprint of the key itself (the HMAC of a fixed label),
 * stored in the ledger so a wrong key file is noticed.
 */
void key_id(const struct key *k, char *hex);

#endif
