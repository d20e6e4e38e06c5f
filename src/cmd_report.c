/*
 * cmd_report.c: `lethe report [--since TIME] [--format text|json|html]`,
 * what the ledger proves, for a compliance officer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "db.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "request.h"
#include "strbuf.h"
#include "timeutil.h"
#include "banned.h"

/* The report's numbers, gathered from the ledger. */
struct report {
	char since[TIME_BUFSZ];
	char now[TIME_BUFSZ];
	int64_t events;
	int64_t head_seq;
	char head[HASH_HEX];
	int verified;
	int64_t tomb_lead, tomb_request, tomb_ids_only;
	int64_t held_rows, released_rows, purged_rows;
	int64_t req_total, req_done, req_late, req_pending, req_overdue;
	int64_t backups, restores, scrubs;
	int64_t unapplied;		/* intents no applied event covers */
	struct strbuf tables;		/* "table rows" pairs, JSON object */
	struct strbuf tables_text;	/* the same as "table N, table N" */
	int64_t since_t;
	struct strbuf overdue_ids;	/* JSON array of request ids */
	struct strbuf overdue_text;	/* the same as "id, id" */
	struct strbuf late_ids;		/* done after their due time */
	struct strbuf late_text;
};

/* add_id: request id into list (a JSON array's items) and text. */
static void
add_id(struct strbuf *list, struct strbuf *text, const char *id)
{
	sb_addf(list, "%s\"%s\"", list->len > 1 ? "," : "", id);
	sb_addf(text, "%s%s", text->len > 0 ? ", " : "", id);
}

static int
count(sqlite3 *db, const char *sql, const char *since, int64_t *out)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int r;

	if (st == NULL)
		return -1;
	if (since != NULL)
		sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(db, "report");
}

static int
count_request(void *arg, const struct request *r)
{
	struct report *rp = arg;

	if (strcmp(r->id, "") == 0)
		return 0;
	/* --since T counts the requests of the window: received since T,
	 * done since T (late or not, whenever they came), and those still
	 * open (a promise not kept yet, whenever it was made) */
	if (r->received < rp->since_t && r->status == REQ_DONE &&
	    r->done < rp->since_t)
		return 0;
	rp->req_total++;
	if (r->status == REQ_DONE) {
		rp->req_done++;
		if (request_late(r)) {
			rp->req_late++;
			add_id(&rp->late_ids, &rp->late_text, r->id);
		}
	} else if (r->status == REQ_OVERDUE) {
		rp->req_overdue++;
		add_id(&rp->overdue_ids, &rp->overdue_text, r->id);
	} else
		rp->req_pending++;
	return 0;
}

#define SINCE " AND at >= ?1"

