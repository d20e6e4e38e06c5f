/*
 * intent.c: `applied` events, and finishing intents left unapplied.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fault.h"
#include "files.h"
#include "intent.h"
#include "log.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

int
applied_append(struct ledger *l, int64_t first, int64_t last,
	       const char *data)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "applied";
	ev.ref = first;
	ev.ref_last = last;
	ev.data = (char *)data;
	if (ledger_begin(l) != 0)
		return -1;
	if (ledger_append(l, &ev) < 0) {
		ledger_rollback(l);
		return -1;
	}
	return ledger_commit(l);
}

static int
table_index(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < cfg->ntables; i++)
		if (strcmp(cfg->tables[i].name, name) == 0)
			return i;
	return -1;
}

static const struct purge_rule *
purge_rule(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < cfg->npurges; i++)
		if (strcmp(cfg->purges[i].name, name) == 0)
			return &cfg->purges[i];
	return NULL;
}

/* An intent read back, with a purge's rowid range. */
struct intent {
	struct event ev;
	int64_t first, last;
};

/* redo: carry out one intent again on the live store. */
static int
redo(sqlite3 *live, const struct config *cfg, struct eraser *er,
     const struct intent *in, struct erase_tally *t)
{
	const struct event *ev = &in->ev;
	int64_t at, rows, remaining;
	const struct purge_rule *pr;
	int ti;

	if (time_parse(ev->at, &at) != 0)
		at = 0;
	if (strcmp(ev->type, "erase") == 0) {
		eraser_set_now(er, at);
		if (eraser_clear(er) != 0 ||
		    eraser_add(er, ev->subject, ev->ids) != 0)
			return -1;
		return eraser_apply(er, t);
	}
	if (strcmp(ev->type, "release") == 0) {
		ti = table_index(cfg, ev->scope);
		if (ti < 0 || ev->subject == NULL) {
			log_warn("intent %" PRId64 ": table '%s' is no longer "
				 "in the data map; skipped", ev->seq,
				 ev->scope ? ev->scope : "?");
			return 0;
		}
		if (eraser_release(er, ti, ev->subject, at, 0, &rows,
				   &remaining) != 0)
			return -1;
		t->rows[ti + 1] += rows;
		return 0;
	}
	pr = purge_rule(cfg, ev->scope);
	if (pr == NULL) {
		log_warn("intent %" PRId64 ": [purge %s] is no longer in the "
			 "config; skipped", ev->seq, ev->scope ? ev->scope : "?");
		return 0;
	}
	return purge_apply(live, pr, in->first, in->last, at, &rows);
}

int
intents_finish(sqlite3 *live, struct ledger *l, const struct config *cfg,
	       const struct key *k, struct eraser *er, int dry)
{
	sqlite3 *ldb = ledger_db(l);
	sqlite3_stmt *st = NULL;
	struct intent *evs = NULL;
	struct erase_tally t;
	struct strbuf data = STRBUF_INIT;
	int64_t last = 0, first = 0, high = 0;
	int n = 0, cap = 0, i, r, rc = -1, intents = 0;

	tally_init(&t, cfg);
	if (db_int(ldb, "SELECT coalesce(max(ref_last), 0) FROM events "
			"WHERE type = 'applied'", &last) != 0)
		goto done;
	st = db_prepare(ldb, "SELECT " EVENT_COLUMNS ", json_extract(data, "
			     "'$.first'), json_extract(data, '$.last') FROM "
			     "events WHERE seq > ?1 AND type IN ('erase', 'hold', 'release', "
			     "'purge') ORDER BY seq");
	if (st == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, last);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			evs = xrealloc(evs, sizeof(*evs) * (size_t)cap);
		}
		event_read(st, 0, &evs[n].ev);
		evs[n].first = sqlite3_column_int64(st, 13);
		evs[n].last = sqlite3_column_int64(st, 14);
		n++;
	}
	if (r != SQLITE_DONE) {
		db_fail(ldb, "read the ledger");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].ev.type, "hold") != 0)
			intents++;
	if (n == 0 || intents == 0) {
		rc = 0;
		goto done;
	}
	first = evs[0].ev.seq;
	high = evs[n - 1].ev.seq;
	if (dry) {
		log_notice("would finish %d intent%s left unapplied by an "
			   "interrupted run (seq %" PRId64 "..%" PRId64 ")",
			   intents, intents == 1 ? "" : "s", first, high);
		rc = intents;
		goto done;
	}
	if (db_exec(live, "BEGIN IMMEDIATE", "begin a transaction on the live "
					     "store") != 0)
		goto done;
	if (eraser_sync(er) != 0)
		goto rollback;
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].ev.type, "hold") != 0 &&
		    redo(live, cfg, er, &evs[i], &t) != 0)
			goto rollback;
	if (db_exec(live, "COMMIT", "commit to the live store") != 0)
		goto rollback;
	fault_point("after-redo-commit");
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].ev.type, "erase") == 0 &&
		    files_erase(cfg, k, evs[i].ev.subject, evs[i].ev.ids, 0) < 0)
			goto done;
	sb_adds(&data, "{\"tables\":");
	tally_json(&t, cfg, 0, &data);
	sb_adds(&data, ",\"finished\":true}");
	if (applied_append(l, first, high, data.buf) != 0)
		goto done;
	log_notice("finished %d intent%s left unapplied by an interrupted run "
		   "(seq %" PRId64 "..%" PRId64 ")",
		   intents, intents == 1 ? "" : "s", first, high);
	rc = intents;
	goto done;
rollback:
	sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
done:
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		event_release(&evs[i].ev);
	free(evs);
	tally_release(&t);
	sb_release(&data);
	return rc;
}
