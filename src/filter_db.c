/*
 * filter_db.c: SQLite databases found in an archive.
 *
 * Opened defensively (filter_check.c: defensive mode, no trusted schema,
 * no triggers or views, no extensions, a progress handler bounding the
 * work), with quick_check in a second thread: nothing is changed before
 * it has passed.  A database holding the data map's subjects table gets
 * the tombstones applied through the data map; every database is scanned
 * for residue and, in apply mode, vacuumed into a fresh file so that
 * deleted rows do not linger in free pages (the scan reading the pages
 * beside the vacuum, filter_raw.c, when it can).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "db.h"
#include "erase.h"
#include "extract.h"
#include "filter_priv.h"
#include "fsutil.h"
#include "hashset.h"
#include "ident.h"
#include "log.h"
#include "sqlfn.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* bad_db: report a database the filter cannot use; input at fault. */
static int
bad_db(struct filter *f, const char *rel, sqlite3 *db, const char *what)
{
	log_err("refusing archive: database '%s': %s%s%s", printable(rel), what,
		db ? ": " : "", db ? sqlite3_errmsg(db) : "");
	f->hostile = 1;
	return -1;
}

/* checked: wait for the quick_check of c; report a database failing it. */
static int
checked(struct filter *f, const char *rel, struct db_check *c)
{
	if (filter_check_wait(c) == 1)
		return 0;
	if (!c->reported)
		log_err("refusing archive: database '%s': corrupt or not usable "
			"(quick_check failed): %s", printable(rel), c->why);
	c->reported = 1;
	f->hostile = 1;
	return -1;
}

/*
 * subjects_query: "SELECT s.id, s.ident1, ... FROM main.subjects AS s
 * WHERE s.id " and cond, into sb.
 */
static void
subjects_query(const struct config *cfg, const char *cond, struct strbuf *sb)
{
	sb_adds(sb, "SELECT ");
	subject_columns(cfg, sb);
	sb_adds(sb, " FROM main.");
	sb_add_ident(sb, cfg->subj_table);
	sb_adds(sb, " AS s WHERE s.");
	sb_add_ident(sb, cfg->subj_id);
	sb_addf(sb, " %s", cond);
}

/* warn_undated: name the rows of a [purge] table without a readable
 * date; they are left untouched. */
static int
warn_undated(sqlite3 *db, const struct purge_rule *p)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int r, n = 0;

	sb_adds(&sql, "SELECT rowid FROM main.");
	sb_add_ident(&sql, p->name);
	sb_adds(&sql, " WHERE lethe_past(");
	sb_add_ident(&sql, p->date);
	sb_addf(&sql, ", %d, %d, %d) IS NULL LIMIT 6", p->keep.n,
		(int)p->keep.unit, p->date_format);
	st = db_prepare(db, sb_str(&sql));
	sb_release(&sql);
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (n++ < LOG_MAX_ROWS)
			log_warn("[purge %s]: row %lld has no readable date in "
				 "'%s'; left untouched", p->name,
				 sqlite3_column_int64(st, 0), p->date);
	sqlite3_finalize(st);
	if (n > LOG_MAX_ROWS)
		log_warn("[purge %s]: %d more rows without a readable date "
			 "left untouched", p->name, n - LOG_MAX_ROWS);
	return r == SQLITE_DONE ? 0 : db_fail(db, "read");
}

/* purge: the [purge] rules as of now (count mode: only counted). */
static int
purge(struct filter *f, sqlite3 *db)
{
	const struct config *cfg = f->cfg;
	struct strbuf sql = STRBUF_INIT;
	int64_t n;
	int i, rc = 0;

	for (i = 0; i < cfg->npurges && rc == 0; i++) {
		const struct purge_rule *p = &cfg->purges[i];

		if (!db_has_table(db, p->name))
			continue;
		sb_reset(&sql);
		sb_adds(&sql, f->mode == FILTER_APPLY ? "DELETE FROM main."
						      : "SELECT count(*) FROM "
							"main.");
		sb_add_ident(&sql, p->name);
		sb_adds(&sql, " WHERE lethe_past(");
		sb_add_ident(&sql, p->date);
		sb_addf(&sql, ", %d, %d, %d) IS 1", p->keep.n, (int)p->keep.unit,
			p->date_format);
		if (warn_undated(db, p) != 0) {
			rc = -1;
			break;
		}
		if (f->mode == FILTER_APPLY) {
			rc = db_exec(db, sb_str(&sql), "purge");
			f->st.purged += sqlite3_changes64(db);
		} else {
			rc = db_int(db, sb_str(&sql), &n);
			f->st.purged += n;
		}
	}
	sb_release(&sql);
	return rc;
}

