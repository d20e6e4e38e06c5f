/*
 * osrandom.c: random bytes and ids from the OS random source.
 */
#include <errno.h>
#include <sys/random.h>

#include <uuid/uuid.h>

#include "log.h"
#include "osrandom.h"
#include "banned.h"

int
os_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_errno("cannot read the OS random source");
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int
uuid_random(char out[UUID_TEXT])
{
	uuid_t u;

	if (os_random(u, sizeof(u)) != 0)
		return -1;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);	/* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);	/* RFC 4122 */
	uuid_unparse_lower(u, out);
	return 0;
}
