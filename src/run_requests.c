/*
 * run_requests.c: the request step of `lethe run`.
 *
 * Pending requests are copied into temp tables of a live connection; one
 * scan of the subjects table hashes each identifier and joins it with the
 * requests' hashes, so matching costs one pass whatever the number of
 * requests.  In `run`, that reading and matching is staged on a thread
 * with connections of its own while lead expiry runs (requests_stage);
 * a subject it matched that lead expiry erased meanwhile is then simply
 * not found any more, as if the matching had come after.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "db.h"
#include "erase.h"
#include "hashset.h"
#include "ident.h"
#include "live.h"
#include "log.h"
#include "request.h"
#include "sqlfn.h"
#include "run.h"
#include "shared_ids.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

#define CHUNK 1000

/* A pending request read back from the temp table. */
struct preq {
	int64_t seq;
	char *id;
	char *ids;
	int approval;
	int approved;
	int64_t due;
};

/* A subject matched by one identifier type of a request. */
struct match {
	char *type;
	char *sid;
	char *ids;			/* the subject's identifier hashes,
					 * "type:HEX type:HEX" */
};

/* Loading pending requests into temp tables. */
struct loader {
	sqlite3_stmt *req;
	sqlite3_stmt *hash;
	int64_t count;
	int failed;
	int64_t after;			/* only requests with a larger seq */
};

