/*
 * intent.c: `applied` events, and finishing intents left unapplied.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fault.h"
#include "filter.h"
#include "hashset.h"
#include "ident.h"
#include "intent.h"
#include "live.h"
#include "log.h"
#include "shared_ids.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

int
applied_append(struct ledger *l, int64_t first, int64_t last,
	       const char *data)
{
	struct strbuf sb = STRBUF_INIT;
	struct event ev;
	int64_t clean = ledger_clean(l, last);
	int rc = -1;

	/* the caller's object, with "clean" added before its '}' */
	sb_adds(&sb, data != NULL ? data : "{}");
	while (sb.len > 0 && sb.buf[sb.len - 1] != '}')
		sb.len--;
	if (sb.len > 0)
		sb.len--;
	sb.buf[sb.len] = '\0';
	sb_addf(&sb, "%s\"clean\":%" PRId64 "}", sb.len > 1 ? "," : "", clean);
	memset(&ev, 0, sizeof(ev));
	ev.type = "applied";
	ev.ref = first;
	ev.ref_last = last;
	ev.data = sb.buf;
	if (ledger_begin(l) == 0) {
		if (ledger_append(l, &ev) > 0)
			rc = ledger_commit(l);
		else
			ledger_rollback(l);
	}
	sb_release(&sb);
	return rc;
}

/* An intent read back, with a purge's rowid range. */
struct intent {
	struct event ev;
	int64_t first, last;
	int64_t purged;		/* rows the redo of a purge deleted, when its
				 * table is not in the data map (the tally
				 * counts data-map tables only) */
};

/* redo: carry out one intent again on the live store. */
static int
redo(sqlite3 *live, const struct config *cfg, struct eraser *er,
     struct intent *in, struct erase_tally *t)
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
		ti = config_table(cfg, ev->scope);
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
	ti = config_purge(cfg, ev->scope);
	pr = ti >= 0 ? &cfg->purges[ti] : NULL;
	if (pr == NULL) {
		log_warn("intent %" PRId64 ": [purge %s] is no longer in the "
			 "config; skipped", ev->seq,
			 ev->scope ? ev->scope : "?");
		return 0;
	}
	if (purge_apply(live, pr, in->first, in->last, at, &rows) != 0)
		return -1;
	ti = config_table(cfg, pr->name);
	if (ti >= 0)
		t->rows[ti + 1] += rows;
	else
		in->purged += rows;
	return 0;
}

/* covered: whether seq lies in one of the n applied ranges r. */
static int
covered(const int64_t (*r)[2], int n, int64_t seq)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i][0] <= seq && seq <= r[i][1])
			return 1;
	return 0;
}

/*
 * group_tables: into sb, the JSON object of rows per table that the
 * intents with seqs first..last stand for, now that all are applied: what
 * each intent counted when it was written, or what the redo changed (t)
 * where that is more (rows added since).  A crash after the live commit
 * leaves the redo nothing to change; the ledger still tells what was.
 * Returns 0, or -1 after reporting.
 */
