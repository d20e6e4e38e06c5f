/*
 * cmd_run.c: `lethe run [--dry-run]`, the timer's job.
 *
 * Under the lock: finish intents left unapplied, expire stale leads,
 * execute pending requests, release holds whose time has come, purge aged
 * rows, checkpoint and truncate the WAL.  One line per action on stderr,
 * one summary line at the end; exit 1 when a request is overdue or a step
 * failed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "db.h"
#include "erase.h"
#include "hashset.h"
#include "intent.h"
#include "ledger.h"
#include "lethe.h"
#include "live.h"
#include "log.h"
#include "opt.h"
#include "request.h"
#include "run.h"
#include "shared_ids.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* past_lead: append "lethe_past(s.last_activity, n, unit, fmt)". */
static void
past_lead(const struct config *cfg, struct strbuf *sb)
{
	sb_adds(sb, "lethe_past(s.");
	sb_add_ident(sb, cfg->subj_last_activity);
	sb_addf(sb, ", %d, %d, %d)", cfg->lead_expiry.n,
		(int)cfg->lead_expiry.unit, cfg->date_format);
}

/*
 * stale_test: append "+s.kind = ?PARAM AND lethe_past(...) IS 1": subject
 * s is a lead (the kind bound to PARAM) idle longer than lead_expiry;
 * "+" walks the table rather than an index on kind.
 */
static void
stale_test(const struct config *cfg, int param, struct strbuf *sb)
{
	sb_adds(sb, "+s.");
	sb_add_ident(sb, cfg->subj_kind);
	sb_addf(sb, " = ?%d AND ", param);
	past_lead(cfg, sb);
	sb_adds(sb, " IS 1");
}

/* warn_undated_leads: name leads whose last activity cannot be read. */
static int
warn_undated_leads(sqlite3 *live, const struct config *cfg)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int64_t n = 0;
	int r;

	sb_adds(&sql, "SELECT s.rowid FROM main.");
	sb_add_ident(&sql, cfg->subj_table);
	sb_adds(&sql, " AS s WHERE s.");
	sb_add_ident(&sql, cfg->subj_kind);
	sb_adds(&sql, " = ?1 AND ");
	past_lead(cfg, &sql);
	sb_adds(&sql, " IS NULL");
	st = db_prepare(live, sb_str(&sql));
	sb_release(&sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, cfg->subj_lead_kind, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < LOG_MAX_ROWS)
			log_warn("table '%s' row %lld: lead without a readable "
				 "'%s'; left untouched", cfg->subj_table,
				 sqlite3_column_int64(st, 0),
				 cfg->subj_last_activity);
		n++;
	}
	sqlite3_finalize(st);
	if (n > LOG_MAX_ROWS)
		log_warn("%" PRId64 " more leads without a readable '%s' left "
			 "untouched", n - LOG_MAX_ROWS,
			 cfg->subj_last_activity);
	return r == SQLITE_DONE ? 0 : db_fail(live, "read leads");
}

/*
 * stale_leads: the ids (and rowids) of leads idle longer than lead_expiry
 * into temp.lethe_leads, which keeps them sorted by id; how many into
 * *count.  Returns 0, or -1 after reporting.
 */
static int
stale_leads(sqlite3 *live, const struct config *cfg, int integer_ids,
	    int64_t *count)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int r;

	/* ids that may be integers kept as they are (see eraser_bind_sid) */
	if (db_exec(live, integer_ids
			      ? "CREATE TEMP TABLE IF NOT EXISTS lethe_leads("
				"sid PRIMARY KEY, rid INTEGER) WITHOUT ROWID;"
			      : "CREATE TEMP TABLE IF NOT EXISTS lethe_leads("
				"sid TEXT PRIMARY KEY, rid INTEGER) WITHOUT "
				"ROWID;",
		    "list stale leads") != 0 ||
	    db_exec(live, "DELETE FROM temp.lethe_leads;", "list stale leads")
		    != 0)
		return -1;
	sb_adds(&sql, "INSERT OR IGNORE INTO temp.lethe_leads SELECT s.");
	sb_add_ident(&sql, cfg->subj_id);
	sb_adds(&sql, ", s.rowid FROM main.");
	sb_add_ident(&sql, cfg->subj_table);
	sb_adds(&sql, " AS s WHERE ");
	stale_test(cfg, 1, &sql);
	sb_adds(&sql, " AND s.");
	sb_add_ident(&sql, cfg->subj_id);
	sb_adds(&sql, " IS NOT NULL");
	st = db_prepare(live, sb_str(&sql));
	sb_release(&sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, cfg->subj_lead_kind, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	*count = sqlite3_changes64(live);
	return r == SQLITE_DONE ? 0 : db_fail(live, "list stale leads");
}

