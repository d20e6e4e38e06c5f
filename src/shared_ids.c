/*
 * shared_ids.c: the identifiers the subjects being erased share with
 * subjects who stay.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "hashset.h"
#include "ident.h"
#include "live.h"
#include "sha.h"
#include "shared_ids.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/*
 * fast_key: a cheap 32-byte key of identifier norm (FNV-1a, spread with
 * splitmix64), to pass over most subjects without an HMAC each.
 */
static void
fast_key(const char *norm, unsigned char *key)
{
	uint64_t h = 0xcbf29ce484222325u;
	int i, b;

	for (; *norm; norm++)
		h = (h ^ (unsigned char)*norm) * 0x100000001b3u;
	for (i = 0; i < 4; i++) {
		uint64_t z = (h += 0x9e3779b97f4a7c15u);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		z ^= z >> 31;
		for (b = 0; b < 8; b++)
			key[i * 8 + b] = (unsigned char)(z >> (8 * b));
	}
}

/*
 * sid_of: the SHA-256 of the subject id in column 0 of st's row, its type
 * first (an integer 7 and a text '7' are two subjects), into key.
 * Returns 0, or -1 when the row has no id.
 */
static int
sid_of(sqlite3_stmt *st, unsigned char *key)
{
	struct strbuf sb = STRBUF_INIT;
	int type = sqlite3_column_type(st, 0);
	const char *sid = (const char *)sqlite3_column_text(st, 0);

	if (type == SQLITE_NULL || sid == NULL)
		return -1;
	sb_addc(&sb, (char)('0' + type));
	sb_add(&sb, sid, (size_t)sqlite3_column_bytes(st, 0));
	sha_raw(sb.buf, sb.len, key);
	sb_release(&sb);
	return 0;
}

/* What one pass over the subjects reads and fills (any may be NULL). */
struct pass {
	const struct hashset *in;	/* only these raw hashes go into set */
	const struct hashset *filter;	/* an HMAC only where the fast key is
					 * in it */
	const struct hashset *skip;	/* subjects passed over, by sid_of */
	struct hashset *keys;		/* out: the fast keys hashed */
	struct hashset *who;		/* out: the subjects read, by sid_of */
	struct hashset *set;		/* out: the raw hashes */
	struct holders *rec;		/* out: each hash that goes into set,
					 * with the subject holding it */
};

/* Subjects holding some identifiers: each (hash, holder) read, in turn. */
struct holders {
	unsigned char (*h)[32];		/* entry i's raw hash */
	char **sid;			/* its holder's id, as text; NULL:
					 * none (not erased by id: stays) */
	int n, cap;
};

/* holders_add: the subject id in column 0 of st holds raw hash h. */
static void
holders_add(struct holders *hs, const unsigned char *h, sqlite3_stmt *st)
{
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? hs->cap * 2 : 1024;
		hs->h = xrealloc(hs->h, sizeof(*hs->h) * (size_t)hs->cap);
		hs->sid = xrealloc(hs->sid, sizeof(*hs->sid) * (size_t)hs->cap);
	}
	memcpy(hs->h[hs->n], h, 32);
	hs->sid[hs->n] = sqlite3_column_type(st, 0) == SQLITE_NULL
			     ? NULL : xstrdup(db_text(st, 0));
	hs->n++;
}

/*
 * subject_hashes: one pass p over the subjects st reads (the id, then the
 * identifier columns): the raw hash of each identifier into p->set.
 * Returns 0, or -1 after reporting.
 */
static int
subject_hashes(sqlite3 *live, const struct config *cfg, const struct key *k,
	       sqlite3_stmt *st, const struct pass *p)
{
	char norm[IDENT_MAX];
	unsigned char raw[32], quick[32], sid[32];
	int r, j, skipped;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (p->who != NULL && sid_of(st, sid) == 0)
			hashset_put(p->who, sid, 1);
		/* -1: not yet known */
		skipped = p->skip == NULL ? 0 : -1;
		for (j = 0; j < cfg->subj_ids.n && skipped != 1; j++) {
			const char *v =
			    (const char *)sqlite3_column_text(st, j + 1);
			const char *type = cfg->subj_ids.type[j];

			if (v == NULL ||
			    ident_normalise(type, v, (int)cfg->calling_code,
					    norm) != 0)
				continue;
			if (p->filter != NULL || p->keys != NULL)
				fast_key(norm, quick);
			if (p->filter != NULL &&
			    !hashset_get(p->filter, quick, NULL))
				continue;
			if (skipped < 0)
				skipped = sid_of(st, sid) == 0 &&
					  hashset_get(p->skip, sid, NULL);
			if (skipped)
				break;
			ident_hash_raw(k, type, norm, raw);
			if (p->keys != NULL)
				hashset_put(p->keys, quick, 1);
			if (p->in != NULL && !hashset_get(p->in, raw, NULL))
				continue;
			hashset_put(p->set, raw, 1);
			if (p->rec != NULL)
				holders_add(p->rec, raw, st);
		}
	}
	return r == SQLITE_DONE ? 0 : db_fail(live, "read subjects");
}

/*
 * pass_over: pass p over the subjects (subjects_select's columns) that
 * where selects (an SQL condition on the subjects table, aliased s; NULL:
 * all), read through db.  Returns 0, or -1 after reporting.
 */
static int
pass_over(sqlite3 *db, const struct config *cfg, const struct key *k,
	  const char *where, struct pass *p)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int rc;

	subjects_select(cfg, &sql);
	if (where != NULL)
		sb_addf(&sql, " WHERE %s", where);
	st = db_prepare(db, sb_str(&sql));
	sb_release(&sql);
	rc = st == NULL ? -1 : subject_hashes(db, cfg, k, st, p);
	sqlite3_finalize(st);
	return rc;
}