/* The places count mode attributes: a subject's rows, or a newer
 * tombstone's identifier-linked rows. */
struct counted {
	char **sids;
	char **ids;
	int *tomb;
	int n, cap;
};

static void
counted_add(struct counted *c, const char *sid, const char *ids, int tomb)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->sids = xrealloc(c->sids, sizeof(*c->sids) * (size_t)c->cap);
		c->ids = xrealloc(c->ids, sizeof(*c->ids) * (size_t)c->cap);
		c->tomb = xrealloc(c->tomb, sizeof(*c->tomb) * (size_t)c->cap);
	}
	c->sids[c->n] = sid ? xstrdup(sid) : NULL;
	c->ids[c->n] = xstrdup(ids);
	c->tomb[c->n] = tomb;
	c->n++;
}

static void
counted_release(struct counted *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free(c->sids[i]);
		free(c->ids[i]);
	}
	free(c->sids);
	free(c->ids);
	free(c->tomb);
}

/*
 * count_subjects: count mode: what erasure would do, attributed to the
 * tombstones: each subject the batch holds, then the rows linked only by
 * identifier to newer tombstones not already counted through a subject;
 * counted for all at once.
 */
static int
count_subjects(struct filter *f, sqlite3 *db, struct eraser *er,
	       const char *rel)
{
	const struct config *cfg = f->cfg;
	struct strbuf sql = STRBUF_INIT, ids = STRBUF_INIT, what = STRBUF_INIT;
	struct counted c;
	struct erase_tally *t = NULL;
	sqlite3_stmt *st = NULL;
	char norm[IDENT_MAX], hex[HASH_HEX];
	char *seen = xcalloc((size_t)f->ntombs + 1, 1);
	int i, j, k, r, rc = -1, subjects;

	memset(&c, 0, sizeof(c));
	subjects_query(cfg, "IN (SELECT sid FROM temp.lethe_batch)", &sql);
	st = db_prepare(db, sb_str(&sql));
	if (st == NULL)
		goto done;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sid = db_text(st, 0);
		int tomb = filter_sid(f, sid);

		sb_reset(&ids);
		for (j = 0; j < cfg->subj_ids.n; j++) {
			const char *v = (const char *)sqlite3_column_text(st,
									  j + 1);
			const char *type = cfg->subj_ids.type[j];

			if (v == NULL || ident_normalise(type, v,
							 (int)cfg->calling_code,
							 norm) != 0)
				continue;
			if (tomb < 0)
				tomb = filter_ident(f, type, norm);
			ident_hash(f->key, type, norm, hex);
			sb_addf(&ids, "%s%s:%s", ids.len ? " " : "", type, hex);
		}
		if (tomb < 0)
			continue;
		seen[tomb] = 1;
		counted_add(&c, sid, sb_str(&ids), tomb);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r != SQLITE_DONE) {
		db_fail(db, "read subjects");
		goto done;
	}
	subjects = c.n;
	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].newer && !seen[i])
			counted_add(&c, NULL, f->tombs[i].ids, i);
	t = xcalloc((size_t)c.n + 1, sizeof(*t));
	for (i = 0; i < c.n; i++)
		tally_init(&t[i], cfg);
	if (eraser_count_batch(er, c.n, c.sids, c.ids, t) != 0)
		goto done;
	for (i = 0; i < c.n; i++) {
		for (k = i < subjects ? 0 : 1; k < t[i].n && t[i].rows[k] == 0;
		     k++)
			;
		if (k == t[i].n)
			continue;
		sb_reset(&what);
		tally_text(&t[i], cfg, &what);
		if (i < subjects) {
			filter_hit(f, c.tomb[i], rel, "%s", sb_str(&what));
			f->st.subjects++;
		} else {
			filter_hit(f, c.tomb[i], rel,
				   "rows linked by identifier: %s",
				   sb_str(&what));
		}
		for (k = 0; k < t[i].n; k++)
			f->st.tally.rows[k] += t[i].rows[k];
	}
	rc = 0;
