/*
 * erase.c: the erasure engine shared by run and the restore filter.
 *
 * Statements are built once per table from the data map.  A table linked
 * by subject id is reached with "subject IN (batch ids)"; a table linked
 * by an identifier (orders.customer_email) through a temp index of its
 * rows' identifier hashes, built incrementally by eraser_sync, so each row
 * is hashed once per eraser rather than once per batch.  A one-batch
 * eraser (restore) hashes each row in the statement instead and looks the
 * hash up in an in-memory set of the batch's hashes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "erase.h"
#include "hashset.h"
#include "ident.h"
#include "log.h"
#include "redact.h"
#include "rowset.h"
#include "strset.h"
#include "sha.h"
#include "sqlfn.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* memory for sorting the identifier index (KiB) */
#define SORT_KIB 8192

struct etable {
	const struct dmap_table *t;	/* NULL for the subjects table */
	int present;			/* the table exists in this database */
	int idx;			/* identifier-linked:
					 * temp.lethe_ix_IDX */
	sqlite3_stmt *apply;		/* erase the batch */
	sqlite3_stmt *group;		/* the batch, by sid or hash: ?1 now */
	sqlite3_stmt *sync;		/* extend the temp hash index */
	sqlite3_stmt *bulk;		/*   fill it first (none indexed) */
	sqlite3_stmt *release;		/* ?1 sid, ?2 at: after_hold now */
	sqlite3_stmt *release_count;	/* ?1 sid, ?2 at: due, remaining */
	sqlite3_stmt *undated;		/* ?1 sid: rowids without a date */
	char *where;			/* apply's WHERE clause,
					 * if it deletes */
	sqlite3_stmt *collect;		/* apply's rowids, collected instead */
	struct rowset *set;		/*   into this set */
	int text_sid;			/* once: the subject column holds text,
					 * compared as bytes: lethe_in_sids */
	int field;			/*   its field in a record, or -1 */
	int fts;			/* a full-text (FTS3/4/5) table */
	int fts_changed;		/*   rows erased since its optimize */
};

struct eraser {
	sqlite3 *db;
	const struct config *cfg;
	int64_t now;
	int n;				/* ntables + 1 */
	int once;			/* one batch, no identifier index */
	struct hashset *batch_h;	/* once: the batch's hashes (in memory,
					   not in temp.lethe_batch_h) */
	const struct hashset *base;	/* once: more of them, not copied */
	struct etable *tab;
	sqlite3_stmt *add_sid;
	sqlite3_stmt *add_hash;
	sqlite3_stmt *set_synced;
	struct redactor *rx;		/* free text, once a key is given */
	struct rowset **sets;		/* eraser_collect's, or NULL */
	const struct key *key;		/* eraser_set_key's, or NULL */
	int collected;			/* eraser_apply_collect ran */
	struct strset *sids;		/* once: the batch's subject ids */
	int *by_value;			/* eraser_collect's, by tally index:
					 * rows the copier leaves out by their
					 * subject column */
	int integer_sid;		/* the subjects' id may hold integers
					 * (integer_ids) */
	sqlite3_stmt *there;		/* eraser_has_subject's, once asked */
};

/* past_expr: "lethe_past(date, n, unit, fmt, NOW)" for a retained table. */
static void
past_expr(struct strbuf *sb, const struct dmap_table *t, const char *now)
{
	sb_adds(sb, "lethe_past(");
	sb_add_ident(sb, t->date);
	sb_addf(sb, ", %d, %d, %d, %s)", t->retain_for.n,
		(int)t->retain_for.unit, t->date_format, now);
}

static void
until_expr(struct strbuf *sb, const struct dmap_table *t)
{
	sb_adds(sb, "lethe_until(");
	sb_add_ident(sb, t->date);
	sb_addf(sb, ", %d, %d, %d)", t->retain_for.n, (int)t->retain_for.unit,
		t->date_format);
}

/* hash_expr: "lethe_hash('TYPE', PREFIX"subject")": a row's hash. */
static void
hash_expr(struct strbuf *sb, const struct dmap_table *t, const char *prefix)
{
	sb_adds(sb, "lethe_hash(");
	sb_add_sqlstr(sb, t->match);
	sb_addf(sb, ", %s", prefix);
	sb_add_ident(sb, t->subject);
	sb_adds(sb, ")");
}

/*
 * sid_test: "COL IN (the batch's subject ids)": for a one-batch eraser
 * whose column holds text compared as bytes (text), looked up in memory
 * (lethe_in_sids), else through the temp table.
 */
static void
sid_test(struct strbuf *sb, int text, const char *col)
{
	if (text) {
		sb_adds(sb, "lethe_in_sids(");
		sb_add_ident(sb, col);
		sb_adds(sb, ")");
		return;
	}
	sb_add_ident(sb, col);
	sb_adds(sb, " IN (SELECT sid FROM temp.lethe_batch)");
}

/* link: the WHERE clause reaching the batch (one == 0) or one subject. */
static void
link(struct strbuf *sb, const struct etable *et, int idx, int once)
{
	const struct dmap_table *t = et->t;

	if (t->match == NULL) {
		sid_test(sb, once && et->text_sid, t->subject);
		return;
	}
	if (once) {
		/* every row hashed: looked up in memory, not in a temp table */
		sb_adds(sb, "lethe_in_batch(");
		sb_add_sqlstr(sb, t->match);
		sb_adds(sb, ", ");
		sb_add_ident(sb, t->subject);
		sb_adds(sb, ")");
		return;
	}
	/* candidates from the index, confirmed on the row's current value */
	sb_addf(sb, "rowid IN (SELECT rid FROM temp.lethe_ix_%d WHERE "
		    "h IN (SELECT h FROM temp.lethe_batch_h)) AND ",
		idx);
	hash_expr(sb, t, "");
	sb_adds(sb, " IN (SELECT h FROM temp.lethe_batch_h)");
}