static int
group_tables(struct ledger *l, const struct config *cfg, int64_t first,
	     int64_t last, const struct erase_tally *t, struct strbuf *sb)
{
	sqlite3_stmt *st;
	char *done = xcalloc((size_t)t->n, 1);
	int i, r, n = 0;

	st = db_prepare(ledger_db(l),
			"SELECT k, sum(v) FROM (SELECT j.key AS k, j.value AS "
			"v FROM events, json_each(events.data, '$.tables') AS "
			"j WHERE events.seq BETWEEN ?1 AND ?2 AND "
			"events.type = 'erase' "
			"UNION ALL SELECT scope, json_extract(data, '$.rows') "
			"FROM events WHERE seq BETWEEN ?1 AND ?2 AND type IN "
			"('purge', 'release') AND scope IS NOT NULL) GROUP BY "
			"k ORDER BY k");
	if (st == NULL) {
		free(done);
		return -1;
	}
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	sb_addc(sb, '{');
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = db_text(st, 0);
		int64_t v = sqlite3_column_int64(st, 1);

		for (i = 0; i < t->n; i++)
			if (strcmp(tally_name(cfg, i), name) == 0) {
				if (t->rows[i] > v)
					v = t->rows[i];
				done[i] = 1;
				break;
			}
		if (v <= 0)
			continue;
		sb_addf(sb, "%s", n++ ? "," : "");
		sb_add_json(sb, name);
		sb_addf(sb, ":%" PRId64, v);
	}
	for (i = 0; i < t->n; i++)
		if (!done[i] && t->rows[i] > 0) {
			sb_addf(sb, "%s", n++ ? "," : "");
			sb_add_json(sb, tally_name(cfg, i));
			sb_addf(sb, ":%lld", (long long)t->rows[i]);
		}
	sb_addc(sb, '}');
	sqlite3_finalize(st);
	free(done);
	if (r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read the intents");
	return 0;
}

/*
 * redone_json: append to sb the JSON object of rows per table that the
 * redo of evs[a..b) changed: t, and the purges of tables outside the
 * data map.
 */
static void
redone_json(const struct erase_tally *t, const struct config *cfg,
	    const struct intent *evs, int a, int b, struct strbuf *sb)
{
	struct strbuf obj = STRBUF_INIT;
	int i;

	tally_json(t, cfg, 0, &obj);
	/* obj is "{...}": reopen it for the purges */
	sb_add(sb, obj.buf, obj.len - 1);
	for (i = a; i < b; i++)
		if (evs[i].purged > 0) {
			if (sb->buf[sb->len - 1] != '{')
				sb_addc(sb, ',');
			sb_add_json(sb, evs[i].ev.scope);
			sb_addf(sb, ":%" PRId64, evs[i].purged);
		}
	sb_addc(sb, '}');
	sb_release(&obj);
}

/*
 * spare_new_holders: law 3 (a rerun ends as one clean run would have) and
 * law 8 (re-registration): an erasure whose subject is gone (its live
 * transaction committed, or it had none) and whose identifier a live
 * subject holds now (registered since, new id, same email) is finished
 * without that identifier, so the redo neither masks nor redacts that
 * person's rows nor removes their files; the tombstone itself still names
 * it, for backups.  Each evs[i].ev.ids is narrowed in place.  One pass
 * over the subjects table, only when such an erasure is there.  Returns
 * 0, or -1 after reporting.
 */
static int
spare_new_holders(sqlite3 *live, const struct config *cfg,
		  const struct key *k, struct eraser *er, struct intent *evs,
		  int n)
{
	struct hashset *wanted = hashset_new(), *held = NULL;
	struct strbuf ids = STRBUF_INIT;
	struct ids_item it;
	char *check = xcalloc((size_t)n + 1, 1);
	int i, r, rc = -1;

	for (i = 0; i < n; i++) {
		const char *p = evs[i].ev.ids;

		if (strcmp(evs[i].ev.type, "erase") != 0 || p == NULL)
			continue;
		/* is the tombstone's subject still there? */
		r = evs[i].ev.subject != NULL
			? eraser_has_subject(er, evs[i].ev.subject) : 0;
		if (r < 0)
			goto done;
		check[i] = r == 0;
		while (check[i] && ids_next(&p, &it))
			if (it.has_key)
				hashset_put(wanted, it.key, 1);
	}
	if (hashset_count(wanted) == 0 || k == NULL) {
		rc = 0;
		goto done;
	}
	held = ids_held(live, cfg, k, wanted, NULL, NULL);
	if (held == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		const char *p = evs[i].ev.ids;
		int dropped = 0;

		if (!check[i])
			continue;
		sb_reset(&ids);
		while (ids_next(&p, &it)) {
			if (it.has_key && hashset_get(held, it.key, NULL)) {
				dropped++;
				continue;
			}
			if (ids.len > 0)
				sb_addc(&ids, ' ');
			sb_add(&ids, it.type, it.type_len);
			sb_addc(&ids, ':');
			sb_add(&ids, it.hex, it.hex_len);
		}
		if (dropped == 0)
			continue;
		log_notice("intent %" PRId64 ": %d of its identifiers belong "
			   "to a live subject now (registered since); the "
			   "rerun leaves that subject's rows and files alone",
			   evs[i].ev.seq, dropped);
		free(evs[i].ev.ids);
		evs[i].ev.ids = xstrdup(sb_str(&ids));
	}
	rc = 0;
done:
	hashset_free(wanted);
	hashset_free(held);
	sb_release(&ids);
	free(check);
	return rc;
}

