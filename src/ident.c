/*
 * ident.c: normalising and hashing identifiers.
 */
#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "hashset.h"
#include "ident.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/*
 * email_char: whether c may stand in an address outside quotes: the
 * local part's RFC 5322 atext and dots, the domain's letters, digits,
 * '-' and dots; UTF-8 bytes in both (internationalised addresses).
 */
static int
email_char(unsigned char c, int domain)
{
	if (isalnum(c) || c == '.' || c == '-' || c >= 0x80)
		return 1;
	return !domain && strchr("!#$%&'*+/=?^_`{|}~", c) != NULL;
}

/*
 * space_at: the length of the blank (ASCII white space, or a Unicode
 * space or zero-width character in UTF-8: no-break, en/em and the other
 * U+2000 block spaces, narrow no-break, ideographic, byte order mark)
 * starting at p before end, or 0.
 */
static size_t
space_at(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t left = (size_t)(end - p);

	if (left >= 1 && isspace(u[0]))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] <= 0x8b || u[2] == 0xaf))
		return 3;
	if (left >= 3 && ((u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) ||
			  (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) ||
			  (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)))
		return 3;
	return 0;
}

/* space_before: the length of the blank ending at end, after start, or 0. */
static size_t
space_before(const char *start, const char *end)
{
	size_t k;

	for (k = 1; k <= 3 && (size_t)(end - start) >= k; k++)
		if (space_at(end - k, end) == k)
			return k;
	return 0;
}

/*
 * peel: narrow [*start, *end) to the address as a value in a list or in
 * prose holds it: blanks around it (Unicode ones too), the punctuation
 * after it ("a@example.com." at the end of a sentence, "a@example.com,"
 * in a list) and the quotes around it ("a@example.com").
 */