/*
 * table: "main.NAME", and for a one-batch eraser " NOT INDEXED": a
 * restored database's indexes are not trusted to list every row
 * (quick_check does not compare them with their tables), so its rows are
 * found by reading the tables themselves.
 */
static void
table(struct strbuf *sb, const struct eraser *e, const char *name)
{
	sb_adds(sb, "main.");
	sb_add_ident(sb, name);
	if (e->once)
		sb_adds(sb, " NOT INDEXED");
}

/* action: "DELETE FROM t" or "UPDATE t SET m = NULL, ..., subject = NULL". */
static void
action(struct strbuf *sb, const struct eraser *e, const struct dmap_table *t,
       int how)
{
	int i;

	if (how == ON_DELETE) {
		sb_adds(sb, "DELETE FROM ");
		table(sb, e, t->name);
		return;
	}
	sb_adds(sb, "UPDATE ");
	table(sb, e, t->name);
	sb_adds(sb, " SET ");
	for (i = 0; i < t->mask.n; i++) {
		if (strcasecmp(t->mask.v[i], t->subject) == 0)
			continue;
		sb_add_ident(sb, t->mask.v[i]);
		sb_adds(sb, " = NULL, ");
	}
	sb_add_ident(sb, t->subject);
	sb_adds(sb, " = NULL");
}

static int
prepare(struct eraser *e, sqlite3_stmt **st, struct strbuf *sb)
{
	*st = db_prepare(e->db, sb_str(sb));
	sb_reset(sb);
	return *st == NULL ? -1 : 0;
}

/*
 * sid_is: append `"col" IN (?1, ?9)`: one subject's rows, by the id as
 * eraser_bind_sid binds it and as text (bind_one_sid binds both), so a
 * link column of no type matches '7' as well as 7, as the batch's
 * lethe_batch does.
 */
static void
sid_is(struct strbuf *sb, const char *col)
{
	sb_add_ident(sb, col);
	sb_adds(sb, " IN (?1, ?9)");
}

/* bind_one_sid: bind sid to a statement built with sid_is. */
static void
bind_one_sid(const struct eraser *e, sqlite3_stmt *st, const char *sid)
{
	eraser_bind_sid(e, st, 1, sid);
	sqlite3_bind_text(st, 9, sid, -1, SQLITE_TRANSIENT);
}

static int
prepare_table(struct eraser *e, struct etable *et, int idx)
{
	const struct dmap_table *t = et->t;
	struct strbuf sb = STRBUF_INIT, sql = STRBUF_INIT;
	int retain = t->on_erase == ON_RETAIN;
	int how = retain ? t->after_hold : t->on_erase;
	int rc = -1;

	if (t->match != NULL && !e->once) {
		/* the index on h comes after the first, bulk sync */
		sb_addf(&sql, "CREATE TEMP TABLE IF NOT EXISTS lethe_ix_%d(rid "
			      "INTEGER PRIMARY KEY, v, h TEXT);"
			      "DROP INDEX IF EXISTS temp.lethe_ix_%d_h;"
			      "DELETE FROM temp.lethe_ix_%d;",
			idx, idx, idx);
		if (db_exec(e->db, sb_str(&sql), "index identifiers") != 0)
			goto done;
		sb_reset(&sql);
		et->idx = idx;
		/* every row, the first time (no lookup in what is there), in
		 * the table's own order: the temp table is appended to, where
		 * an index on the column would hand it rows in random order
		 * (at 1M subjects about 1 s less) */
		sb_addf(&sql, "INSERT OR REPLACE INTO temp.lethe_ix_%d(rid, v, "
			      "h) SELECT o.rowid, o.", idx);
		sb_add_ident(&sql, t->subject);
		sb_adds(&sql, ", ");
		hash_expr(&sql, t, "o.");
		sb_adds(&sql, " FROM main.");
		sb_add_ident(&sql, t->name);
		sb_adds(&sql, " AS o");
		sb_addf(&sb, "%s NOT INDEXED WHERE o.", sb_str(&sql));
		sb_add_ident(&sb, t->subject);
		sb_adds(&sb, " IS NOT NULL");
		if (prepare(e, &et->bulk, &sb) != 0)
			goto done;
		/* then rows new or changed since the last sync */
		sb_addf(&sql, " LEFT JOIN temp.lethe_ix_%d AS i ON i.rid = "
			      "o.rowid WHERE o.", idx);
		sb_add_ident(&sql, t->subject);
		sb_adds(&sql,
			" IS NOT NULL AND (i.rid IS NULL OR i.v IS NOT o.");
		sb_add_ident(&sql, t->subject);
		sb_adds(&sql, ")");
		if (prepare(e, &et->sync, &sql) != 0)
			goto done;
	}

	/* apply */
	link(&sb, et, idx, e->once);
	action(&sql, e, t, how);
	sb_addf(&sql, " WHERE %s", sb_str(&sb));
	if (retain) {
		sb_adds(&sql, " AND ");
		past_expr(&sql, t, "?3");
		sb_adds(&sql, " IS 1");
	}
	if (t->on_erase == ON_DELETE)
		et->where = xstrdup(sb_str(&sb));
	sb_reset(&sb);
	if (prepare(e, &et->apply, &sql) != 0)
		goto done;

	/* count the whole batch, grouped by subject id or by hash */
	if (t->match != NULL && e->once) {
		sb_adds(&sql, "SELECT h, count(*), 0, NULL, 0 FROM (SELECT ");
		hash_expr(&sql, t, "");
		sb_adds(&sql, " AS h FROM ");
		table(&sql, e, t->name);
		sb_adds(&sql, ") WHERE lethe_in_batch(h) GROUP BY h");
	} else if (t->match != NULL) {
		sb_addf(&sql, "SELECT i.h, count(*), 0, NULL, 0 FROM "
			      "temp.lethe_ix_%d AS i JOIN main.", idx);
		sb_add_ident(&sql, t->name);
		sb_adds(&sql, " AS o ON o.rowid = i.rid WHERE i.h IN (SELECT h "
			      "FROM temp.lethe_batch_h) AND ");
		hash_expr(&sql, t, "o.");
		sb_adds(&sql, " = i.h GROUP BY i.h");
	} else if (!retain) {
		/* grouped by the column itself, not its text: the groups
		 * then come in the index's order, with no sort (7 and '7'
		 * in a column of no type are two groups of one key) */
		sb_adds(&sql, "SELECT CAST(");
		sb_add_ident(&sql, t->subject);
		sb_adds(&sql, " AS TEXT), count(*), 0, NULL, 0 FROM ");
		table(&sql, e, t->name);
		sb_adds(&sql, " WHERE ");
		sid_test(&sql, e->once && et->text_sid, t->subject);
		sb_adds(&sql, " GROUP BY ");
		sb_add_ident(&sql, t->subject);
	} else {
		sb_adds(&sql, "SELECT CAST(c AS TEXT), count(*) FILTER (WHERE "
			      "p IS 1), count(*) FILTER (WHERE p IS NOT 1), "
			      "max(CASE WHEN p IS NOT 1 THEN u END), count(*) "
			      "FILTER (WHERE p IS NULL) FROM (SELECT ");
		sb_add_ident(&sql, t->subject);
		sb_adds(&sql, " AS c, ");
		past_expr(&sql, t, "?1");
		sb_adds(&sql, " AS p, ");
		until_expr(&sql, t);
		sb_adds(&sql, " AS u FROM ");
		table(&sql, e, t->name);
		sb_adds(&sql, " WHERE ");
		sid_test(&sql, e->once && et->text_sid, t->subject);
		sb_adds(&sql, ") GROUP BY c");
	}
	if (prepare(e, &et->group, &sql) != 0)
		goto done;

	if (retain && t->match == NULL) {
		action(&sql, e, t, t->after_hold);
		sb_adds(&sql, " WHERE ");
		sid_is(&sql, t->subject);
		sb_adds(&sql, " AND ");
		past_expr(&sql, t, "?2");
		sb_adds(&sql, " IS 1");
		if (prepare(e, &et->release, &sql) != 0)
			goto done;
		sb_adds(&sql, "SELECT count(*) FILTER (WHERE p IS 1), count(*) "
			      "FILTER (WHERE p IS NOT 1), count(*) FILTER "
			      "(WHERE p IS NULL) FROM (SELECT ");
		past_expr(&sql, t, "?2");
		sb_adds(&sql, " AS p FROM ");
		table(&sql, e, t->name);
		sb_adds(&sql, " WHERE ");
		sid_is(&sql, t->subject);
		sb_adds(&sql, ")");
		if (prepare(e, &et->release_count, &sql) != 0)
			goto done;
		sb_adds(&sql, "SELECT rowid FROM ");
		table(&sql, e, t->name);
		sb_adds(&sql, " WHERE ");
		sid_is(&sql, t->subject);
		sb_adds(&sql, " AND ");
		past_expr(&sql, t, "0");
		sb_adds(&sql, " IS NULL LIMIT 20");
		if (prepare(e, &et->undated, &sql) != 0)
			goto done;
	}
	rc = 0;
done:
	sb_release(&sb);
	sb_release(&sql);
	return rc;
}

