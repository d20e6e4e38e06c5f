/*
 * purge.c: [purge] rules: aged rows deleted in batches, intents first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "fault.h"
#include "intent.h"
#include "live.h"
#include "log.h"
#include "strbuf.h"
#include "timeutil.h"
#include "banned.h"

/* rows per purge transaction: adapted to keep each within about a second */
#define PURGE_FIRST 5000
#define PURGE_MIN 500
#define PURGE_MAX 200000

/* past: append "lethe_past(date, n, unit, fmt, ?NOW)". */
static void
past(struct strbuf *sb, const struct purge_rule *r, int nowparam)
{
	sb_adds(sb, "lethe_past(");
	sb_add_ident(sb, r->date);
	sb_addf(sb, ", %d, %d, %d, ?%d)", r->keep.n, (int)r->keep.unit,
		r->date_format, nowparam);
}

int
purge_apply(sqlite3 *live, const struct purge_rule *rule, int64_t first,
	    int64_t last, int64_t at, int64_t *rows)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int rc = -1;

	sb_adds(&sql, "DELETE FROM main.");
	sb_add_ident(&sql, rule->name);
	sb_adds(&sql, " WHERE rowid BETWEEN ?1 AND ?2 AND ");
	past(&sql, rule, 3);
	sb_adds(&sql, " IS 1");
	st = db_prepare(live, sb_str(&sql));
	if (st == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	sqlite3_bind_int64(st, 3, at);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(live, "purge");
		goto done;
	}
	*rows = sqlite3_changes64(live);
	rc = 0;
done:
	sqlite3_finalize(st);
	sb_release(&sql);
	return rc;
}

/* warn_undated: name row rowid of rule, whose date cannot be read: the
 * first LOG_MAX_ROWS of them (*n counts them). */
static void
warn_undated(const struct purge_rule *rule, int64_t rowid, int64_t *n)
{
	if (*n < LOG_MAX_ROWS)
		log_warn("[purge %s]: row %" PRId64 " has no readable date in "
			 "'%s'; left untouched", rule->name, rowid, rule->date);
	(*n)++;
}

int
purge_run(sqlite3 *live, struct ledger *l, const struct purge_rule *rule,
	  int64_t now, int dry, int64_t *rows)
{
	struct strbuf sql = STRBUF_INIT, data = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	struct event ev;
	int64_t from = INT64_MIN, first, last, n, got, done_rows, seq;
	int64_t total = 0, undated = 0, at;
	char keep[32];
	double started = 0;
	int r, rc = -1, open = 0, durable = 0, limit = PURGE_FIRST, end = 0;

	/* the rows to purge (1) and those without a readable date (NULL),
	 * named as the same pass over the table meets them */
	sb_adds(&sql, "SELECT rowid, ");
	past(&sql, rule, 2);
	sb_adds(&sql, " FROM main.");
	sb_add_ident(&sql, rule->name);
	sb_adds(&sql, " WHERE rowid >= ?1 AND ");
	past(&sql, rule, 2);
	sb_adds(&sql, " IS NOT 0 ORDER BY rowid LIMIT ?3");
	st = db_prepare(live, sb_str(&sql));
	if (st == NULL)
		goto done;
	while (!end) {
		if (live_begin(live, dry) != 0)
			goto done;
		open = 1;
		started = clock_seconds();
		first = last = n = got = 0;
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int(st, 3, limit);
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			at = sqlite3_column_int64(st, 0);
			got++;
			/* the next batch starts after it (rowids are any
			 * 64-bit integer, 0 and below too) */
			if (at == INT64_MAX)
				end = 1;
			else
				from = at + 1;
			if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
				warn_undated(rule, at, &undated);
				continue;
			}
			last = at;
			if (n++ == 0)
				first = last;
		}
		sqlite3_reset(st);
		if (r != SQLITE_DONE) {
			db_fail(live, "read");
			goto done;
		}
		/* short of the limit: the pass reached the table's end */
		end |= got < limit;
		if (n == 0 || dry) {
			sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
			open = 0;
			total += n;
			continue;
		}
		sb_reset(&data);
		sb_addf(&data, "{\"rows\":%" PRId64 ",\"first\":%" PRId64
			       ",\"last\":%" PRId64 "}", n, first, last);
		memset(&ev, 0, sizeof(ev));
		ev.type = "purge";
		ev.scope = rule->name;
		ev.reason = "age";
		ev.data = data.buf;
		if (ledger_begin(l) != 0)
			goto done;
		seq = ledger_append(l, &ev);
		if (seq < 0) {
			ledger_rollback(l);
			goto done;
		}
		if (ledger_commit(l) != 0)
			goto done;
		durable = 1;
		fault_point("after-purge-intent");
		if (purge_apply(live, rule, first, last, now, &done_rows) != 0)
			goto done;
		if (db_exec(live, "COMMIT", "commit to the live store") != 0)
			goto done;
		open = 0;
		limit = adapt_limit(limit, clock_seconds() - started,
				    PURGE_MIN, PURGE_MAX);
		fault_point("after-purge-commit");
		sb_reset(&data);
		sb_addf(&data, "{\"tables\":{");
		sb_add_json(&data, rule->name);
		sb_addf(&data, ":%" PRId64 "}}", done_rows);
		if (applied_append(l, seq, seq, data.buf) != 0)
			goto done;
		durable = 0;
		log_notice("purged %" PRId64 " rows of '%s' kept longer than "
			   "%s (seq %" PRId64 ")", done_rows, rule->name,
			   duration_format(&rule->keep, keep, sizeof(keep)),
			   seq);
		total += done_rows;
	}
	if (undated > LOG_MAX_ROWS)
		log_warn("[purge %s]: %" PRId64 " more rows without a readable "
			 "date left untouched", rule->name,
			 undated - LOG_MAX_ROWS);
	if (dry && total > 0)
		log_notice("would purge %" PRId64 " rows of '%s'", total,
			   rule->name);
	rc = 0;
done:
	if (durable)
		ledger_mark_dirty(l);
	if (open)
		sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&data);
	*rows += total;
	return rc;
}
