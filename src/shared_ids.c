/*
 * shared_ids.c: the identifiers the subjects being erased share with
 * subjects who stay.
 */
#include <stdint.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "hashset.h"
#include "ident.h"
#include "sha.h"
#include "shared_ids.h"
#include "strbuf.h"
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

/*
 * subject_hashes: the raw identifier hashes of the subjects st reads (the
 * id, then the identifier columns) into set, their fast_keys into keys
 * and their ids' SHA-256 into who (when not NULL); with in (not NULL),
 * only those in in, passing over without an HMAC those whose fast_key is
 * not in filter (when not NULL) and the subjects whose id's SHA-256 is
 * in skip (when not NULL).  Returns 0, or -1 after reporting.
 */
static int
subject_hashes(sqlite3 *live, const struct config *cfg, const struct key *k,
	       sqlite3_stmt *st, const struct hashset *in,
	       const struct hashset *filter, const struct hashset *skip,
	       struct hashset *keys, struct hashset *who, struct hashset *set)
{
	char norm[IDENT_MAX];
	unsigned char raw[32], quick[32], sid[32];
	int r, j, skipped;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (who != NULL && sid_of(st, sid) == 0)
			hashset_put(who, sid, 1);
		/* -1: not yet known */
		skipped = skip == NULL ? 0 : -1;
		for (j = 0; j < cfg->subj_ids.n && skipped != 1; j++) {
			const char *v =
			    (const char *)sqlite3_column_text(st, j + 1);
			const char *type = cfg->subj_ids.type[j];

			if (v == NULL ||
			    ident_normalise(type, v, (int)cfg->calling_code,
					    norm) != 0)
				continue;
			if (filter != NULL || keys != NULL)
				fast_key(norm, quick);
			if (filter != NULL && !hashset_get(filter, quick, NULL))
				continue;
			if (skipped < 0)
				skipped = sid_of(st, sid) == 0 &&
					  hashset_get(skip, sid, NULL);
			if (skipped)
				break;
			ident_hash_raw(k, type, norm, raw);
			if (keys != NULL)
				hashset_put(keys, quick, 1);
			if (in == NULL || hashset_get(in, raw, NULL))
				hashset_put(set, raw, 1);
		}
	}
	return r == SQLITE_DONE ? 0 : db_fail(live, "read subjects");
}

struct hashset *
ids_held(sqlite3 *live, const struct config *cfg, const struct key *k,
	 const struct hashset *wanted, const struct hashset *fast,
	 const struct hashset *skip, const char *where)
{
	struct hashset *held = hashset_new();
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;

	subjects_select(cfg, &sql);
	if (where != NULL)
		sb_addf(&sql, " WHERE %s", where);
	st = db_prepare(live, sb_str(&sql));
	sb_release(&sql);
	if (st == NULL ||
	    subject_hashes(live, cfg, k, st, wanted, fast, skip, NULL, NULL,
			   held) != 0) {
		sqlite3_finalize(st);
		hashset_free(held);
		return NULL;
	}
	sqlite3_finalize(st);
	return held;
}

struct hashset *
shared_ids(sqlite3 *live, const struct config *cfg, const struct key *k,
	   const char *victims)
{
	struct hashset *mine = hashset_new(), *fast = hashset_new();
	struct hashset *who = hashset_new(), *shared = NULL;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;

	subjects_select(cfg, &sql);
	sb_addf(&sql, " WHERE %s", victims);
	st = db_prepare(live, sb_str(&sql));
	if (st != NULL &&
	    subject_hashes(live, cfg, k, st, NULL, NULL, NULL, fast, who,
			   mine) == 0)
		/* the others: every subject whose id is not a victim's (a
		 * set lookup, and only where a fast key matched) */
		shared = hashset_count(mine) == 0
				 ? hashset_new()
				 : ids_held(live, cfg, k, mine, fast, who,
					    NULL);
	sqlite3_finalize(st);
	sb_release(&sql);
	hashset_free(mine);
	hashset_free(fast);
	hashset_free(who);
	return shared;
}
