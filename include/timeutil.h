/*
 * timeutil.h: ISO-8601 times and calendar durations.
 *
 * Times are int64_t seconds since the Unix epoch, always UTC.
 */
#ifndef TIMEUTIL_H
#define TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_BUFSZ 32
#define TIME_MAX INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
#define TIME_MIN INT64_C(-62167219200)	/* 0000-01-01T00:00:00Z */

enum duration_unit { DUR_DAYS, DUR_WEEKS, DUR_MONTHS, DUR_YEARS };

struct duration {
	int n;				/* 1 .. 36500 */
	enum duration_unit unit;
};

/*
 * time_parse: parse an ISO-8601 time: "YYYY-MM-DD", optionally followed by
 * 'T' or ' ' and "HH[:MM[:SS[.fraction]]]" and "Z" or "+HH[:MM]" /
 * "-HH[:MM]" (no zone means UTC); or the same in the basic format,
 * "YYYYMMDD[THH[MM[SS]]]" and "Z" or "+HH[MM]".  Returns 0 and sets
 * *out, or -1 if s is not such a time or names an impossible date.
 */
int time_parse(const char *s, int64_t *out);

/*
 * time_parse_zone: time_parse, with the time's offset from UTC in seconds
 * (east positive; 0 for Z or none) into *offset.
 */
int time_parse_zone(const char *s, int64_t *out, int *offset);

/*
 * time_format: write t as "YYYY-MM-DDTHH:MM:SSZ" into buf (TIME_BUFSZ
 * bytes).  Returns buf.
 */
char *time_format(int64_t t, char *buf);

/*
 * time_civil: split t into year, month (1-12), day (1-31).
 */
void time_civil(int64_t t, int *year, int *month, int *day);

/*
 * time_from_civil: seconds at midnight UTC of the given date.
 */
int64_t time_from_civil(int year, int month, int day);

/*
 * duration_parse: parse "N day(s)|week(s)|month(s)|year(s)" with N an
 * integer from 1 to 36500.  Returns 0, or -1 and a short reason in *why.
 */
int duration_parse(const char *s, struct duration *d, const char **why);

/*
 * duration_format: "N unit(s)" into buf of size n.  Returns buf.
 */
char *duration_format(const struct duration *d, char *buf, size_t n);

/*
 * duration_covers: 1 when a is at least as long as b from any start
 * (12 months = 1 year, a week 7 days; months against days as the
 * calendar has them: a month 28 to 31 days, 6 years 2190 to 2192); 0 when
 * it is shorter from every start; -1 when that depends on the start (days
 * against months: 30 days and 1 month).
 */
int duration_covers(const struct duration *a, const struct duration *b);

/*
 * duration_add: t plus d.  Months and years are calendar months, the day
 * clamped to the target month's end (31 Jan + 1 month = 28/29 Feb); the
 * time of day is kept.  Never past TIME_MAX: a time written four-digit
 * years can hold, due and hold dates alike.  t is taken as at least
 * TIME_MIN (dates read from data are checked against both: sqlfn_date).
 */
int64_t duration_add(int64_t t, const struct duration *d);

/*
 * duration_add_zone: duration_add for a time written with an offset from
 * UTC (seconds east): months and years in that offset's calendar, so that
 * 2026-03-01T01:00:00+02:00 plus a month is 2026-04-01T01:00:00+02:00.
 */
int64_t duration_add_zone(int64_t t, int offset, const struct duration *d);

/* clock_seconds: a monotonic clock in seconds, for timing batches only. */
double clock_seconds(void);

/*
 * duration_past: whether a thing dated `date`, written with offset from
 * UTC (seconds east; 0: UTC), is past d at `now`, i.e. date + d < now
 * (duration_add_zone).
 */
int duration_past(int64_t date, int offset, const struct duration *d,
		  int64_t now);

#endif
