/*
 * trail.c: hashing a file from a second thread, trailing its writer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trail.h"
#include "util.h"
#include "banned.h"

#define CHUNK (1 << 20)

struct trail {
	int fd;
	struct sha *h;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* more written, more hashed, or the end */
	int64_t written;	/* bytes [0, written) may be read */
	int64_t hashed;		/* bytes [0, hashed) are in h */
	int64_t end;		/* the size to hash to; -1 until known */
	int stop;		/* the writer gave up */
	int err;		/* errno of a failed read, or 0 */
};

/* run: the thread: hash what is written, until end or stop. */
static void *
run(void *arg)
{
	struct trail *t = arg;
	unsigned char *buf = xmalloc(CHUNK);

	pthread_mutex_lock(&t->lock);
	for (;;) {
		int64_t want;
		ssize_t n;

		while (!t->stop && t->hashed == t->written &&
		       t->hashed != t->end)
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->stop || t->hashed == t->end)
			break;
		want = t->written - t->hashed;
		if (t->end >= 0 && t->end < t->written)
			want = t->end - t->hashed;
		pthread_mutex_unlock(&t->lock);
		n = pread(t->fd, buf, want < CHUNK ? (size_t)want : CHUNK,
			  (off_t)t->hashed);
		if (n > 0)
			sha_update(t->h, buf, (size_t)n);
		pthread_mutex_lock(&t->lock);
		if (n <= 0) {
			t->err = n < 0 ? errno : EIO;
			break;
		}
		t->hashed += n;
		pthread_cond_broadcast(&t->cond);
	}
	t->stop = 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	free(buf);
	return NULL;
}

struct trail *
trail_start(int fd, struct sha *h, int64_t from)
{
	struct trail *t = xcalloc(1, sizeof(*t));
	int e;

	t->fd = fd;
	t->h = h;
	t->written = t->hashed = from;
	t->end = -1;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	e = pthread_create(&t->thread, NULL, run, t);
	if (e != 0) {
		errno = e;
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->cond);
		free(t);
		return NULL;
	}
	return t;
}

void
trail_advance(struct trail *t, int64_t written)
{
	pthread_mutex_lock(&t->lock);
	t->written = written;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* release: join the thread and free t. */
static void
release(struct trail *t)
{
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	sha_free(t->h);
	free(t);
}

int
trail_finish(struct trail *t, int64_t size, char *hex)
{
	int rc = 0;

	if (t == NULL)
		return -1;
	pthread_mutex_lock(&t->lock);
	t->end = size;
	if (t->written < size)
		t->written = size;
	pthread_cond_broadcast(&t->cond);
	while (!t->stop)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	if (t->err != 0 || t->hashed != size) {
		errno = t->err != 0 ? t->err : EIO;
		rc = -1;
	} else {
		sha_final_hex(t->h, hex);
	}
	release(t);
	return rc;
}

void
trail_abort(struct trail *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	release(t);
}
