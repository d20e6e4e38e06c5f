/*
 * request.c: reading and recording erasure requests.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "intent.h"
#include "log.h"
#include "osrandom.h"
#include "request.h"
#include "strbuf.h"
#include "timeutil.h"
#include "banned.h"

/* a tombstone no `applied` event covers yet: above every seq */
#define NOT_APPLIED "9223372036854775807"

/*
 * Column 8: the seq of the applied event that covered the request's last
 * tombstone, NOT_APPLIED while one of them is not covered, NULL when it
 * has none.
 */
#define REQUEST_QUERY \
	"SELECT r.seq, r.request, r.ids, json_extract(r.data, '$.ref'), " \
	" json_extract(r.data, '$.received'), json_extract(r.data, '$.due'), " \
	" coalesce(json_extract(r.data, '$.approval'), 0) OR EXISTS (" \
	"  SELECT 1 FROM events w WHERE w.request = r.request AND " \
	"  w.type = 'wait'), " \
	" EXISTS (SELECT 1 FROM events a WHERE a.request = r.request AND " \
	"  a.type = 'approve'), " \
	" (SELECT max(coalesce(" INTENT_APPLIED_SQL("e.seq") ", " \
	"  " NOT_APPLIED ")) FROM events e WHERE e.request = r.request AND " \
	"  e.type = 'erase') " \
	"FROM events r WHERE r.type = 'request'"

/*
 * decide: r's status as of now, from column col of st (see
 * REQUEST_QUERY); at reads an event's time by seq.  The one place the
 * rule is: done when every tombstone of the request is applied, at the
 * time of the applied event that covered the last of them; else overdue
 * past its due time, else pending.  Returns 0, or -1 after reporting.
 */
static int
decide(struct request *r, sqlite3_stmt *st, int col, sqlite3_stmt *at,
       int64_t now)
{
	int64_t applied = sqlite3_column_int64(st, col);
	int rc;

	r->executed = sqlite3_column_type(st, col) != SQLITE_NULL;
	if (!r->executed || applied == INT64_MAX) {
		r->status = r->due < now ? REQ_OVERDUE : REQ_PENDING;
		return 0;
	}
	r->status = REQ_DONE;
	sqlite3_bind_int64(at, 1, applied);
	rc = sqlite3_step(at);
	if (rc != SQLITE_ROW || time_parse(db_text(at, 0), &r->done) != 0)
		r->done = r->due;
	sqlite3_reset(at);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
each(struct ledger *l, int64_t now, const char *sql, const char *id,
     int (*fn)(void *, const struct request *), void *arg)
{
	sqlite3 *db = ledger_db(l);
	sqlite3_stmt *st = db_prepare(db, sql);
	sqlite3_stmt *at = db_prepare(db, "SELECT at FROM events WHERE "
					  "seq = ?1");
	struct request r;
	int rc = SQLITE_DONE, ret = 0, found = 0;

	if (st == NULL || at == NULL) {
		sqlite3_finalize(st);
		sqlite3_finalize(at);
		return -1;
	}
	if (id != NULL)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.seq = sqlite3_column_int64(st, 0);
		r.id = db_text(st, 1);
		r.ids = db_text(st, 2);
		r.ref = (const char *)sqlite3_column_text(st, 3);
		if (time_parse(db_text(st, 4), &r.received) != 0)
			r.received = 0;
		if (time_parse(db_text(st, 5), &r.due) != 0)
			r.due = 0;
		r.approval = sqlite3_column_int(st, 6);
		r.approved = sqlite3_column_int(st, 7);
		if (decide(&r, st, 8, at, now) != 0) {
			ret = db_fail(db, "read requests");
			break;
		}
		found = 1;
		ret = fn(arg, &r);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_fail(db, "read requests");
	sqlite3_finalize(st);
	sqlite3_finalize(at);
	if (ret == 0 && id != NULL && !found)
		return 1;
	return ret;
}

int
request_each(struct ledger *l, int64_t now,
	     int (*fn)(void *, const struct request *), void *arg)
{
	return each(l, now, REQUEST_QUERY " ORDER BY r.seq", NULL, fn, arg);
}

int
request_find(struct ledger *l, int64_t now, const char *id,
	     int (*fn)(void *, const struct request *), void *arg)
{
	return each(l, now, REQUEST_QUERY " AND r.request = ?1", id, fn, arg);
}

const char *
request_status_name(int status)
{
	switch (status) {
	case REQ_DONE:
		return "done";
	case REQ_OVERDUE:
		return "overdue";
	default:
		return "pending";
	}
}

int
request_ids(const struct config *cfg, const struct key *k, const char *email,
	    const char *phone, struct strbuf *ids, const char **bad)
{
	char hex[HASH_HEX];

	if (email != NULL) {
		if (!ident_plausible("email", email) ||
		    ident_hash_value(k, "email", email, (int)cfg->calling_code,
				     hex) != 0) {
			*bad = email;
			return -1;
		}
		sb_addf(ids, "email:%s", hex);
	}
	if (phone != NULL) {
		if (ident_hash_value(k, "phone", phone, (int)cfg->calling_code,
				     hex) != 0) {
			*bad = phone;
			return -1;
		}
		sb_addf(ids, "%sphone:%s", ids->len ? " " : "", hex);
	}
	return 0;
}

int
request_append(struct ledger *l, const struct config *cfg, const char *ids,
	       const char *ref, int approval, char *id, int64_t *due)
{
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	char received[TIME_BUFSZ], duebuf[TIME_BUFSZ];
	int64_t seq;

	if (*id == '\0' && uuid_random(id) != 0)
		return -1;
	*due = duration_add(ledger_now(l), &cfg->erasure_deadline);
	sb_adds(&data, "{\"received\":");
	sb_add_json(&data, time_format(ledger_now(l), received));
	sb_adds(&data, ",\"due\":");
	sb_add_json(&data, time_format(*due, duebuf));
	sb_addf(&data, ",\"approval\":%s",
		cfg->require_approval || approval ? "true" : "false");
	if (ref != NULL) {
		sb_adds(&data, ",\"ref\":");
		sb_add_json(&data, ref);
	}
	sb_addc(&data, '}');
	memset(&ev, 0, sizeof(ev));
	ev.type = "request";
	ev.request = id;
	ev.ids = (char *)ids;
	ev.data = data.buf;
	seq = ledger_append(l, &ev);
	sb_release(&data);
	return seq < 0 ? -1 : 0;
}

void
request_say_overdue(const char *id, int64_t due, const char *why,
		    int64_t *overdue)
{
	char t[TIME_BUFSZ];

	log_err("request %s is overdue: due %s, %s", id, time_format(due, t),
		why);
	(*overdue)++;
}
