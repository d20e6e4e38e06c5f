/*
 * test_walroom.c: room made past a WAL's end is zeros, only past its end
 * (appended: what someone writes past the end meanwhile stays), never
 * past what was asked, and a job stopped early leaves what is there
 * sound; nothing is done (nor created) where there is nothing to do or
 * too little space.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"
#include "walroom.h"

#define BEFORE 10000		/* bytes in the file at first: not aligned */
#define UPTO (3 * (1 << 20) + 123)

/* make: path holds BEFORE bytes of 'x'. */
static void
make(const char *path)
{
	char buf[BEFORE];
	FILE *f = fopen(path, "wb");

	memset(buf, 'x', sizeof(buf));
	if (f == NULL || fwrite(buf, 1, sizeof(buf), f) != sizeof(buf) ||
	    fclose(f) != 0)
		abort();
}

static off_t
size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* sound: the first BEFORE bytes are 'x', the rest zeros. */
static int
sound(const char *path)
{
	FILE *f = fopen(path, "rb");
	long at = 0;
	int c, ok = 1;

	if (f == NULL)
		return 0;
	while ((c = getc(f)) != EOF) {
		if (c != (at < BEFORE ? 'x' : 0))
			ok = 0;
		at++;
	}
	fclose(f);
	return ok;
}

/* wait_size: wait up to 10 s for path to reach want bytes. */
static int
wait_size(const char *path, off_t want)
{
	struct timespec step = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 1000 && size_of(path) < want; i++)
		nanosleep(&step, NULL);
	return size_of(path) == want;
}

int
main(void)
{
	char dir[] = "/tmp/test_walroom.XXXXXX";
	char *wal, *gone, *link_to;
	struct wal_room *r;
	off_t n;

	if (mkdtemp(dir) == NULL)
		abort();
	wal = xasprintf("%s/live.db-wal", dir);
	gone = xasprintf("%s/none-wal", dir);
	link_to = xasprintf("%s/link-wal", dir);

	make(wal);
	r = wal_room_start(wal, UPTO);
	CHECK(r != NULL, "a job starts for a file shorter than asked");
	CHECK(wait_size(wal, UPTO), "the file grows to exactly what was asked");
	wal_room_stop(r);
	CHECK(size_of(wal) == UPTO, "and no further once stopped");
	CHECK(sound(wal), "its first bytes unchanged, zeros past them");

	CHECK(wal_room_start(wal, UPTO) == NULL &&
		      wal_room_start(wal, BEFORE) == NULL,
	      "no job where the file is long enough already");
	CHECK(size_of(wal) == UPTO && sound(wal), "and the file unchanged");

	make(wal);
	r = wal_room_start(wal, (off_t)64 << 20);
	CHECK(r != NULL, "a job for 64 MiB starts");
	wal_room_stop(r);
	n = size_of(wal);
	CHECK(n >= BEFORE && n < ((off_t)64 << 20) && sound(wal),
	      "stopped at once, it leaves the file sound (%lld bytes)",
	      (long long)n);

	CHECK(wal_room_start(wal, (int64_t)1 << 60) == NULL &&
		      size_of(wal) == n,
	      "no job where the file system lacks four times the room");

	CHECK(wal_room_start(gone, UPTO) == NULL && size_of(gone) < 0,
	      "no job, and no file made, where there is no file");
	if (symlink(wal, link_to) != 0)
		abort();
	CHECK(wal_room_start(link_to, UPTO * 2) == NULL &&
		      size_of(wal) == n,
	      "a symbolic link is not followed");
	CHECK(wal_room_start(dir, UPTO) == NULL, "a folder gets no job");
	CHECK(wal_room_start(NULL, UPTO) == NULL, "nor does no path");
	wal_room_stop(NULL);
	CHECK(1, "stopping no job is a no-op");

	/* appended: bytes written past the end meanwhile stay as written */
	make(wal);
	r = wal_room_start(wal, (off_t)8 << 20);
	CHECK(r != NULL, "a job for 8 MiB starts");
	{
		int fd = open(wal, O_WRONLY);
		off_t end = size_of(wal);

		if (fd < 0 || pwrite(fd, "frame", 5, end + 3 * 4096) != 5)
			abort();
		close(fd);
		wal_room_stop(r);
		fd = open(wal, O_RDONLY);
		{
			char got[5] = { 0 };

			CHECK(fd >= 0 &&
				      pread(fd, got, 5, end + 3 * 4096) == 5 &&
				      memcmp(got, "frame", 5) == 0,
			      "a write past the end while it runs is kept");
		}
		if (fd >= 0)
			close(fd);
	}

	unlink(link_to);
	unlink(wal);
	rmdir(dir);
	free(wal);
	free(gone);
	free(link_to);
	return tap_done();
}
