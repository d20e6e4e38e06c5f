/*
 * timeutil.c: ISO-8601 parsing and formatting, calendar arithmetic.
 *
 * Civil-date conversion follows Howard Hinnant's days_from_civil and
 * civil_from_days algorithms (proleptic Gregorian calendar).
 */
#include <ctype.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <strings.h>

#include "timeutil.h"
#include "util.h"
#include "banned.h"

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 +
	    (unsigned)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *year, int *month, int *day)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

int64_t
time_from_civil(int year, int month, int day)
{
	return days_from_civil(year, month, day) * 86400;
}

void
time_civil(int64_t t, int *year, int *month, int *day)
{
	int64_t days = t / 86400;

	if (t % 86400 < 0)
		days--;
	civil_from_days(days, year, month, day);
}

/* digits: read exactly n digits at *p into *v; advance *p. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

int
time_parse(const char *s, int64_t *out)
{
	int offset;

	return time_parse_zone(s, out, &offset);
}

int
time_parse_zone(const char *s, int64_t *out, int *offset)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, zh, zm, sign, basic;
	int64_t t;

	*offset = 0;
	/* extended (2026-11-22T10:00:00) or basic (20261122T100000) */
	if (digits(&p, 4, &y))
		return -1;
	basic = *p != '-';
	if (!basic)
		p++;
	if (digits(&p, 2, &mo) || (!basic && *p++ != '-') ||
	    digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -1;
	t = time_from_civil(y, mo, d);
	if (*p == '\0') {
		*out = t;
		return 0;
	}
	if (*p != 'T' && *p != 't' && (*p != ' ' || basic))
		return -1;
	p++;
	if (digits(&p, 2, &h))
		return -1;
	if (isdigit((unsigned char)*p) || *p == ':') {
		if ((!basic && *p++ != ':') || digits(&p, 2, &mi))
			return -1;
		if (isdigit((unsigned char)*p) || (!basic && *p == ':')) {
			if (!basic && *p++ != ':')
				return -1;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	t += h * 3600 + mi * 60 + sec;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		zm = 0;
		if (digits(&p, 2, &zh))
			return -1;
		if (*p == ':' && !basic && p[1] == '\0')
			return -1;	/* "+02:" */
		if (*p == ':' && !basic)
			p++;
		if ((*p != '\0' && digits(&p, 2, &zm)) || zh > 23 || zm > 59)
			return -1;
		*offset = sign * (zh * 3600 + zm * 60);
		t -= *offset;
	}
	if (*p != '\0')
		return -1;
	*out = t;
	return 0;
}

char *
time_format(int64_t t, char *buf)
{
	int y, mo, d;
	int64_t s = t % 86400;

	if (s < 0)
		s += 86400;
	time_civil(t, &y, &mo, &d);
	snprintf(buf, TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
		 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	return buf;
}

static const struct {
	const char *one, *many;
	enum duration_unit unit;
} units[] = {
	{ "day", "days", DUR_DAYS },
	{ "week", "weeks", DUR_WEEKS },
	{ "month", "months", DUR_MONTHS },
	{ "year", "years", DUR_YEARS },
};

int
duration_parse(const char *s, struct duration *d, const char **why)
{
	const char *p = s, *numstart;
	char num[16];
	int64_t n;
	size_t i, len;

	while (isspace((unsigned char)*p))
		p++;
	numstart = p;
	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p))
		p++;
	len = (size_t)(p - numstart);
	if (len == 0 || len >= sizeof(num)) {
		*why = "expected 'N days|weeks|months|years'";
		return -1;
	}
	memcpy(num, numstart, len);
	num[len] = '\0';
	if (parse_int(num, 1, 36500, &n) != 0) {
		*why = "N must be an integer from 1 to 36500";
		return -1;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*why = "a unit is needed: days, weeks, months or years";
		return -1;
	}
	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if ((strlen(units[i].one) == len &&
		     strncasecmp(p, units[i].one, len) == 0) ||
		    (strlen(units[i].many) == len &&
		     strncasecmp(p, units[i].many, len) == 0)) {
			d->n = (int)n;
			d->unit = units[i].unit;
			return 0;
		}
	}
	*why = "unknown unit: use days, weeks, months or years";
	return -1;
}