static void
peel(const char **start, const char **end)
{
	const char *s = *start, *e = *end;
	size_t k;

	for (;;) {
		if ((k = space_at(s, e)) > 0)
			s += k;
		else if ((k = space_before(s, e)) > 0)
			e -= k;
		else if (e > s && strchr(".,;:", e[-1]) != NULL)
			e--;
		else if (e - s >= 2 && (*s == '"' || *s == '\'') &&
			 e[-1] == *s) {
			s++;
			e--;
		} else
			break;
	}
	*start = s;
	*end = e;
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_setup(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/*
 * lower_utf8: s (n bytes of room) with its letters beyond ASCII lowered
 * too, by Unicode's simple case mapping ("Zoë@Exämple.com" and
 * "ZOË@EXÄMPLE.COM" are one address to the people who type them); a
 * byte that is no part of valid UTF-8 is left as it is.  Returns 0, or -1
 * when the result would not fit.
 */
static int
lower_utf8(char *s, size_t n)
{
	char out[IDENT_MAX * 2];
	const char *p = s;
	size_t o = 0;
	unsigned cp;
	int len;

	pthread_once(&utf8_once, utf8_setup);
	if (utf8_locale == (locale_t)0)
		return 0;
	while (*p) {
		len = utf8_decode(p, &cp);
		if (len <= 1) {
			out[o++] = *p++;	/* ASCII, or not UTF-8 */
		} else {
			o += utf8_encode((unsigned)towlower_l((wint_t)cp,
							      utf8_locale),
					 out + o);
			p += len;
		}
		if (o + 4 >= sizeof(out))
			return -1;
	}
	if (o >= n)
		return -1;
	memcpy(s, out, o);
	s[o] = '\0';
	return 0;
}

static int
normalise_email(const char *value, char *out)
{
	const char *start = value, *end = value + strlen(value), *at = NULL;
	const char *p;
	size_t n = 0;

	peel(&start, &end);
	/* "Alice <alice@example.com>" (RFC 5322 name-addr): the address */
	if (end > start && end[-1] == '>') {
		for (p = end - 1; p > start && p[-1] != '<'; p--)
			;
		if (p == start)
			return -1;
		start = p;
		end--;
	}
	/* an RFC 6068 URI, as phones take "tel:" */
	if ((size_t)(end - start) > 7 && strncasecmp(start, "mailto:", 7) == 0)
		start += 7;
	peel(&start, &end);
	if ((size_t)(end - start) >= IDENT_MAX)
		return -1;
	for (p = start; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '@') {
			if (at != NULL)
				return -1;
			at = p;
		} else if (c == '\0' || !email_char(c, at != NULL)) {
			/* hashed as written it would match no one */
			return -1;
		}
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
	if (at == NULL || at == start || at + 1 == end)
		return -1;
	if (at[1] == '.' || end[-1] == '.')
		return -1;
	/* beyond ASCII (n bytes are at most as many as came in) */
	for (p = start; p < end && (unsigned char)*p < 0x80; p++)
		;
	return p == end ? 0 : lower_utf8(out, IDENT_MAX);
}

/*
 * cc_length: how many of the leading digits d are the country calling
 * code (ITU-T E.164 assignments: 1 and 7 alone, the two-digit codes of
 * zones 2 to 9 below, three digits for the rest).
 */
static int
cc_length(const char *d)
{
	static const char *const two[] = {
		"20", "27", "30", "31", "32", "33", "34", "36", "39", "40",
		"41", "43", "44", "45", "46", "47", "48", "49", "51", "52",
		"53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
		"64", "65", "66", "81", "82", "84", "86", "90", "91", "92",
		"93", "94", "95", "98",
	};
	size_t i;

	if (d[0] == '1' || d[0] == '7')
		return 1;
	for (i = 0; i < sizeof(two) / sizeof(two[0]); i++)
		if (d[0] == two[i][0] && d[1] == two[i][1])
			return 2;
	return 3;
}

/*
 * keeps_zero: whether numbers of calling code cc (digits, len of them)
 * dial their leading 0 from abroad too (Italy, San Marino, the Vatican,
 * Côte d'Ivoire, Benin, Gabon, Congo): elsewhere a 0 right after the
 * code is the trunk prefix, "+44 07700 900123" for +44 7700 900123.
 */
static int
keeps_zero(const char *cc, int len)
{
	static const char *const keep[] = { "39", "378", "379", "225", "229",
					    "241", "242" };
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if ((int)strlen(keep[i]) == len &&
		    strncmp(keep[i], cc, (size_t)len) == 0)
			return 1;
	return 0;
}

static int
normalise_phone(const char *value, int calling_code, char *out)
{
	char digits[64];
	const char *p = value;
	size_t n = 0;
	int plus = 0, intl;

	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "tel:", 4) == 0)	/* an RFC 3966 URI */
		p += 4;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+') {
		plus = 1;
		p++;
	} else if (p[0] == '(' && p[1] == '+') {	/* "(+44) 7700 ..." */
		plus = 1;
		p += 2;
	}
	intl = plus || (p[0] == '0' && p[1] == '0');
	for (; *p; p++) {
		/* "+44 (0)20 ...": the trunk 0 is not dialled from abroad */
		if (intl && p[0] == '(' && p[1] == '0' && p[2] == ')') {
			p += 2;
			continue;
		}
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof(digits))
				return -1;
			digits[n++] = *p;
		} else if (!strchr(" \t-./()", *p)) {
			return -1;
		}
	}
	digits[n] = '\0';
	if (n == 0)
		return -1;
	if (plus || digits[0] != '0') {
		memcpy(out, digits, n + 1);
	} else if (digits[1] == '0') {
		memcpy(out, digits + 2, n - 1);
		n -= 2;
		plus = 1;
	} else {
		/* the calling code (1 to 999) for the trunk 0, which some
		 * countries dial from abroad too */
		char cc[8];
		int k = 0, m = calling_code, zero;

		do
			cc[k++] = (char)('0' + m % 10);
		while ((m /= 10) > 0 && k < 7);
		for (m = 0; m < k; m++)
			out[m] = cc[k - 1 - m];
		zero = keeps_zero(out, k) ? 0 : 1;
		memcpy(out + k, digits + zero, n + 1 - (size_t)zero);
		n = n - (size_t)zero + (size_t)k;
	}
	if (plus && n > 3) {
		/* "+44 07700 900123": the trunk 0 after the code */
		int k = cc_length(out);

		if (out[k] == '0' && !keeps_zero(out, k)) {
			memmove(out + k, out + k + 1, n - (size_t)k);
			n--;
		}
	}
	if (n < 7 || n > 15 || out[0] == '0')
		return -1;
	return 0;
}

