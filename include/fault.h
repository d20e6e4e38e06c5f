/*
 * fault.h: fault injection for crash tests.
 *
 * With LETHE_FAULT=NAME (or NAME:N) in the environment, the process kills
 * itself with SIGKILL the first (or Nth) time it reaches fault point NAME,
 * exactly as kill -9 would: no cleanup, no flush.  Points are listed in
 * README.md; tests run every one and check that a rerun converges.
 */
#ifndef FAULT_H
#define FAULT_H

/* fault_point: die here if LETHE_FAULT names this point. */
void fault_point(const char *name);

/*
 * fault_fails: with LETHE_FAIL=NAME (or NAME:N) in the environment, 1 the
 * first (or Nth) time the process reaches failure point NAME, and only
 * then (a failure that passes, as a disk's may); else 0.  The caller then
 * fails as it would for real.  Safe from any thread.
 */
int fault_fails(const char *name);

#endif