/*
 * files_of_erasures: the per-subject paths and structured-file records of
 * the erasures among evs[0..n), all in one pass over the trees.  Returns
 * 0, or -1 after reporting.
 */
static int
files_of_erasures(const struct config *cfg, const struct key *k,
		  struct ledger *l, const struct intent *evs, int n)
{
	char **sids = xcalloc((size_t)n + 1, sizeof(*sids));
	char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	int i, m = 0, rc = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(evs[i].ev.type, "erase") != 0)
			continue;
		sids[m] = evs[i].ev.subject;
		ids[m++] = evs[i].ev.ids;
	}
	if (m > 0 && filter_live_files(cfg, k, ledger_now(l), m, sids, ids,
				       0) != 0)
		rc = -1;
	free(sids);
	free(ids);
	return rc;
}

/* finish_group: append the applied event for evs[a..b) (redone). */
static int
finish_group(struct ledger *l, const struct config *cfg,
	     const struct intent *evs, int a, int b,
	     const struct erase_tally *t, int last_group)
{
	struct strbuf data = STRBUF_INIT;
	int64_t head;
	char hash[HASH_HEX];
	int rc;

	sb_adds(&data, "{\"tables\":");
	if (group_tables(l, cfg, evs[a].ev.seq, evs[b - 1].ev.seq, t,
			 &data) != 0) {
		sb_release(&data);
		return -1;
	}
	sb_adds(&data, ",\"redone\":");
	redone_json(t, cfg, evs, a, b, &data);
	sb_adds(&data, ",\"finished\":true}");
	if (last_group) {
		/* with this one, every intent so far has its applied */
		if (ledger_head(l, &head, hash) != 0) {
			sb_release(&data);
			return -1;
		}
		ledger_set_clean(l, head);
	}
	rc = applied_append(l, evs[a].ev.seq, evs[b - 1].ev.seq, data.buf);
	sb_release(&data);
	return rc;
}

/* tally_sum: add t's rows and redactions into sum. */
static void
tally_sum(struct erase_tally *sum, const struct erase_tally *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		sum->rows[i] += t->rows[i];
	sum->redacted += t->redacted;
}

/*
 * one_by_one: when evs[0..n) failed together, redo each intent in a
 * transaction of its own, so one the live store refuses (an application
 * trigger, say) does not hold back the others: those redone get their
 * files cleaned and `applied` events (one per run of them within a
 * group), those refused are marked in stuck and reported, left for the
 * next run.  Returns how many were refused, or -1 (an error that is not
 * the intent's: the others are not tried).
 */
