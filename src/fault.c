/*
 * fault.c: named crash points driven by LETHE_FAULT.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "util.h"
#include "banned.h"

void
fault_point(const char *name)
{
	static int64_t hits;
	const char *spec = getenv("LETHE_FAULT");
	const char *colon;
	size_t len;
	int64_t want = 1;

	if (spec == NULL || *spec == '\0')
		return;
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (strlen(name) != len || strncmp(spec, name, len) != 0)
		return;
	if (colon != NULL && parse_int(colon + 1, 1, INT64_MAX, &want) != 0)
		want = 1;
	if (++hits < want)
		return;
	kill(getpid(), SIGKILL);
	_exit(137);
}
