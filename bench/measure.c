/*
 * measure.c: run a command and report its wall time and peak memory.
 *
 * usage: measure LABEL -- CMD [ARG...]
 *
 * Runs CMD with the standard streams it was given, waits for it with
 * wait4(2), and prints to standard error one line:
 *
 *	LABEL: wall=12.34s maxrss=45.6MiB exit=0
 *
 * maxrss is the peak resident set of CMD (or of the largest of the
 * processes it waited for).  exit is CMD's exit status, or 128 plus the
 * signal that killed it, which is also measure's own exit status.  A CMD
 * that cannot be run exits 127.  measure's own usage errors exit 64.
 */
#define _DEFAULT_SOURCE

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	const char *label;
	double wall;
	pid_t pid, w;
	int status, code;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: measure LABEL -- CMD [ARG...]\n");
		return 64;
	}
	label = argv[1];
	if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1) {
		fprintf(stderr, "measure: clock_gettime: %s\n",
		    strerror(errno));
		return 71;
	}
	fflush(stderr);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 71;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "measure: cannot run '%s': %s\n", argv[3],
		    strerror(errno));
		_exit(127);
	}
	/* The child takes the terminal's signals; we outlive it to report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	do {
		w = wait4(pid, &status, 0, &ru);
	} while (w == -1 && errno == EINTR);
	if (w == -1) {
		fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
		return 71;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t1) == -1) {
		fprintf(stderr, "measure: clock_gettime: %s\n",
		    strerror(errno));
		return 71;
	}
	wall = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		code = 128 + WTERMSIG(status);
	else
		code = 255;
	/* Linux reports ru_maxrss in KiB. */
	fprintf(stderr, "%s: wall=%.2fs maxrss=%.1fMiB exit=%d\n", label,
	    wall, (double)ru.ru_maxrss / 1024.0, code);
	return code;
}