done:
	for (i = 0; t != NULL && i < c.n; i++)
		tally_release(&t[i]);
	free(t);
	counted_release(&c);
	free(seen);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&ids);
	sb_release(&what);
	return rc;
}

/* hex_of: append 32 bytes as 64 lowercase hex digits. */
static void
hex_of(const unsigned char *raw, struct strbuf *sb)
{
	char hex[65];

	hex_encode(raw, 32, hex);
	sb_add(sb, hex, 64);
}

/*
 * match_subjects: one pass over the subjects table: a subject named by a
 * tombstone, or whose identifier is a newer erasure's, joins the batch
 * with its own identifier hashes (for the tables linked by identifier and
 * for free text); one matched by identifier is noted so its per-subject
 * paths go too.
 */
static int
match_subjects(struct filter *f, sqlite3 *db, struct eraser *er)
{
	const struct config *cfg = f->cfg;
	struct strbuf sql = STRBUF_INIT, ids = STRBUF_INIT;
	sqlite3_stmt *st;
	char norm[IDENT_MAX];
	int n = cfg->subj_ids.n, j, r, rc = -1;
	unsigned char *raw = xmalloc((size_t)n * 32 + 1);
	char *have = xmalloc((size_t)n + 1);

	subjects_query(cfg, "IS NOT NULL", &sql);
	st = db_prepare(db, sb_str(&sql));
	if (st == NULL)
		goto done;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sid = db_text(st, 0);
		int by_id = filter_sid(f, sid), tomb = by_id;

		/* each identifier hashed once: looked up, kept if matched */
		for (j = 0; j < n; j++) {
			const char *v = (const char *)sqlite3_column_text(st,
									  j + 1);
			const char *type = cfg->subj_ids.type[j];
			int64_t t;

			have[j] = v != NULL &&
				  ident_normalise(type, v,
						  (int)cfg->calling_code,
						  norm) == 0;
			if (!have[j])
				continue;
			ident_hash_raw(f->key, type, norm, raw + 32 * j);
			if (tomb < 0 && hashset_get(f->by_hash, raw + 32 * j,
						    &t))
				tomb = (int)t;
		}
		if (tomb < 0)
			continue;
		sb_reset(&ids);
		for (j = 0; j < n; j++) {
			if (!have[j])
				continue;
			if (ids.len)
				sb_adds(&ids, " ");
			sb_adds(&ids, cfg->subj_ids.type[j]);
			sb_adds(&ids, ":");
			hex_of(raw + 32 * j, &ids);
		}
		if (by_id < 0)
			filter_note_subject(f, sid, tomb);
		if (eraser_add(er, sid, sb_str(&ids)) != 0)
			goto done;
	}
	if (r != SQLITE_DONE) {
		db_fail(db, "read subjects");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&ids);
	free(raw);
	free(have);
	return rc;
}

/* replay_releases: the ledger's hold releases, each as of its time. */
static int
replay_releases(struct filter *f, struct eraser *er, struct erase_tally *t)
{
	int64_t rows, remaining;
	int i, ti;

	for (i = 0; i < f->nreleases; i++) {
		const struct filter_release *rl = &f->releases[i];

		for (ti = 0; ti < f->cfg->ntables; ti++)
			if (strcmp(f->cfg->tables[ti].name, rl->table) == 0 &&
			    f->cfg->tables[ti].on_erase == ON_RETAIN)
				break;
		if (ti == f->cfg->ntables)
			continue;
		if (eraser_release(er, ti, rl->sid, rl->at, 0, &rows,
				   &remaining) != 0)
			return -1;
		t->rows[ti + 1] += rows;
	}
	return 0;
}

/*
 * apply_map: erase every tombstone's subject through the data map (count
 * mode counts per tombstone first; the staged copy is changed either way,
 * so the residue scan that follows sees what a restore would keep).  The
 * subjects are matched while chk's quick_check runs; nothing is changed
 * before it has passed.
 */
static int
apply_map(struct filter *f, sqlite3 *db, const char *rel,
	  struct db_check *chk)
{
	struct eraser *er = NULL;
	char what[4096];
	int64_t before = f->st.tally.rows[0];
	int i, rc = -1;