static int
load_one(void *arg, const struct request *r)
{
	struct loader *ld = arg;
	const char *p = r->ids;
	struct ids_item it;

	/* executed: its tombstones are written; a run finishes them (one
	 * the live store refuses stays unapplied, and the request not
	 * done), never writes them again (law 3) */
	if (r->executed || r->seq <= ld->after)
		return 0;
	sqlite3_bind_int64(ld->req, 1, r->seq);
	sqlite3_bind_text(ld->req, 2, r->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ld->req, 3, r->ids, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(ld->req, 4, r->approval);
	sqlite3_bind_int(ld->req, 5, r->approved);
	sqlite3_bind_int64(ld->req, 6, r->due);
	if (sqlite3_step(ld->req) != SQLITE_DONE)
		ld->failed = 1;
	sqlite3_reset(ld->req);
	while (ids_next(&p, &it)) {
		sqlite3_bind_int64(ld->hash, 1, r->seq);
		sqlite3_bind_text(ld->hash, 2, it.type, (int)it.type_len,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(ld->hash, 3, it.hex, (int)it.hex_len,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(ld->hash) != SQLITE_DONE)
			ld->failed = 1;
		sqlite3_reset(ld->hash);
	}
	ld->count++;
	return ld->failed ? -1 : 0;
}

/* load: the requests not yet executed with a seq after after into temp
 * tables; how many into *count. */
static int
load(sqlite3 *live, struct ledger *l, int64_t now, int64_t after,
     int64_t *count)
{
	struct loader ld;
	int rc = -1;

	memset(&ld, 0, sizeof(ld));
	ld.after = after;
	if (db_exec(live,
		    "CREATE TEMP TABLE IF NOT EXISTS lethe_req(seq INTEGER "
		    "PRIMARY KEY, request TEXT, ids TEXT, approval INT, "
		    "approved INT, due INT);"
		    "CREATE TEMP TABLE IF NOT EXISTS lethe_req_h(seq INTEGER, "
		    "type TEXT, h TEXT);"
		    "CREATE INDEX IF NOT EXISTS temp.lethe_req_h_h ON "
		    "lethe_req_h(h);"
		    "CREATE TEMP TABLE IF NOT EXISTS lethe_match(seq INTEGER, "
		    "type TEXT, sid TEXT, ids TEXT);"
		    "CREATE INDEX IF NOT EXISTS temp.lethe_match_seq ON "
		    "lethe_match(seq);"
		    "CREATE TEMP TABLE IF NOT EXISTS lethe_plan(key TEXT, seq "
		    "INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID;"
		    "DELETE FROM temp.lethe_req; DELETE FROM temp.lethe_req_h;"
		    "DELETE FROM temp.lethe_match; "
		    "DELETE FROM temp.lethe_plan;",
		    "stage requests") != 0)
		return -1;
	ld.req = db_prepare(live, "INSERT INTO temp.lethe_req VALUES (?1, ?2, "
				  "?3, ?4, ?5, ?6)");
	ld.hash = db_prepare(live, "INSERT INTO temp.lethe_req_h VALUES (?1, "
				   "?2, ?3)");
	if (ld.req == NULL || ld.hash == NULL)
		goto done;
	if (db_exec(live, "BEGIN", "stage requests") != 0)
		goto done;
	if (request_each(l, now, load_one, &ld) != 0 || ld.failed) {
		if (ld.failed)
			db_fail(live, "stage requests");
		sqlite3_exec(live, "ROLLBACK", NULL, NULL, NULL);
		goto done;
	}
	if (db_exec(live, "COMMIT", "stage requests") != 0)
		goto done;
	*count = ld.count;
	rc = 0;
done:
	sqlite3_finalize(ld.req);
	sqlite3_finalize(ld.hash);
	return rc;
}

/* The requests' identifier hashes, for matching: chains by hash. */
struct wanted {
	struct hashset *first;		/* raw hash -> first item */
	int64_t *seq;
	char **type;
	int *next;			/* the next item of the same hash */
	int n, cap;
};

static void
wanted_release(struct wanted *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		free(w->type[i]);
	free(w->seq);
	free(w->type);
	free(w->next);
	hashset_free(w->first);
}

/* wanted_load: temp.lethe_req_h into w; which types are asked, into
 * asked[j] for the subjects' identifier j. */
static int
wanted_load(sqlite3 *live, const struct config *cfg, struct wanted *w,
	    char *asked)
{
	sqlite3_stmt *st = db_prepare(live, "SELECT seq, type, h FROM "
					    "temp.lethe_req_h");
	unsigned char key[32];
	int64_t v;
	int r, j;

	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = db_text(st, 1), *h = db_text(st, 2);

		if (hex_key(h, strlen(h), key) != 0)
			continue;
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 256;
			w->seq = xrealloc(w->seq, sizeof(*w->seq) *
							  (size_t)w->cap);
			w->type = xrealloc(w->type, sizeof(*w->type) *
							    (size_t)w->cap);
			w->next = xrealloc(w->next, sizeof(*w->next) *
							    (size_t)w->cap);
		}
		w->seq[w->n] = sqlite3_column_int64(st, 0);
		w->type[w->n] = xstrdup(type);
		w->next[w->n] = hashset_get(w->first, key, &v) ? (int)v : -1;
		hashset_put_replace(w->first, key, w->n);
		w->n++;
		for (j = 0; j < cfg->subj_ids.n; j++)
			if (strcmp(cfg->subj_ids.type[j], type) == 0)
				asked[j] = 1;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(live, "read requests");
}

/*
 * match: find the live subjects each pending request's identifiers name,
 * into temp.lethe_match: one pass over the subjects table, hashing only
 * the identifier types the requests name, each looked up among the
 * requests' hashes.
 */
static int
match(sqlite3 *live, const struct config *cfg, const struct key *k)
{
	struct strbuf sql = STRBUF_INIT, ids = STRBUF_INIT;
	struct wanted w;
	sqlite3_stmt *st = NULL, *ins = NULL;
	char *asked = xcalloc((size_t)cfg->subj_ids.n + 1, 1);
	char norm[IDENT_MAX];
	unsigned char key[32];
	int64_t v;
	int r, j, at, rc = -1;

	memset(&w, 0, sizeof(w));
	w.first = hashset_new();
	if (wanted_load(live, cfg, &w, asked) != 0)
		goto done;
	if (w.n == 0) {
		rc = 0;
		goto done;
	}
	subjects_select(cfg, &sql);
	sb_adds(&sql, " WHERE s.");
	sb_add_ident(&sql, cfg->subj_id);
	sb_adds(&sql, " IS NOT NULL");
	st = db_prepare(live, sb_str(&sql));
	ins = db_prepare(live, "INSERT INTO temp.lethe_match(seq, type, sid, "
			       "ids) VALUES (?1, ?2, ?3, ?4)");
	/* the inserts in one transaction, not one each */
	if (st == NULL || ins == NULL ||
	    db_exec(live, "SAVEPOINT lethe_match", "match requests") != 0)
		goto done;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&ids);
		for (j = 0; j < cfg->subj_ids.n; j++) {
			const char *type = cfg->subj_ids.type[j];
			const char *val =
			    (const char *)sqlite3_column_text(st, j + 1);

			if (!asked[j] || val == NULL ||
			    ident_normalise(type, val, (int)cfg->calling_code,
					    norm) != 0)
				continue;
			ident_hash_raw(k, type, norm, key);
			if (!hashset_get(w.first, key, &v))
				continue;
			for (at = (int)v; at >= 0; at = w.next[at]) {
				if (strcmp(w.type[at], type) != 0)
					continue;
				sqlite3_bind_int64(ins, 1, w.seq[at]);
				sqlite3_bind_text(ins, 2, type, -1,
						  SQLITE_STATIC);
				sqlite3_bind_text(ins, 3, db_text(st, 0), -1,
						  SQLITE_TRANSIENT);
				/* all its identifiers: whether the
				 * subjects a request names are different
				 * people (conflicting) */
				if (ids.len == 0)
					subject_ids(cfg, k, st, 1, &ids);
				sqlite3_bind_text(ins, 4, sb_str(&ids), -1,
						  SQLITE_TRANSIENT);
				r = sqlite3_step(ins);
				sqlite3_reset(ins);
				if (r != SQLITE_DONE) {
					db_fail(live, "match requests");
					goto done;
				}
			}
		}
	}
	if (r != SQLITE_DONE) {
		db_fail(live, "match requests");
		goto done;
	}
	sqlite3_reset(st);
	rc = db_exec(live, "RELEASE lethe_match", "match requests");
