/*
 * scan.c: email and phone candidates in free text.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

#define MAX_GROUPS 6
#define MIN_DIGITS 9

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
				r = fn(arg, "email", norm, (size_t)(s - t), len);
				if (r != 0)
					return r;
			}
		}
		at++;
	}
	return 0;
}

static int
phone_char(unsigned char c)
{
	return isdigit(c) || c == ' ' || c == '-' || c == '.' || c == '(' ||
	       c == ')' || c == '/' || c == '+';
}

/* A run of digits within a phone-like span. */
struct group {
	size_t start;		/* including a '+' or '(' right before */
	size_t end;
	int digits;
};

static int
phones(const char *t, size_t n, int cc, scan_fn fn, void *arg)
{
	struct group g[MAX_GROUPS];
	char raw[64], norm[IDENT_MAX];
	size_t i = 0;
	int r;

	while (i < n) {
		size_t j;
		int ng = 0, a, b, digits;

		if (!(isdigit((unsigned char)t[i]) || t[i] == '+' ||
		      t[i] == '(') ||
		    (i > 0 && (isalnum((unsigned char)t[i - 1]) ||
			       t[i - 1] == '+'))) {
			i++;
			continue;
		}
		/* the span of phone characters from i, and its groups */
		for (j = i; j < n && phone_char((unsigned char)t[j]);) {
			size_t s = j;

			while (j < n && !isdigit((unsigned char)t[j]) &&
			       phone_char((unsigned char)t[j]))
				j++;
			if (j >= n || !isdigit((unsigned char)t[j]))
				break;
			if (j > s && (t[j - 1] == '+' || t[j - 1] == '('))
				s = j - 1;
			else
				s = j;
			if (ng == MAX_GROUPS)
				break;
			g[ng].start = s;
			while (j < n && isdigit((unsigned char)t[j]))
				j++;
			g[ng].end = j;
			g[ng].digits = (int)(j - (t[s] == '+' || t[s] == '('
							  ? s + 1 : s));
			ng++;
		}
		for (a = 0; a < ng; a++) {
			digits = 0;
			for (b = a; b < ng; b++) {
				size_t len = g[b].end - g[a].start;

				digits += g[b].digits;
				if (digits > 15 || len >= sizeof(raw))
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

char *
spans_replace(const char *text, size_t n, struct spans *sp)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	int i;

	if (sp->n > 1)
		qsort(sp->v, (size_t)sp->n, sizeof(*sp->v), by_offset);
	for (i = 0; i < sp->n; i++) {
		const struct span *s = &sp->v[i];

		if (s->off < at)
			continue;	/* overlaps one already replaced */
		sb_add(&sb, text + at, s->off - at);
		sb_adds(&sb, "[erased]");
		at = s->off + s->len;
	}
	if (at < n)
		sb_add(&sb, text + at, n - at);
	return sb_detach(&sb);
}
