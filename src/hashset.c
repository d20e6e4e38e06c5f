/*
 * hashset.c: open-addressing set of 32-byte keys.
 */
#include <stdlib.h>
#include <string.h>

#include "hashset.h"
#include "sha.h"
#include "util.h"
#include "banned.h"

/*
 * A slot keeps the first 16 bytes of its key (the keys are digests, so 128
 * bits tell them apart) and its value; INT64_MIN marks an empty slot.
 */
#define KEY_KEPT 16
#define EMPTY INT64_MIN

struct slot {
	unsigned char key[KEY_KEPT];
	int64_t value;
};

struct hashset {
	struct slot *slots;
	size_t cap;		/* a power of two */
	size_t count;
	uint64_t *bloom;	/* cap * 8 bits: a key's bit set if it
				 * may be in */
};

static struct slot *
new_slots(size_t cap)
{
	struct slot *v = xmalloc(cap * sizeof(*v));
	size_t i;

	for (i = 0; i < cap; i++)
		v[i].value = EMPTY;
	return v;
}

struct hashset *
hashset_new(void)
{
	struct hashset *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slots = new_slots(s->cap);
	s->bloom = xcalloc(s->cap / 8, sizeof(*s->bloom));
	return s;
}

void
hashset_free(struct hashset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s->bloom);
	free(s);
}


static size_t
home(const unsigned char *key, size_t cap)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return (size_t)(h & (cap - 1));
}

/*
 * bloom_bit: the bit of key in a filter of cap * 8 bits, from bytes the
 * slot position does not use; a lookup that finds it clear is over
 * without touching the (much larger, cache-missing) slots.
 */
static size_t
bloom_bit(const unsigned char *key, size_t cap)
{
	uint64_t h;

	memcpy(&h, key + 8, sizeof(h));
	return (size_t)(h & (cap * 8 - 1));
}

static void
mark(struct hashset *s, const unsigned char *key)
{
	size_t b = bloom_bit(key, s->cap);

	s->bloom[b / 64] |= (uint64_t)1 << (b % 64);
}

static void
grow(struct hashset *s)
{
	struct slot *old = s->slots;
	size_t oldcap = s->cap, i, j;

	s->cap *= 2;
	s->slots = new_slots(s->cap);
	for (i = 0; i < oldcap; i++) {
		if (old[i].value == EMPTY)
			continue;
		for (j = home(old[i].key, s->cap); s->slots[j].value != EMPTY;
		     j = (j + 1) & (s->cap - 1))
			;
		s->slots[j] = old[i];
	}
	free(old);
	free(s->bloom);
	s->bloom = xcalloc(s->cap / 8, sizeof(*s->bloom));
	for (i = 0; i < s->cap; i++)
		if (s->slots[i].value != EMPTY)
			mark(s, s->slots[i].key);
}

void
hashset_put(struct hashset *s, const unsigned char *key, int64_t value)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	for (i = home(key, s->cap); s->slots[i].value != EMPTY;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, KEY_KEPT) == 0)
			return;
	memcpy(s->slots[i].key, key, KEY_KEPT);
	s->slots[i].value = value;
	s->count++;
	mark(s, key);
}

void
hashset_put_replace(struct hashset *s, const unsigned char *key,
		    int64_t value)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	for (i = home(key, s->cap); s->slots[i].value != EMPTY;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, KEY_KEPT) == 0) {
			s->slots[i].value = value;
			return;
		}
	memcpy(s->slots[i].key, key, KEY_KEPT);
	s->slots[i].value = value;
	s->count++;
	mark(s, key);
}

int
hashset_get(const struct hashset *s, const unsigned char *key,
	    int64_t *value)
{
	size_t i = bloom_bit(key, s->cap);

	if (!(s->bloom[i / 64] >> (i % 64) & 1))
		return 0;
	for (i = home(key, s->cap); s->slots[i].value != EMPTY;
	     i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].key, key, KEY_KEPT) == 0) {
			if (value != NULL)
				*value = s->slots[i].value;
			return 1;
		}
	return 0;
}

void
hashset_put_text(struct hashset *s, const char *text)
{
	unsigned char key[32];

	sha_raw(text, strlen(text), key);
	hashset_put(s, key, 1);
}

int
hashset_has_text(const struct hashset *s, const char *text)
{
	unsigned char key[32];

	sha_raw(text, strlen(text), key);
	return hashset_get(s, key, NULL);
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

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
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