	snprintf(what, sizeof(what), "restored database '%s'", printable(rel));
	if (config_check_store(f->cfg, db, what, 1) != 0) {
		f->hostile = 1;
		return -1;
	}
	if (sqlfn_register(db, &f->fn) != 0)
		return -1;
	er = eraser_new_once(db, f->cfg, f->now);
	if (er == NULL)
		return -1;
	if (eraser_set_key(er, f->key) != 0) {
		eraser_free(er);
		return -1;
	}
	if (db_exec(db, "BEGIN", "filter") != 0)
		goto done;
	/* the newer tombstones' hashes are by_hash's: not copied */
	eraser_set_base(er, f->by_hash);
	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].newer &&
		    eraser_add(er, NULL, f->tombs[i].ids) != 0)
			goto done;
	if (match_subjects(f, db, er) != 0 || eraser_sync(er) != 0 ||
	    checked(f, rel, chk) != 0)
		goto done;
	if (f->mode == FILTER_COUNT && count_subjects(f, db, er, rel) != 0)
		goto done;
	if (f->mode == FILTER_COUNT) {
		struct erase_tally t;

		tally_init(&t, f->cfg);
		rc = eraser_apply(er, &t);
		if (rc == 0)
			rc = replay_releases(f, er, &t);
		f->st.redacted += t.redacted;
		tally_release(&t);
		if (rc != 0)
			goto done;
		rc = -1;
	} else {
		int64_t redacted = f->st.tally.redacted;

		if (eraser_apply(er, &f->st.tally) != 0 ||
		    replay_releases(f, er, &f->st.tally) != 0)
			goto done;
		f->st.subjects += f->st.tally.rows[0] - before;
		f->st.redacted += f->st.tally.redacted - redacted;
	}
	if (purge(f, db) != 0 || db_exec(db, "COMMIT", "filter") != 0)
		goto done;
	rc = 0;
done:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	eraser_free(er);
	return rc;
}

/* redact_cols: whether table.column is a redact column of the data map. */
static int
redact_col(const struct config *cfg, const char *table, const char *col)
{
	int i, j;

	for (i = 0; i < cfg->ntables; i++) {
		if (strcmp(cfg->tables[i].name, table) != 0)
			continue;
		for (j = 0; j < cfg->tables[i].redact.n; j++)
			if (strcasecmp(cfg->tables[i].redact.v[j], col) == 0)
				return 1;
	}
	return 0;
}

/* scan_table: residue in one table; redact columns are rewritten. */
static int
scan_table(struct filter *f, sqlite3 *db, const char *rel,
	   const char *table, int datamap, int *fatal)
{
	struct strbuf sql = STRBUF_INIT;
	struct spans sp = { NULL, 0, 0 };
	sqlite3_stmt *st = NULL, *up = NULL;
	int r, i, ncol, rc = -1, rowid = 1;
	char what[1024];

	sb_adds(&sql, "SELECT rowid, * FROM main.");
	sb_add_ident(&sql, table);
	if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		sb_reset(&sql);
		sb_adds(&sql, "SELECT NULL, * FROM main.");
		sb_add_ident(&sql, table);
		rowid = 0;
		st = db_prepare(db, sb_str(&sql));
		if (st == NULL)
			goto done;
	}
	ncol = sqlite3_column_count(st);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 1; i < ncol; i++) {
			int type = sqlite3_column_type(st, i);
			const char *text, *col;
			size_t n;

			if (type != SQLITE_TEXT && type != SQLITE_BLOB)
				continue;
			text = type == SQLITE_TEXT
				       ? (const char *)sqlite3_column_text(st, i)
				       : sqlite3_column_blob(st, i);
			n = (size_t)sqlite3_column_bytes(st, i);
			if (filter_scan(f, text, n, &sp) == 0)
				continue;
			col = sqlite3_column_name(st, i);
			if (datamap && rowid && type == SQLITE_TEXT &&
			    redact_col(f->cfg, table, col)) {
				char *clean;

				filter_hit(f, sp.v[0].tag, rel,
					   "table '%s' column '%s' row %lld: "
					   "identifiers to redact", table, col,
					   sqlite3_column_int64(st, 0));
				f->st.redacted += sp.n;
				if (f->mode == FILTER_COUNT)
					continue;
				clean = spans_replace(text, n, &sp);
				if (up == NULL)
					up = db_prepare(db, "INSERT INTO "
							    "temp.lethe_redact "
							    "VALUES (?1, ?2, "
							    "?3)");
				if (up == NULL) {
					free(clean);
					goto done;
				}
				sqlite3_bind_text(up, 1, col, -1,
						  SQLITE_TRANSIENT);
				sqlite3_bind_int64(up, 2,
						   sqlite3_column_int64(st, 0));
				sqlite3_bind_text(up, 3, clean, -1, free);
				r = sqlite3_step(up);
				sqlite3_reset(up);
				if (r != SQLITE_DONE) {
					db_fail(db, "redact");
					goto done;
				}
				continue;
			}
			snprintf(what, sizeof(what), "table '%s' column '%s'",
				 table, col);
			filter_residue(f, sp.v[0].tag, rel, what);
			*fatal = 1;
		}
	}
	if (r != SQLITE_DONE) {
		db_fail(db, "scan for residue");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	spans_release(&sp);
	sb_release(&sql);
	return rc;
}

