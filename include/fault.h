/*
 * fault.h: fault injection for crash tests.
 *
 * With LETHE_FAULT=NAME (or NAME:N) in the environment, the process kills
 * itself with SIGKILL the first (or Nth) time it reaches fault point NAME,
 * exactly as kill -9 would: no cleanup, no flush.  Points are listed in
 * README.md; tests run every one and check that a rerun converges.
 *
 * With LETHE_FAULT_HOOK=NAME=COMMAND, the shell runs COMMAND the first
 * time the process reaches point NAME (and the process exits 70 if it
 * fails): tests play the application writing at that instant.
 */
#ifndef FAULT_H
#define FAULT_H

/*
 * fault_point: run the hook LETHE_FAULT_HOOK names for this point, then
 * die here if LETHE_FAULT names it.
 */
void fault_point(const char *name);

#endif
