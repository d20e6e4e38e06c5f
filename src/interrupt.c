/*
 * interrupt.c: removing staging folders and temporary archives when a
 * signal ends lethe.
 *
 * The handler uses only system calls (no stdio, no allocation): it
 * renames each guarded path aside (so the rest of lethe, which may still
 * run on other threads, can create nothing more under its name), removes
 * the tree, then takes the signal's default action.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "interrupt.h"
#include "banned.h"

#define SLOTS 8
#define PATH_BYTES 4096
#define MAX_DEPTH 128

static char paths[SLOTS][PATH_BYTES];
static volatile sig_atomic_t used[SLOTS];

/* A record of getdents64. */
struct dent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* rm_at: remove name in folder dfd, and all below it it can; returns
 * whether name is gone. */
static int
rm_at(int dfd, const char *name, int depth)
{
	char buf[2048];
	int fd, removed;
	long n, off;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 1;
	if (depth > MAX_DEPTH)
		return 0;	/* deeper: left to the sweep */
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* read again while a pass removed something: removing entries
	 * while reading a folder may skip some */
	do {
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) >
		       0)
			for (off = 0; off < n;) {
				struct dent *d = (struct dent *)(buf + off);

				off += d->reclen;
				if (strcmp(d->name, ".") != 0 &&
				    strcmp(d->name, "..") != 0 &&
				    rm_at(fd, d->name, depth + 1))
					removed = 1;
			}
	} while (removed && n == 0);
	close(fd);
	return unlinkat(dfd, name, AT_REMOVEDIR) == 0;
}

static void
on_signal(int sig)
{
	static int cleaning;
	int i, e = errno;

	/* one cleanup: a second signal (on another thread, say) must not
	 * end lethe while the first is still removing */
	if (__atomic_exchange_n(&cleaning, 1, __ATOMIC_SEQ_CST))
		return;
	for (i = 0; i < SLOTS; i++) {
		char aside[PATH_BYTES + 8];
		size_t len;

		if (!used[i])
			continue;
		len = strlen(paths[i]);
		memcpy(aside, paths[i], len);
		memcpy(aside + len, "-gone", 6);
		rm_at(AT_FDCWD, rename(paths[i], aside) == 0 ? aside
							     : paths[i], 0);
	}
	errno = e;
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered once this handler returns */
}

void
interrupt_setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal the caller ignores (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

void
interrupt_guard(const char *path)
{
	size_t len = strlen(path);
	int i;

	if (len >= PATH_BYTES)
		return;
	for (i = 0; i < SLOTS; i++)
		if (!used[i]) {
			memcpy(paths[i], path, len + 1);
			/* the path is whole before the handler may read it */
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			used[i] = 1;
			return;
		}
}

void
interrupt_unguard(const char *path)
{
	int i;

	for (i = 0; path != NULL && i < SLOTS; i++)
		if (used[i] && strcmp(paths[i], path) == 0) {
			used[i] = 0;
			return;
		}
}
