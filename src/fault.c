/*
 * fault.c: named crash points driven by LETHE_FAULT.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "util.h"
#include "banned.h"

/*
 * named: whether the environment's variable var names point name (as
 * NAME or NAME:N); *want gets N (1 when not given).
 */
static int
named(const char *var, const char *name, int64_t *want)
{
	const char *spec = getenv(var);
	const char *colon;
	size_t len;

	*want = 1;
	if (spec == NULL || *spec == '\0')
		return 0;
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (strlen(name) != len || strncmp(spec, name, len) != 0)
		return 0;
	if (colon != NULL && parse_int(colon + 1, 1, INT64_MAX, want) != 0)
		*want = 1;
	return 1;
}

void
fault_point(const char *name)
{
	static int64_t hits;
	int64_t want;

	if (!named("LETHE_FAULT", name, &want) || ++hits < want)
		return;
	kill(getpid(), SIGKILL);
	_exit(137);
}

int
fault_fails(const char *name)
{
	static atomic_llong hits;
	int64_t want;

	return named("LETHE_FAIL", name, &want) &&
	       atomic_fetch_add(&hits, 1) + 1 == want;
}
