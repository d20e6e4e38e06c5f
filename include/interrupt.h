/*
 * interrupt.h: what a signal must not leave behind.
 *
 * A restore, scrub or inspect stages an archive's unfiltered entries, and
 * backup and scrub write an archive beside its name before giving it that
 * name.  When SIGINT, SIGTERM or SIGHUP ends lethe (Ctrl-C, `systemctl
 * stop`) in the middle, the staging folders and files named here are
 * removed before lethe dies of the signal as it would have; whatever a
 * removal misses is still swept by the next command that takes the lock
 * (leftover.h).
 */
#ifndef INTERRUPT_H
#define INTERRUPT_H

/* interrupt_setup: install the handlers (once, in main). */
void interrupt_setup(void);

/*
 * interrupt_guard: remove path (a folder and all below it, or a file)
 * should a signal end lethe, until interrupt_unguard.  A path too long,
 * or one more than the few slots hold, is not guarded (the sweep still
 * finds it).
 */
void interrupt_guard(const char *path);

/* interrupt_unguard: forget path (NULL, or one not guarded: a no-op). */
void interrupt_unguard(const char *path);

#endif
