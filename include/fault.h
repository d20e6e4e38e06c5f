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

#endif
