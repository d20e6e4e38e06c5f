/*
 * walroom.c: zeros written past the live store's WAL, ahead of a commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util.h"
#include "walroom.h"
#include "banned.h"

/* zeros per write: whole pages, few calls, a short wait to stop */
#define ROOM_CHUNK (64 << 10)
/* the free space a file system must keep, in rooms' worth */
#define ROOM_SPARE 4

struct wal_room {
	pthread_t thread;
	atomic_int stop;
	int fd;
	off_t upto;
};

/*
 * grow: append zeros to r->fd until it is r->upto bytes long, in chunks
 * meant to end on chunk boundaries, until told to stop; stops at an
 * error.
 * Appended (O_APPEND): each write lands at the end of the file as it is
 * then, so no zero ever lands on a byte someone wrote.
 */
static void *
grow(void *arg)
{
	static const char zeros[ROOM_CHUNK];
	struct wal_room *r = arg;
	struct stat st;

	while (!atomic_load(&r->stop) && fstat(r->fd, &st) == 0 &&
	       st.st_size < r->upto) {
		size_t n = ROOM_CHUNK - (size_t)(st.st_size % ROOM_CHUNK);
		ssize_t w;

		if ((off_t)n > r->upto - st.st_size)
			n = (size_t)(r->upto - st.st_size);
		w = write(r->fd, zeros, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
	}
	return NULL;
}

/* spare_room: whether fd's file system has ROOM_SPARE times bytes free. */
static int
spare_room(int fd, int64_t bytes)
{
	struct statvfs fs;

	return fstatvfs(fd, &fs) == 0 &&
	       (double)fs.f_bavail * (double)fs.f_frsize >=
		       (double)ROOM_SPARE * (double)bytes;
}

struct wal_room *
wal_room_start(const char *path, int64_t upto)
{
	struct wal_room *r;
	struct stat st;
	int fd;

	if (path == NULL)
		return NULL;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size >= upto || !spare_room(fd, upto - st.st_size)) {
		close(fd);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	atomic_init(&r->stop, 0);
	r->fd = fd;
	r->upto = (off_t)upto;
	if (pthread_create(&r->thread, NULL, grow, r) != 0) {
		close(fd);
		free(r);
		return NULL;
	}
	return r;
}

void
wal_room_stop(struct wal_room *r)
{
	if (r == NULL)
		return;
	atomic_store(&r->stop, 1);
	pthread_join(r->thread, NULL);
	close(r->fd);
	free(r);
}