static int
one_by_one(sqlite3 *live, struct ledger *l, const struct config *cfg,
	   const struct key *k, struct eraser *er, struct intent *evs, int n,
	   const int *group, char *stuck)
{
	struct erase_tally *t = xcalloc((size_t)n, sizeof(*t));
	struct erase_tally sum;
	struct intent *done_evs = xcalloc((size_t)n, sizeof(*done_evs));
	int i, a, m = 0, refused = 0, rc = -1;

	tally_init(&sum, cfg);
	for (i = 0; i < n; i++)
		tally_init(&t[i], cfg);
	for (i = 0; i < n; i++) {
		if (strcmp(evs[i].ev.type, "hold") == 0)
			continue;
		if (live_begin(live, 0) != 0)
			goto done;
		if (eraser_sync(er) == 0 &&
		    redo(live, cfg, er, &evs[i], &t[i]) == 0 &&
		    db_exec(live, "COMMIT", "commit to the live store") == 0)
			continue;
		sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
		stuck[i] = 1;
		refused++;
		log_err("intent %" PRId64 " (%s%s%s) could not be finished: "
			"the next run tries again", evs[i].ev.seq,
			evs[i].ev.type, evs[i].ev.subject ? " of subject " : "",
			evs[i].ev.subject ? evs[i].ev.subject : "");
	}
	fault_point("after-redo-commit");
	for (i = 0; i < n; i++)
		if (!stuck[i])
			done_evs[m++] = evs[i];
	if (files_of_erasures(cfg, k, l, done_evs, m) != 0)
		goto done;
	/* an applied event per run of intents redone within a group */
	for (a = 0; a < n;) {
		int b = a;

		if (stuck[a]) {
			a++;
			continue;
		}
		tally_zero(&sum);
		while (b < n && group[b] == group[a] && !stuck[b])
			tally_sum(&sum, &t[b++]);
		if (finish_group(l, cfg, evs, a, b, &sum, 0) != 0)
			goto done;
		a = b;
	}
	rc = refused;
done:
	for (i = 0; i < n; i++)
		tally_release(&t[i]);
	free(t);
	tally_release(&sum);
	free(done_evs);
	return rc;
}

int
intents_finish(sqlite3 *live, struct ledger *l, const struct config *cfg,
	       const struct key *k, struct eraser *er, int dry,
	       struct hashset *pending, int *refused)
{
	sqlite3 *ldb = ledger_db(l);
	sqlite3_stmt *st = NULL;
	struct intent *evs = NULL;
	struct erase_tally *t = NULL;
	int64_t (*ranges)[2] = NULL;
	int64_t clean = 0, head;
	char hash[HASH_HEX];
	int *group = NULL;
	char *stuck = NULL;
	int n = 0, cap = 0, nr = 0, rcap = 0, ng = 0, i, r, rc = -1;
	int intents = 0, prev_kept = 0;

	*refused = 0;

