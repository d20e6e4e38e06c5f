/*
 * test_osrandom.c: ids drawn from the OS random source are well-formed
 * version 4 UUIDs, and do not repeat.
 */
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "osrandom.h"
#include "tap.h"
#include "util.h"

#define N 10000

static int
by_text(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int
main(void)
{
	static char ids[N][UUID_TEXT];
	unsigned char a[64], b[64];
	uuid_t u;
	int i, shaped = 1, v4 = 1, lower = 1, repeats = 0;

	CHECK(os_random(a, sizeof(a)) == 0 && os_random(b, sizeof(b)) == 0 &&
		      memcmp(a, b, sizeof(a)) != 0,
	      "os_random: two draws of 64 bytes differ");
	for (i = 0; i < N; i++) {
		if (uuid_random(ids[i]) != 0 ||
		    !uuid_shaped(ids[i], strlen(ids[i])) ||
		    uuid_parse(ids[i], u) != 0)
			shaped = 0;
		else if (uuid_type(u) != UUID_TYPE_DCE_RANDOM ||
			 uuid_variant(u) != UUID_VARIANT_DCE)
			v4 = 0;
		if (strspn(ids[i], "0123456789abcdef-") != 36)
			lower = 0;
	}
	CHECK(shaped, "uuid_random: %d UUIDs, each 8-4-4-4-12 hex digits", N);
	CHECK(v4, "each a random (version 4), RFC 4122 variant UUID");
	CHECK(lower, "each in lower case");
	qsort(ids, N, UUID_TEXT, by_text);
	for (i = 1; i < N; i++)
		repeats += strcmp(ids[i - 1], ids[i]) == 0;
	CHECK(repeats == 0, "none repeats (%d)", repeats);
	return tap_done();
}
