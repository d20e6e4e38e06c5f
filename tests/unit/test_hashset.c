/*
 * test_hashset.c: the set of 32-byte digests (tombstones, identifier
 * hashes): every key put is found with its value, through growth; keys
 * never put are not (the filter in front of the slots must never hide a
 * key that is there).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hashset.h"
#include "sha.h"
#include "tap.h"

/* key_of: the digest of "tag:i", as the sets' users make keys. */
static void
key_of(const char *tag, int i, unsigned char *key)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%s:%d", tag, i);
	sha_raw(msg, strlen(msg), key);
}

int
main(void)
{
	struct hashset *s = hashset_new();
	unsigned char k[32];
	int64_t v;
	int i, found = 0, wrong = 0, stray = 0;

	for (i = 0; i < 200000; i++) {
		key_of("in", i, k);
		hashset_put(s, k, i);
	}
	CHECK(hashset_count(s) == 200000, "200,000 keys counted");
	for (i = 0; i < 200000; i++) {
		key_of("in", i, k);
		v = -1;
		found += hashset_get(s, k, &v);
		wrong += v != i;
	}
	CHECK(found == 200000 && wrong == 0,
	      "every key put is found with its value");
	for (i = 0; i < 200000; i++) {
		key_of("out", i, k);
		stray += hashset_get(s, k, NULL);
	}
	CHECK(stray == 0, "no key never put is found");
	key_of("in", 7, k);
	hashset_put(s, k, 99);
	CHECK(hashset_get(s, k, &v) && v == 7, "put keeps an existing value");
	hashset_put_replace(s, k, 99);
	CHECK(hashset_get(s, k, &v) && v == 99 && hashset_count(s) == 200000,
	      "put_replace replaces it, the count unchanged");
	hashset_free(s);
	hashset_free(NULL);
	return tap_done();
}
