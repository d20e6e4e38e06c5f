/*
 * strset.c: a set of byte strings, open addressing on a 64-bit hash.
 */
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "util.h"
#include "banned.h"

struct slot {
	uint64_t hash;
	char *p;		/* NULL: empty */
	size_t n;
};

struct strset {
	struct slot *slots;
	size_t cap;		/* a power of two */
	size_t count;
	size_t longest;
};

/* hash: FNV-1a over the bytes, then mixed so that every bit counts. */
static uint64_t
hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct strset *
strset_new(void)
{
	struct strset *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	return s;
}

void
strset_free(struct strset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i].p);
	free(s->slots);
	free(s);
}

/* find: the slot holding p[0..n) (hash h), or the empty one for it. */
static struct slot *
find(const struct strset *s, const void *p, size_t n, uint64_t h)
{
	size_t i;

	for (i = h & (s->cap - 1); s->slots[i].p != NULL;
	     i = (i + 1) & (s->cap - 1)) {
		const struct slot *sl = &s->slots[i];

		if (sl->hash == h && sl->n == n && memcmp(sl->p, p, n) == 0)
			break;
	}
	return &s->slots[i];
}

static void
grow(struct strset *s)
{
	struct slot *old = s->slots;
	size_t oldcap = s->cap, i, j;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].p == NULL)
			continue;
		for (j = old[i].hash & (s->cap - 1); s->slots[j].p != NULL;
		     j = (j + 1) & (s->cap - 1))
			;
		s->slots[j] = old[i];
	}
	free(old);
}

int
strset_add(struct strset *s, const void *p, size_t n)
{
	uint64_t h = hash(p, n);
	struct slot *sl;

	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	sl = find(s, p, n, h);
	if (sl->p != NULL)
		return 0;
	sl->p = xmalloc(n + 1);
	memcpy(sl->p, p, n);
	sl->p[n] = '\0';
	sl->n = n;
	sl->hash = h;
	s->count++;
	if (n > s->longest)
		s->longest = n;
	return 1;
}

int
strset_has(const struct strset *s, const void *p, size_t n)
{
	if (s == NULL || s->count == 0 || n > s->longest)
		return 0;
	return find(s, p, n, hash(p, n))->p != NULL;
}

size_t
strset_count(const struct strset *s)
{
	return s == NULL ? 0 : s->count;
}

size_t
strset_longest(const struct strset *s)
{
	return s == NULL ? 0 : s->longest;
}