static int
prepare_subjects(struct eraser *e, struct etable *et)
{
	const struct config *cfg = e->cfg;
	struct strbuf sql = STRBUF_INIT;

	sid_test(&sql, e->once && et->text_sid, cfg->subj_id);
	et->where = xstrdup(sb_str(&sql));
	sb_reset(&sql);
	sb_adds(&sql, "DELETE FROM ");
	table(&sql, e, cfg->subj_table);
	sb_addf(&sql, " WHERE %s", et->where);
	if (prepare(e, &et->apply, &sql) != 0)
		return -1;
	sb_adds(&sql, "SELECT CAST(");
	sb_add_ident(&sql, cfg->subj_id);
	sb_adds(&sql, " AS TEXT), count(*), 0, NULL, 0 FROM ");
	table(&sql, e, cfg->subj_table);
	sb_adds(&sql, " WHERE ");
	sid_test(&sql, e->once && et->text_sid, cfg->subj_id);
	sb_adds(&sql, " GROUP BY 1");
	if (prepare(e, &et->group, &sql) != 0)
		return -1;
	sb_release(&sql);
	return 0;
}

/* in_batch: whether 32-byte hash key is in the batch. */
static int
in_batch(const struct eraser *e, const unsigned char *key)
{
	return (e->base != NULL && hashset_get(e->base, key, NULL)) ||
	       hashset_get(e->batch_h, key, NULL);
}

/*
 * fn_in_batch: lethe_in_batch(H): 1 if hex hash H is in the batch;
 * lethe_in_batch(TYPE, VALUE): 1 if identifier VALUE of TYPE is (NULL
 * when it is not one, or no key is set).
 */
static void
fn_in_batch(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct eraser *e = sqlite3_user_data(cx);
	const char *h = (const char *)sqlite3_value_text(argv[0]);
	const char *v;
	char norm[IDENT_MAX];
	unsigned char key[32];

	if (h == NULL || e == NULL)
		return;
	if (argc == 1) {
		if (hex_key(h, (size_t)sqlite3_value_bytes(argv[0]), key) == 0)
			sqlite3_result_int(cx, in_batch(e, key));
		return;
	}
	v = (const char *)sqlite3_value_text(argv[1]);
	if (v == NULL || e->key == NULL ||
	    ident_normalise(h, v, (int)e->cfg->calling_code, norm) != 0)
		return;
	ident_hash_raw(e->key, h, norm, key);
	sqlite3_result_int(cx, in_batch(e, key));
}

