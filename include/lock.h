/*
 * lock.h: the run lock, one lethe at a time changing state.
 */
#ifndef LOCK_H
#define LOCK_H

/*
 * lock_take: take an exclusive lock on path (created 0600 if missing)
 * without waiting.  Returns an fd that holds the lock until closed, -2
 * when another process holds it, or -1 after reporting an error.
 */
int lock_take(const char *path);

#endif