/*
 * expire_leads: erase leads idle longer than lead_expiry, in batches.
 * Batches follow the subject ids' order, so each batch's entries in the
 * indexes on subject ids sit together: fewer pages written per batch.
 * Each lead is checked again as its batch is read.
 */
static int
expire_leads(struct batch *b, int64_t *count)
{
	const struct config *cfg = b->cfg;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char **sids = NULL;
	sqlite3_value *after = NULL;	/* the last id read, as stored */
	struct hashset *spare = NULL;
	struct shared_job *job = NULL;
	int64_t before = b->tombstones, stale = 0;
	int n = 0, i, r = SQLITE_DONE, rc = -1;

	if (cfg->subj_kind == NULL)
		return 0;
	if (warn_undated_leads(b->live, cfg) != 0 ||
	    stale_leads(b->live, cfg, eraser_integer_ids(b->er), &stale) !=
		    0)
		goto done;
	/* none: no batch, so no index of identifiers or free text built */
	if (stale == 0) {
		rc = 0;
		goto done;
	}
	/* the pass over the subjects who stay runs beside the first, bulk
	 * index of identifiers (batch_begin's, outside the write lock) */
	job = shared_ids_start(b->live, cfg, b->key,
			       "s.rowid IN (SELECT rid FROM temp.lethe_leads)");
	if (job == NULL || eraser_sync(b->er) != 0)
		goto done;
	spare = shared_ids_finish(job);
	job = NULL;
	if (spare == NULL)
		goto done;
	b->spare = spare;
	sb_adds(&sql, "SELECT l.sid FROM temp.lethe_leads AS l CROSS JOIN "
		      "main.");
	sb_add_ident(&sql, cfg->subj_table);
	sb_adds(&sql, " AS s ON s.rowid = l.rid WHERE (?1 IS NULL OR l.sid > "
		      "?1) AND s.");
	sb_add_ident(&sql, cfg->subj_id);
	sb_adds(&sql, " = l.sid AND ");
	stale_test(cfg, 2, &sql);
	sb_adds(&sql, " ORDER BY l.sid LIMIT ?3");
	st = db_prepare(b->live, sb_str(&sql));
	if (st == NULL)
		goto done;
	for (;;) {
		if (batch_begin(b) != 0)
			goto done;
		/* bound as it was read: the text '44' is not the integer
		 * 44, and sorts after every integer */
		if (after == NULL)
			sqlite3_bind_null(st, 1);
		else
			sqlite3_bind_value(st, 1, after);
		sqlite3_bind_text(st, 2, cfg->subj_lead_kind, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(st, 3, b->limit);
		sids = xcalloc((size_t)b->limit, sizeof(*sids));
		n = 0;
		while (n < b->limit && (r = sqlite3_step(st)) == SQLITE_ROW) {
			sids[n++] = xstrdup(db_text(st, 0));
			sqlite3_value_free(after);
			after = sqlite3_value_dup(sqlite3_column_value(st, 0));
			if (after == NULL) {
				log_err("out of memory");
				goto done;
			}
		}
		sqlite3_reset(st);
		if (r != SQLITE_ROW && r != SQLITE_DONE) {
			db_fail(b->live, "read stale leads");
			goto done;
		}
		for (i = 0; i < n; i++)
			if (batch_add(b, sids[i], NULL, "lead-expiry",
			    NULL) < 0)
				goto done;
		free_list(sids, n);
		sids = NULL;
		if (n == 0) {
			batch_abort(b);
			break;
		}
		if (batch_flush(b) != 0)
			goto done;
	}
	rc = 0;
done:
	/* a batch left open by a failure is given up, not left running */
	if (rc != 0)
		batch_abort(b);
	hashset_free(shared_ids_finish(job));
	free_list(sids, n);
	sqlite3_value_free(after);
	sqlite3_finalize(st);
	sb_release(&sql);
	b->spare = NULL;
	hashset_free(spare);
	*count = b->tombstones - before;
	return rc;
}

/* The numbers the summary line reports. */
struct summary {
	int finished;
	int64_t leads;
	int64_t requests;
	int64_t overdue;
	int64_t released_rows;
	int64_t released_subjects;
	int64_t purged;
	int failed;
};

static void
print_summary(const struct summary *s, const struct batch *b, int dry)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s: %" PRId64 " lead%s expired, %" PRId64
		     " request%s executed, %" PRId64 " subject%s erased",
		dry ? "dry run" : "run done", s->leads,
		s->leads == 1 ? "" : "s", s->requests,
		s->requests == 1 ? "" : "s", b->subjects,
		b->subjects == 1 ? "" : "s");
	if (b->held_rows > 0)
		sb_addf(&sb, " (%" PRId64 " row%s held)", b->held_rows,
			b->held_rows == 1 ? "" : "s");
	sb_addf(&sb, ", %" PRId64 " held row%s released, %" PRId64
		     " row%s purged",
		s->released_rows, s->released_rows == 1 ? "" : "s", s->purged,
		s->purged == 1 ? "" : "s");
	if (b->total.redacted > 0)
		sb_addf(&sb, ", %" PRId64 " identifier%s redacted in free text",
			b->total.redacted, b->total.redacted == 1 ? "" : "s");
	if (s->finished > 0)
		sb_addf(&sb, ", %d unfinished intent%s completed", s->finished,
			s->finished == 1 ? "" : "s");
	if (s->overdue > 0)
		sb_addf(&sb, "; %" PRId64 " request%s OVERDUE", s->overdue,
			s->overdue == 1 ? "" : "s");
	if (s->failed)
		sb_adds(&sb, "; some steps FAILED");
	if (s->overdue > 0 || s->failed)
		log_err("%s", sb_str(&sb));
	else
		log_notice("%s", sb_str(&sb));
	sb_release(&sb);
}

