/*
 * hashset.c: open-addressing set of 32-byte keys.
 */
#include <stdlib.h>
#include <string.h>

#include "hashset.h"
#include "util.h"
#include "banned.h"

struct slot {
	unsigned char key[32];
	int64_t value;
	int used;
};

struct hashset {
	struct slot *slots;
	size_t cap;		/* a power of two */
	size_t count;
};

struct hashset *
hashset_new(void)
{
	struct hashset *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	return s;
}

void
hashset_free(struct hashset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s);
}

static size_t
home(const unsigned char *key, size_t cap)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return (size_t)(h & (cap - 1));
}

static void
grow(struct hashset *s)
{
	struct slot *old = s->slots;
	size_t oldcap = s->cap, i, j;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		for (j = home(old[i].key, s->cap); s->slots[j].used;
		     j = (j + 1) & (s->cap - 1))
			;
		s->slots[j] = old[i];
	}
	free(old);
}

void
hashset_put(struct hashset *s, const unsigned char *key, int64_t value)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	for (i = home(key, s->cap); s->slots[i].used;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, 32) == 0)
			return;
	memcpy(s->slots[i].key, key, 32);
	s->slots[i].value = value;
	s->slots[i].used = 1;
	s->count++;
}

void
hashset_put_replace(struct hashset *s, const unsigned char *key,
		    int64_t value)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	for (i = home(key, s->cap); s->slots[i].used;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, 32) == 0) {
			s->slots[i].value = value;
			return;
		}
	memcpy(s->slots[i].key, key, 32);
	s->slots[i].value = value;
	s->slots[i].used = 1;
	s->count++;
}

int
hashset_get(const struct hashset *s, const unsigned char *key,
	    int64_t *value)
{
	size_t i;

	for (i = home(key, s->cap); s->slots[i].used;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, 32) == 0) {
			if (value != NULL)
				*value = s->slots[i].value;
			return 1;
		}
	return 0;
}

size_t
hashset_count(const struct hashset *s)
{
	return s->count;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_key(const char *hex, size_t len, unsigned char *key)
{
	size_t i;

	if (len != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