done:
	if (rc != 0)
		sqlite3_exec(live,
			     "ROLLBACK TO lethe_match; RELEASE lethe_match",
			     NULL, NULL, NULL);
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	wanted_release(&w);
	free(asked);
	sb_release(&sql);
	sb_release(&ids);
	return rc;
}

/*
 * read_requests: the rows of st (seq, request, ids, approval, approved,
 * due[, key]) into out, *n of them, and finalize st; when key is not
 * NULL, the last row's key into *key.
 */
static int
read_requests(sqlite3 *live, sqlite3_stmt *st, struct preq *out, int *n,
	      char **key)
{
	int r;

	*n = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct preq *q = &out[(*n)++];

		if (key != NULL) {
			free(*key);
			*key = xstrdup(db_text(st, 6));
		}
		q->seq = sqlite3_column_int64(st, 0);
		q->id = xstrdup(db_text(st, 1));
		q->ids = xstrdup(db_text(st, 2));
		q->approval = sqlite3_column_int(st, 3);
		q->approved = sqlite3_column_int(st, 4);
		q->due = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(live, "read requests");
	return 0;
}

/* next_requests: up to CHUNK pending requests after seq, in seq order. */
static int
next_requests(sqlite3 *live, int64_t after, struct preq *out, int *n)
{
	sqlite3_stmt *st;

	st = db_prepare(live, "SELECT seq, request, ids, approval, approved, "
			      "due FROM temp.lethe_req WHERE seq > ?1 ORDER BY "
			      "seq LIMIT ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, CHUNK);
	return read_requests(live, st, out, n, NULL);
}

/*
 * next_planned: up to CHUNK requests to execute after (key, seq) in the
 * plan's order; the key of the last into key.
 */
static int
next_planned(sqlite3 *live, char **key, int64_t seq, struct preq *out,
	     int *n)
{
	sqlite3_stmt *st;

	st = db_prepare(live, "SELECT r.seq, r.request, r.ids, r.approval, "
			      "r.approved, r.due, p.key "
			      "FROM temp.lethe_plan AS p "
			      "CROSS JOIN temp.lethe_req AS r ON r.seq = p.seq "
			      "WHERE (p.key, p.seq) > (?1, ?2) ORDER BY p.key, "
			      "p.seq LIMIT ?3");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, *key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int(st, 3, CHUNK);
	return read_requests(live, st, out, n, key);
}

static void
free_requests(struct preq *q, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(q[i].id);
		free(q[i].ids);
	}
}

