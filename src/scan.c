/*
 * scan.c: email and phone candidates in free text.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ident.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

#define MAX_GROUPS 32		/* digit groups looked at a time */
#define MIN_DIGITS 9
#define MAX_DIGITS 15		/* E.164 */
#define READ_GROUPS MAX_DIGITS	/* the most groups a reading spans */

static int
local_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

static int
domain_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-' || c >= 0x80;
}

static int
emails(const char *t, size_t n, scan_fn fn, void *arg)
{
	const char *at = t, *end = t + n;
	char raw[IDENT_MAX], norm[IDENT_MAX];
	int r;

	while ((at = memchr(at, '@', (size_t)(end - at))) != NULL) {
		const char *s = at, *e = at + 1;
		size_t len;

		while (s > t && local_char((unsigned char)s[-1]))
			s--;
		while (s < at && *s == '.')
			s++;
		while (e < end && domain_char((unsigned char)*e))
			e++;
		while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
			e--;
		len = (size_t)(e - s);
		if (s < at && e > at + 1 && len < sizeof(raw)) {
			memcpy(raw, s, len);
			raw[len] = '\0';
			if (ident_normalise("email", raw, 0, norm) == 0) {
				r = fn(arg, "email", norm, (size_t)(s - t),
				       len);
				if (r != 0)
					return r;
			}
		}
		at++;
	}
	return 0;
}

/* Character classes for the phone scan, by byte. */
enum { C_DIGIT = 1, C_OPEN = 2, C_SEP = 4, C_WORD = 8 };

static unsigned char classes[256];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void
init_classes(void)
{
	int c;

	for (c = '0'; c <= '9'; c++)
		classes[c] = C_DIGIT | C_WORD;
	for (c = 'a'; c <= 'z'; c++)
		classes[c] = classes[c - 32] = C_WORD;
	classes['+'] = C_OPEN | C_SEP | C_WORD;
	classes['('] = C_OPEN | C_SEP;
	classes[')'] = classes[' '] = classes['-'] = classes['.'] =
		classes['/'] = C_SEP;
}

/*
 * skip_to_start: the index of the first byte of u[i..n) that may start a
 * phone number (a digit, '+' or '('), or n.  Free text is mostly letters:
 * sixteen bytes are tested at a time where SSE2 is there.
 */
static size_t
skip_to_start(const unsigned char *u, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i shift = _mm_set1_epi8((char)(0x80 - '0'));
	const __m128i ten = _mm_set1_epi8((char)(-128 + 10));
	const __m128i plus = _mm_set1_epi8('+'), open = _mm_set1_epi8('(');

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
		/* '0'..'9' become -128..-119: below -118, signed */
		__m128i hit = _mm_or_si128(
			_mm_cmplt_epi8(_mm_add_epi8(v, shift), ten),
			_mm_or_si128(_mm_cmpeq_epi8(v, plus),
				     _mm_cmpeq_epi8(v, open)));
		int mask = _mm_movemask_epi8(hit);

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	while (i < n && !(classes[u[i]] & (C_DIGIT | C_OPEN)))
		i++;
	return i;
}

/*
 * may_hold_phone: whether u[0..n) has a run of MIN_DIGITS bytes or more
 * that are all digits or separators: a phone-like span of MIN_DIGITS
 * digits is such a run, so text without one (words, dates, ids) needs no
 * closer look.  Sixteen bytes are classified at a time where SSE2 is
 * there.
 */
static int
may_hold_phone(const unsigned char *u, size_t n)
{
	size_t i = 0, run = 0;

#ifdef __SSE2__
	const __m128i shift = _mm_set1_epi8((char)(0x80 - '0'));
	const __m128i ten = _mm_set1_epi8((char)(-128 + 10));
	const __m128i seps[7] = {
		_mm_set1_epi8('+'), _mm_set1_epi8('('), _mm_set1_epi8(')'),
		_mm_set1_epi8(' '), _mm_set1_epi8('-'), _mm_set1_epi8('.'),
		_mm_set1_epi8('/')
	};

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
		__m128i hit = _mm_cmplt_epi8(_mm_add_epi8(v, shift), ten);
		unsigned m, r;
		int k;

		for (k = 0; k < 7; k++)
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, seps[k]));
		m = (unsigned)_mm_movemask_epi8(hit);
		/* a run carried over from the block before */
		if (run + (size_t)__builtin_ctz(~m) >= MIN_DIGITS)
			return 1;
		/* a run of 9 within the block: bits set 2, 4, 8, 9 in a row */
		r = m & m >> 1;
		r &= r >> 2;
		r &= r >> 4;
		r &= r >> 1;
		if (r != 0)
			return 1;
		run = m == 0xffff ? run + 16
				  : (size_t)__builtin_clz(~m << 16);
	}
#endif
	pthread_once(&classes_once, init_classes);
	for (; i < n; i++) {
		run = classes[u[i]] & (C_DIGIT | C_SEP) ? run + 1 : 0;
		if (run >= MIN_DIGITS)
			return 1;
	}
	return 0;
}

/*
 * enough_digits: whether a run of digits and separators in u[0..n) holds
 * MIN_DIGITS digits (what a phone-like span needs; a date's
 * "2023-11-23" does not).
 */
static int
enough_digits(const unsigned char *u, size_t n)
{
	size_t i;
	int digits = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = classes[u[i]];

		if (c & C_DIGIT) {
			if (++digits >= MIN_DIGITS)
				return 1;
		} else if (!(c & C_SEP)) {
			digits = 0;
		}
	}
	return 0;
}

