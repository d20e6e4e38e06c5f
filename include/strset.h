/*
 * strset.h: a set of byte strings, compared exactly.
 *
 * The restore filter keeps the subject ids of the people it erases here,
 * for the page copier (dbcopy.h) to compare each row's subject column
 * with, byte for byte as SQLite's BINARY collation does.
 */
#ifndef STRSET_H
#define STRSET_H

#include <stddef.h>
#include <stdint.h>

struct strset;

/* strset_new: an empty set; free with strset_free (NULL is a no-op). */
struct strset *strset_new(void);
void strset_free(struct strset *s);

/* strset_add: add a copy of p[0..n); 1 when it was not there, else 0. */
int strset_add(struct strset *s, const void *p, size_t n);

/* strset_has: whether p[0..n) is in s (s may be NULL: empty). */
int strset_has(const struct strset *s, const void *p, size_t n);

/* strset_count: the number of strings (0 for NULL). */
size_t strset_count(const struct strset *s);

/* strset_longest: the length of the longest string (0 when empty). */
size_t strset_longest(const struct strset *s);

#endif
