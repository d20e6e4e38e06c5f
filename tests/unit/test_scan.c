/*
 * test_scan.c: finding emails and phone numbers in free text (law 11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "strbuf.h"
#include "tap.h"

/* Collecting what the scanner offers, as "type:norm" lines. */
static int
collect(void *arg, const char *type, const char *norm, size_t off,
	size_t len)
{
	struct strbuf *sb = arg;

	(void)off;
	(void)len;
	sb_addf(sb, "%s:%s\n", type, norm);
	return 0;
}

/* The same with where each lies, as "type:norm@off" lines. */
static int
collect_at(void *arg, const char *type, const char *norm, size_t off,
	   size_t len)
{
	(void)len;
	sb_addf(arg, "%s:%s@%zu\n", type, norm, off);
	return 0;
}

static int
offers(const char *text, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	scan_text(text, strlen(text), 44, collect, &sb);
	r = strstr(sb_str(&sb), want) != NULL;
	if (!r)
		printf("# '%s' offered:\n# %s\n", text, sb_str(&sb));
	sb_release(&sb);
	return r;
}

static int
count(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	const char *p;

	scan_text(text, strlen(text), 44, collect, &sb);
	for (p = sb_str(&sb); (p = strchr(p, '\n')) != NULL; p++)
		n++;
	sb_release(&sb);
	return n;
}

static void
test_emails(void)
{
	CHECK(offers("write to Alice.Smith@Example.COM today",
		     "email:alice.smith@example.com"), "an email, lower-cased");
	CHECK(offers("<bob+x@example.org>", "email:bob+x@example.org"),
	      "an email in angle brackets");
	CHECK(offers("\"carol@example.net\",1", "email:carol@example.net"),
	      "an email in a CSV field");
	CHECK(offers("mail dan@example.com.", "email:dan@example.com\n"),
	      "a full stop after an email is not part of it");
	CHECK(count("no address here @ all") == 0, "a lone @ is nothing");
}

/* offers_at: whether the scanner offers want at offset off of text. */
static int
offers_at(const char *text, const char *want, size_t off)
{
	struct strbuf sb = STRBUF_INIT, w = STRBUF_INIT;
	int r;

	scan_text(text, strlen(text), 44, collect_at, &sb);
	sb_addf(&w, "%s@%zu\n", want, off);
	r = strstr(sb_str(&sb), sb_str(&w)) != NULL;
	if (!r)
		printf("# '%s' offered:\n# %s\n", text, sb_str(&sb));
	sb_release(&sb);
	sb_release(&w);
	return r;
}

static void
test_many_groups(void)
{
	const char *two = "tel +44 (0)7700 900001 / 0044-7700-900001 end";
	const char *late = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 "
			   "20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 "
			   "+44 7700 900001";

	CHECK(offers_at(two, "phone:447700900001", 4),
	      "two spellings of a number in one run: the first");
	CHECK(offers_at(two, "phone:447700900001", 25),
	      "and the second, past the sixth digit group");
	CHECK(offers_at(late, "phone:447700900001", strlen(late) - 15),
	      "a number after 35 digit groups in one run");
}

static void
test_phones(void)
{
	CHECK(offers("call +44 7700 900123 now", "phone:447700900123"),
	      "an international number with spaces");
	CHECK(offers("call 07700 900123", "phone:447700900123"),
	      "a national number with the default calling code");
	CHECK(offers("(020) 7946-0958", "phone:442079460958"),
	      "parentheses and a dash");
	CHECK(offers("tel:+447700900123;", "phone:447700900123"),
	      "after a colon");
	CHECK(offers("+44 (0)20 7946 0958", "phone:442079460958"),
	      "+44 (0)20: the trunk zero dropped");
	CHECK(offers("on 07700 900123 2026", "phone:447700900123"),
	      "a number followed by a year still offers the number");
	CHECK(count("INV2021-00042 and 2026-11-22") == 0,
	      "invoice numbers and dates are not phones");
	CHECK(count("f(3) g(12345678901) x(") == 0,
	      "digits after a word and '(' are not phones");
}

static void
test_binary(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *buf = malloc(1 << 20);
	int i;
	unsigned s = 42;

	for (i = 0; i < (1 << 20); i++) {
		s = s * 1103515245u + 12345u;
		buf[i] = (char)(s >> 16);
	}
	scan_text(buf, 1 << 20, 44, collect, &sb);
	CHECK(1, "a megabyte of random bytes is scanned to its end");
	sb_release(&sb);
	memset(buf, '(', 1 << 20);
	buf[0] = 'a';
	CHECK(count("a((((((((((((((((") == 0, "'(' after a word ends");
	free(buf);
}

static void
test_replace(void)
{
	struct spans sp = { NULL, 0, 0 };
	const char *t = "a bob@x.org b 07700 900123 c";
	char *r;

	spans_add(&sp, 14, 12, 0);
	spans_add(&sp, 2, 9, 0);
	spans_add(&sp, 4, 3, 0);	/* overlaps the first */
	r = spans_replace(t, strlen(t), &sp);
	CHECK_STR(r, "a [erased] b [erased] c", "spans replaced in order");
	CHECK(sp.n == 2, "two places replaced");
	free(r);
	/* a span reaching past the one it starts in: their union goes */
	sp.n = 0;
	spans_add(&sp, 2, 5, 0);
	spans_add(&sp, 4, 7, 0);
	r = spans_replace(t, strlen(t), &sp);
	CHECK_STR(r, "a [erased] b 07700 900123 c",
		  "overlapping spans replaced as their union");
	CHECK(sp.n == 1, "one place replaced");
	free(r);
	spans_release(&sp);
}

/*
 * test_blocks: phones are looked for only where a run of nine or more
 * digits and separators is; such a run read sixteen bytes at a time must
 * be found wherever it falls against those blocks, and text without one
 * offers no phone.
 */
static void
test_blocks(void)
{
	char text[256];
	int k, all = 1, none = 0;

	for (k = 0; k < 48; k++) {
		snprintf(text, sizeof(text), "%.*s +44 7700 900123 end", k,
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		all &= offers(text, "phone:447700900123");
		snprintf(text, sizeof(text), "%.*s 07700900123", k,
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		all &= offers(text, "phone:447700900123");
	}
	CHECK(all, "a phone number at every offset against 16-byte blocks");
	none += count("996d00e8-20d3-4b35-ab41-1b0caced6665 "
		      "2023-11-23T17:54:57Z "
		      "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/2010");
	none += count("12345678");
	CHECK(none == 0, "ids, dates and 8-digit numbers offer no phone");
}

int
main(void)
{
	test_emails();
	test_phones();
	test_many_groups();
	test_binary();
	test_blocks();
	test_replace();
	return tap_done();
}
