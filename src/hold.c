/*
 * hold.c: ending legal holds: retained rows released when their time
 * comes, one `release` intent per subject and table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fault.h"
#include "intent.h"
#include "live.h"
#include "log.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

#define HOLD_CHUNK 500

/* One subject under a hold, with what its release would do. */
struct held {
	char *sid;
	int64_t open_until;	/* a restore's hold: kept open until then,
				 * rows or no rows in the live store (they
				 * may come back with the restored data);
				 * else 0 */
	int64_t due;
	int64_t remaining;
	int64_t seq;		/* its release intent */
};

/* The condition that hold event h is still open: no release of its
 * subject and table after it has left nothing held. */
#define HOLD_OPEN							\
	"NOT EXISTS (SELECT 1 FROM events r WHERE r.subject = "		\
	"h.subject AND r.type = 'release' AND r.scope = h.scope AND "	\
	"r.seq > h.seq AND json_extract(r.data, '$.remaining') = 0)"

int64_t
hold_append(struct ledger *l, const char *sid, const char *table,
	    const char *request, int64_t rows, const char *until,
	    int64_t undated, int restored)
{
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	int64_t seq;

	sb_addf(&data, "{\"rows\":%" PRId64 ",\"until\":", rows);
	sb_add_json(&data, until);
	sb_addf(&data, ",\"undated\":%" PRId64 "%s}", undated,
		restored ? ",\"restored\":true" : "");
	memset(&ev, 0, sizeof(ev));
	ev.type = "hold";
	ev.subject = (char *)sid;
	ev.scope = (char *)table;
	ev.request = (char *)request;
	ev.reason = "legal-hold";
	ev.data = data.buf;
	seq = ledger_append(l, &ev);
	sb_release(&data);
	return seq;
}

int
hold_is_open(struct ledger *l, const char *sid, const char *table)
{
	sqlite3_stmt *st = db_prepare(ledger_db(l),
				      "SELECT 1 FROM events h WHERE h.type = "
				      "'hold' AND h.subject = ?1 AND h.scope = "
				      "?2 AND " HOLD_OPEN);
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read the holds");
	return r == SQLITE_ROW;
}

/* next_holds: up to HOLD_CHUNK open holds on table after hold seq *after
 * (and at upto or before, unless upto is 0). */
static int
next_holds(struct ledger *l, const char *table, int64_t *after,
	   int64_t upto, struct held *out, int *n)
{
	sqlite3 *db = ledger_db(l);
	sqlite3_stmt *st;
	int r;

	st = db_prepare(db,
			"SELECT h.seq, h.subject, CASE WHEN json_extract("
			"h.data, '$.restored') THEN json_extract(h.data, "
			"'$.until') END FROM events h WHERE h.type = "
			"'hold' AND h.scope = ?1 AND h.subject IS NOT NULL "
			"AND h.seq > ?2 AND (?4 = 0 OR h.seq <= ?4) AND "
			HOLD_OPEN " ORDER BY h.seq LIMIT ?3");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *after);
	sqlite3_bind_int(st, 3, HOLD_CHUNK);
	sqlite3_bind_int64(st, 4, upto);
	*n = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*after = sqlite3_column_int64(st, 0);
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].sid = xstrdup(db_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
		    time_parse(db_text(st, 2), &out[*n].open_until) != 0)
			out[*n].open_until = 0;
		(*n)++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(db, "read holds");
	return 0;
}

static void
free_holds(struct held *h, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(h[i].sid);
}

/* seen_before: whether h[i]'s subject is one of h[0..i) (two holds for
 * one subject and table: a restore's and an erasure's, say). */
static int
seen_before(const struct held *h, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (strcmp(h[j].sid, h[i].sid) == 0)
			return 1;
	return 0;
}

