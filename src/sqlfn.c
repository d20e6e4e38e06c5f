/*
 * sqlfn.c: SQL functions for hashing identifiers and date arithmetic.
 */
#include <string.h>

#include "config.h"
#include "db.h"
#include "ident.h"
#include "sqlfn.h"
#include "strset.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

int
sqlfn_date(sqlite3_value *v, int fmt, int64_t *out, int *offset)
{
	const char *s;
	int64_t n;
	double f;

	*offset = 0;
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return -1;
	case SQLITE_INTEGER:
		if (fmt != DATE_UNIX)
			return -1;
		n = sqlite3_value_int64(v);
		break;
	case SQLITE_FLOAT:
		if (fmt != DATE_UNIX)
			return -1;
		/* NaN fails both tests; the cast is then in range */
		f = sqlite3_value_double(v);
		if (!(f >= (double)TIME_MIN && f <= (double)TIME_MAX))
			return -1;
		n = (int64_t)f;
		break;
	default:
		s = (const char *)sqlite3_value_text(v);
		if (s == NULL)
			return -1;
		if (fmt == DATE_UNIX)
			return parse_int(s, TIME_MIN, TIME_MAX, out);
		if (time_parse_zone(s, &n, offset) != 0)
			return -1;
		break;
	}
	/* a date no ISO-8601 time can write is unreadable, as a NULL is */
	if (n < TIME_MIN || n > TIME_MAX)
		return -1;
	*out = n;
	return 0;
}

static void
fn_hash(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct sqlfn_ctx *c = sqlite3_user_data(cx);
	const char *type = (const char *)sqlite3_value_text(argv[0]);
	const char *value;
	char hex[HASH_HEX];

	(void)argc;
	if (type == NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	value = (const char *)sqlite3_value_text(argv[1]);
	if (value == NULL ||
	    ident_hash_value(c->key, type, value, c->calling_code, hex) != 0)
		return;
	sqlite3_result_text(cx, hex, 64, SQLITE_TRANSIENT);
}

/* read_duration: the duration in arguments 1 and 2; -1 if malformed. */
static int
read_duration(sqlite3_value **argv, struct duration *d)
{
	int n = sqlite3_value_int(argv[1]);
	int unit = sqlite3_value_int(argv[2]);

	if (n < 1 || n > 36500 || unit < DUR_DAYS || unit > DUR_YEARS)
		return -1;
	d->n = n;
	d->unit = (enum duration_unit)unit;
	return 0;
}

static void
fn_past(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct sqlfn_ctx *c = sqlite3_user_data(cx);
	struct duration d;
	int64_t date, now = c->now;
	int offset;

	if (argc == 5 && sqlite3_value_type(argv[4]) == SQLITE_INTEGER)
		now = sqlite3_value_int64(argv[4]);
	if (read_duration(argv, &d) != 0 ||
	    sqlfn_date(argv[0], sqlite3_value_int(argv[3]), &date, &offset) !=
		    0)
		return;
	sqlite3_result_int(cx, duration_past(date, offset, &d, now));
}

static void
fn_until(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct duration d;
	char buf[TIME_BUFSZ];
	int64_t date;
	int offset;

	(void)argc;
	if (read_duration(argv, &d) != 0 ||
	    sqlfn_date(argv[0], sqlite3_value_int(argv[3]), &date, &offset) !=
		    0)
		return;
	time_format(duration_add_zone(date, offset, &d), buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

/* fn_in_set: NAME(V) of sqlfn_register_set. */
static void
fn_in_set(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(cx, sqlite3_value_type(argv[0]) == SQLITE_TEXT &&
				       strset_has(sqlite3_user_data(cx),
						  sqlite3_value_text(argv[0]),
						  (size_t)sqlite3_value_bytes(
							  argv[0])));
}

int
sqlfn_register_set(sqlite3 *db, const char *name, const struct strset *set)
{
	if (sqlite3_create_function(db, name, 1,
				    SQLITE_UTF8 | SQLITE_DIRECTONLY,
				    (void *)set, set ? fn_in_set : NULL, NULL,
				    NULL) != SQLITE_OK)
		return db_fail(db, "register SQL functions");
	return 0;
}

int
sqlfn_register(sqlite3 *db, struct sqlfn_ctx *ctx)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;

	if (sqlite3_create_function(db, "lethe_hash", 2, flags, ctx, fn_hash,
				    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lethe_past", 4, flags, ctx, fn_past,
				    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lethe_past", 5, flags, ctx, fn_past,
				    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "lethe_until", 4, flags, ctx,
				    fn_until, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "register SQL functions");
	return 0;
}
