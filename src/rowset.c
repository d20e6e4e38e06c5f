/*
 * rowset.c: a set of rowids, as bits of 64-row blocks.
 */
#include <stdlib.h>

#include "rowset.h"
#include "util.h"
#include "banned.h"

/* A slot: the block (rowid >> 6) and a bit per row; no bits: empty. */
struct slot {
	uint64_t block;
	uint64_t bits;
};

struct rowset {
	struct slot *slots;
	size_t cap;		/* a power of two */
	size_t used;		/* slots with bits */
	int64_t count;		/* rowids */
};

struct rowset *
rowset_new(void)
{
	struct rowset *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	return s;
}

void
rowset_free(struct rowset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s);
}

/*
 * home: the first slot to try for block b: a 64-bit mix of b / 8, and b's
 * place among its eight.  Eight neighbouring blocks (512 rowids) share two
 * cache lines, so a walk in rowid order, as the page copier's, misses the
 * cache once per 512 rows rather than once per 64.
 */
static size_t
home(uint64_t b, size_t cap)
{
	uint64_t g = b >> 3;

	g ^= g >> 33;
	g *= 0xff51afd7ed558ccdULL;
	g ^= g >> 33;
	return (size_t)((g << 3 | (b & 7)) & (cap - 1));
}

/* find: the slot of block b, or the empty slot where it would go. */
static struct slot *
find(const struct rowset *s, uint64_t b)
{
	size_t i;

	for (i = home(b, s->cap); s->slots[i].bits != 0;
	     i = (i + 1) & (s->cap - 1))
		if (s->slots[i].block == b)
			break;
	return &s->slots[i];
}

static void
grow(struct rowset *s)
{
	struct slot *old = s->slots;
	size_t oldcap = s->cap, i;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].bits != 0)
			*find(s, old[i].block) = old[i];
	free(old);
}

int
rowset_add(struct rowset *s, int64_t rowid)
{
	uint64_t r = (uint64_t)rowid, bit = (uint64_t)1 << (r & 63);
	struct slot *sl;

	if ((s->used + 1) * 2 > s->cap)
		grow(s);
	sl = find(s, r >> 6);
	if (sl->bits & bit)
		return 0;
	if (sl->bits == 0) {
		sl->block = r >> 6;
		s->used++;
	}
	sl->bits |= bit;
	s->count++;
	return 1;
}

int
rowset_has(const struct rowset *s, int64_t rowid)
{
	uint64_t r = (uint64_t)rowid;

	if (s == NULL || s->count == 0)
		return 0;
	return (find(s, r >> 6)->bits >> (r & 63)) & 1;
}

int64_t
rowset_count(const struct rowset *s)
{
	return s == NULL ? 0 : s->count;
}