/* matches_prepare: the statement matches_of reads through, or NULL. */
static sqlite3_stmt *
matches_prepare(sqlite3 *live)
{
	return db_prepare(live, "SELECT DISTINCT type, sid, ids FROM "
				"temp.lethe_match WHERE seq = ?1 ORDER BY "
				"type, sid");
}

/* matches_of: the subjects matching request seq, read through st. */
static int
matches_of(sqlite3 *live, sqlite3_stmt *st, int64_t seq, struct match **out,
	   int *n)
{
	int r, cap = 0;

	*out = NULL;
	*n = 0;
	sqlite3_bind_int64(st, 1, seq);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, sizeof(**out) * (size_t)cap);
		}
		(*out)[*n].type = xstrdup(db_text(st, 0));
		(*out)[*n].sid = xstrdup(db_text(st, 1));
		(*out)[*n].ids = xstrdup(db_text(st, 2));
		(*n)++;
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return db_fail(live, "read matches");
	return 0;
}

static void
free_matches(struct match *m, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(m[i].type);
		free(m[i].sid);
		free(m[i].ids);
	}
	free(m);
}

/* same_type: whether items x and y are of one identifier type. */
static int
same_type(const struct ids_item *x, const struct ids_item *y)
{
	return x->type_len == y->type_len &&
	       strncmp(x->type, y->type, x->type_len) == 0;
}

/* is_email: whether item x is an email's. */
static int
is_email(const struct ids_item *x)
{
	return x->type_len == 5 && strncmp(x->type, "email", 5) == 0;
}

/* has_email: whether identifier list ids holds an email's item. */
static int
has_email(const char *ids)
{
	struct ids_item x;

	while (ids_next(&ids, &x))
		if (is_email(&x))
			return 1;
	return 0;
}

/* holds: whether identifier list ids holds item y (type and hash). */
static int
holds(const char *ids, const struct ids_item *y)
{
	struct ids_item x;

	while (ids_next(&ids, &x))
		if (same_type(&x, y) && x.hex_len == y->hex_len &&
		    strncmp(x.hex, y->hex, x.hex_len) == 0)
			return 1;
	return 0;
}

/*
 * ids_differ: whether identifier lists a and b ("type:HEX type:HEX")
 * both hold identifiers of one type and none of that type in common: two
 * subjects told apart by an identifier (two emails of their own), not a
 * person registered twice.  Where either holds an email, emails alone
 * tell people apart: an address is one person's, while a phone may be a
 * household's landline or a number changed since (the same email with
 * two phones is one person registered twice).
 */
static int
ids_differ(const char *a, const char *b)
{
	struct ids_item x, y;
	const char *p, *q;
	int email = has_email(a) || has_email(b);

	for (p = a; ids_next(&p, &x);) {
		int b_has = 0, common = 0;

		if (email && !is_email(&x))
			continue;
		for (q = b; !common && ids_next(&q, &y);)
			if (same_type(&x, &y)) {
				b_has = 1;
				common = holds(a, &y);
			}
		if (b_has && !common)
			return 1;
	}
	return 0;
}

/* the most subjects one request's matches are compared pairwise; more
 * always need approval */
#define PEOPLE_MAX 64

/*
 * different_people: whether two of the subjects m names are told apart
 * by an identifier (ids_differ), compared pairwise; more than PEOPLE_MAX
 * matches count as different people without comparing.
 */
static int
different_people(const struct match *m, int n)
{
	int i, j;

	if (n > PEOPLE_MAX)
		return 1;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(m[i].sid, m[j].sid) != 0 &&
			    ids_differ(m[i].ids, m[j].ids))
				return 1;
	return 0;
}

/*
 * conflicting: whether the request's identifiers match different people
 * (m, sorted by type then sid): two identifier types match different
 * sets of subjects (its email names one, its phone another), or one
 * names several subjects told apart by another identifier (a landline
 * two clients with emails of their own share: different_people).  Then
 * one could be erased who did not ask (SPEC 4: identifiers matching
 * different subjects need approval whatever the policy says).
 */
