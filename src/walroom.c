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
	off_t from, upto;
};

/* grow: write zeros over [r->from, r->upto) of r->fd, in order, until
 * told to stop; stops at an error. */
static void *
grow(void *arg)
{
	static const char zeros[ROOM_CHUNK];
	struct wal_room *r = arg;
	off_t at = r->from;

	while (at < r->upto && !atomic_load(&r->stop)) {
		/* up to the next chunk boundary, so later writes align */
		size_t n = ROOM_CHUNK - (size_t)(at % ROOM_CHUNK);
		ssize_t w;

		if ((off_t)n > r->upto - at)
			n = (size_t)(r->upto - at);
		w = pwrite(r->fd, zeros, n, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		at += w;
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
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
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
	r->from = st.st_size;
	r->upto = (off_t)upto;
	if (pthread_create(&r->thread, NULL, grow, r) != 0) {
		close(fd);
		free(r);
		return NULL;
	}
	return r;
}

void
wal_room_halt(struct wal_room *r)
{
	if (r != NULL)
		atomic_store(&r->stop, 1);
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