char *
duration_format(const struct duration *d, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == d->unit)
			snprintf(buf, n, "%d %s", d->n,
				 d->n == 1 ? units[i].one : units[i].many);
	return buf;
}

/* in_units: d as days (calendar 0) or months (calendar 1). */
static int64_t
in_units(const struct duration *d, int *calendar)
{
	*calendar = d->unit == DUR_MONTHS || d->unit == DUR_YEARS;
	if (d->unit == DUR_WEEKS)
		return (int64_t)d->n * 7;
	if (d->unit == DUR_YEARS)
		return (int64_t)d->n * 12;
	return d->n;
}

/* 4800 months, 400 Gregorian years: 146097 days from any start */
#define CYCLE_MONTHS 4800
#define CYCLE_DAYS 146097

/*
 * month_days_span: the fewest and the most days that `months` calendar
 * months span, clamped to the month's end, from any start: tried from
 * each month of one 400-year cycle, on its 1st (as on any day to the
 * 28th) and on each later day it has.
 */
static void
month_days_span(int64_t months, int64_t *least, int64_t *most)
{
	struct duration d = { (int)(months % CYCLE_MONTHS), DUR_MONTHS };
	int64_t whole = months / CYCLE_MONTHS * CYCLE_DAYS, t0, span;
	static const int days[] = { 1, 29, 30, 31 };
	int s, i, y, m;

	*least = INT64_MAX;
	*most = 0;
	for (s = 0; s < CYCLE_MONTHS; s++) {
		y = 2000 + s / 12;
		m = s % 12 + 1;
		for (i = 0; i < 4 && days[i] <= month_days(y, m); i++) {
			t0 = time_from_civil(y, m, days[i]);
			span = (duration_add(t0, &d) - t0) / 86400;
			if (span < *least)
				*least = span;
			if (span > *most)
				*most = span;
		}
	}
	*least += whole;
	*most += whole;
}

int
duration_covers(const struct duration *a, const struct duration *b)
{
	int ca, cb;
	int64_t na = in_units(a, &ca), nb = in_units(b, &cb), least, most;

	if (ca == cb)
		return na >= nb;
	/* months against days: as many days as they may span, from the
	 * calendar itself (6 years are 2190 to 2192 days) */
	if (ca) {
		month_days_span(na, &least, &most);
		return least >= nb ? 1 : most < nb ? 0 : -1;
	}
	month_days_span(nb, &least, &most);
	return na >= most ? 1 : na < least ? 0 : -1;
}

int64_t
duration_add(int64_t t, const struct duration *d)
{
	int y, m, day, md;
	int64_t months, secs;

	if (t >= TIME_MAX)
		return TIME_MAX;
	if (t < TIME_MIN)
		t = TIME_MIN;	/* no year before 0: months stay >= 0 */
	switch (d->unit) {
	case DUR_DAYS:
		return t + (int64_t)d->n * 86400 < TIME_MAX
			       ? t + (int64_t)d->n * 86400 : TIME_MAX;
	case DUR_WEEKS:
		return t + (int64_t)d->n * 7 * 86400 < TIME_MAX
			       ? t + (int64_t)d->n * 7 * 86400 : TIME_MAX;
	case DUR_MONTHS:
	case DUR_YEARS:
		break;
	}
	secs = t % 86400;
	if (secs < 0)
		secs += 86400;
	time_civil(t, &y, &m, &day);
	months = (int64_t)y * 12 + (m - 1) +
		 (d->unit == DUR_YEARS ? (int64_t)d->n * 12 : d->n);
	if (months >= INT64_C(10000) * 12)
		return TIME_MAX;	/* beyond what ISO-8601 writes */
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	md = month_days(y, m);
	if (day > md)
		day = md;
	return time_from_civil(y, m, day) + secs;
}

int64_t
duration_add_zone(int64_t t, int offset, const struct duration *d)
{
	int64_t r;

	if (d->unit == DUR_DAYS || d->unit == DUR_WEEKS || offset == 0 ||
	    t >= TIME_MAX)
		return duration_add(t, d);
	/* the calendar of the date's own offset: its local day and month */
	r = duration_add(t + offset, d);
	return r >= TIME_MAX ? TIME_MAX : r - offset;
}

int
duration_past(int64_t date, int offset, const struct duration *d,
	      int64_t now)
{
	return duration_add_zone(date, offset, d) < now;
}

double
clock_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
