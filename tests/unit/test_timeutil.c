/*
 * test_timeutil.c: ISO-8601 parsing and calendar durations.
 */
#include <stdint.h>

#include "tap.h"
#include "timeutil.h"

static int64_t
t(const char *s)
{
	int64_t v = -1;

	time_parse(s, &v);
	return v;
}

static void
test_parse(void)
{
	char buf[TIME_BUFSZ];
	int64_t v;

	CHECK(t("1970-01-01") == 0, "epoch date");
	CHECK(t("2026-11-22T10:00:00Z") == 1795341600, "UTC time");
	CHECK(t("2026-11-22 10:00:00") == 1795341600, "space, no zone");
	CHECK(t("2026-11-22T12:00:00+02:00") == 1795341600, "offset");
	CHECK(t("2026-11-22T05:30:00-0430") == 1795341600, "offset no colon");
	CHECK(t("2026-11-22T10:00:00.123Z") == 1795341600, "fraction");
	CHECK(t("2026-11-22T10:00Z") == 1795341600, "no seconds");
	CHECK(t("20261122T100000Z") == 1795341600, "basic format");
	CHECK(t("20261122T1200+02") == 1795341600, "basic, hour offset");
	CHECK(t("2026-11-22T12:00:00+02") == 1795341600, "hour-only offset");
	CHECK(t("2026-11-22T10Z") == 1795341600, "hour only");
	CHECK(t("20261122") == t("2026-11-22"), "basic date");
	CHECK(time_parse("2026-1122", &v) != 0, "mixed date forms");
	CHECK(time_parse("20261122T10:00", &v) != 0, "mixed time forms");
	CHECK(time_parse("2026-11-22T10:00+0", &v) != 0, "one-digit offset");
	CHECK(time_parse("1700000000", &v) != 0, "unix seconds");
	CHECK(time_parse("2026-11-22T10:00030Z", &v) != 0, "no colon");
	CHECK(time_parse("2026-11-22T10:00:00+02:", &v) != 0, "bare colon");
	CHECK(time_parse("2026-02-29", &v) != 0, "29 Feb in a common year");
	CHECK(time_parse("2028-02-29", &v) == 0, "29 Feb in a leap year");
	CHECK(time_parse("2026-13-01", &v) != 0, "month 13");
	CHECK(time_parse("2026-11-22T24:00:00Z", &v) != 0, "hour 24");
	CHECK(time_parse("2026-11-22x", &v) != 0, "trailing text");
	CHECK(time_parse("22/11/2026", &v) != 0, "not ISO");
	CHECK(time_parse("", &v) != 0, "empty");
	CHECK_STR(time_format(1795341600, buf), "2026-11-22T10:00:00Z",
		  "format");
	CHECK_STR(time_format(-1, buf), "1969-12-31T23:59:59Z",
		  "format before the epoch");
}