/* optimize_fts: the full-text indexes erased from, rewritten in a
 * transaction of their own (eraser_optimize_fts).  Returns 0 or -1. */
static int
optimize_fts(sqlite3 *live, struct eraser *er)
{
	if (!eraser_fts_changed(er))
		return 0;
	if (live_begin(live, 0) != 0)
		return -1;
	if (eraser_optimize_fts(er) != 0 ||
	    db_exec(live, "COMMIT", "commit to the live store") != 0) {
		sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* what holds an executed request that is not done */
#define NOT_APPLIED "its erasure is recorded but not yet applied in the " \
		    "live store"

/* say_overdue: a request_each callback: report r when it is overdue and
 * count it into *arg (an int64_t). */
static int
say_overdue(void *arg, const struct request *r)
{
	if (r->status == REQ_OVERDUE)
		request_say_overdue(r->id, r->due, r->executed ? NOT_APPLIED :
				    "not executed (the run stopped)", arg);
	return 0;
}

/*
 * say_unapplied: a request_each callback: report r when it is overdue
 * although executed (the live store refused its erasure, which stays
 * without `applied`), and count it into *arg.  The request step says
 * the others, which it did not execute.
 */
static int
say_unapplied(void *arg, const struct request *r)
{
	return r->executed ? say_overdue(arg, r) : 0;
}

/*
 * cache_pragma: into buf (size n), the pragma that sets the live store's
 * page cache for the run: 512 MiB, or LETHE_LIVE_CACHE_KIB KiB (a test
 * seam: tests make a batch's changes outgrow the cache).  Returns buf.
 */
static const char *
cache_pragma(char *buf, size_t n)
{
	snprintf(buf, n, "PRAGMA main.cache_size = -%" PRId64,
		 env_int("LETHE_LIVE_CACHE_KIB", 16, 524288, 524288));
	return buf;
}

int
cmd_run(struct ctx *c)
{
	const struct config *cfg;
	struct sqlfn_ctx fn;
	struct summary s;
	struct batch b;
	struct eraser *er = NULL;
	struct request_stage *pre = NULL;
	sqlite3 *live = NULL;
	const char *pos[1];
	int dry = 0, npos, i, rc = EX_IOERR, have_batch = 0, refused = 0;
	int64_t held_upto = 0;
	char head[HASH_HEX], cache_sql[64];
	struct opt opts[] = {
		{ "--dry-run", "-n", NULL, &dry },
		{ NULL, NULL, NULL, NULL },
	};

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "run")) != CTX_GO ||
	    (rc = ctx_provide(c, dry)) != 0)
		return rc;
	rc = EX_IOERR;
	cfg = c->cfg;
	memset(&s, 0, sizeof(s));
	fn.key = c->key;
	fn.calling_code = (int)cfg->calling_code;
	fn.now = c->now;
	/*
	 * The tombstones' subject and request ids land all over the ledger's
	 * indexes: a 32 MiB cache for the run's appends (1.2 s less at 1M
	 * subjects than SQLite's 2 MiB; other commands keep that).
	 */
	if (db_exec(ledger_db(c->ledger), "PRAGMA cache_size = -32768",
		    "set up the ledger") != 0)
		goto done;
	live = live_open(cfg->live_store, !dry, &fn);
	if (live == NULL)
		goto done;
	/*
	 * The run's deletes read pages all over the live store: a 512 MiB
	 * page cache for them (at 1M subjects, about 4 s less than the
	 * 128 MiB other commands keep; peak RSS about 650 MiB, bounded by
	 * it whatever the store's size).
	 */
	if (db_exec(live, cache_pragma(cache_sql, sizeof(cache_sql)),
		    "set up the live store") != 0)
		goto done;
	er = eraser_new(live, cfg, c->now);
	if (er == NULL || eraser_set_key(er, c->key) != 0)
		goto done;
	if (batch_init(&b, live, c->ledger, cfg, c->key, er, c->now, dry) != 0)
		goto done;
	have_batch = 1;

	s.finished = intents_finish(live, c->ledger, cfg, c->key, er, dry,
				    b.pending, &refused);
	if (s.finished < 0) {
		/* without finishing them, new work could duplicate them */
		log_err("run stopped: unfinished intents could not be "
			"completed");
		s.finished = 0;
		s.failed = 1;
		/* no request runs, but the overdue ones are still said */
		request_each(c->ledger, c->now, say_overdue, &s.overdue);
		print_summary(&s, &b, dry);
		rc = EXIT_FAILED;
		goto done;
	}
	/*
	 * A failed step may leave intents without their `applied` event;
	 * the other steps still run, and the next run finishes those intents
	 * first (the applied events record how far everything is applied).
	 */
	if (refused > 0)
		s.failed = 1;
	/* the holds this run records are found at c->now: none can have
	 * ended by then, so the release step looks only at those before */
	if (ledger_head(c->ledger, &held_upto, head) != 0)
		s.failed = 1;
	eraser_set_now(er, c->now);
	/* the requests are read and matched beside lead expiry (at 1M
	 * subjects, 1.5 to 2.5 s less of the main thread) */
	if (!dry)
		pre = requests_stage(cfg, c->key, &fn, c->now);
	if (expire_leads(&b, &s.leads) != 0)
		s.failed = 1;
	if (requests_run(&b, c->ledger, pre, c->now, &s.requests,
			 &s.overdue) != 0)
		s.failed = 1;
	if (batch_settle(&b) != 0)
		s.failed = 1;
	/* once this run's applied events are in: a request whose erasure
	 * the live store refused is not done, and may be overdue (only a
	 * failed step leaves an intent without `applied`: no pass over
	 * every request otherwise) */
	if ((s.failed || b.failed) &&
	    request_each(c->ledger, c->now, say_unapplied, &s.overdue) != 0)
		s.failed = 1;
	/* a refused release or purge would only be written again */
	if (refused > 0)
		log_err("holds and purges wait until the %d refused "
			"intent%s can be finished", refused,
			refused == 1 ? "" : "s");
	if (refused == 0 &&
	    holds_release(live, c->ledger, cfg, er, c->now, held_upto, dry,
			  &s.released_rows, &s.released_subjects) != 0)
		s.failed = 1;
	for (i = 0; refused == 0 && i < cfg->npurges; i++)
		if (purge_run(live, c->ledger, &cfg->purges[i], c->now, dry,
			      &s.purged) != 0)
			s.failed = 1;
	if (!dry && optimize_fts(live, er) != 0)
		s.failed = 1;	/* erased words may still be in an index */
	if (!dry && live_checkpoint(live) != 0)
		s.failed = 1;	/* erased rows may still be in the WAL */
	if (b.failed)
		s.failed = 1;
	print_summary(&s, &b, dry);
	rc = s.failed || s.overdue > 0 ? EXIT_FAILED : EXIT_DONE;
done:
	requests_stage_free(pre);
	if (have_batch)
		batch_release(&b);
	eraser_free(er);
	live_close(live);
	return rc;
}
