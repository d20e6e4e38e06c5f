/*
 * log.c: diagnostics on stderr with optional journald priority prefixes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "banned.h"

static int journal;

void
log_setup(void)
{
	journal = getenv("JOURNAL_STREAM") != NULL;
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
