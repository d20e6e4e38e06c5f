/*
 * test_trail.c: a file's digest taken by a second thread reading back
 * what its writer has written must be the digest of the bytes meant:
 * written in blocks, with holes reading as zeros, continuing a digest
 * begun inline.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "sha.h"
#include "tap.h"
#include "trail.h"

#define SIZE (20 << 20)
#define BLK 65536

int
main(void)
{
	char path[] = "/tmp/lethe-test-trail-XXXXXX";
	unsigned char *want = calloc(SIZE, 1);
	char hex[65], expect[65];
	struct sha *h;
	struct trail *t;
	int64_t off, from = 3 * BLK;
	int fd, i;

	fd = mkstemp(path);
	if (fd < 0 || want == NULL)
		return 2;
	unlink(path);
	for (i = 0; i < SIZE; i++)
		want[i] = (unsigned char)(i * 7 + i / 4099);
	/* a hole: blocks 100 to 119 are never written, so read as zeros */
	memset(want + 100 * BLK, 0, 20 * BLK);
	sha_hex(want, SIZE, expect);

	h = sha_new();
	sha_update(h, want, (size_t)from);
	if (pwrite(fd, want, (size_t)from, 0) != from)
		return 2;
	t = trail_start(fd, h, from);
	CHECK(t != NULL, "a trail starts");
	for (off = from; off < SIZE; off += BLK) {
		if (off >= 100 * BLK && off < 120 * BLK)
			continue;
		if (pwrite(fd, want + off, BLK, off) != BLK)
			return 2;
		trail_advance(t, off + BLK);
	}
	CHECK(trail_finish(t, SIZE, hex) == 0 && strcmp(hex, expect) == 0,
	      "the digest read back equals the digest of the bytes meant");

	h = sha_new();
	t = trail_start(fd, h, 0);
	trail_advance(t, 5 * BLK);
	trail_abort(t);
	CHECK(1, "a trail given up midway stops (and frees, under ASan)");

	h = sha_new();
	t = trail_start(fd, h, 0);
	CHECK(trail_finish(t, SIZE + BLK, hex) == -1,
	      "reading back past the end of the file fails");
	CHECK(trail_finish(NULL, 0, hex) == -1, "no trail: fails");
	close(fd);
	free(want);
	return tap_done();
}