static void
test_durations(void)
{
	struct duration d;
	const char *why;
	char buf[TIME_BUFSZ];

	CHECK(duration_parse("12 months", &d, &why) == 0 && d.n == 12 &&
		      d.unit == DUR_MONTHS, "12 months");
	CHECK(duration_parse("1 day", &d, &why) == 0 && d.unit == DUR_DAYS,
	      "1 day");
	CHECK(duration_parse("2 weeks", &d, &why) == 0, "2 weeks");
	CHECK(duration_parse("6 Years", &d, &why) == 0, "case");
	CHECK(duration_parse("36500 days", &d, &why) == 0, "the largest N");
	CHECK(duration_parse("36501 days", &d, &why) != 0, "too large");
	CHECK(duration_parse("0 days", &d, &why) != 0, "zero");
	CHECK(duration_parse("-1 days", &d, &why) != 0, "negative");
	CHECK(duration_parse("30", &d, &why) != 0, "no unit");
	CHECK(duration_parse("days", &d, &why) != 0, "no number");
	CHECK(duration_parse("3 fortnights", &d, &why) != 0, "bad unit");
	CHECK(duration_parse("1.5 days", &d, &why) != 0, "fraction");

	d.n = 1;
	d.unit = DUR_MONTHS;
	CHECK_STR(time_format(duration_add(t("2025-01-31"), &d), buf),
		  "2025-02-28T00:00:00Z", "31 Jan + 1 month, common year");
	CHECK_STR(time_format(duration_add(t("2028-01-31"), &d), buf),
		  "2028-02-29T00:00:00Z", "31 Jan + 1 month, leap year");
	CHECK_STR(time_format(duration_add(t("2025-03-31T12:00:00Z"), &d),
			      buf),
		  "2025-04-30T12:00:00Z", "time of day kept");
	d.n = 12;
	CHECK_STR(time_format(duration_add(t("2025-11-22"), &d), buf),
		  "2026-11-22T00:00:00Z", "12 months");
	d.n = 1;
	{
		int64_t at;
		int off;

		/* 1 March at +02:00 is 28 Feb in UTC: the month is March */
		CHECK(time_parse_zone("2026-03-01T01:00:00+02:00", &at,
				      &off) == 0 && off == 7200,
		      "time_parse_zone: the offset, in seconds east");
		CHECK_STR(time_format(duration_add_zone(at, off, &d), buf),
			  "2026-03-31T23:00:00Z",
			  "1 Mar +02:00 + 1 month is 1 Apr +02:00");
		CHECK(duration_past(at, off, &d, t("2026-03-29T00:00:00Z")) ==
			      0,
		      "not past on 29 Mar (UTC months would say so)");
		CHECK(time_parse_zone("2026-01-31T20:00:00-05:00", &at,
				      &off) == 0 && off == -18000,
		      "a negative offset");
		CHECK_STR(time_format(duration_add_zone(at, off, &d), buf),
			  "2026-03-01T01:00:00Z",
			  "31 Jan -05:00 + 1 month is 28 Feb -05:00");
		CHECK(time_parse_zone("2026-01-31", &at, &off) == 0 && off == 0,
		      "no offset: 0");
	}
	d.unit = DUR_YEARS;
	CHECK_STR(time_format(duration_add(t("2028-02-29"), &d), buf),
		  "2029-02-28T00:00:00Z", "29 Feb + 1 year");
	d.unit = DUR_DAYS;
	d.n = 7;
	CHECK_STR(time_format(duration_add(t("2026-12-28"), &d), buf),
		  "2027-01-04T00:00:00Z", "7 days over new year");
	/* the longest durations reach past year 9999: clamped, as ISO-8601
	 * with four-digit years (and --now) can write them */
	d.n = 36500;
	d.unit = DUR_YEARS;
	CHECK_STR(time_format(duration_add(t("2026-12-28"), &d), buf),
		  "9999-12-31T23:59:59Z",
		  "36500 years: the last second of 9999");
	d.unit = DUR_WEEKS;
	CHECK_STR(time_format(duration_add(t("2026-12-28"), &d), buf),
		  "2726-07-12T00:00:00Z", "36500 weeks: within range, exact");
	d.unit = DUR_MONTHS;
	CHECK_STR(time_format(duration_add(t("9999-06-30"), &d), buf),
		  "9999-12-31T23:59:59Z", "months from year 9999: clamped");
	d.n = 6;
	CHECK_STR(time_format(duration_add(t("9999-06-30"), &d), buf),
		  "9999-12-30T00:00:00Z", "6 months from 9999-06-30: exact");
	/* before year 0 (no date read from data is: sqlfn_date) */
	d.n = 1;
	CHECK(duration_add(TIME_MIN - 31 * 86400, &d) ==
		      duration_add(TIME_MIN, &d),
	      "a month from before year 0: from its first day");

	d.unit = DUR_MONTHS;
	d.n = 12;
	CHECK(!duration_past(t("2025-11-23T10:00:00Z"), 0, &d,
			     t("2026-11-22T10:00:00Z")),
	      "12 months minus a day is not past");
	CHECK(!duration_past(t("2025-11-22T10:00:00Z"), 0, &d,
			     t("2026-11-22T10:00:00Z")),
	      "exactly 12 months is not past");
	CHECK(duration_past(t("2025-11-21T10:00:00Z"), 0, &d,
			    t("2026-11-22T10:00:00Z")),
	      "12 months plus a day is past");
	CHECK_STR(duration_format(&d, buf, sizeof(buf)), "12 months",
		  "format a duration");
}

/* covers: duration_covers of "A" and "B" as parsed. */
static int
covers(const char *a, const char *b)
{
	struct duration da, db;
	const char *why;

	if (duration_parse(a, &da, &why) != 0 ||
	    duration_parse(b, &db, &why) != 0)
		return 99;
	return duration_covers(&da, &db);
}

static void
test_covers(void)
{
	CHECK(covers("6 years", "6 years") == 1, "equal durations cover");
	CHECK(covers("72 months", "6 years") == 1, "72 months are 6 years");
	CHECK(covers("6 years", "73 months") == 0, "6 years < 73 months");
	CHECK(covers("1 year", "6 years") == 0, "shorter");
	CHECK(covers("2 weeks", "14 days") == 1, "2 weeks are 14 days");
	CHECK(covers("13 days", "2 weeks") == 0, "13 days < 2 weeks");
	CHECK(covers("3000 days", "6 years") == 1,
	      "3000 days cover 6 years");
	CHECK(covers("2192 days", "6 years") == 1,
	      "2192 days cover 6 years (two leap days at most)");
	CHECK(covers("2191 days", "6 years") == -1,
	      "2191 days against 6 years: depends on the start");
	CHECK(covers("2190 days", "6 years") == -1,
	      "2190 days against 6 years: depends on the start");
	CHECK(covers("2189 days", "6 years") == 0,
	      "2189 days are shorter than 6 years (2100 is no leap year)");
	CHECK(covers("6 years", "2190 days") == 1,
	      "6 years cover 2190 days");
	CHECK(covers("6 years", "2191 days") == -1,
	      "6 years against 2191 days: depends on the start");
	CHECK(covers("1 year", "366 days") == -1,
	      "a year against 366 days: depends on the start");
	CHECK(covers("367 days", "1 year") == 1, "367 days cover a year");
	CHECK(covers("36500 days", "100 years") == 0,
	      "36500 days are shorter than 100 years");
	CHECK(covers("3653 days", "10 years") == 1,
	      "3653 days cover 10 years (three leap days at most)");
	CHECK(covers("3652 days", "10 years") == -1,
	      "3652 days against 10 years: depends on the start");
	CHECK(covers("36500 years", "36500 days") == 1,
	      "the longest durations compare");
	CHECK(covers("1 year", "30 days") == 1, "a year covers 30 days");
	CHECK(covers("1 month", "1 week") == 1, "a month covers a week");
	CHECK(covers("1 month", "32 days") == 0, "a month is under 32 days");
	CHECK(covers("1 month", "30 days") == -1,
	      "a month against 30 days: depends on the start");
}

int
main(void)
{
	test_parse();
	test_durations();
	test_covers();
	return tap_done();
}