/* text_affinity: whether declared type decl (NULL: none) gives a column
 * TEXT affinity, by SQLite's rules, which look for these anywhere in it. */
static int
text_affinity(const char *decl)
{
	decl = decl ? decl : "";
	return strcasestr(decl, "INT") == NULL &&
	       (strcasestr(decl, "CHAR") != NULL ||
		strcasestr(decl, "CLOB") != NULL ||
		strcasestr(decl, "TEXT") != NULL);
}

/*
 * integer_ids: whether column col of table (schema main), the subjects'
 * id, may hold integers: any affinity but TEXT (SQLite's rules on the
 * declared type; no type at all included).  Such an id, 7, is read as
 * the text "7" but must be compared as the integer 7 with a link column
 * that has no affinity, as the application's own joins compare it.  0
 * when the column is not there.
 */
static int
integer_ids(sqlite3 *db, const char *table, const char *col)
{
	const char *decl = NULL, *coll = NULL;
	int nn, pk, ai;

	if (sqlite3_table_column_metadata(db, "main", table, col, &decl, &coll,
					  &nn, &pk, &ai) != SQLITE_OK)
		return 0;
	return !text_affinity(decl);
}

/* as_integer: sid as the integer it spells plainly, into *v; 0 or -1. */
static int
as_integer(const struct eraser *e, const char *sid, int64_t *v)
{
	char back[32];

	if (!e->integer_sid || parse_int(sid, INT64_MIN, INT64_MAX, v) != 0)
		return -1;
	snprintf(back, sizeof(back), "%" PRId64, *v);
	return strcmp(back, sid) == 0 ? 0 : -1;
}

int
eraser_fts_changed(const struct eraser *e)
{
	int i;

	for (i = 1; i < e->n; i++)
		if (e->tab[i].fts_changed)
			return 1;
	return 0;
}

int
eraser_optimize_fts(struct eraser *e)
{
	struct strbuf sql = STRBUF_INIT;
	int i, rc = 0;

	for (i = 1; i < e->n && rc == 0; i++) {
		struct etable *et = &e->tab[i];

		if (!et->fts_changed)
			continue;
		sb_reset(&sql);
		sb_adds(&sql, "INSERT INTO main.");
		sb_add_ident(&sql, et->t->name);
		sb_adds(&sql, "(");
		sb_add_ident(&sql, et->t->name);
		sb_adds(&sql, ") VALUES ('optimize')");
		rc = db_exec(e->db, sb_str(&sql), "optimize a full-text index");
		et->fts_changed = 0;
	}
	sb_release(&sql);
	return rc;
}

int
eraser_has_subject(struct eraser *e, const char *sid)
{
	struct strbuf sql = STRBUF_INIT;
	int r;

	if (e->there == NULL) {
		sb_adds(&sql, "SELECT 1 FROM main.");
		sb_add_ident(&sql, e->cfg->subj_table);
		sb_adds(&sql, " WHERE ");
		sid_is(&sql, e->cfg->subj_id);
		e->there = db_prepare(e->db, sb_str(&sql));
		sb_release(&sql);
		if (e->there == NULL)
			return -1;
	}
	bind_one_sid(e, e->there, sid);
	r = sqlite3_step(e->there);
	sqlite3_reset(e->there);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(e->db, "read a subject");
	return r == SQLITE_ROW;
}

int
eraser_integer_ids(const struct eraser *e)
{
	return e->integer_sid;
}