static int
conflicting(const struct match *m, int n)
{
	int first_end, start, end, i;

	for (first_end = 0; first_end < n &&
	     strcmp(m[first_end].type, m[0].type) == 0; first_end++)
		;
	for (start = first_end; start < n; start = end) {
		for (end = start; end < n &&
		     strcmp(m[end].type, m[start].type) == 0; end++)
			;
		if (end - start != first_end)
			return 1;
		for (i = 0; i < first_end; i++)
			if (strcmp(m[i].sid, m[start + i].sid) != 0)
				return 1;
	}
	return different_people(m, n);
}

/*
 * execute: add the request's erasures to the batch; flush when full.
 * Returns 0, 1 when the request waits (a subject of it has an erasure the
 * live store refused: it would not be done), or -1.
 */
static int
execute(struct batch *b, const struct preq *q, const struct match *m, int n)
{
	int i, added = 0, r;

	for (i = 0; !b->dry && i < n; i++)
		if (batch_pending(b, m[i].sid)) {
			log_err("request %s waits: subject %s has an erasure "
				"that could not be finished", q->id, m[i].sid);
			return 1;
		}
	if (batch_begin(b) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(m[i].sid, m[i - 1].sid) == 0)
			continue;
		r = batch_add(b, m[i].sid, q->ids, "request", q->id);
		if (r < 0)
			return -1;
		added += r == 0;
	}
	if (added == 0 && batch_add(b, NULL, q->ids, "request", q->id) < 0)
		return -1;
	if (batch_full(b))
		return batch_flush(b);
	return 0;
}

static int
by_sid(const void *x, const void *y)
{
	const struct match *a = x, *c = y;

	return strcmp(a->sid, c->sid);
}

/*
 * record_wait: append a `wait` event for request q, whose identifiers
 * match different subjects: from now on it needs approval, whatever the
 * live store says later (a subject whose email changed in between must
 * not make it run unapproved).  The first opens a ledger transaction
 * (*open set) that the caller commits once for all of them.  Returns 0,
 * or -1 after reporting.
 */
static int
record_wait(struct ledger *l, const struct preq *q, int *open)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "wait";
	ev.reason = "identifiers-conflict";
	ev.request = q->id;
	if (!*open) {
		if (ledger_begin(l) != 0)
			return -1;
		*open = 1;
	}
	return ledger_append(l, &ev) < 0 ? -1 : 0;
}

void
request_conflict_warn(const char *id)
{
	log_warn("request %s: its identifiers match different subjects; it "
		 "waits for 'lethe request approve %s'", id, id);
}

/* min_sid: the smallest subject id of m, or "" when there is none. */
static const char *
min_sid(const struct match *m, int n)
{
	const char *min = "";
	int i;

	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(m[i].sid, min) < 0)
			min = m[i].sid;
	return min;
}

/*
 * present: whether the live store of batch arg still holds subject sid
 * (in a dry run, which erases no one: and the run would not have erased
 * it before, as lead expiry); a holders_shared callback too.  Returns 1,
 * 0, or -1 after reporting.
 */
static int
present(void *arg, const char *sid)
{
	struct batch *b = arg;

	return b->dry && batch_pending(b, sid)
		? 0
		: eraser_has_subject(b->er, sid);
}

/*
 * drop_gone: leave out of m (*n entries, sorted) the subjects the live
 * store no longer holds (erased since the matching read it: a request is
 * not held back by someone already gone; in a dry run, those it would
 * have erased).  Returns 0, or -1 after reporting.
 */
static int
drop_gone(struct batch *b, struct match *m, int *n)
{
	int i, kept = 0, r;

	for (i = 0; i < *n; i++) {
		r = present(b, m[i].sid);
		if (r < 0) {
			/* those not looked at stay, for free_matches */
			memmove(m + kept, m + i,
				sizeof(*m) * (size_t)(*n - i));
			*n = kept + (*n - i);
			return -1;
		}
		if (r == 0) {
			free(m[i].type);
			free(m[i].sid);
			free(m[i].ids);
			continue;
		}
		m[kept++] = m[i];
	}
	*n = kept;
	return 0;
}