/* release_chunk: release what is due among n held subjects of table ti. */
static int
release_chunk(sqlite3 *live, struct ledger *l, const struct config *cfg,
	      struct eraser *er, int ti, struct held *h, int n, int64_t now,
	      int dry, int64_t *rows, int64_t *subjects)
{
	const char *table = cfg->tables[ti].name;
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	int64_t first = 0, last = 0, released = 0, r2;
	int i, r, due = 0, rc = -1, durable = 0;

	if (live_begin(live, dry) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* a subject the live store holds is no erased one (a hold a
		 * restore recorded for a person matched by identifier, who
		 * lives on here): nothing of theirs is released */
		r = eraser_has_subject(er, h[i].sid);
		if (r < 0)
			goto done;
		h[i].due = 0;
		h[i].remaining = 1;
		if (r == 1 || seen_before(h, i))
			continue;
		if (eraser_release(er, ti, h[i].sid, now, 1, &h[i].due,
				   &h[i].remaining) != 0)
			goto done;
		if (h[i].remaining == 0 && now <= h[i].open_until)
			h[i].remaining = 1;	/* open while it may matter */
		if (h[i].due > 0 || h[i].remaining == 0)
			due++;
	}
	if (due == 0 || dry) {
		for (i = 0; i < n; i++)
			if (h[i].due > 0) {
				log_notice("would release %" PRId64 " rows of "
					   "'%s' held for subject %s",
					   h[i].due, table, h[i].sid);
				*rows += h[i].due;
				(*subjects)++;
			}
		rc = 0;
		goto done;
	}
	if (ledger_begin(l) != 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (h[i].due == 0 && h[i].remaining != 0)
			continue;
		sb_reset(&data);
		sb_addf(&data, "{\"rows\":%" PRId64 ",\"remaining\":%" PRId64
			       "}", h[i].due, h[i].remaining);
		memset(&ev, 0, sizeof(ev));
		ev.type = "release";
		ev.subject = h[i].sid;
		ev.scope = (char *)table;
		ev.reason = "hold-ended";
		ev.data = data.buf;
		h[i].seq = ledger_append(l, &ev);
		if (h[i].seq < 0) {
			ledger_rollback(l);
			goto done;
		}
		if (first == 0)
			first = h[i].seq;
		last = h[i].seq;
	}
	if (ledger_commit(l) != 0)
		goto done;
	durable = 1;
	fault_point("after-release-intent");
	for (i = 0; i < n; i++) {
		if (h[i].seq == 0)
			continue;
		if (eraser_release(er, ti, h[i].sid, now, 0, &r2,
				   &h[i].remaining) != 0)
			goto done;
		released += r2;
		if (r2 > 0) {
			log_notice("released %" PRId64 " rows of '%s' held for "
				   "subject %s (seq %" PRId64 ")", r2, table,
				   h[i].sid, h[i].seq);
			(*subjects)++;
		}
	}
	if (db_exec(live, "COMMIT", "commit to the live store") != 0)
		goto done;
	fault_point("after-release-commit");
	sb_reset(&data);
	sb_adds(&data, "{\"tables\":{");
	sb_add_json(&data, table);
	sb_addf(&data, ":%" PRId64 "}}", released);
	if (applied_append(l, first, last, data.buf) != 0)
		goto done;
	durable = 0;
	*rows += released;
	rc = 0;
done:
	if (durable)
		ledger_mark_dirty(l);
	if (!sqlite3_get_autocommit(live))
		sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
	sb_release(&data);
	return rc;
}

int
holds_release(sqlite3 *live, struct ledger *l, const struct config *cfg,
	      struct eraser *er, int64_t now, int64_t upto, int dry,
	      int64_t *rows, int64_t *subjects)
{
	struct held *h = xcalloc(HOLD_CHUNK, sizeof(*h));
	int64_t after;
	int ti, n = 0, rc = -1;

	for (ti = 0; ti < cfg->ntables; ti++) {
		if (cfg->tables[ti].on_erase != ON_RETAIN)
			continue;
		after = 0;
		for (;;) {
			if (next_holds(l, cfg->tables[ti].name, &after, upto,
				       h, &n) != 0)
				goto done;
			if (n == 0)
				break;
			if (release_chunk(live, l, cfg, er, ti, h, n, now, dry,
					  rows, subjects) != 0)
				goto done;
			free_holds(h, n);
			n = 0;
		}
	}
	rc = 0;
done:
	free_holds(h, n);
	free(h);
	return rc;
}