struct hashset *
ids_held(sqlite3 *live, const struct config *cfg, const struct key *k,
	 const struct hashset *wanted, const struct hashset *fast,
	 const struct hashset *skip)
{
	struct pass p = { wanted, fast, skip, NULL, NULL, hashset_new(),
			  NULL };

	if (pass_over(live, cfg, k, NULL, &p) != 0) {
		hashset_free(p.set);
		return NULL;
	}
	return p.set;
}

/* A pass over the subjects who stay, on a thread of its own. */
struct shared_job {
	const struct config *cfg;
	const struct key *k;
	struct pass mine;		/* the victims' pass */
	sqlite3 *db;			/* the thread's own connection */
	pthread_t thread;
	int running;			/* thread started, not yet joined */
	struct hashset *shared;		/* the result; NULL: failed */
};

/* others: the pass over every subject who is not a victim, on job->db. */
static void *
others(void *arg)
{
	struct shared_job *job = arg;

	job->shared = ids_held(job->db, job->cfg, job->k, job->mine.set,
			       job->mine.keys, job->mine.who);
	return NULL;
}

/*
 * own_connection: a connection of its own to live's main database, to
 * read only, or NULL (no error: the caller reads through live instead).
 */
static sqlite3 *
own_connection(sqlite3 *live)
{
	const char *path = sqlite3_db_filename(live, "main");
	sqlite3 *db = NULL;

	if (path == NULL || *path == '\0' ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA cache_size = -2048", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, LIVE_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	return db;
}

struct shared_job *
shared_ids_start(sqlite3 *live, const struct config *cfg,
		 const struct key *k, const char *victims)
{
	struct shared_job *job = xcalloc(1, sizeof(*job));

	job->cfg = cfg;
	job->k = k;
	job->mine.keys = hashset_new();
	job->mine.who = hashset_new();
	job->mine.set = hashset_new();
	if (pass_over(live, cfg, k, victims, &job->mine) != 0) {
		shared_ids_finish(job);
		return NULL;
	}
	if (hashset_count(job->mine.set) == 0) {
		job->shared = hashset_new();
		return job;
	}
	/* the others: every subject whose id is not a victim's (a set
	 * lookup, and only where a fast key matched), read beside what the
	 * caller does meanwhile when it can be */
	job->db = own_connection(live);
	job->running = job->db != NULL &&
		       pthread_create(&job->thread, NULL, others, job) == 0;
	if (!job->running)
		job->shared = ids_held(live, cfg, k, job->mine.set,
				       job->mine.keys, job->mine.who);
	return job;
}

struct hashset *
shared_ids_finish(struct shared_job *job)
{
	struct hashset *shared;

	if (job == NULL)
		return NULL;
	if (job->running)
		pthread_join(job->thread, NULL);
	sqlite3_close(job->db);
	shared = job->shared;
	hashset_free(job->mine.keys);
	hashset_free(job->mine.who);
	hashset_free(job->mine.set);
	free(job);
	return shared;
}

void
holders_free(struct holders *hs)
{
	int i;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->n; i++)
		free(hs->sid[i]);
	free(hs->sid);
	free(hs->h);
	free(hs);
}

struct holders *
holders_read(sqlite3 *db, const struct config *cfg, const struct key *k,
	     const char *victims)
{
	struct holders *hs = xcalloc(1, sizeof(*hs));
	struct pass mine, others;
	int rc;

	memset(&mine, 0, sizeof(mine));
	mine.keys = hashset_new();
	mine.who = hashset_new();
	mine.set = hashset_new();
	mine.rec = hs;
	rc = pass_over(db, cfg, k, victims, &mine);
	if (rc == 0 && hs->n > 0) {
		/* everyone else, for the victims' hashes only */
		memset(&others, 0, sizeof(others));
		others.in = mine.set;
		others.filter = mine.keys;
		others.skip = mine.who;
		others.set = hashset_new();
		others.rec = hs;
		rc = pass_over(db, cfg, k, NULL, &others);
		hashset_free(others.set);
	}
	hashset_free(mine.keys);
	hashset_free(mine.who);
	hashset_free(mine.set);
	if (rc != 0) {
		holders_free(hs);
		return NULL;
	}
	return hs;
}

struct hashset *
holders_shared(const struct holders *hs, const struct hashset *victims,
	       int (*present)(void *, const char *), void *arg)
{
	struct hashset *theirs = hashset_new(), *shared = hashset_new();
	int i, r;

	/* the hashes a victim holds */
	for (i = 0; i < hs->n; i++)
		if (hs->sid[i] != NULL && hashset_has_text(victims, hs->sid[i]))
			hashset_put(theirs, hs->h[i], 1);
	/* those someone else holds too, who is still there */
	for (i = 0; i < hs->n; i++) {
		if (!hashset_get(theirs, hs->h[i], NULL) ||
		    hashset_get(shared, hs->h[i], NULL) ||
		    (hs->sid[i] != NULL &&
		     hashset_has_text(victims, hs->sid[i])))
			continue;
		r = hs->sid[i] == NULL ? 1 : present(arg, hs->sid[i]);
		if (r < 0) {
			hashset_free(shared);
			shared = NULL;
			break;
		}
		if (r > 0)
			hashset_put(shared, hs->h[i], 1);
	}
	hashset_free(theirs);
	return shared;
}