/*
 * planned_shared: the identifiers the subjects the planned requests
 * match share with subjects who stay, from the holders read before the
 * plan: the hashes one of them holds that a subject still there, not one
 * of them, holds too.  Returns
 * the set, or NULL after reporting.
 */
static struct hashset *
planned_shared(struct batch *b, sqlite3 *tdb, const struct holders *hs)
{
	struct hashset *victims = hashset_new(), *shared = NULL;
	sqlite3_stmt *st;
	int r;

	st = db_prepare(tdb, "SELECT DISTINCT m.sid FROM temp.lethe_match AS "
			     "m JOIN temp.lethe_plan AS p ON p.seq = m.seq");
	if (st == NULL)
		goto done;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		hashset_put_text(victims, db_text(st, 0));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		db_fail(tdb, "read matches");
		goto done;
	}
	shared = holders_shared(hs, victims, present, b);
done:
	hashset_free(victims);
	return shared;
}

/*
 * plan: go through the pending requests in seq order; those to execute
 * go into temp.lethe_plan under the smallest id they match, the others
 * are reported (and counted when overdue), with a `wait` event for each
 * newly found to name different people (all in one ledger transaction).
 */
static int
plan(struct batch *b, sqlite3 *tdb, int64_t now, int64_t *overdue,
     sqlite3_stmt *mst)
{
	struct preq *q = xcalloc(CHUNK, sizeof(*q));
	struct match *m = NULL;
	sqlite3_stmt *put;
	char due[TIME_BUFSZ];
	int64_t after = 0;
	int n = 0, nm = 0, i, waits = 0, rc = -1;

	put = db_prepare(tdb, "INSERT INTO temp.lethe_plan VALUES (?1, ?2)");
	if (put == NULL || db_exec(tdb, "BEGIN", "plan requests") != 0)
		goto done;
	for (;;) {
		if (next_requests(tdb, after, q, &n) != 0)
			goto done;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			int conflict;

			after = q[i].seq;
			if (matches_of(tdb, mst, q[i].seq, &m, &nm) != 0 ||
			    (conflicting(m, nm) && drop_gone(b, m, &nm) != 0))
				goto done;
			conflict = conflicting(m, nm);
			if (q[i].approved ||
			    (!q[i].approval && !conflict)) {
				if (q[i].due < now)
					log_warn("request %s %s past its due "
						 "time %s (its deadline is "
						 "missed: `report` lists it "
						 "as late)", q[i].id,
						 b->dry ? "would be executed"
							: "is executed",
						 time_format(q[i].due, due));
				sqlite3_bind_text(put, 1, min_sid(m, nm), -1,
						  SQLITE_TRANSIENT);
				sqlite3_bind_int64(put, 2, q[i].seq);
				if (sqlite3_step(put) != SQLITE_DONE) {
					db_fail(tdb, "plan requests");
					goto done;
				}
				sqlite3_reset(put);
			} else {
				if (conflict && !q[i].approval && !b->dry &&
				    record_wait(b->ledger, &q[i], &waits) != 0)
					goto done;
				if (conflict)
					request_conflict_warn(q[i].id);
				else
					log_info("request %s waits for "
						 "approval", q[i].id);
				if (q[i].due < now)
					request_say_overdue(
					    q[i].id, q[i].due,
					    "still awaiting approval",
					    overdue);
			}
			free_matches(m, nm);
			m = NULL;
			nm = 0;
		}
		free_requests(q, n);
		n = 0;
	}
	if (db_exec(tdb, "COMMIT", "plan requests") != 0)
		goto done;
	rc = 0;
done:
	/* the wait events, one durable commit for all; those found before
	 * a failure stand too: a conflict seen once holds the request for
	 * approval whatever comes later */
	if (waits && ledger_commit(b->ledger) != 0)
		rc = -1;
	if (!sqlite3_get_autocommit(tdb))
		sqlite3_exec(tdb, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(put);
	free_matches(m, nm);
	free_requests(q, n);
	free(q);
	return rc;
}