/* apply_redactions: write the redacted texts back, table by table. */
static int
apply_redactions(sqlite3 *db, const char *table)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *cols = NULL, *up = NULL;
	int r, rc = -1;

	cols = db_prepare(db, "SELECT DISTINCT col FROM temp.lethe_redact");
	if (cols == NULL)
		goto done;
	while ((r = sqlite3_step(cols)) == SQLITE_ROW) {
		sb_reset(&sql);
		sb_adds(&sql, "UPDATE main.");
		sb_add_ident(&sql, table);
		sb_adds(&sql, " SET ");
		sb_add_ident(&sql, db_text(cols, 0));
		sb_adds(&sql, " = r.val FROM temp.lethe_redact AS r WHERE "
			      "r.col = ?1 AND r.rid = main.");
		sb_add_ident(&sql, table);
		sb_adds(&sql, ".rowid");
		up = db_prepare(db, sb_str(&sql));
		if (up == NULL)
			goto done;
		sqlite3_bind_text(up, 1, db_text(cols, 0), -1,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE) {
			db_fail(db, "redact");
			goto done;
		}
		sqlite3_finalize(up);
		up = NULL;
	}
	rc = r == SQLITE_DONE ? 0 : db_fail(db, "redact");
done:
	sqlite3_finalize(cols);
	sqlite3_finalize(up);
	sb_release(&sql);
	return rc;
}

/* scan_db: residue in every table (virtual tables' shadows included). */
static int
scan_db(struct filter *f, sqlite3 *db, const char *rel, int datamap,
	int *fatal)
{
	sqlite3_stmt *st;
	char **tables = NULL;
	int n = 0, i, r, rc = -1;

	if (hashset_count(f->by_hash) == 0)
		return 0;
	st = db_prepare(db, "SELECT name FROM main.sqlite_schema WHERE type = "
			    "'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
			    "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		tables = xrealloc(tables, sizeof(*tables) * (size_t)(n + 1));
		tables[n++] = xstrdup(db_text(st, 0));
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		db_fail(db, "list tables");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (f->mode == FILTER_APPLY &&
		    db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS lethe_redact("
				"col TEXT, rid INTEGER, val TEXT); DELETE FROM "
				"temp.lethe_redact;",
			    "redact") != 0)
			goto done;
		if (scan_table(f, db, rel, tables[i], datamap, fatal) != 0)
			goto done;
		if (f->mode == FILTER_APPLY &&
		    apply_redactions(db, tables[i]) != 0)
			goto done;
	}
	rc = 0;
done:
	free_list(tables, n);
	return rc;
}

