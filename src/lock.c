/*
 * lock.c: flock(2) on the lock file.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "banned.h"

int
lock_take(const char *path)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_errno("cannot open lock file '%s'", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK)
			return -2;
		errno = err;
		log_errno("cannot lock '%s'", path);
		return -1;
	}
	return fd;
}