/* The reading and matching of requests, staged on a thread. */
struct request_stage {
	sqlite3 *db;			/* a live connection of its own */
	struct ledger *l;		/* the ledger, read-only */
	const struct config *cfg;
	const struct key *k;
	int64_t now;
	int64_t count;			/* the pending requests read */
	struct holders *holders;	/* of the subjects matched */
	int rc;				/* 0: read and matched */
	int running;			/* the thread was started */
	pthread_t thread;
};

/*
 * stage_read: requests_run's first part, through db (whose temp tables it
 * fills) and ledger l: the pending requests read (how many into *count)
 * and matched with the live subjects, and, when there are any, who holds
 * the matched subjects' identifiers (into *holders).  Returns 0, or -1
 * after reporting.
 */
static int
stage_read(sqlite3 *db, struct ledger *l, const struct config *cfg,
	   const struct key *k, int64_t now, int64_t *count,
	   struct holders **holders)
{
	struct strbuf matched = STRBUF_INIT;

	if (load(db, l, now, 0, count) != 0 ||
	    (*count > 0 && match(db, cfg, k) != 0))
		return -1;
	if (*count == 0)
		return 0;
	sb_adds(&matched, "s.");
	sb_add_ident(&matched, cfg->subj_id);
	sb_adds(&matched, " IN (SELECT sid FROM temp.lethe_match)");
	*holders = holders_read(db, cfg, k, sb_str(&matched));
	sb_release(&matched);
	return *holders != NULL ? 0 : -1;
}

/* stage_thread: stage_read on the stage's connections. */
static void *
stage_thread(void *arg)
{
	struct request_stage *s = arg;

	s->rc = stage_read(s->db, s->l, s->cfg, s->k, s->now, &s->count,
			   &s->holders);
	return NULL;
}

/* stage_join: wait for s's thread.  Returns its result, 0 or -1. */
static int
stage_join(struct request_stage *s)
{
	if (s->running) {
		pthread_join(s->thread, NULL);
		s->running = 0;
		/* the ledger was only read for the requests */
		ledger_free(s->l);
		s->l = NULL;
	}
	return s->rc;
}

struct request_stage *
requests_stage(const struct config *cfg, const struct key *k,
	       struct sqlfn_ctx *fn, int64_t now)
{
	struct request_stage *s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	s->k = k;
	s->now = now;
	/* a small page cache: it scans the subjects once, and keeps the
	 * requests in temp tables (a cache of their own) */
	s->db = live_open(cfg->live_store, 1, fn);
	if (s->db == NULL ||
	    db_exec(s->db, "PRAGMA main.cache_size = -8192",
		    "stage requests") != 0 ||
	    (s->l = ledger_open(cfg->ledger, NULL, 0, now)) == NULL) {
		s->rc = -1;	/* reported: the request step fails */
		return s;
	}
	s->running = pthread_create(&s->thread, NULL, stage_thread, s) == 0;
	/* no thread: here and now, then; and a test seam: the matching done
	 * before lead expiry erases anyone */
	if (!s->running)
		stage_thread(s);
	else if (getenv("LETHE_STAGE_FIRST") != NULL)
		stage_join(s);
	return s;
}

void
requests_stage_free(struct request_stage *s)
{
	if (s == NULL)
		return;
	stage_join(s);
	holders_free(s->holders);
	ledger_free(s->l);
	sqlite3_close(s->db);
	free(s);
}