void
eraser_bind_sid(const struct eraser *e, sqlite3_stmt *st, int i,
		const char *sid)
{
	int64_t v;

	if (as_integer(e, sid, &v) == 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_text(st, i, sid, -1, SQLITE_TRANSIENT);
}

/*
 * sid_column: whether column col of table (schema main) holds text
 * compared as bytes: TEXT affinity (SQLite's rules on the declared type)
 * and BINARY collation, not generated; *field gets its field in a record
 * (columns before it, but virtual generated ones).  Returns 1 or 0, or -1
 * after reporting.
 */
static int
sid_column(sqlite3 *db, const char *table, const char *col, int *field)
{
	const char *decl = NULL, *coll = NULL;
	sqlite3_stmt *st;
	int nn, pk, ai, r, text, found = 0;

	*field = -1;
	if (sqlite3_table_column_metadata(db, "main", table, col, &decl, &coll,
					  &nn, &pk, &ai) != SQLITE_OK)
		return 0;
	text = text_affinity(decl) && coll != NULL &&
	       strcasecmp(coll, "BINARY") == 0;
	if (!text)
		return 0;
	st = db_prepare(db, "SELECT name, hidden FROM pragma_table_xinfo(?1, "
			    "'main') ORDER BY cid");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	*field = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int hidden = sqlite3_column_int(st, 1);

		if (strcasecmp(db_text(st, 0), col) == 0) {
			found = hidden == 0;
			break;
		}
		if (hidden != 2)	/* a virtual column is not stored */
			(*field)++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(db, "read the schema");
	if (!found)
		*field = -1;
	return found;
}

/* is_fts: whether table (schema main) is a full-text virtual table,
 * whose index keeps an erased row's words until it is optimized.
 * Returns 1, 0, or -1 after reporting. */
static int
is_fts(sqlite3 *db, const char *table)
{
	return db_table_like(db, table, "CREATE VIRTUAL TABLE%USING fts%");
}

static struct eraser *
make(sqlite3 *db, const struct config *cfg, int64_t now,
     struct strset *sids)
{
	struct eraser *e = xcalloc(1, sizeof(*e));
	int i, p, once = sids != NULL;

	e->once = once;
	e->sids = sids;
	e->db = db;
	e->cfg = cfg;
	e->now = now;
	e->n = cfg->ntables + 1;
	e->tab = xcalloc((size_t)e->n, sizeof(*e->tab));
	if (once) {
		e->batch_h = hashset_new();
		if (sqlite3_create_function(db, "lethe_in_batch", 1,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY, e,
					    fn_in_batch, NULL, NULL) !=
			    SQLITE_OK ||
		    sqlite3_create_function(db, "lethe_in_batch", 2,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY, e,
					    fn_in_batch, NULL, NULL) !=
			    SQLITE_OK) {
			db_fail(db, "register lethe_in_batch");
			goto fail;
		}
		if (sqlfn_register_set(db, "lethe_in_sids", sids) != 0)
			goto fail;
	}
	/* ids that may be integers are staged as both the integer and its
	 * text, in a column of no affinity: a link column matches in the
	 * type it holds, through its own index (see integer_ids) */
	e->integer_sid = integer_ids(db, cfg->subj_table, cfg->subj_id);
	if (db_exec(db, e->integer_sid
			    ? "CREATE TEMP TABLE IF NOT EXISTS lethe_batch(sid "
			      "PRIMARY KEY);"
			    : "CREATE TEMP TABLE IF NOT EXISTS lethe_batch(sid "
			      "TEXT PRIMARY KEY);",
		    "stage a batch") != 0 ||
	    db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS lethe_batch_h(h TEXT "
			"PRIMARY KEY);"
			"CREATE TEMP TABLE IF NOT EXISTS lethe_synced(v);"
			"DELETE FROM temp.lethe_batch;"
			"DELETE FROM temp.lethe_batch_h;"
			"DELETE FROM temp.lethe_synced;",
		    "stage a batch") != 0)
		goto fail;
	e->add_sid = db_prepare(db, "INSERT OR IGNORE INTO temp.lethe_batch"
				    "(sid) VALUES (?1)");
	e->add_hash = db_prepare(db, "INSERT OR IGNORE INTO "
				     "temp.lethe_batch_h(h) VALUES (?1)");
	e->set_synced = db_prepare(db, "INSERT INTO temp.lethe_synced(v) "
				       "VALUES (?1)");
	if (e->add_sid == NULL || e->add_hash == NULL || e->set_synced == NULL)
		goto fail;
	p = db_has_table(db, cfg->subj_table);
	if (p < 0)
		goto fail;
	e->tab[0].present = p;
	e->tab[0].field = -1;
	if (p && once)
		e->tab[0].text_sid = sid_column(db, cfg->subj_table,
						cfg->subj_id, &e->tab[0].field);
	if (e->tab[0].text_sid < 0 ||
	    (p && prepare_subjects(e, &e->tab[0]) != 0))
		goto fail;
	for (i = 0; i < cfg->ntables; i++) {
		struct etable *et = &e->tab[i + 1];

		et->t = &cfg->tables[i];
		et->field = -1;
		p = db_has_table(db, et->t->name);
		if (p < 0)
			goto fail;
		et->present = p;
		if (p && (et->fts = is_fts(db, et->t->name)) < 0)
			goto fail;
		if (p && once && et->t->match == NULL)
			et->text_sid = sid_column(db, et->t->name,
						  et->t->subject, &et->field);
		if (et->text_sid < 0 || (p && prepare_table(e, et, i) != 0))
			goto fail;
	}
	return e;
fail:
	eraser_free(e);
	return NULL;
}

struct eraser *
eraser_new(sqlite3 *db, const struct config *cfg, int64_t now)
{
	return make(db, cfg, now, NULL);
}

struct eraser *
eraser_new_once(sqlite3 *db, const struct config *cfg, int64_t now,
		const struct key *k, struct strset *sids)
{
	struct eraser *e = make(db, cfg, now, sids);

	if (e != NULL)
		e->key = k;
	return e;
}

void
eraser_free(struct eraser *e)
{
	int i;

	if (e == NULL)
		return;
	sqlite3_finalize(e->there);
	for (i = 0; i < e->n; i++) {
		sqlite3_finalize(e->tab[i].apply);
		sqlite3_finalize(e->tab[i].group);
		sqlite3_finalize(e->tab[i].sync);
		sqlite3_finalize(e->tab[i].bulk);
		sqlite3_finalize(e->tab[i].release);
		sqlite3_finalize(e->tab[i].release_count);
		sqlite3_finalize(e->tab[i].undated);
		sqlite3_finalize(e->tab[i].collect);
		free(e->tab[i].where);
	}
	sqlite3_finalize(e->add_sid);
	sqlite3_finalize(e->add_hash);
	sqlite3_finalize(e->set_synced);
	redactor_free(e->rx);
	if (e->batch_h != NULL) {	/* the function must not outlive e */
		sqlite3_create_function(e->db, "lethe_in_batch", 1,
					SQLITE_UTF8, NULL, NULL, NULL, NULL);
		sqlite3_create_function(e->db, "lethe_in_batch", 2,
					SQLITE_UTF8, NULL, NULL, NULL, NULL);
		sqlfn_register_set(e->db, "lethe_in_sids", NULL);
	}
	free(e->by_value);
	hashset_free(e->batch_h);
	free(e->tab);
	free(e);
}

int
eraser_set_key(struct eraser *e, const struct key *k)
{
	int err;

	redactor_free(e->rx);
	e->key = k;
	e->rx = redactor_new(e->db, e->cfg, k, &err);
	redactor_skip(e->rx, e->sets, e->by_value, e->sids);
	return err ? -1 : 0;
}

int
eraser_collect(struct eraser *e, struct rowset **sets, int *field)
{
	struct strbuf sql = STRBUF_INIT;
	int i, plain, rc = -1;

	e->sets = sets;
	e->by_value = xcalloc((size_t)e->n, sizeof(*e->by_value));
	for (i = 0; i < e->n; i++) {
		struct etable *et = &e->tab[i];
		const char *name = tally_name(e->cfg, i);

		field[i] = -1;
		/* a full-text table is a virtual one: its rows live in
		 * tables of its own, reached only through it */
		if (!et->present || et->where == NULL || et->fts)
			continue;
		plain = db_plain_rowids(e->db, name);
		if (plain < 0)
			goto done;
		if (!plain)
			continue;	/* deleted as before */
		et->set = sets[i];
		if (e->once && et->text_sid && et->field >= 0) {
			/* the copier reads the subject column itself */
			e->by_value[i] = 1;
			field[i] = et->field;
			continue;
		}
		sb_reset(&sql);
		sb_adds(&sql, "SELECT rowid FROM ");
		table(&sql, e, name);
		sb_addf(&sql, " WHERE %s", et->where);
		if (prepare(e, &et->collect, &sql) != 0)
			goto done;
	}
	redactor_skip(e->rx, sets, e->by_value, e->sids);
	rc = 0;
done:
	sb_release(&sql);
	return rc;
}

/* collect: the rowids of et's collect statement into its set; *added
 * gets those not there yet. */
static int
collect(struct eraser *e, struct etable *et, int64_t *added)
{
	int r;

	*added = 0;
	while ((r = sqlite3_step(et->collect)) == SQLITE_ROW)
		*added += rowset_add(et->set,
				     sqlite3_column_int64(et->collect, 0));
	sqlite3_reset(et->collect);
	return r == SQLITE_DONE ? 0 : db_fail(e->db, "erase");
}

void
eraser_set_now(struct eraser *e, int64_t now)
{
	e->now = now;
}

/* run_on: step st, which changes table (or NULL: lethe's own), to
 * completion; the changes it made into *changed.  Returns 0, or -1 after
 * reporting, naming the table. */
static int
run_on(struct eraser *e, sqlite3_stmt *st, int64_t *changed,
       const char *table)
{
	char what[300];
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (table == NULL)
			return db_fail(e->db, "erase");
		snprintf(what, sizeof(what), "erase from table '%s'", table);
		return db_fail(e->db, what);
	}
	if (changed != NULL)
		*changed = sqlite3_changes64(e->db);
	return 0;
}

