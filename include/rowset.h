/*
 * rowset.h: a set of rowids.
 *
 * The restore filter collects the rows it leaves out of a restored
 * database here (by table), and the copier (dbcopy.h) asks it about every
 * row and index entry it copies.  Rowids are kept as bits of 64-row
 * blocks in an open-addressing table: about a quarter of a byte per row
 * where rows are dense, 32 bytes per row at worst.
 */
#ifndef ROWSET_H
#define ROWSET_H

#include <stdint.h>

struct rowset;

/* rowset_new: an empty set; free with rowset_free (NULL is a no-op). */
struct rowset *rowset_new(void);
void rowset_free(struct rowset *s);

/* rowset_add: add rowid; 1 when it was not there yet, 0 when it was. */
int rowset_add(struct rowset *s, int64_t rowid);

/* rowset_has: whether rowid is in s (s may be NULL: empty). */
int rowset_has(const struct rowset *s, int64_t rowid);

/* rowset_count: the number of rowids in s (0 for NULL). */
int64_t rowset_count(const struct rowset *s);

#endif
