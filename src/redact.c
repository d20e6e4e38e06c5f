/*
 * redact.c: redacting erased people's identifiers in free-text columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "hashset.h"
#include "ident.h"
#include "log.h"
#include "redact.h"
#include "rowset.h"
#include "strset.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* One table with redact columns. */
struct rtable {
	const struct dmap_table *t;
	int idx;			/* temp tables lethe_rx_IDX */
	sqlite3_stmt *scan;		/* rows after ?1: rowid, columns */
	sqlite3_stmt *row;		/* the columns of rowid ?1 */
	sqlite3_stmt *find;		/* rows holding a batch hash */
	sqlite3_stmt *ins;		/* (rid, h) into the index */
	sqlite3_stmt **set;		/* per column:
					 * SET col = ?1 WHERE rowid ?2 */
};

struct redactor {
	sqlite3 *db;
	const struct config *cfg;
	const struct key *key;
	struct rtable *tab;
	int n;
	struct hashset *batch;		/* the batch's identifier hashes */
	sqlite3_stmt *add_h;		/* into temp.lethe_rx_batch */
	sqlite3_stmt *get_upto, *set_upto;
	struct spans sp;
	int64_t rid;			/* the row being indexed */
	struct rtable *cur;
	int failed;
	struct rowset **skip;		/* rows to leave alone, by table */
	const int *by_value;		/* tables whose rows go by subject */
	const struct strset *sids;	/*   when it is one of these */
};

static int
prepare_table(struct redactor *r, struct rtable *rt)
{
	const struct dmap_table *t = rt->t;
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT;
	int i, rc = -1;

	for (i = 0; i < t->redact.n; i++) {
		sb_adds(&cols, ", ");
		sb_add_ident(&cols, t->redact.v[i]);
	}
	sb_addf(&sql, "CREATE TEMP TABLE IF NOT EXISTS lethe_rx_%d(rid "
		      "INTEGER, h TEXT); CREATE INDEX IF NOT EXISTS "
		      "temp.lethe_rx_%d_h ON lethe_rx_%d(h); DELETE FROM "
		      "temp.lethe_rx_%d;", rt->idx, rt->idx, rt->idx, rt->idx);
	if (db_exec(r->db, sb_str(&sql), "index free text") != 0)
		goto done;
	sb_reset(&sql);
	sb_addf(&sql, "SELECT rowid%s FROM main.", sb_str(&cols));
	sb_add_ident(&sql, t->name);
	sb_adds(&sql, " WHERE rowid >= ?1 ORDER BY rowid");
	if ((rt->scan = db_prepare(r->db, sb_str(&sql))) == NULL)
		goto done;
	sb_reset(&sql);
	/* the subject column last: a row that is to go is left alone */
	sb_addf(&sql, "SELECT rowid%s, ", sb_str(&cols));
	sb_add_ident(&sql, t->subject);
	sb_adds(&sql, " FROM main.");
	sb_add_ident(&sql, t->name);
	sb_adds(&sql, " WHERE rowid = ?1");
	if ((rt->row = db_prepare(r->db, sb_str(&sql))) == NULL)
		goto done;
	sb_reset(&sql);
	sb_addf(&sql, "SELECT DISTINCT rid FROM temp.lethe_rx_%d WHERE h IN "
		      "(SELECT h FROM temp.lethe_rx_batch)", rt->idx);
	if ((rt->find = db_prepare(r->db, sb_str(&sql))) == NULL)
		goto done;
	sb_reset(&sql);
	sb_addf(&sql, "INSERT INTO temp.lethe_rx_%d(rid, h) VALUES (?1, ?2)",
		rt->idx);
	if ((rt->ins = db_prepare(r->db, sb_str(&sql))) == NULL)
		goto done;
	rt->set = xcalloc((size_t)t->redact.n, sizeof(*rt->set));
	for (i = 0; i < t->redact.n; i++) {
		sb_reset(&sql);
		sb_adds(&sql, "UPDATE main.");
		sb_add_ident(&sql, t->name);
		sb_adds(&sql, " SET ");
		sb_add_ident(&sql, t->redact.v[i]);
		sb_adds(&sql, " = ?1 WHERE rowid = ?2");
		if ((rt->set[i] = db_prepare(r->db, sb_str(&sql))) == NULL)
			goto done;
	}
	rc = 0;
done:
	sb_release(&sql);
	sb_release(&cols);
	return rc;
}