/* run: run_on for lethe's own statements. */
static int
run(struct eraser *e, sqlite3_stmt *st, int64_t *changed)
{
	return run_on(e, st, changed, NULL);
}

/*
 * indexed: whether temp.lethe_ix_IDX has its index on hashes yet, into
 * *have (a rolled back batch takes the index back with it, so it is looked
 * for rather than remembered).  Returns 0, or -1 after reporting.
 */
static int
indexed(struct eraser *e, int idx, int *have)
{
	char name[64];
	sqlite3_stmt *st;
	int rc;

	snprintf(name, sizeof(name), "lethe_ix_%d_h", idx);
	st = db_prepare(e->db, "SELECT count(*) FROM temp.sqlite_schema WHERE "
			       "name = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(e->db, "index identifiers");
}

/*
 * index_hashes: index temp.lethe_ix_IDX on its hashes, once it holds its
 * first, bulk sync.  The sort that builds it may hold as much memory as
 * the main page cache is large; a smaller cache meanwhile keeps peak
 * memory from growing with the table (the sort spills to a temp file
 * instead).
 */
static int
index_hashes(struct eraser *e, int idx)
{
	char sql[256];
	int64_t cache;

	if (db_int(e->db, "PRAGMA main.cache_size", &cache) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA main.cache_size = -%d; CREATE INDEX "
		 "temp.lethe_ix_%d_h ON lethe_ix_%d(h); PRAGMA main.cache_size "
		 "= %lld;", SORT_KIB, idx, idx, (long long)cache);
	return db_exec(e->db, sql, "index identifiers");
}

/* sync_table: bring table et's temp hash index up to date.  Returns 0, or
 * -1 after reporting. */
static int
sync_table(struct eraser *e, struct etable *et)
{
	int have;

	if (indexed(e, et->idx, &have) != 0)
		return -1;
	if (have)
		return run(e, et->sync, NULL);
	return run(e, et->bulk, NULL) != 0 || index_hashes(e, et->idx) != 0
		       ? -1 : 0;
}

int
eraser_sync(struct eraser *e)
{
	int64_t version, synced;
	int i;

	/*
	 * data_version changes only when another connection (the
	 * application) commits; our own deletes and masks cannot make the
	 * index miss a row, so without that there is nothing to refresh.
	 * The version synced is kept in a temp table, so that a rolled back
	 * transaction takes it back with the index rows it wrote.
	 */
	if (redactor_sync(e->rx) != 0)
		return -1;
	if (db_int(e->db, "PRAGMA data_version", &version) != 0 ||
	    db_int(e->db, "SELECT coalesce(max(v), -1) FROM temp.lethe_synced",
		   &synced) != 0)
		return -1;
	if (synced == version)
		return 0;
	for (i = 0; i < e->n; i++)
		if (e->tab[i].sync != NULL && sync_table(e, &e->tab[i]) != 0)
			return -1;
	sqlite3_bind_int64(e->set_synced, 1, version);
	return run(e, e->set_synced, NULL);
}

void
eraser_set_base(struct eraser *e, const struct hashset *h)
{
	if (e->batch_h != NULL)
		e->base = h;
}

int
eraser_clear(struct eraser *e)
{
	redactor_clear(e->rx);
	if (e->batch_h != NULL) {
		hashset_free(e->batch_h);
		e->batch_h = hashset_new();
		e->base = NULL;
	}
	return db_exec(e->db, "DELETE FROM temp.lethe_batch; "
			      "DELETE FROM temp.lethe_batch_h;",
		       "stage a batch");
}

int
eraser_add(struct eraser *e, const char *sid, const char *ids)
{
	struct ids_item it;
	const char *p = ids;

	if (sid != NULL) {
		int64_t v;

		/* its text, and the integer it may spell (integer_ids) */
		sqlite3_bind_text(e->add_sid, 1, sid, -1, SQLITE_TRANSIENT);
		if (run(e, e->add_sid, NULL) != 0)
			return -1;
		if (as_integer(e, sid, &v) == 0) {
			sqlite3_bind_int64(e->add_sid, 1, v);
			if (run(e, e->add_sid, NULL) != 0)
				return -1;
		}
		if (e->sids != NULL)
			strset_add(e->sids, sid, strlen(sid));
	}
	redactor_add(e->rx, ids);
	while (ids_next(&p, &it)) {
		if (e->batch_h != NULL) {	/* once: in memory only */
			if (it.has_key && (e->base == NULL ||
					   !hashset_get(e->base, it.key, NULL)))
				hashset_put(e->batch_h, it.key, 1);
			continue;
		}
		sqlite3_bind_text(e->add_hash, 1, it.hex, (int)it.hex_len,
				  SQLITE_TRANSIENT);
		if (run(e, e->add_hash, NULL) != 0)
			return -1;
	}
	return 0;
}

int
eraser_count(struct eraser *e, const char *sid, const char *ids,
	     struct erase_tally *t)
{
	char *sids[1], *idl[1];

	sids[0] = (char *)sid;
	idl[0] = (char *)ids;
	if (eraser_clear(e) != 0 || eraser_add(e, sid, ids) != 0)
		return -1;
	return eraser_count_batch(e, 1, sids, idl, t);
}

/* key_of: the 32-byte set key of a subject id or a hex hash. */
static void
key_of(const char *s, size_t len, int hash, unsigned char *key)
{
	if (hash && hex_key(s, len, key) == 0)
		return;
	sha_raw(s, len, key);
}

/* add_group: a grouped count's row (rows, held, until, undated) into tv:
 * the counts added, the later until kept (one subject may have two
 * groups: 7 and '7'). */
static void
add_group(struct erase_tally *tv, sqlite3_stmt *group, int j)
{
	tv->rows[j] += sqlite3_column_int64(group, 1);
	tv->held[j] += sqlite3_column_int64(group, 2);
	if (sqlite3_column_type(group, 3) != SQLITE_NULL &&
	    (tv->until[j] == NULL ||
	     strcmp(db_text(group, 3), tv->until[j]) > 0)) {
		free(tv->until[j]);
		tv->until[j] = db_dup(group, 3);
	}
	tv->undated[j] += sqlite3_column_int64(group, 4);
}

int
eraser_count_batch(struct eraser *e, int n, char *const *sids,
		   char *const *ids, struct erase_tally *t)
{
	struct hashset *by_sid = hashset_new(), *by_hash = hashset_new();
	struct ids_item it;
	unsigned char key[32];
	int64_t v;
	int *next_sid = xcalloc((size_t)n + 1, sizeof(int));
	int nitems = 0, cap = 0, i, j, r, rc = -1;
	int *item_victim = NULL, *item_next = NULL;

	for (i = 0; i < n; i++) {
		const char *p = ids[i];

		tally_zero(&t[i]);
		if (sids[i] != NULL) {
			key_of(sids[i], strlen(sids[i]), 0, key);
			next_sid[i] = hashset_get(by_sid, key, &v)
			    ? (int)v : -1;
			hashset_put_replace(by_sid, key, i);
		}
		while (ids_next(&p, &it)) {
			if (nitems == cap) {
				cap = cap ? cap * 2 : 256;
				item_victim = xrealloc(item_victim,
				    sizeof(int) * (size_t)cap);
				item_next = xrealloc(item_next,
						     sizeof(int) * (size_t)cap);
			}
			key_of(it.hex, it.hex_len, 1, key);
			item_victim[nitems] = i;
			item_next[nitems] = hashset_get(by_hash, key, &v)
						    ? (int)v : -1;
			hashset_put_replace(by_hash, key, nitems);
			nitems++;
		}
	}
	for (j = 0; j < e->n; j++) {
		struct etable *et = &e->tab[j];
		int byhash = j > 0 && et->t->match != NULL;

		if (!et->present)
			continue;
		if (j > 0 && et->t->on_erase == ON_RETAIN)
			sqlite3_bind_int64(et->group, 1, e->now);
		while ((r = sqlite3_step(et->group)) == SQLITE_ROW) {
			const char *k = db_text(et->group, 0);
			int at;

			key_of(k, strlen(k), byhash, key);
			if (!hashset_get(byhash ? by_hash : by_sid, key, &v))
				continue;
			/* rows linked by a key several victims share are
			 * counted once, for the first of them */
			for (at = (int)v;
			     (byhash ? item_next[at] : next_sid[at]) >= 0;
			     at = byhash ? item_next[at] : next_sid[at])
				;
			add_group(&t[byhash ? item_victim[at] : at], et->group,
				  j);
		}
		sqlite3_reset(et->group);
		if (r != SQLITE_DONE) {
			db_fail(e->db, "count rows to erase");
			goto done;
		}
	}
	rc = 0;
done:
	hashset_free(by_sid);
	hashset_free(by_hash);
	free(next_sid);
	free(item_victim);
	free(item_next);
	return rc;
}

int
eraser_each_held(struct eraser *e,
		 int (*fn)(void *arg, int table, const char *sid,
			   int64_t held, const char *until, int64_t undated),
		 void *arg)
{
	int j, r = SQLITE_DONE, rc = 0;

	for (j = 1; rc == 0 && j < e->n; j++) {
		struct etable *et = &e->tab[j];

		if (!et->present || et->t->on_erase != ON_RETAIN)
			continue;
		sqlite3_bind_int64(et->group, 1, e->now);
		while (rc == 0 && (r = sqlite3_step(et->group)) == SQLITE_ROW)
			if (sqlite3_column_int64(et->group, 2) > 0)
				rc = fn(arg, j - 1, db_text(et->group, 0),
					sqlite3_column_int64(et->group, 2),
					(const char *)sqlite3_column_text(
						et->group, 3),
					sqlite3_column_int64(et->group, 4));
		sqlite3_reset(et->group);
		if (rc == 0 && r != SQLITE_DONE)
			rc = db_fail(e->db, "count held rows");
	}
	return rc;
}

int
eraser_apply_collect(struct eraser *e, struct erase_tally *t)
{
	int64_t added;
	int i;

	for (i = e->n - 1; i >= 0; i--) {
		struct etable *et = &e->tab[i];

		if (!et->present || et->collect == NULL)
			continue;
		if (collect(e, et, &added) != 0)
			return -1;
		t->rows[i] += added;
	}
	e->collected = 1;
	return 0;
}

int
eraser_apply(struct eraser *e, struct erase_tally *t)
{
	int64_t changed = 0;
	int i;

	if (!e->collected && eraser_apply_collect(e, t) != 0)
		return -1;
	e->collected = 0;
	/* linked rows first, the subjects rows last */
	for (i = e->n - 1; i >= 0; i--) {
		struct etable *et = &e->tab[i];

		if (!et->present || et->collect != NULL ||
		    (e->by_value != NULL && e->by_value[i]))
			continue;
		if (i > 0 && et->t->on_erase == ON_RETAIN)
			sqlite3_bind_int64(et->apply, 3, e->now);
		if (run_on(e, et->apply, &changed,
			   i == 0 ? e->cfg->subj_table : et->t->name) != 0)
			return -1;
		t->rows[i] += changed;
		if (et->fts && changed > 0)
			et->fts_changed = 1;
	}
	/* then other people's free text that names them */
	return redactor_apply(e->rx, &t->redacted);
}

void
eraser_warn_undated(struct eraser *e, int ti, const char *sid)
{
	struct etable *et = &e->tab[ti + 1];
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!et->present || et->undated == NULL || sid == NULL)
		return;
	bind_one_sid(e, et->undated, sid);
	while ((r = sqlite3_step(et->undated)) == SQLITE_ROW)
		sb_addf(&sb, "%s%lld", sb.len ? ", " : "",
			sqlite3_column_int64(et->undated, 0));
	sqlite3_reset(et->undated);
	if (sb.len > 0)
		log_warn("table '%s' row%s %s of subject %s: no readable '%s'; "
			 "held until a date is set", et->t->name,
			 strchr(sb.buf, ',') ? "s" : "", sb.buf, sid,
			 et->t->date);
	sb_release(&sb);
}

