/*
 * log.c: diagnostics on stderr with optional journald priority prefixes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "banned.h"

static int journal;

/*
 * log_setup: priority prefixes only when stderr is the journal's stream:
 * systemd sets JOURNAL_STREAM to its "device:inode", which a child whose
 * stderr was redirected (lethe ... 2>file under a unit) inherits too.
 */
void
log_setup(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	journal = env != NULL &&
		  sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
		  fstat(2, &st) == 0 && (unsigned long long)st.st_dev == dev &&
		  (unsigned long long)st.st_ino == ino;
}

static void
emit(int prio, const char *label, const char *fmt, va_list ap, int err)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* one line at a time: a batch's tombstones are written on a
	 * thread of their own, which may log too */
	flockfile(stderr);
	if (journal)
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "lethe: %s%s", label, msg);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	funlockfile(stderr);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(3, "", fmt, ap, 0);
	va_end(ap);
}

void
log_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	emit(3, "", fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(4, "warning: ", fmt, ap, 0);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(5, "", fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(6, "", fmt, ap, 0);
	va_end(ap);
}
