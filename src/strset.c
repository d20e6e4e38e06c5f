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
	uint64_t *bloom;	/* cap * 8 bits: a string's bit set if it may
				 * be in */
};

/*
 * hash: the bytes eight at a time (the ids compared here are 36-byte
 * UUIDs, looked up once per row), then mixed so that every bit counts.
 */
static uint64_t
hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; n > 0; p++, n--)
		h = (h ^ *p) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * bloom_bit: the bit of hash h in a filter of cap * 8 bits, from the bits
 * the slot position does not use: most rows name no one erased, and a
 * lookup that finds its bit clear is over without touching the slots
 * (much larger, and a cache miss each).
 */
static size_t
bloom_bit(uint64_t h, size_t cap)
{
	return (size_t)((h >> 32 | h << 32) & (cap * 8 - 1));
}

static void
mark(struct strset *s, uint64_t h)
{
	size_t b = bloom_bit(h, s->cap);

	s->bloom[b / 64] |= (uint64_t)1 << (b % 64);
}

struct strset *
strset_new(void)
{
	struct strset *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	s->bloom = xcalloc(s->cap / 8, sizeof(*s->bloom));
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
	free(s->bloom);
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
	free(s->bloom);
	s->bloom = xcalloc(s->cap / 8, sizeof(*s->bloom));
	for (i = 0; i < oldcap; i++) {
		if (old[i].p == NULL)
			continue;
		for (j = old[i].hash & (s->cap - 1); s->slots[j].p != NULL;
		     j = (j + 1) & (s->cap - 1))
			;
		s->slots[j] = old[i];
		mark(s, old[i].hash);
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
	mark(s, h);
	if (n > s->longest)
		s->longest = n;
	return 1;
}

int
strset_has(const struct strset *s, const void *p, size_t n)
{
	uint64_t h;
	size_t b;

	if (s == NULL || s->count == 0 || n > s->longest)
		return 0;
	h = hash(p, n);
	b = bloom_bit(h, s->cap);
	if (!(s->bloom[b / 64] >> (b % 64) & 1))
		return 0;
	return find(s, p, n, h)->p != NULL;
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