/* email_plausible: the email part of ident_plausible. */
static int
email_plausible(const char *email)
{
	const char *at = strrchr(email, '@'), *label, *p;
	size_t n = strlen(email);

	if (!utf8_valid(email) || at == NULL)
		return 0;
	/* quoted, the address given is not clear (a live value quoted is
	 * read as its address, see peel) */
	while (n > 0 && isspace((unsigned char)email[n - 1]))
		n--;
	while (*email && isspace((unsigned char)*email)) {
		email++;
		n--;
	}
	if (n > 0 && (strchr("\"'", email[0]) || strchr("\"'", email[n - 1])))
		return 0;
	for (label = p = at + 1;; p++) {
		int end = *p == '\0' || *p == '>' || isspace((unsigned char)*p);

		if (*p != '.' && !end)
			continue;
		if (p == label || label[0] == '-' || p[-1] == '-')
			return 0;
		if (end)
			return 1;
		label = p + 1;
	}
}

int
ident_plausible(const char *type, const char *value)
{
	char out[IDENT_MAX];

	if (strcmp(type, "email") == 0 && value != NULL &&
	    !email_plausible(value))
		return 0;
	/* the shortest and the longest calling codes bound the length */
	return ident_normalise(type, value, 1, out) == 0 ||
	       ident_normalise(type, value, 999, out) == 0;
}

int
ident_normalise(const char *type, const char *value, int calling_code,
		char *out)
{
	const char *start = value, *end;
	size_t n = 0;

	if (value == NULL)
		return -1;
	if (strcmp(type, "email") == 0)
		return normalise_email(value, out);
	if (strcmp(type, "phone") == 0)
		return normalise_phone(value, calling_code, out);
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end == start || (size_t)(end - start) >= IDENT_MAX)
		return -1;
	for (; start < end; start++)
		out[n++] = (char)tolower((unsigned char)*start);
	out[n] = '\0';
	return 0;
}

void
ident_hash(const struct key *k, const char *type, const char *norm, char *hex)
{
	(void)type;
	key_hmac(k, norm, strlen(norm), hex);
}

void
ident_hash_raw(const struct key *k, const char *type, const char *norm,
	       unsigned char *out)
{
	(void)type;
	key_hmac_raw(k, norm, strlen(norm), out);
}

int
ident_hash_value(const struct key *k, const char *type, const char *value,
		 int calling_code, char *hex)
{
	char norm[IDENT_MAX];

	if (ident_normalise(type, value, calling_code, norm) != 0)
		return -1;
	ident_hash(k, type, norm, hex);
	return 0;
}

/*
 * date_shaped: whether the digit groups of a run (lens[0..n)) read as a
 * date, 2026-11-22 or 22.11.2026.
 */
static int
date_shaped(const int *lens, int n)
{
	return n == 3 && lens[1] == 2 &&
	       ((lens[0] == 4 && lens[2] == 2) ||
		(lens[0] == 2 && lens[2] == 4));
}

/*
 * attached: whether the run at p is the tail of a word such as a ticket
 * number ("HD-2026-000123", "TICKET-2026-11-22", "X12345").
 */
static int
attached(const char *s, const char *p)
{
	if (p == s)
		return 0;
	if (isalpha((unsigned char)p[-1]))
		return 1;
	if (strchr("-_#/", p[-1]) == NULL)
		return 0;
	for (p--; p > s && isalnum((unsigned char)p[-1]); p--)
		if (isalpha((unsigned char)p[-1]))
			return 1;
	return 0;
}

/*
 * domain_shaped: whether p starts like a domain ("example.com", "acme.co.uk"):
 * labels of letters, digits and '-' joined by dots, the last one of two
 * letters or more (so not a time like "10.30").
 */
static int
domain_shaped(const char *p)
{
	size_t label = 0, alpha = 0;
	int dots = 0;

	for (;; p++) {
		if (isalnum((unsigned char)*p) || *p == '-') {
			label++;
			alpha += isalpha((unsigned char)*p) != 0;
		} else if (*p == '.' && label > 0 &&
			   isalnum((unsigned char)p[1])) {
			dots++;
			label = alpha = 0;
		} else {
			break;
		}
	}
	return dots > 0 && label >= 2 && alpha == label;
}

