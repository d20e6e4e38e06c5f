/*
 * sqlfn.h: lethe's SQL functions, registered on a connection.
 *
 *   lethe_hash(TYPE, VALUE)          the identifier hash, NULL if VALUE is
 *                                    not a valid identifier of TYPE
 *   lethe_past(DATE, N, UNIT, FMT[, NOW])
 *                                    1 if DATE + duration < NOW (default:
 *                                    the context's now), 0 if not, NULL if
 *                                    DATE is NULL or unreadable
 *   lethe_until(DATE, N, UNIT, FMT)  DATE + duration as ISO-8601, or NULL
 *
 * UNIT is an enum duration_unit, FMT an enum date_format.
 */
#ifndef SQLFN_H
#define SQLFN_H

#include <stdint.h>

#include <sqlite3.h>

#include "key.h"

struct sqlfn_ctx {
	const struct key *key;
	int calling_code;
	int64_t now;
};

/*
 * sqlfn_register: register the functions on db; ctx must outlive db.
 * Returns 0, or -1 after reporting.
 */
int sqlfn_register(sqlite3 *db, struct sqlfn_ctx *ctx);

/*
 * sqlfn_register_set: register NAME(V) on db: 1 if V is text, byte for
 * byte one of set's strings (a blob or number never is), else 0; with
 * set NULL, remove it.  set must outlive the function.  Returns 0, or -1
 * after reporting.
 */
struct strset;
int sqlfn_register_set(sqlite3 *db, const char *name,
		       const struct strset *set);

/*
 * sqlfn_date: read a date value in format fmt (enum date_format) into
 * *out, and the offset from UTC it was written with (seconds east; 0 for
 * a unix time) into *offset.  Returns 0, or -1 when the value is NULL or
 * unreadable (or outside the years 0000 to 9999).
 */
int sqlfn_date(sqlite3_value *v, int fmt, int64_t *out, int *offset);

#endif
