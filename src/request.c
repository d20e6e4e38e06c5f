/*
 * request.c: reading and recording erasure requests.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "log.h"
#include "osrandom.h"
#include "request.h"
#include "strbuf.h"
#include "timeutil.h"
#include "banned.h"

#define REQUEST_QUERY \
	"SELECT r.seq, r.request, r.ids, json_extract(r.data, '$.ref'), " \
	" json_extract(r.data, '$.received'), json_extract(r.data, '$.due'), " \
	" coalesce(json_extract(r.data, '$.approval'), 0) OR EXISTS (" \
	"  SELECT 1 FROM events w WHERE w.request = r.request AND " \
	"  w.type = 'wait'), " \
	" EXISTS (SELECT 1 FROM events a WHERE a.request = r.request AND " \
	"  a.type = 'approve'), " \
	" (SELECT e.at FROM events e WHERE e.request = r.request AND " \
	"  e.type = 'erase' ORDER BY e.seq LIMIT 1) " \
	"FROM events r WHERE r.type = 'request'"

static int
each(struct ledger *l, int64_t now, const char *sql, const char *id,
     int (*fn)(void *, const struct request *), void *arg)
{
	sqlite3 *db = ledger_db(l);
	sqlite3_stmt *st = db_prepare(db, sql);
	struct request r;
	int rc, ret = 0, found = 0;

	if (st == NULL)
		return -1;
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
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			r.status = REQ_DONE;
			if (time_parse(db_text(st, 8), &r.done) != 0)
				r.done = r.due;
		} else
			r.status = r.due < now ? REQ_OVERDUE : REQ_PENDING;
		found = 1;
		ret = fn(arg, &r);
		if (ret != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_fail(db, "read requests");
	sqlite3_finalize(st);
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
