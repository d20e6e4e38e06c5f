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
 * subject_hashes: the raw identifier hashes of the subjects st reads (the
 * id, then the identifier columns) into set, and their fast_keys into
 * fast; with in (not NULL), only those in in, passing over those whose
 * fast_key is not in fast.  Returns 0, or -1 after reporting.
 */
static int
subject_hashes(sqlite3 *live, const struct config *cfg, const struct key *k,
	       sqlite3_stmt *st, const struct hashset *in, struct hashset *fast,
	       struct hashset *set)
{
	char norm[IDENT_MAX];
	unsigned char raw[32], quick[32];
	int r, j;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (j = 0; j < cfg->subj_ids.n; j++) {
			const char *v = (const char *)sqlite3_column_text(st,
									  j + 1);
			const char *type = cfg->subj_ids.type[j];

			if (v == NULL ||
			    ident_normalise(type, v, (int)cfg->calling_code,
					    norm) != 0)
				continue;
			fast_key(norm, quick);
			if (in != NULL && !hashset_get(fast, quick, NULL))
				continue;
			ident_hash_raw(k, type, norm, raw);
			if (in == NULL) {
				hashset_put(fast, quick, 1);
				hashset_put(set, raw, 1);
			} else if (hashset_get(in, raw, NULL)) {
				hashset_put(set, raw, 1);
			}
		}
	}
	return r == SQLITE_DONE ? 0 : db_fail(live, "read subjects");
}

struct hashset *
shared_ids(sqlite3 *live, const struct config *cfg, const struct key *k,
	   const char *victims)
{
	struct hashset *mine = hashset_new(), *shared = hashset_new();
	struct hashset *fast = hashset_new();
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int pass, rc = -1;

	for (pass = 0; pass < 2; pass++) {
		sb_reset(&sql);
		subjects_select(cfg, &sql);
		sb_addf(&sql, pass == 0 ? " WHERE %s" : " WHERE (%s) IS NOT 1",
			victims);
		st = db_prepare(live, sb_str(&sql));
		if (st == NULL ||
		    subject_hashes(live, cfg, k, st, pass ? mine : NULL, fast,
				   pass ? shared : mine) != 0)
			goto done;
		sqlite3_finalize(st);
		st = NULL;
		if (hashset_count(mine) == 0)
			break;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sb_release(&sql);
	hashset_free(mine);
	hashset_free(fast);
	if (rc != 0) {
		hashset_free(shared);
		return NULL;
	}
	return shared;
}
