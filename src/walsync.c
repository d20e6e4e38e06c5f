/*
 * walsync.c: the live store's WAL synced on a thread of its own.
 */
#include <pthread.h>
#include <stdlib.h>

#include "live.h"
#include "util.h"
#include "walsync.h"
#include "banned.h"

struct wal_sync {
	pthread_t thread;
	int threaded;		/* the thread started */
	char *wal;
	int rc;			/* live_sync's result, once joined */
};

/* sync_thread: live_sync on s's WAL, its result into s->rc. */
static void *
sync_thread(void *arg)
{
	struct wal_sync *s = arg;

	s->rc = live_sync(s->wal);
	return NULL;
}

struct wal_sync *
wal_sync_start(const char *wal)
{
	struct wal_sync *s;

	if (wal == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->wal = xstrdup(wal);
	s->threaded = pthread_create(&s->thread, NULL, sync_thread, s) == 0;
	return s;
}

int
wal_sync_wait(struct wal_sync *s)
{
	int rc;

	if (s == NULL)
		return 0;
	if (s->threaded)
		pthread_join(s->thread, NULL);
	else
		sync_thread(s);
	rc = s->rc;
	free(s->wal);
	free(s);
	return rc;
}