	/* every intent up to the last applied event's "clean" is applied */
	if (db_int(ldb, "SELECT coalesce(json_extract(data, '$.clean'), 0) "
			"FROM events WHERE type = 'applied' ORDER BY seq DESC "
			"LIMIT 1", &clean) != 0)
		goto done;
	st = db_prepare(ldb, "SELECT ref, ref_last FROM events WHERE type = "
			     "'applied' AND ref_last > ?1");
	if (st == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, clean);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (nr == rcap) {
			rcap = rcap ? rcap * 2 : 16;
			ranges = xrealloc(ranges, sizeof(*ranges) *
						   (size_t)rcap);
		}
		ranges[nr][0] = sqlite3_column_int64(st, 0);
		ranges[nr][1] = sqlite3_column_int64(st, 1);
		nr++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r != SQLITE_DONE) {
		db_fail(ldb, "read the ledger");
		goto done;
	}
	/* intents (and their holds) after it that no applied event covers */
	st = db_prepare(ldb, "SELECT " EVENT_COLUMNS ", json_extract(data, "
			     "'$.first'), json_extract(data, '$.last') FROM "
			     "events WHERE seq > ?1 AND type IN ('erase', "
			     "'hold', 'release', 'purge') ORDER BY seq");
	if (st == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, clean);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (covered((const int64_t(*)[2])ranges, nr,
			    sqlite3_column_int64(st, 0))) {
			prev_kept = 0;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			evs = xrealloc(evs, sizeof(*evs) * (size_t)cap);
			group = xrealloc(group, sizeof(*group) * (size_t)cap);
		}
		event_read(st, 0, &evs[n].ev);
		evs[n].first = sqlite3_column_int64(st, 13);
		evs[n].last = sqlite3_column_int64(st, 14);
		evs[n].purged = 0;
		/* a purge is applied apart from erasures and releases, so
		 * that the rows erased (report) never count purged ones */
		if (!prev_kept || (n > 0 &&
				   (strcmp(evs[n].ev.type, "purge") == 0) !=
				   (strcmp(evs[n - 1].ev.type, "purge") == 0)))
			ng++;
		group[n] = ng - 1;
		prev_kept = 1;
		if (strcmp(evs[n].ev.type, "hold") != 0)
			intents++;
		n++;
	}
	if (r != SQLITE_DONE) {
		db_fail(ldb, "read the ledger");
		goto done;
	}
	if (intents == 0) {
		if (ledger_head(l, &head, hash) != 0)
			goto done;
		ledger_set_clean(l, head);
		rc = 0;
		goto done;
	}
	if (dry) {
		for (i = 0; pending != NULL && i < n; i++)
			if (strcmp(evs[i].ev.type, "erase") == 0 &&
			    evs[i].ev.subject != NULL)
				hashset_put_text(pending, evs[i].ev.subject);
		log_notice("would finish %d intent%s left unapplied by an "
			   "interrupted or failed run (from seq %" PRId64 ")",
			   intents, intents == 1 ? "" : "s", evs[0].ev.seq);
		rc = intents;
		goto done;
	}
	t = xcalloc((size_t)ng, sizeof(*t));
	for (i = 0; i < ng; i++)
		tally_init(&t[i], cfg);
	/* its scan of the subjects before the write lock, not in it */
	if (spare_new_holders(live, cfg, k, er, evs, n) != 0 ||
	    live_begin(live, 0) != 0)
		goto done;
	if (eraser_sync(er) != 0)
		goto rollback;
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].ev.type, "hold") != 0 &&
		    redo(live, cfg, er, &evs[i], &t[group[i]]) != 0)
			goto apart;
	if (db_exec(live, "COMMIT", "commit to the live store") != 0)
		goto apart;
	fault_point("after-redo-commit");
	if (files_of_erasures(cfg, k, l, evs, n) != 0)
		goto done;
	for (i = 0; i < n;) {
		int j = i;

		while (j < n && group[j] == group[i])
			j++;
		if (finish_group(l, cfg, evs, i, j, &t[group[i]], j == n) != 0)
			goto done;
		i = j;
	}
	log_notice("finished %d intent%s left unapplied by an interrupted or "
		   "failed run (from seq %" PRId64 ")",
		   intents, intents == 1 ? "" : "s", evs[0].ev.seq);
	rc = intents;
	goto done;
apart:
	/* one refused intent must not hold back the others */
	sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
	log_warn("finishing the %d unapplied intents one at a time",
		 intents);
	/* one may be refused and stay without applied: no applied event
	 * from here on may claim every intent before it is applied */
	ledger_mark_dirty(l);
	stuck = xcalloc((size_t)n, 1);
	r = one_by_one(live, l, cfg, k, er, evs, n, group, stuck);
	if (r < 0)
		goto done;
	*refused = r;
	for (i = 0; pending != NULL && i < n; i++)
		if (stuck[i] && evs[i].ev.subject != NULL)
			hashset_put_text(pending, evs[i].ev.subject);
	rc = intents - r;
	goto done;
rollback:
	sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
done:
	if (rc < 0)
		ledger_mark_dirty(l);
	free(stuck);
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		event_release(&evs[i].ev);
	for (i = 0; t != NULL && i < ng; i++)
		tally_release(&t[i]);
	free(t);
	free(evs);
	free(group);
	free(ranges);
	return rc;
}