struct redactor *
redactor_new(sqlite3 *db, const struct config *cfg, const struct key *k,
	     int *err)
{
	struct redactor *r = NULL;
	int i, p;

	*err = 0;
	for (i = 0; i < cfg->ntables; i++) {
		if (cfg->tables[i].redact.n == 0)
			continue;
		p = db_has_table(db, cfg->tables[i].name);
		if (p < 0)
			goto fail;
		if (!p)
			continue;
		if (r == NULL) {
			r = xcalloc(1, sizeof(*r));
			r->db = db;
			r->cfg = cfg;
			r->key = k;
			r->batch = hashset_new();
			if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS "
					"lethe_rx_batch(h TEXT PRIMARY KEY);"
					"CREATE TEMP TABLE IF NOT EXISTS "
					"lethe_rx_upto(t INTEGER PRIMARY KEY, "
					"upto INTEGER);"
					"DELETE FROM temp.lethe_rx_batch;"
					"DELETE FROM temp.lethe_rx_upto;",
				    "index free text") != 0)
				goto fail;
			r->add_h = db_prepare(db, "INSERT OR IGNORE INTO "
						  "temp.lethe_rx_batch VALUES "
						  "(?1)");
			r->get_upto = db_prepare(db, "SELECT upto FROM "
						     "temp.lethe_rx_upto WHERE "
						     "t = ?1");
			r->set_upto = db_prepare(db, "INSERT OR REPLACE INTO "
						     "temp.lethe_rx_upto "
						     "VALUES (?1, ?2)");
			if (r->add_h == NULL || r->get_upto == NULL ||
			    r->set_upto == NULL)
				goto fail;
		}
		r->tab = xrealloc(r->tab, sizeof(*r->tab) * (size_t)(r->n + 1));
		memset(&r->tab[r->n], 0, sizeof(r->tab[r->n]));
		r->tab[r->n].t = &cfg->tables[i];
		r->tab[r->n].idx = i;
		r->n++;
		if (prepare_table(r, &r->tab[r->n - 1]) != 0)
			goto fail;
	}
	return r;
fail:
	*err = 1;
	redactor_free(r);
	return NULL;
}

void
redactor_free(struct redactor *r)
{
	int i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		struct rtable *rt = &r->tab[i];

		sqlite3_finalize(rt->scan);
		sqlite3_finalize(rt->row);
		sqlite3_finalize(rt->find);
		sqlite3_finalize(rt->ins);
		for (j = 0; rt->set != NULL && j < rt->t->redact.n; j++)
			sqlite3_finalize(rt->set[j]);
		free(rt->set);
	}
	free(r->tab);
	sqlite3_finalize(r->add_h);
	sqlite3_finalize(r->get_upto);
	sqlite3_finalize(r->set_upto);
	hashset_free(r->batch);
	spans_release(&r->sp);
	free(r);
}

/* index_one: one identifier found in the row being indexed. */
static int
index_one(void *arg, const char *type, const char *norm, size_t off,
	  size_t len)
{
	struct redactor *r = arg;
	char hex[HASH_HEX];
	int s;

	(void)off;
	(void)len;
	ident_hash(r->key, type, norm, hex);
	sqlite3_bind_int64(r->cur->ins, 1, r->rid);
	sqlite3_bind_text(r->cur->ins, 2, hex, 64, SQLITE_TRANSIENT);
	s = sqlite3_step(r->cur->ins);
	sqlite3_reset(r->cur->ins);
	if (s != SQLITE_DONE) {
		r->failed = 1;
		return 1;
	}
	return 0;
}

int
redactor_sync(struct redactor *r)
{
	int i, j, s;

	for (i = 0; r != NULL && i < r->n; i++) {
		struct rtable *rt = &r->tab[i];
		/* the first rowid not yet indexed: rowids are any 64-bit
		 * integer, 0 and below too */
		int64_t upto = INT64_MIN;

		sqlite3_bind_int(r->get_upto, 1, rt->idx);
		if (sqlite3_step(r->get_upto) == SQLITE_ROW)
			upto = sqlite3_column_int64(r->get_upto, 0);
		sqlite3_reset(r->get_upto);
		r->cur = rt;
		sqlite3_bind_int64(rt->scan, 1, upto);
		while ((s = sqlite3_step(rt->scan)) == SQLITE_ROW) {
			r->rid = sqlite3_column_int64(rt->scan, 0);
			/* (the last row, indexed again next time, is
			 * found twice: the lookup takes distinct rows) */
			upto = r->rid == INT64_MAX ? r->rid : r->rid + 1;
			for (j = 1; j <= rt->t->redact.n; j++) {
				size_t n;
				const char *v = db_bytes(rt->scan, j, &n);

				if (v != NULL)
					scan_text(v, n,
						  (int)r->cfg->calling_code,
						  index_one, r);
			}
			if (r->failed)
				break;
		}
		sqlite3_reset(rt->scan);
		if (r->failed || s != SQLITE_DONE)
			return db_fail(r->db, "index free text");
		sqlite3_bind_int(r->set_upto, 1, rt->idx);
		sqlite3_bind_int64(r->set_upto, 2, upto);
		s = sqlite3_step(r->set_upto);
		sqlite3_reset(r->set_upto);
		if (s != SQLITE_DONE)
			return db_fail(r->db, "index free text");
	}
	return 0;
}

