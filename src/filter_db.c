/*
 * filter_db.c: SQLite databases found in an archive.
 *
 * Opened defensively (filter_check.c: defensive mode, no trusted schema,
 * no triggers or views, no extensions, a progress handler bounding the
 * work), with quick_check in a second thread: nothing is changed before
 * it has passed.  A database holding the data map's subjects table gets
 * the tombstones applied through the data map; in apply mode every
 * database is then copied into a fresh file without the rows erased, so
 * that nothing of them lingers in free pages, and the copy is scanned for
 * residue (filter_copy.c); in count mode the database is scanned as it
 * is.
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

/* the longest path SQLite's unix files open */
#define SQLITE_PATH_MAX 512

/* bad_db: report a database the filter cannot use; input at fault. */
static int
bad_db(struct filter *f, const char *rel, sqlite3 *db, const char *what)
{
	log_err("refusing archive: database '%s': %s%s%s",
		filter_shown(f, rel), what,
		db ? ": " : "", db ? sqlite3_errmsg(db) : "");
	f->hostile = 1;
	return -1;
}

/*
 * sidecars_plain: SQLite opens full's -wal, -shm and -journal by name:
 * one that the archive made a symlink (or anything but a plain file)
 * would be written through; refused.
 */
static int
sidecars_plain(struct filter *f, const char *rel, const char *full)
{
	struct stat st;
	char *side;
	int i, bad = 0;

	for (i = 0; i < FILTER_SIDECARS && !bad; i++) {
		side = xasprintf("%s%s", full, filter_sidecars[i]);
		bad = lstat(side, &st) == 0 && !S_ISREG(st.st_mode);
		free(side);
		if (bad) {
			log_err("refusing archive: database '%s': its '%s' is "
				"not a plain file", filter_shown(f, rel),
				filter_sidecars[i]);
			f->hostile = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * corrupt_index: after a failure, if SQLite found db damaged while
 * erasing (an index that does not match its table: quick_check does not
 * compare them), report the database as bad input.
 */
static void
corrupt_index(struct filter *f, const char *rel, sqlite3 *db)
{
	if ((sqlite3_errcode(db) & 0xff) == SQLITE_CORRUPT && !f->hostile)
		bad_db(f, rel, NULL, "corrupt (an index does not match its "
		       "table)");
}

/* checked: wait for the quick_check of c; report a database failing it. */
static int
checked(struct filter *f, const char *rel, struct db_check *c)
{
	if (filter_check_wait(c) == 1)
		return 0;
	if (!c->reported)
		log_err("refusing archive: database '%s': corrupt or not "
			"usable (quick_check failed): %s", filter_shown(f, rel),
			c->why);
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
	subjects_select(cfg, sb);
	/* an archive's indexes may not list every row: not used */
	sb_adds(sb, " NOT INDEXED WHERE s.");
	sb_add_ident(sb, cfg->subj_id);
	sb_addf(sb, " %s", cond);
}

/* warn_undated: name the rows of a [purge] table without a readable
 * date (but those in gone, which go anyway); they are left untouched. */
static int
warn_undated(sqlite3 *db, const struct purge_rule *p,
	     const struct rowset *gone)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int r, n = 0;

	sb_adds(&sql, "SELECT rowid FROM main.");
	sb_add_ident(&sql, p->name);
	sb_adds(&sql, " NOT INDEXED WHERE lethe_past(");
	sb_add_ident(&sql, p->date);
	sb_addf(&sql, ", %d, %d, %d) IS NULL", p->keep.n, (int)p->keep.unit,
		p->date_format);
	st = db_prepare(db, sb_str(&sql));
	sb_release(&sql);
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (rowset_has(gone, sqlite3_column_int64(st, 0)))
			continue;
		if (n++ < LOG_MAX_ROWS)
			log_warn("[purge %s]: row %lld has no readable date in "
				 "'%s'; left untouched", p->name,
				 sqlite3_column_int64(st, 0), p->date);
	}
	sqlite3_finalize(st);
	if (n > LOG_MAX_ROWS)
		log_warn("[purge %s]: %d more rows without a readable date "
			 "left untouched", p->name, n - LOG_MAX_ROWS);
	return r == SQLITE_DONE ? 0 : db_fail(db, "read");
}

/* collect_rows: the rowids sql selects into set; *added gets how many
 * were not there yet. */
static int
collect_rows(sqlite3 *db, const char *sql, struct rowset *set,
	     int64_t *added)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int r;

	*added = 0;
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		*added += rowset_add(set, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(db, "purge");
}

/* retained: whether table name is a retained table of the data map
 * (its rows may still be released, deleting them, before the purge). */
static int
retained(const struct config *cfg, const char *name)
{
	int i = config_table(cfg, name);

	return i >= 0 && cfg->tables[i].on_erase == ON_RETAIN;
}

/*
 * purge: the [purge] rules as of now.  In apply mode with d, the rows of
 * plain rowid tables are collected into d; pass 0 does those of tables
 * no hold release can change (it only reads, so it may run before the
 * quick_check has passed), pass 1 the others, deleting where "rowid"
 * does not name the rowid.  Without d, pass 1 deletes (apply mode) or
 * counts (count mode).
 */
static int
purge(struct filter *f, sqlite3 *db, struct filter_drops *d, int pass)
{
	const struct config *cfg = f->cfg;
	struct strbuf sql = STRBUF_INIT;
	struct rowset *set;
	int64_t n;
	int i, plain, rc = 0;

	for (i = 0; i < cfg->npurges && rc == 0; i++) {
		const struct purge_rule *p = &cfg->purges[i];
		int early;

		if (!db_has_table(db, p->name))
			continue;
		set = d != NULL ? filter_drops_for(d, p->name) : NULL;
		plain = set != NULL ? db_plain_rowids(db, p->name) : 0;
		if (plain < 0) {
			rc = -1;
			break;
		}
		early = plain && !retained(cfg, p->name);
		if (early != (pass == 0))
			continue;
		if (warn_undated(db, p, set) != 0) {
			rc = -1;
			break;
		}
		sb_reset(&sql);
		if (f->mode == FILTER_COUNT)
			sb_adds(&sql, "SELECT count(*) FROM main.");
		else
			sb_adds(&sql, plain ? "SELECT rowid FROM main."
					    : "DELETE FROM main.");
		sb_add_ident(&sql, p->name);
		sb_adds(&sql, " NOT INDEXED WHERE lethe_past(");
		sb_add_ident(&sql, p->date);
		sb_addf(&sql, ", %d, %d, %d) IS 1", p->keep.n,
			(int)p->keep.unit, p->date_format);
		if (f->mode == FILTER_COUNT) {
			rc = db_int(db, sb_str(&sql), &n);
		} else if (plain) {
			rc = collect_rows(db, sb_str(&sql), set, &n);
		} else {
			rc = db_exec(db, sb_str(&sql), "purge");
			n = sqlite3_changes64(db);
		}
		f->st.purged += n;
		if (f->st.purged_rows != NULL)
			f->st.purged_rows[i] += n;
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
	char *sid_seen = xcalloc((size_t)f->ntombs + 1, 1);
	int i, j, k, r, rc = -1, subjects, orphans;

	memset(&c, 0, sizeof(c));
	subjects_query(cfg, "IN (SELECT sid FROM temp.lethe_batch)", &sql);
	st = db_prepare(db, sb_str(&sql));
	if (st == NULL)
		goto done;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sid = db_text(st, 0);
		int tomb = filter_sid(f, sid);

		if (tomb >= 0)
			sid_seen[tomb] = 1;
		sb_reset(&ids);
		for (j = 0; j < cfg->subj_ids.n; j++) {
			const char *v =
			    (const char *)sqlite3_column_text(st, j + 1);
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
	/* rows of erased subjects whose subjects row is not there */
	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].sid != NULL && !sid_seen[i])
			counted_add(&c, f->tombs[i].sid, "", i);
	orphans = c.n;
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
		} else if (i < orphans) {
			filter_hit(f, c.tomb[i], rel, "rows linked to the "
				   "erased subject's id: %s", sb_str(&what));
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
	free(sid_seen);
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
 * paths go too, and its id added to *by_ident (*nby_ident of them).
 */
static int
match_subjects(struct filter *f, sqlite3 *db, struct eraser *er,
	       char ***by_ident, int *nby_ident)
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
			const char *v =
			    (const char *)sqlite3_column_text(st, j + 1);
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
			size_t mark = ids.len;

			if (!have[j])
				continue;
			if (ids.len)
				sb_adds(&ids, " ");
			sb_adds(&ids, cfg->subj_ids.type[j]);
			sb_adds(&ids, ":");
			hex_of(raw + 32 * j, &ids);
			/* one its tombstone says a subject who stayed
			 * holds too is not matched by */
			if (by_id >= 0 && f->tombs[by_id].shared != NULL &&
			    strstr(f->tombs[by_id].shared,
				   ids.buf + ids.len - 64) != NULL) {
				ids.len = mark;
				ids.buf[mark] = '\0';
			}
		}
		/* by identifier: no tombstone names this id, or one the
		 * archive's other databases were found to hold so */
		if (by_id < 0 || filter_by_ident(f, sid)) {
			filter_note_subject(f, sid, tomb);
			*by_ident = xrealloc(*by_ident, sizeof(**by_ident) *
							    (size_t)(*nby_ident
								     + 1));
			(*by_ident)[(*nby_ident)++] = xstrdup(sid);
		}
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

/*
 * add_hold: note in f->holds that a legal hold keeps held rows (undated of
 * them without a date; until the latest end, or NULL) of subject sid in
 * the config's table ti, under the request of the subject's tombstone.
 */
static void
add_hold(struct filter *f, const char *sid, int ti, int64_t held,
	 const char *until, int64_t undated)
{
	struct filter_hold *h;
	int tomb = filter_sid(f, sid);

	f->holds = xrealloc(f->holds, sizeof(*f->holds) *
					  (size_t)(f->nholds + 1));
	h = &f->holds[f->nholds++];
	h->sid = xstrdup(sid);
	h->request = tomb >= 0 ? f->tombs[tomb].request : NULL;
	h->table = f->cfg->tables[ti].name;
	h->rows = held;
	h->undated = undated;
	h->until = until != NULL ? xstrdup(until) : NULL;
}

/*
 * note_holds: apply mode: the rows a legal hold keeps (as of now) of the n
 * subjects sids, matched by identifier, into f->holds: the ledger has no
 * hold for them (no erasure named them), so the restore records one.
 * Counted before the erasure changes anything.  Returns 0 or -1.
 */
static int
note_holds(struct filter *f, struct eraser *er, char **sids, int n)
{
	const struct config *cfg = f->cfg;
	struct erase_tally *t = xcalloc((size_t)n, sizeof(*t));
	char **ids = xcalloc((size_t)n, sizeof(*ids));
	int i, j, retained = 0, rc = -1;

	for (j = 0; j < cfg->ntables; j++)
		retained |= cfg->tables[j].on_erase == ON_RETAIN;
	for (i = 0; i < n; i++) {
		tally_init(&t[i], cfg);
		ids[i] = "";
	}
	if (retained && eraser_count_batch(er, n, sids, ids, t) != 0)
		goto done;
	for (i = 0; retained && i < n; i++)
		for (j = 1; j < t[i].n; j++)
			if (t[i].held[j] > 0 &&
			    cfg->tables[j - 1].on_erase == ON_RETAIN)
				add_hold(f, sids[i], j - 1, t[i].held[j],
					 t[i].until[j], t[i].undated[j]);
	rc = 0;
done:
	for (i = 0; i < n; i++)
		tally_release(&t[i]);
	free(t);
	free(ids);
	return rc;
}

/* kept_hold: eraser_each_held's callback for note_kept_holds. */
static int
kept_hold(void *arg, int table, const char *sid, int64_t held,
	  const char *until, int64_t undated)
{
	struct filter *f = arg;

	/* subjects matched by identifier: note_holds has them */
	if (filter_sid(f, sid) >= 0 && !filter_by_ident(f, sid))
		add_hold(f, sid, table, held, until, undated);
	return 0;
}

/*
 * note_kept_holds: apply mode: the rows a legal hold keeps (as of now)
 * of subjects erased by id, into f->holds.  The ledger may hold no open
 * hold for them (the live store had none of those rows when they were
 * erased, or its hold has been released since): the restore then records
 * one, so that a run deletes or masks them when it ends (filter_append_
 * holds appends only where none is open).  Returns 0 or -1.
 */
static int
note_kept_holds(struct filter *f, struct eraser *er)
{
	return eraser_each_held(er, kept_hold, f) == 0 ? 0 : -1;
}

/* replay_releases: the ledger's hold releases, each as of its time. */
static int
replay_releases(struct filter *f, struct eraser *er, struct erase_tally *t)
{
	int64_t rows, remaining;
	int i, ti;

	for (i = 0; i < f->nreleases; i++) {
		const struct filter_release *rl = &f->releases[i];

		ti = config_table(f->cfg, rl->table);
		if (ti < 0 || f->cfg->tables[ti].on_erase != ON_RETAIN)
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
	  struct db_check *chk, struct filter_drops *d)
{
	struct eraser *er = NULL;
	const struct config *cfg = f->cfg;
	struct config *view;
	char what[4096], **by_ident = NULL;
	int64_t before = f->st.tally.rows[0];
	int i, nby_ident = 0, rc = -1;

	snprintf(what, sizeof(what), "restored database '%s'",
		 filter_shown(f, rel));
	/* an older copy may lack columns added since: what they would
	 * hold is not there to erase; the rest must be */
	view = config_view(cfg, db, what);
	if (config_check_store(view, db, what, 1) != 0) {
		config_view_free(view);
		f->hostile = 1;
		return -1;
	}
	f->cfg = view;
	if (sqlfn_register(db, &f->fn) != 0)
		goto done;
	er = eraser_new_once(db, f->cfg, f->now, f->key, d->sids);
	if (er == NULL)
		goto done;
	if (eraser_set_key(er, f->key) != 0 ||
	    (f->mode == FILTER_APPLY && eraser_collect(er, d->sets,
						      d->field) != 0))
		goto done;
	if (db_exec(db, "BEGIN", "filter") != 0)
		goto done;
	/* the newer tombstones' hashes are by_hash's: not copied */
	eraser_set_base(er, f->by_hash);
	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].newer &&
		    eraser_add(er, NULL, f->tombs[i].ids) != 0)
			goto done;
	/* every tombstone's subject id, whether or not its subjects row is
	 * there: rows linked to it go too (ids are never reused) */
	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].sid != NULL &&
		    eraser_add(er, f->tombs[i].sid, NULL) != 0)
			goto done;
	if (match_subjects(f, db, er, &by_ident, &nby_ident) != 0 ||
	    eraser_sync(er) != 0 ||
	    (f->mode == FILTER_APPLY && nby_ident > 0 &&
	     note_holds(f, er, by_ident, nby_ident) != 0) ||
	    (f->mode == FILTER_APPLY && note_kept_holds(f, er) != 0))
		goto done;
	/* what only reads goes on while quick_check runs */
	if (f->mode == FILTER_APPLY &&
	    (eraser_apply_collect(er, &f->st.tally) != 0 ||
	     purge(f, db, d, 0) != 0))
		goto done;
	if (checked(f, rel, chk) != 0)
		goto done;
	if (f->mode == FILTER_COUNT && count_subjects(f, db, er, rel) != 0)
		goto done;
	if (f->mode == FILTER_COUNT) {
		struct erase_tally t;

		/* count_subjects counted the erasures as of now; rows a
		 * release event of the ledger deletes are counted here, as
		 * a restore counts them, whatever now is */
		tally_init(&t, f->cfg);
		rc = eraser_apply(er, &t);
		f->st.redacted += t.redacted;
		tally_zero(&t);
		if (rc == 0)
			rc = replay_releases(f, er, &t);
		for (i = 0; rc == 0 && i < t.n; i++)
			f->st.tally.rows[i] += t.rows[i];
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
	if (eraser_optimize_fts(er) != 0 ||
	    purge(f, db, f->mode == FILTER_APPLY ? d : NULL, 1) != 0 ||
	    db_exec(db, "COMMIT", "filter") != 0)
		goto done;
	rc = 0;
done:
	if (rc != 0)
		corrupt_index(f, rel, db);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	eraser_free(er);
	free_list(by_ident, nby_ident);
	f->cfg = cfg;
	config_view_free(view);
	return rc;
}