/* A run of digits within a phone-like span. */
struct group {
	size_t start;		/* including a '+' or '(' right before */
	size_t end;
	int digits;
};

/* readings: from groups g[0..limit) on (g[0..ng) known), the readings. */
static int
readings(const char *t, const struct group *g, int ng, int limit, int cc,
	 scan_fn fn, void *arg)
{
	char raw[64], norm[IDENT_MAX];
	int a, b, digits, r;

	for (a = 0; a < limit; a++) {
		digits = 0;
		for (b = a; b < ng; b++) {
			size_t len = g[b].end - g[a].start;

			digits += g[b].digits;
			if (digits > MAX_DIGITS || len >= sizeof(raw))
				break;
			if (digits < MIN_DIGITS)
				continue;
			memcpy(raw, t + g[a].start, len);
			raw[len] = '\0';
			if (ident_normalise("phone", raw, cc, norm) != 0)
				continue;
			r = fn(arg, "phone", norm, g[a].start, len);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

/*
 * phones: every reading of a phone-like span (digits and separators,
 * starting with a digit, '+' or '(' that does not continue a word) as a
 * run of its digit groups holding 9 to 15 digits, however many groups the
 * span has ("+44 (0)7700 900001 / 0044-7700-900001": both numbers).
 */
static int
phones(const char *t, size_t n, int cc, scan_fn fn, void *arg)
{
	const unsigned char *u = (const unsigned char *)t;
	struct group g[MAX_GROUPS];
	size_t i = 0, j;
	int r, ng, more, limit;

	if (!may_hold_phone(u, n))
		return 0;
	pthread_once(&classes_once, init_classes);
	if (!enough_digits(u, n))
		return 0;
	while (i < n) {
		i = skip_to_start(u, i, n);
		if (i >= n)
			break;
		if (i > 0 && (classes[u[i - 1]] & C_WORD)) {
			/* inside a word ("INV2021", "a+b", "f(3)"): past it */
			i++;
			while (i < n && (classes[u[i]] & C_WORD))
				i++;
			continue;
		}
		/* the span of phone characters from i, group by group: a
		 * window of MAX_GROUPS at a time, each reading starting in
		 * it taken once the groups it could reach are known */
		ng = 0;
		j = i;
		do {
			more = 1;
			while (ng < MAX_GROUPS && more) {
				size_t s = j;

				while (j < n && (classes[u[j]] & C_SEP))
					j++;
				if (j >= n || !(classes[u[j]] & C_DIGIT)) {
					more = 0;
					break;
				}
				s = (j > s && (t[j - 1] == '+' ||
					       t[j - 1] == '(')) ? j - 1 : j;
				g[ng].start = s;
				while (j < n && (classes[u[j]] & C_DIGIT))
					j++;
				g[ng].end = j;
				g[ng].digits = (int)(j - (t[s] == '+' ||
							  t[s] == '(' ? s + 1
								      : s));
				ng++;
			}
			limit = more ? ng - READ_GROUPS + 1 : ng;
			r = readings(t, g, ng, limit, cc, fn, arg);
			if (r != 0)
				return r;
			memmove(g, g + limit,
				sizeof(*g) * (size_t)(ng - limit));
			ng -= limit;
		} while (more);
		i = j > i ? j : i + 1;
	}
	return 0;
}

int
scan_text(const char *text, size_t n, int calling_code, scan_fn fn,
	  void *arg)
{
	int r = emails(text, n, fn, arg);

	return r != 0 ? r : phones(text, n, calling_code, fn, arg);
}

void
spans_add(struct spans *sp, size_t off, size_t len, int tag)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 8;
		sp->v = xrealloc(sp->v, sizeof(*sp->v) * (size_t)sp->cap);
	}
	sp->v[sp->n].off = off;
	sp->v[sp->n].len = len;
	sp->v[sp->n].tag = tag;
	sp->n++;
}

void
spans_release(struct spans *sp)
{
	free(sp->v);
	memset(sp, 0, sizeof(*sp));
}

static int
by_offset(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int
spans_merge(struct spans *sp)
{
	int i, k = 0;

	if (sp->n > 1)
		qsort(sp->v, (size_t)sp->n, sizeof(*sp->v), by_offset);
	for (i = 0; i < sp->n; i++) {
		struct span *last = k > 0 ? &sp->v[k - 1] : NULL;

		if (last != NULL && sp->v[i].off <= last->off + last->len) {
			size_t end = sp->v[i].off + sp->v[i].len;

			if (end > last->off + last->len)
				last->len = end - last->off;
			continue;
		}
		sp->v[k++] = sp->v[i];
	}
	sp->n = k;
	return k;
}

char *
spans_replace(const char *text, size_t n, struct spans *sp)
{
	return spans_replace_n(text, n, sp, NULL);
}

char *
spans_replace_n(const char *text, size_t n, struct spans *sp, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	int i;

	spans_merge(sp);
	for (i = 0; i < sp->n; i++) {
		sb_add(&sb, text + at, sp->v[i].off - at);
		sb_adds(&sb, "[erased]");
		at = sp->v[i].off + sp->v[i].len;
	}
	if (at < n)
		sb_add(&sb, text + at, n - at);
	if (len != NULL)
		*len = sb.len;
	return sb_detach(&sb);
}