/*
 * spelt_out_at: whether s holds an '@' written another way: URL-encoded
 * ("alice%40example.com"), the fullwidth or small commercial at of
 * Unicode (U+FF20, U+FE6B, as UTF-8), or as the word "at" after a word
 * and before a domain or a " dot " ("alice at example dot com", "alice
 * at example.com"), whatever the spaces around it.
 */
static int
spelt_out_at(const char *s)
{
	const char *p, *q;

	if (strstr(s, "%40") != NULL || strstr(s, "\xef\xbc\xa0") != NULL ||
	    strstr(s, "\xef\xb9\xab") != NULL)
		return 1;
	for (p = s; (p = strcasestr(p, "at")) != NULL; p += 2) {
		if (p == s || !isspace((unsigned char)p[-1]) ||
		    !isspace((unsigned char)p[2]))
			continue;
		for (q = p - 1; q > s && isspace((unsigned char)q[-1]); q--)
			;
		if (q == s)		/* no word before it */
			continue;
		for (q = p + 2; isspace((unsigned char)*q); q++)
			;
		if (domain_shaped(q) || strcasestr(q, " dot ") != NULL)
			return 1;
	}
	return 0;
}

int
ident_looks_personal(const char *s, int calling_code)
{
	char run[128], norm[IDENT_MAX];
	const char *p = s;

	if (strchr(s, '@') != NULL || strcasestr(s, "(at)") != NULL ||
	    strcasestr(s, "[at]") != NULL || spelt_out_at(s))
		return 1;
	/* a run of phone characters: "+44 20 7946 0958", "07700 900123",
	 * "447700900123", "415-555-0132"; not dates like "2026-11-22", nor
	 * the number of a ticket such as "HD-2026-000123" */
	while (*p) {
		size_t n = 0;
		int seps = 0, digits = 0, lens[16], ngroups = 0, in = 0;
		const char *start;

		while (*p && !strchr("+(0123456789", *p))
			p++;
		start = p;
		while (*p && strchr("+0123456789 -.()/", *p)) {
			if (isdigit((unsigned char)*p)) {
				digits++;
				if (!in && ngroups < 16)
					lens[ngroups++] = 0;
				if (ngroups > 0)
					lens[ngroups - 1]++;
				in = 1;
			} else {
				in = 0;
				if (*p != ' ')
					seps++;
			}
			if (n + 1 < sizeof(run))
				run[n++] = *p;
			p++;
		}
		run[n] = '\0';
		if (n == 0)
			continue;
		if (ident_normalise("phone", run, calling_code, norm) != 0)
			continue;
		/* (a number of fewer than 7 digits is no phone's: the
		 * time in "20261122T010000Z" starts with a 0 too) */
		if (((run[0] == '+' || run[0] == '0' || run[0] == '(') &&
		     digits >= 7) || (seps == 0 && digits >= 10))
			return 1;
		if (attached(s, start) || date_shaped(lens, ngroups))
			continue;
		if (digits >= 10 || (digits >= 7 && ngroups >= 3))
			return 1;
	}
	return 0;
}

char *
ident_mask_path(const char *path, int calling_code)
{
	char abs[PATH_MAX];

	return ident_mask_name(realpath(path, abs) ? abs : path,
			       calling_code);
}

char *
ident_mask_name(const char *p, int calling_code)
{
	struct strbuf sb = STRBUF_INIT, part = STRBUF_INIT;

	for (;;) {
		size_t n = strcspn(p, "/");

		sb_reset(&part);
		sb_add(&part, p, n);
		sb_adds(&sb, ident_looks_personal(sb_str(&part), calling_code)
				     ? "[identifier]" : sb_str(&part));
		if (p[n] == '\0')
			break;
		sb_addc(&sb, '/');
		p += n + 1;
	}
	sb_release(&part);
	return sb_detach(&sb);
}

int
ids_next(const char **p, struct ids_item *it)
{
	while (*p != NULL && **p) {
		const char *s = *p, *end = strchr(s, ' ');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *colon = memchr(s, ':', len);

		*p = end ? end + 1 : NULL;
		if (colon == NULL)
			continue;
		it->type = s;
		it->type_len = (size_t)(colon - s);
		it->hex = colon + 1;
		it->hex_len = len - it->type_len - 1;
		it->has_key = hex_key(it->hex, it->hex_len, it->key) == 0;
		return 1;
	}
	return 0;
}