int
eraser_release(struct eraser *e, int ti, const char *sid, int64_t at,
	       int dry, int64_t *rows, int64_t *remaining)
{
	struct etable *et = &e->tab[ti + 1];
	sqlite3_stmt *st = et->release_count;
	int r, undated = 0;

	*rows = *remaining = 0;
	if (!et->present || st == NULL)
		return 0;
	bind_one_sid(e, st, sid);
	sqlite3_bind_int64(st, 2, at);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*rows = sqlite3_column_int64(st, 0);
		*remaining = sqlite3_column_int64(st, 1);
		undated = sqlite3_column_int64(st, 2) > 0;
	}
	sqlite3_reset(st);
	if (r != SQLITE_ROW)
		return db_fail(e->db, "count held rows");
	if (undated && dry)
		eraser_warn_undated(e, ti, sid);
	if (dry || *rows == 0)
		return 0;
	bind_one_sid(e, et->release, sid);
	sqlite3_bind_int64(et->release, 2, at);
	return run_on(e, et->release, rows, et->t->name);
}

void
tally_init(struct erase_tally *t, const struct config *cfg)
{
	t->n = cfg->ntables + 1;
	t->redacted = 0;
	t->rows = xcalloc((size_t)t->n, sizeof(*t->rows));
	t->held = xcalloc((size_t)t->n, sizeof(*t->held));
	t->undated = xcalloc((size_t)t->n, sizeof(*t->undated));
	t->until = xcalloc((size_t)t->n, sizeof(*t->until));
}