static int
gather(struct ctx *c, struct report *rp)
{
	sqlite3 *db = ledger_db(c->ledger);
	sqlite3_stmt *st;
	int64_t cnt;
	int r;

	if (ledger_head(c->ledger, &rp->head_seq, rp->head) != 0)
		return -1;
	rp->verified = ledger_verify(c->ledger, -1, NULL, &cnt, &rp->head_seq,
				     rp->head) == 0;
	if (count(db, "SELECT count(*) FROM events WHERE 1" SINCE, rp->since,
		  &rp->events) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'erase' AND "
		      "reason = 'lead-expiry'" SINCE, rp->since,
		  &rp->tomb_lead) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'erase' AND "
		      "reason = 'request' AND subject IS NOT NULL" SINCE,
		  rp->since, &rp->tomb_request) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'erase' AND "
		      "subject IS NULL" SINCE, rp->since, &rp->tomb_ids_only) ||
	    count(db, "SELECT coalesce(sum(json_extract(data, '$.rows')), 0) "
		      "FROM events WHERE type = 'hold'" SINCE, rp->since,
		  &rp->held_rows) ||
	    count(db, "SELECT coalesce(sum(json_extract(data, '$.rows')), 0) "
		      "FROM events WHERE type = 'release'" SINCE, rp->since,
		  &rp->released_rows) ||
	    count(db, "SELECT coalesce(sum(json_extract(data, '$.rows')), 0) "
		      "FROM events WHERE type = 'purge'" SINCE, rp->since,
		  &rp->purged_rows) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'backup'" SINCE,
		  rp->since, &rp->backups) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'restore'"
		      SINCE, rp->since, &rp->restores) ||
	    count(db, "SELECT count(*) FROM events WHERE type = 'scrub'" SINCE,
		  rp->since, &rp->scrubs) ||
	    /* intents after the last applied event's "clean" mark (all
	     * before it are applied) that no applied event covers; like
	     * the open requests, whenever they were written */
	    count(db, "SELECT count(*) FROM events AS i WHERE i.type IN "
		      "('erase', 'release', 'purge') AND i.seq > coalesce(("
		      "SELECT json_extract(data, '$.clean') FROM events WHERE "
		      "type = 'applied' ORDER BY seq DESC LIMIT 1), 0) AND "
		      "NOT EXISTS (SELECT 1 FROM events AS a WHERE a.type = "
		      "'applied' AND a.seq > i.seq AND i.seq BETWEEN a.ref AND "
		      "coalesce(a.ref_last, a.ref))", NULL, &rp->unapplied))
		return -1;
	/* rows erased: what the applied events of erasures and releases
	 * changed; purges (rows of no one in particular) are counted apart */
	st = db_prepare(db, "SELECT j.key, sum(j.value) FROM events, "
			    "json_each(events.data, '$.tables') AS j WHERE "
			    "events.type = 'applied' AND EXISTS (SELECT 1 FROM "
			    "events AS i WHERE i.seq BETWEEN events.ref AND "
			    "coalesce(events.ref_last, events.ref) AND i.type "
			    "IN ('erase', 'release'))" SINCE " GROUP BY j.key "
			    "ORDER BY j.key");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rp->since, -1, SQLITE_STATIC);
	sb_addc(&rp->tables, '{');
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (rp->tables.len > 1)
			sb_addc(&rp->tables, ',');
		sb_add_json(&rp->tables, db_text(st, 0));
		sb_addf(&rp->tables, ":%lld", sqlite3_column_int64(st, 1));
		sb_addf(&rp->tables_text, "%s%s %lld",
			rp->tables_text.len > 0 ? ", " : "", db_text(st, 0),
			sqlite3_column_int64(st, 1));
	}
	sb_addc(&rp->tables, '}');
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(db, "report");
	sb_addc(&rp->overdue_ids, '[');
	sb_addc(&rp->late_ids, '[');
	if (request_each(c->ledger, c->now, count_request, rp) != 0)
		return -1;
	sb_addc(&rp->overdue_ids, ']');
	sb_addc(&rp->late_ids, ']');
	return 0;
}

static void
print_json(const struct report *rp)
{
	printf("{\"now\":\"%s\",\"since\":\"%s\",\"ledger\":{\"events\":%"
	       PRId64 ",\"head\":\"%" PRId64 ":%s\",\"verified\":%s},"
	       "\"tombstones\":{\"lead_expiry\":%" PRId64 ",\"request\":%"
	       PRId64 ",\"identifiers_only\":%" PRId64 "},"
	       "\"rows_erased\":%s,\"rows_held\":%" PRId64
	       ",\"rows_released\":%" PRId64 ",\"rows_purged\":%" PRId64 ","
	       "\"requests\":{\"total\":%" PRId64 ",\"done\":%" PRId64
	       ",\"late\":%" PRId64 ",\"late_ids\":%s"
	       ",\"pending\":%" PRId64 ",\"overdue\":%" PRId64
	       ",\"overdue_ids\":%s},"
	       "\"unapplied_intents\":%" PRId64 ","
	       "\"backups\":%" PRId64 ",\"restores\":%" PRId64
	       ",\"scrubs\":%" PRId64 "}\n",
	       rp->now, rp->since, rp->events, rp->head_seq, rp->head,
	       rp->verified ? "true" : "false", rp->tomb_lead, rp->tomb_request,
	       rp->tomb_ids_only, sb_str(&rp->tables), rp->held_rows,
	       rp->released_rows, rp->purged_rows, rp->req_total, rp->req_done,
	       rp->req_late, sb_str(&rp->late_ids), rp->req_pending,
	       rp->req_overdue, sb_str(&rp->overdue_ids), rp->unapplied,
	       rp->backups, rp->restores, rp->scrubs);
}

/* put_row: one line of the text or HTML report (value escaped in HTML). */
static void
put_row(int html, const char *name, const char *value)
{
	const char *p;

	if (!html) {
		printf("%-22s %s\n", name, value);
		return;
	}
	printf("<tr><th>%s</th><td>", name);
	for (p = value; *p; p++) {
		if (*p == '&')
			fputs("&amp;", stdout);
		else if (*p == '<')
			fputs("&lt;", stdout);
		else if (*p == '>')
			fputs("&gt;", stdout);
		else if (*p == '"')
			fputs("&quot;", stdout);
		else
			putchar(*p);
	}
	printf("</td></tr>\n");
}