void
redactor_clear(struct redactor *r)
{
	if (r == NULL)
		return;
	hashset_free(r->batch);
	r->batch = hashset_new();
	sqlite3_exec(r->db, "DELETE FROM temp.lethe_rx_batch", NULL, NULL,
		     NULL);
}

void
redactor_add(struct redactor *r, const char *ids)
{
	const char *p = ids;
	struct ids_item it;

	while (r != NULL && ids_next(&p, &it)) {
		if (!it.has_key)
			continue;
		hashset_put(r->batch, it.key, 1);
		sqlite3_bind_text(r->add_h, 1, it.hex, (int)it.hex_len,
				  SQLITE_TRANSIENT);
		sqlite3_step(r->add_h);
		sqlite3_reset(r->add_h);
	}
}

/* in_batch: collect the spans whose identifier belongs to the batch. */
static int
in_batch(void *arg, const char *type, const char *norm, size_t off,
	 size_t len)
{
	struct redactor *r = arg;
	unsigned char key[32];

	ident_hash_raw(r->key, type, norm, key);
	if (hashset_get(r->batch, key, NULL))
		spans_add(&r->sp, off, len, 0);
	return 0;
}

/* redact_row: the row rid of rt, its batch identifiers replaced. */
static int
redact_row(struct redactor *r, struct rtable *rt, int64_t rid,
	   int64_t *count)
{
	int j, s, rc = 0;

	sqlite3_bind_int64(rt->row, 1, rid);
	s = sqlite3_step(rt->row);
	if (s != SQLITE_ROW) {
		sqlite3_reset(rt->row);
		return s == SQLITE_DONE ? 0 : db_fail(r->db, "redact");
	}
	j = rt->t->redact.n + 1;
	if (r->by_value != NULL && r->by_value[rt->idx + 1] &&
	    sqlite3_column_type(rt->row, j) == SQLITE_TEXT &&
	    strset_has(r->sids, sqlite3_column_text(rt->row, j),
		       (size_t)sqlite3_column_bytes(rt->row, j))) {
		sqlite3_reset(rt->row);
		return 0;	/* the row goes */
	}
	for (j = 1; j <= rt->t->redact.n && rc == 0; j++) {
		const char *text;
		size_t n, len;
		char *clean;

		text = db_bytes(rt->row, j, &n);
		if (text == NULL)
			continue;
		r->sp.n = 0;
		scan_text(text, n, (int)r->cfg->calling_code, in_batch, r);
		if (r->sp.n == 0)
			continue;
		clean = spans_replace_n(text, n, &r->sp, &len);
		*count += r->sp.n;
		/* a blob stays a blob */
		db_bind_bytes(rt->set[j - 1], 1, clean, len,
			      sqlite3_column_type(rt->row, j) == SQLITE_BLOB);
		sqlite3_bind_int64(rt->set[j - 1], 2, rid);
		if (sqlite3_step(rt->set[j - 1]) != SQLITE_DONE)
			rc = db_fail(r->db, "redact");
		sqlite3_reset(rt->set[j - 1]);
	}
	sqlite3_reset(rt->row);
	return rc;
}

int
redactor_apply(struct redactor *r, int64_t *count)
{
	int64_t *rids = NULL;
	int i, j, n, cap = 0, s, rc = 0;

	for (i = 0; r != NULL && i < r->n && rc == 0; i++) {
		struct rtable *rt = &r->tab[i];

		/* the candidates first: the updates change the table */
		n = 0;
		while ((s = sqlite3_step(rt->find)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				rids = xrealloc(rids, sizeof(*rids) *
							      (size_t)cap);
			}
			rids[n++] = sqlite3_column_int64(rt->find, 0);
		}
		sqlite3_reset(rt->find);
		if (s != SQLITE_DONE) {
			rc = db_fail(r->db, "find identifiers to redact");
			break;
		}
		for (j = 0; j < n && rc == 0; j++)
			if (r->skip == NULL ||
			    !rowset_has(r->skip[rt->idx + 1], rids[j]))
				rc = redact_row(r, rt, rids[j], count);
	}
	free(rids);
	return rc;
}

void
redactor_skip(struct redactor *r, struct rowset **sets, const int *by_value,
	      const struct strset *sids)
{
	if (r == NULL)
		return;
	r->skip = sets;
	r->by_value = by_value;
	r->sids = sids;
}