void
tally_zero(struct erase_tally *t)
{
	int i;

	t->redacted = 0;
	for (i = 0; i < t->n; i++) {
		t->rows[i] = t->held[i] = t->undated[i] = 0;
		free(t->until[i]);
		t->until[i] = NULL;
	}
}

void
tally_release(struct erase_tally *t)
{
	if (t->rows == NULL)
		return;
	tally_zero(t);
	free(t->rows);
	free(t->held);
	free(t->undated);
	free(t->until);
	memset(t, 0, sizeof(*t));
}

const char *
tally_name(const struct config *cfg, int i)
{
	return i == 0 ? cfg->subj_table : cfg->tables[i - 1].name;
}

void
tally_json(const struct erase_tally *t, const struct config *cfg, int held,
	   struct strbuf *sb)
{
	int i, first = 1;

	sb_addc(sb, '{');
	for (i = 0; i < t->n; i++) {
		int64_t v = held ? t->held[i] : t->rows[i];

		if (v == 0)
			continue;
		if (!first)
			sb_addc(sb, ',');
		sb_add_json(sb, tally_name(cfg, i));
		sb_addf(sb, ":%lld", (long long)v);
		first = 0;
	}
	sb_addc(sb, '}');
}

void
tally_text(const struct erase_tally *t, const struct config *cfg,
	   struct strbuf *sb)
{
	int i, first = 1;

	for (i = 0; i < t->n; i++) {
		if (t->rows[i] == 0)
			continue;
		sb_addf(sb, "%s%s %lld", first ? "" : ", ", tally_name(cfg, i),
			(long long)t->rows[i]);
		first = 0;
	}
	if (first)
		sb_adds(sb, "no rows");
}