int
requests_run(struct batch *b, struct ledger *l, struct request_stage *pre,
	     int64_t now, int64_t *done, int64_t *overdue)
{
	struct preq *q = xcalloc(CHUNK, sizeof(*q));
	struct match *m = NULL;
	struct hashset *spare = NULL;
	struct holders *own = NULL;	/* read here, without a stage */
	sqlite3_stmt *mst = NULL;
	/* where the requests and their matches are staged: temp tables */
	sqlite3 *tdb = pre != NULL ? pre->db : b->live;
	char *key = xstrdup("");
	int64_t count = 0, after = 0, before = b->requests;
	int n = 0, nm = 0, i, r, rc = -1;

	if (pre != NULL ? stage_join(pre) != 0
			: stage_read(tdb, l, b->cfg, b->key, now, &count,
				     &own) != 0)
		goto done;
	if (pre != NULL)
		count = pre->count;
	if (count == 0) {
		rc = 0;
		goto done;
	}
	mst = matches_prepare(tdb);
	if (mst == NULL || plan(b, tdb, now, overdue, mst) != 0)
		goto done;
	/* the requested subjects' own identifiers that a subject who stays
	 * holds too are not erased with them (those requested are) */
	spare = planned_shared(b, tdb, pre != NULL ? pre->holders : own);
	if (spare == NULL)
		goto done;
	b->spare = spare;
	/*
	 * Executed in the order of the subject ids they match, a request's
	 * subjects in one batch: each batch's entries in the indexes on
	 * subject ids sit together, so fewer pages are written per batch.
	 */
	for (;;) {
		if (next_planned(tdb, &key, after, q, &n) != 0)
			goto done;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			after = q[i].seq;
			if (matches_of(tdb, mst, q[i].seq, &m, &nm) != 0)
				goto done;
			if (nm > 1)
				qsort(m, (size_t)nm, sizeof(*m), by_sid);
			r = execute(b, &q[i], m, nm);
			if (r < 0)
				goto done;
			if (r > 0 && q[i].due < now)
				request_say_overdue(q[i].id, q[i].due,
						    "waiting for that erasure",
						    overdue);
			free_matches(m, nm);
			m = NULL;
			nm = 0;
		}
		free_requests(q, n);
		n = 0;
	}
	if (batch_flush(b) != 0)
		goto done;
	rc = 0;
done:
	/* a batch left open by a failure is given up, not left running */
	if (rc != 0)
		batch_abort(b);
	/* what committed (a failed batch is not counted) */
	*done = b->requests - before;
	b->spare = NULL;
	hashset_free(spare);
	holders_free(own);
	sqlite3_finalize(mst);
	free(key);
	free_matches(m, nm);
	free_requests(q, n);
	free(q);
	return rc;
}

int
requests_conflicts(sqlite3 *live, struct ledger *l, const struct config *cfg,
		   const struct key *k, int64_t now, int64_t from_seq,
		   struct hashset *out)
{
	struct preq *q = xcalloc(CHUNK, sizeof(*q));
	struct match *m = NULL;
	sqlite3_stmt *mst = NULL;
	int64_t count = 0, after = 0;
	int n = 0, nm = 0, i, rc = -1;

	if (load(live, l, now, from_seq, &count) != 0)
		goto done;
	if (count == 0 || match(live, cfg, k) != 0) {
		rc = count == 0 ? 0 : -1;
		goto done;
	}
	mst = matches_prepare(live);
	if (mst == NULL)
		goto done;
	for (;;) {
		if (next_requests(live, after, q, &n) != 0)
			goto done;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			after = q[i].seq;
			if (matches_of(live, mst, q[i].seq, &m, &nm) != 0)
				goto done;
			if (conflicting(m, nm))
				hashset_put_text(out, q[i].id);
			free_matches(m, nm);
			m = NULL;
			nm = 0;
		}
		free_requests(q, n);
		n = 0;
	}
	rc = 0;
done:
	sqlite3_finalize(mst);
	free_matches(m, nm);
	free_requests(q, n);
	free(q);
	return rc;
}

struct hashset *
requests_waiting(struct ledger *l, const struct config *cfg,
		 const struct key *k, int64_t now, int64_t from_seq)
{
	struct sqlfn_ctx fn;
	struct hashset *set;
	sqlite3 *live;

	fn.key = k;
	fn.calling_code = (int)cfg->calling_code;
	fn.now = now;
	if (access(cfg->live_store, R_OK) != 0)
		return NULL;
	live = live_open(cfg->live_store, 0, &fn);
	if (live == NULL)
		return NULL;
	set = hashset_new();
	if (requests_conflicts(live, l, cfg, k, now, from_seq, set) != 0) {
		hashset_free(set);
		set = NULL;
	}
	live_close(live);
	return set;
}

int
request_in(const struct hashset *waiting, const char *id)
{
	return waiting != NULL && id != NULL && hashset_has_text(waiting, id);
}

int
request_waits(const struct request *r, const struct hashset *waiting)
{
	if (r->approval)
		return 1;
	return !r->executed && request_in(waiting, r->id);
}
