/*
 * tap.h: a tiny TAP producer for the unit tests.
 *
 * CHECK(cond, "what") prints "ok N - what" or "not ok N - what (file:line)";
 * tap_done() prints the plan and "N passed, N failed" and returns the exit
 * status for main.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_check(int ok, const char *file, int line, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

static void
tap_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", ok ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf(" (%s:%d)", file, line);
		tap_failed++;
	}
	putchar('\n');
}

#define CHECK(cond, ...) tap_check((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(got, want, what)                                          \
	tap_check(strcmp((got), (want)) == 0, __FILE__, __LINE__,           \
		  "%s: got '%s', want '%s'", (what), (got), (want))

static int
tap_done(void)
{
	printf("1..%d\n# %d passed, %d failed\n", tap_n, tap_n - tap_failed,
	       tap_failed);
	return tap_failed ? 1 : 0;
}

#endif