static void
print_text(const struct report *rp, int html)
{
	char v[512];

	if (html)
		printf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		       "<title>lethe report</title></head><body>\n"
		       "<h1>lethe report</h1>\n<table>\n");
	else
		printf("lethe report\n\n");
	put_row(html, "as of", rp->now);
	put_row(html, "events since", rp->since);
	snprintf(v, sizeof(v), "%" PRId64 " events, head %" PRId64 ":%s, %s",
		 rp->events, rp->head_seq, rp->head,
		 rp->verified ? "chain verified" : "CHAIN FAILED VERIFICATION");
	put_row(html, "ledger", v);
	snprintf(v, sizeof(v), "%" PRId64 " lead expiry, %" PRId64
		 " on request, %" PRId64 " identifiers only",
		 rp->tomb_lead, rp->tomb_request, rp->tomb_ids_only);
	put_row(html, "tombstones", v);
	/* recorded, the live store not changed yet (a run stopped) */
	snprintf(v, sizeof(v), "%" PRId64 "%s", rp->unapplied,
		 rp->unapplied > 0 ? " (recorded, not yet carried out in "
				     "the live store: the next run or "
				     "backup finishes them)" : "");
	put_row(html, "unapplied intents", v);
	put_row(html, "rows erased", rp->tables_text.len > 0 ?
					     sb_str(&rp->tables_text) : "none");
	snprintf(v, sizeof(v), "%" PRId64 " held, %" PRId64 " released, %"
		 PRId64 " purged", rp->held_rows, rp->released_rows,
		 rp->purged_rows);
	put_row(html, "rows", v);
	snprintf(v, sizeof(v), "%" PRId64 " total, %" PRId64 " done (%" PRId64
		 " late), %" PRId64 " pending, %" PRId64 " overdue",
		 rp->req_total, rp->req_done, rp->req_late, rp->req_pending,
		 rp->req_overdue);
	put_row(html, "requests", v);
	/* done after the due time: the deadline was missed all the same */
	if (rp->req_late > 0)
		put_row(html, "late requests", sb_str(&rp->late_text));
	/* every overdue id, however many: a line of its own, never cut */
	if (rp->req_overdue > 0)
		put_row(html, "overdue requests", sb_str(&rp->overdue_text));
	snprintf(v, sizeof(v), "%" PRId64 " backups, %" PRId64 " restores, %"
		 PRId64 " scrubs", rp->backups, rp->restores, rp->scrubs);
	put_row(html, "archives", v);
	if (html)
		printf("</table>\n</body></html>\n");
}

int
cmd_report(struct ctx *c)
{
	const char *since = NULL, *format = "text", *pos[1];
	struct report rp;
	int64_t t = 0;
	int npos, rc = EX_IOERR;
	struct opt opts[] = {
		{ "--since", NULL, &since, NULL },
		{ "--format", NULL, &format, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "report")) != CTX_GO)
		return rc;
	if (strcasecmp(format, "text") && strcasecmp(format, "json") &&
	    strcasecmp(format, "html")) {
		log_err("report: --format takes text, json or html");
		return EX_USAGE;
	}
	if (since != NULL && time_parse(since, &t) != 0) {
		log_err("report: --since '%s' is not an ISO-8601 time", since);
		return EX_USAGE;
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	rc = EX_IOERR;
	memset(&rp, 0, sizeof(rp));
	time_format(t, rp.since);
	rp.since_t = t;
	time_format(c->now, rp.now);
	if (gather(c, &rp) == 0) {
		if (strcasecmp(format, "json") == 0)
			print_json(&rp);
		else
			print_text(&rp, strcasecmp(format, "html") == 0);
		/* SPEC 5: 65 for a ledger that fails verify */
		rc = !rp.verified ? EX_DATAERR :
		     rp.req_overdue > 0 ? EXIT_FAILED : EXIT_DONE;
	}
	sb_release(&rp.tables);
	sb_release(&rp.tables_text);
	sb_release(&rp.overdue_ids);
	sb_release(&rp.overdue_text);
	sb_release(&rp.late_ids);
	sb_release(&rp.late_text);
	return rc;
}