/* vacuum: rewrite the database at full into a fresh file, replacing it. */
static int
vacuum(sqlite3 *db, const char *rel, const char *full)
{
	sqlite3_stmt *st = NULL;
	struct stat before;
	char *tmp = xasprintf("%s.lethe-vacuum", full);
	int rc = -1;

	unlink(tmp);
	/* a sequential copy: a small page cache (the copy's is the same) */
	if (db_exec(db, "PRAGMA cache_size = -8192", "vacuum") != 0)
		goto done;
	st = db_prepare(db, "VACUUM INTO ?1");
	if (st == NULL)
		goto done;
	sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("cannot vacuum '%s': %s", printable(rel),
			sqlite3_errmsg(db));
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	if (rc == 0 && stat(full, &before) == 0)
		chmod(tmp, before.st_mode & 0777);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* finish: move the vacuumed copy into place and drop the sidecars. */
static int
finish(const char *full)
{
	static const char *const ends[] = { "-wal", "-shm", "-journal" };
	char *tmp = xasprintf("%s.lethe-vacuum", full), *side;
	int i, rc = 0;

	if (rename(tmp, full) != 0) {
		log_errno("cannot replace '%s'", full);
		rc = -1;
	}
	for (i = 0; i < 3; i++) {
		side = xasprintf("%s%s", full, ends[i]);
		unlink(side);
		free(side);
	}
	free(tmp);
	return rc;
}

static void
drop_db(const char *full)
{
	static const char *const ends[] = { "", "-wal", "-shm", "-journal" };
	char *side;
	int i;

	for (i = 0; i < 4; i++) {
		side = xasprintf("%s%s", full, ends[i]);
		unlink(side);
		free(side);
	}
}

/*
 * vacuum_scanned: apply mode: vacuum the database at full into a fresh
 * file while its pages are scanned for residue (they are what VACUUM
 * copies); when the pages are not covered or hold a candidate, scan
 * through SQLite, write the redactions and vacuum again.  *fatal is set
 * for residue left.
 */
static int
vacuum_scanned(struct filter *f, sqlite3 *db, const char *rel,
	       const char *full, int datamap, int *fatal)
{
	struct raw_scan *rs = NULL;
	int64_t redacted = f->st.redacted, wr;
	int clean = 1;

	if (hashset_count(f->by_hash) > 0) {
		if (db_int(db, "SELECT count(*) FROM pragma_table_list WHERE "
			       "schema = 'main' AND wr", &wr) != 0)
			return -1;
		rs = filter_raw_start(f, full, wr > 0);
	}
	if (vacuum(db, rel, full) != 0) {
		if (rs != NULL)
			filter_raw_wait(rs);
		return -1;
	}
	if (rs != NULL)
		clean = filter_raw_wait(rs);
	if (clean != 0)
		return clean < 0 ? -1 : 0;
	if (scan_db(f, db, rel, datamap, fatal) != 0)
		return -1;
	if (*fatal || f->st.redacted == redacted)
		return 0;
	return vacuum(db, rel, full);
}

int
filter_db(struct filter *f, const char *rel, const char *full)
{
	struct db_check chk;
	time_t deadline;
	sqlite3 *db = NULL;
	char *tmp = xasprintf("%s.lethe-vacuum", full);
	int64_t residue;
	int datamap, fatal = 0, rc = -1;

	memset(&chk, 0, sizeof(chk));
	if (filter_open_db(full, 0, &deadline, &db) != SQLITE_OK) {
		bad_db(f, rel, db, "cannot open");
		goto done;
	}
	/* out of WAL mode (a write to the header) before a reader comes */
	if (sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = "
			     "OFF; SELECT count(*) FROM main.sqlite_schema;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		bad_db(f, rel, db, "corrupt or not usable");
		goto done;
	}
	if (filter_check_start(&chk, full) != 0)
		goto done;
	datamap = db_has_table(db, f->cfg->subj_table);
	if (datamap < 0)
		goto done;
	if (datamap) {
		if (apply_map(f, db, rel, &chk) != 0)
			goto done;
		f->st.databases++;
	} else {
		if (checked(f, rel, &chk) != 0)
			goto done;
		f->st.other_dbs++;
	}
	residue = f->st.residue;
	if (f->mode == FILTER_COUNT) {
		rc = scan_db(f, db, rel, datamap, &fatal);
		goto done;
	}
	if (vacuum_scanned(f, db, rel, full, datamap, &fatal) != 0)
		goto done;
	sqlite3_close(db);
	db = NULL;
	if (!fatal) {
		rc = finish(full);
		goto done;
	}
	unlink(tmp);
	rc = 0;		/* reported as residue; filter_tree fails at the end */
	if (datamap || !f->drop_residue)
		goto done;
	log_warn("leaving out '%s': it holds residue (--drop-residue)",
		 printable(rel));
	f->st.residue = residue;
	f->st.dropped++;
	drop_db(full);
done:
	/* a failure on a database that fails quick_check is the input's */
	if (filter_check_wait(&chk) == 0 && rc != 0)
		checked(f, rel, &chk);
	if (rc != 0 && db != NULL && sqlite3_errcode(db) == SQLITE_INTERRUPT)
		bad_db(f, rel, NULL, "too much work: the progress bound was hit");
	sqlite3_close(db);
	free(tmp);
	return rc;
}