/*
 * out_of_wal: set db's journal mode to DELETE and check that it took (a
 * database in WAL mode would keep the filter's changes in its WAL, where
 * the copier, which reads the file, never sees them).  Returns 0 or -1.
 */
static int
out_of_wal(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = DELETE", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto done;
	mode = sqlite3_column_text(st, 0);
	if (mode != NULL && strcmp((const char *)mode, "delete") == 0)
		rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

int
filter_db(struct filter *f, const char *rel, const char *full)
{
	struct db_check chk;
	struct filter_drops d;
	time_t deadline;
	sqlite3 *db = NULL;
	int64_t residue;
	int datamap, fatal = 0, rc = -1;

	memset(&chk, 0, sizeof(chk));
	filter_drops_init(&d, f->cfg);
	if (sidecars_plain(f, rel, full) != 0)
		goto done;
	if (strlen(full) > SQLITE_PATH_MAX) {
		bad_db(f, rel, NULL, "its path is too long for SQLite to open "
		       "(restore to a shorter folder)");
		goto done;
	}
	if (filter_open_db(full, 0, &deadline, &db) != SQLITE_OK) {
		bad_db(f, rel, db, "cannot open");
		goto done;
	}
	/* the transactions a hot copy left in its WAL into the file, which
	 * the copier reads by pages; then out of WAL mode (a write to the
	 * header) before a reader comes, so the filter's own changes go
	 * into the file too (defensive mode makes journal_mode = OFF a
	 * no-op: a rollback journal it is) */
	if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA "
			     "synchronous = OFF; SELECT count(*) FROM "
			     "main.sqlite_schema;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		bad_db(f, rel, db, "corrupt or not usable");
		goto done;
	}
	if (out_of_wal(db) != 0) {
		bad_db(f, rel, db, "cannot take it out of WAL mode");
		goto done;
	}
	if (filter_check_start(&chk, full) != 0)
		goto done;
	datamap = db_has_table(db, f->cfg->subj_table);
	if (datamap < 0)
		goto done;
	if (datamap) {
		if (apply_map(f, db, rel, &chk, &d) != 0)
			goto done;
		f->st.databases++;
	} else {
		if (checked(f, rel, &chk) != 0)
			goto done;
		f->st.other_dbs++;
	}
	residue = f->st.residue;
	if (f->mode == FILTER_COUNT) {
		rc = filter_scan_db(f, db, rel, datamap, &fatal);
		goto done;
	}
	if (filter_copy(f, &db, rel, full, datamap, &d, &fatal) != 0)
		goto done;
	rc = 0;		/* residue is reported; filter_tree fails at the end */
	if (!fatal)
		goto done;
	if (datamap || !f->drop_residue)
		goto done;
	log_warn("leaving out '%s': it holds residue (--drop-residue)",
		 filter_shown(f, rel));
	f->st.residue = residue;
	f->st.dropped++;
	filter_drop_files(full);
done:
	/* a failure on a database that fails quick_check is the input's */
	if (filter_check_wait(&chk) == 0 && rc != 0)
		checked(f, rel, &chk);
	if (rc != 0 && db != NULL && sqlite3_errcode(db) == SQLITE_INTERRUPT)
		bad_db(f, rel, NULL,
		       "too much work: the progress bound was hit");
	if (rc != 0 && db != NULL)
		corrupt_index(f, rel, db);
	sqlite3_close(db);
	filter_drops_release(&d);
	return rc;
}
