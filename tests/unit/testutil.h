/*
 * testutil.h: what several unit tests share: capturing stderr (lethe's
 * messages) and removing a temporary folder.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* what the last capture caught */
static char errtext[65536];
static int saved_fd = -1, cap_fd = -1;

/* capture_begin: fd 2 goes to a temporary file until capture_end. */
static inline void
capture_begin(void)
{
	char tmpl[] = "/tmp/lethe-test-err-XXXXXX";

	fflush(stderr);
	cap_fd = mkstemp(tmpl);
	if (cap_fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	unlink(tmpl);
	saved_fd = dup(2);
	dup2(cap_fd, 2);
}

/* capture_end: stderr back; what was written into errtext. */
static inline void
capture_end(void)
{
	ssize_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	lseek(cap_fd, 0, SEEK_SET);
	n = read(cap_fd, errtext, sizeof(errtext) - 1);
	errtext[n > 0 ? n : 0] = '\0';
	close(cap_fd);
}

/* rm_one: nftw's callback removing a tree (FTW_DEPTH | FTW_PHYS). */
static inline int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

#endif
