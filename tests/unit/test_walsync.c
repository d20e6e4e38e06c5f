/*
 * test_walsync.c: a WAL synced on a thread of its own: no job without a
 * WAL path, success for a WAL that is there (its bytes unchanged) or not
 * there at all (nothing committed: none is created), several jobs at
 * once, and a failure reported, not lost, when the WAL cannot be opened.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"
#include "walsync.h"

/* same: whether path holds exactly text. */
static int
same(const char *path, const char *text)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return n == strlen(text) && memcmp(buf, text, n) == 0;
}

int
main(void)
{
	char dir[] = "/tmp/lethe-walsync-XXXXXX";
	char *wal, *missing, *link_path;
	struct wal_sync *s[4];
	struct stat st;
	FILE *f;
	int i, ok;

	if (mkdtemp(dir) == NULL)
		return 1;
	wal = xasprintf("%s/live.db-wal", dir);
	missing = xasprintf("%s/gone.db-wal", dir);
	link_path = xasprintf("%s/link.db-wal", dir);
	f = fopen(wal, "wb");
	if (f == NULL || fputs("frames", f) < 0 || fclose(f) != 0)
		return 1;

	CHECK(wal_sync_start(NULL) == NULL, "no WAL path: no job");
	CHECK(wal_sync_wait(NULL) == 0, "waiting for no job succeeds");

	CHECK(wal_sync_wait(wal_sync_start(wal)) == 0, "a WAL that is there "
	      "is synced");
	CHECK(same(wal, "frames"), "its bytes are unchanged");

	CHECK(wal_sync_wait(wal_sync_start(missing)) == 0, "no WAL: nothing "
	      "committed to sync");
	CHECK(stat(missing, &st) != 0, "and none is created");

	for (i = 0; i < 4; i++)
		s[i] = wal_sync_start(wal);
	for (ok = 1, i = 3; i >= 0; i--)
		ok &= s[i] != NULL && wal_sync_wait(s[i]) == 0;
	CHECK(ok, "four jobs at once, waited for in any order");

	/* a WAL that is a symbolic link is never opened (O_NOFOLLOW) */
	if (symlink(wal, link_path) != 0)
		return 1;
	CHECK(wal_sync_wait(wal_sync_start(link_path)) == -1, "a WAL that "
	      "cannot be opened: the wait reports the failure");

	unlink(link_path);
	unlink(wal);
	rmdir(dir);
	free(wal);
	free(missing);
	free(link_path);
	return tap_done();
}
