/*
 * erase.h: applying the data map's on_erase rules to one database.
 *
 * The same eraser serves `run` on the live store and the restore filter
 * on restored copies.  A batch is a set of subject ids and identifier
 * hashes staged in temp tables of the connection; eraser_apply then, in
 * the caller's transaction, deletes the subjects rows, deletes or masks
 * rows linked to them by subject id or by a matching identifier, applies
 * after_hold to retained rows whose hold is over and leaves the others.
 *
 * Tallies count rows per data-map table: index 0 is the subjects table,
 * index i + 1 is cfg->tables[i].
 */
#ifndef ERASE_H
#define ERASE_H

#include <stdint.h>

#include <sqlite3.h>

#include "config.h"
#include "hashset.h"
#include "key.h"
#include "strbuf.h"

struct erase_tally {
	int n;			/* cfg->ntables + 1 */
	int64_t *rows;		/* rows deleted or masked */
	int64_t *held;		/* rows kept under a legal hold */
	int64_t *undated;	/* held rows whose date is NULL or unreadable */
	char **until;		/* latest hold end (ISO-8601), or NULL */
	int64_t redacted;	/* identifiers replaced in free text */
};

struct eraser;
struct rowset;
struct strset;

/*
 * eraser_new: prepare to erase in db (schema "main") by cfg, with hold
 * decisions taken as of `now`.  Tables missing from db are skipped (a
 * restored copy may be older than the data map).  Returns the eraser
 * (free with eraser_free), or NULL after reporting.
 */
struct eraser *eraser_new(sqlite3 *db, const struct config *cfg, int64_t now);

/*
 * eraser_new_once: the same for one batch over a database nobody else
 * writes (a restored copy), whose indexes are not trusted to list every
 * row (tables are read NOT INDEXED): tables linked by an identifier are
 * matched by normalising and hashing (under k) their column within the
 * statements, against the batch's hashes kept in memory (SQL function
 * lethe_in_batch); subject ids are kept in sids too (which must outlive
 * the eraser), and a subject column holding text compared as bytes is
 * matched in memory (lethe_in_sids).
 */
struct eraser *eraser_new_once(sqlite3 *db, const struct config *cfg,
			       int64_t now, const struct key *k,
			       struct strset *sids);

/* eraser_free: finalize statements, drop temp tables.  NULL is a no-op. */
void eraser_free(struct eraser *e);

/*
 * eraser_set_key: also replace the batch's identifiers (hashed with k)
 * by "[erased]" in the data map's redact columns, on eraser_apply.
 * Returns 0, or -1 after reporting.
 */
int eraser_set_key(struct eraser *e, const struct key *k);

/*
 * eraser_collect: from here on, eraser_apply leaves the rows it would
 * delete from a table in place, for the caller to leave out of a copy
 * (dbcopy.h): those of a one-batch eraser's tables whose subject column
 * holds text compared as bytes by their value (field[i] gets that
 * column's field in a record; the batch's subject ids are the sids of
 * eraser_new_once), the others by rowid, added to sets[i] (tally index
 * i); field[i] is -1 for those.  Free text in such rows is not redacted.
 * Tables where "rowid" does not name the rowid (WITHOUT ROWID, or a
 * column of that name) and rows past a legal hold are still deleted.
 * sets and field (n = cfg->ntables + 1, sets none NULL) must outlive the
 * eraser.  Returns 0, or -1 after reporting.
 */
int eraser_collect(struct eraser *e, struct rowset **sets, int *field);

/* eraser_set_now: take hold decisions as of now from here on. */
void eraser_set_now(struct eraser *e, int64_t now);

/*
 * eraser_sync: hash the identifier columns of identifier-linked tables
 * for rows added or changed since the last sync (unchanged rows are not
 * hashed again).  Matches are always confirmed on a row's current value,
 * so a stale entry never erases the wrong row; syncing at the start of
 * each write transaction makes sure none is missed.  Returns 0, or -1
 * after reporting.
 */
int eraser_sync(struct eraser *e);

/*
 * eraser_set_base: a one-batch eraser's batch also holds every hash of
 * set h (keys of 32-byte identifier hashes), which must outlive the
 * batch; hashes added that h holds are not copied.  eraser_clear drops
 * it.  A no-op for other erasers.
 */
void eraser_set_base(struct eraser *e, const struct hashset *h);

/* eraser_clear: empty the batch.  Returns 0, or -1 after reporting. */
int eraser_clear(struct eraser *e);

/*
 * eraser_bind_sid: bind subject id sid to parameter i of st, which
 * compares it with a column of the live store: as the integer it spells
 * when the subjects' id may hold integers (SQLite compares an integer
 * with text of no affinity as unequal), else as text.
 */
void eraser_bind_sid(const struct eraser *e, sqlite3_stmt *st, int i,
		     const char *sid);

/*
 * eraser_optimize_fts: rewrite the index of every full-text (FTS) table
 * the eraser erased rows from since the last call, so that their words
 * leave its pages (law 6; secure_delete zeroes the pages freed), in the
 * caller's transaction.  Returns 0, or -1 after reporting.
 */
int eraser_optimize_fts(struct eraser *e);

/* eraser_fts_changed: whether eraser_optimize_fts has anything to do. */
int eraser_fts_changed(const struct eraser *e);

/*
 * eraser_has_subject: whether the subjects table of e's database holds a
 * row with id sid.  Returns 1, 0, or -1 after reporting.
 */
int eraser_has_subject(struct eraser *e, const char *sid);

/* eraser_integer_ids: whether the subjects' id may hold integers (then
 * staged ids keep the type they have). */
int eraser_integer_ids(const struct eraser *e);

/*
 * eraser_add: add a subject id (or NULL) and identifier hashes ids
 * ("type:HEX ...", or NULL) to the batch.  Returns 0, or -1.
 */
int eraser_add(struct eraser *e, const char *sid, const char *ids);

/*
 * eraser_count: what erasing the one subject sid (or NULL) with hashes
 * ids would do, into t; the staged batch is replaced by that subject.
 * Returns 0, or -1.
 */
int eraser_count(struct eraser *e, const char *sid, const char *ids,
		 struct erase_tally *t);

/*
 * eraser_each_held: for each subject of the staged batch with rows a
 * legal hold keeps (as of the eraser's now) in a retained table, call
 * fn(arg, table index in cfg->tables, subject id as text, rows held,
 * latest hold end or NULL, rows of those undated); one grouped query per
 * table.  Stops when fn returns non-zero.  Returns 0, -1 after reporting,
 * or fn's non-zero.
 */
int eraser_each_held(struct eraser *e,
		     int (*fn)(void *arg, int table, const char *sid,
			       int64_t held, const char *until,
			       int64_t undated),
		     void *arg);

/*
 * eraser_count_batch: what erasing the batch staged with eraser_add will do
 * to each of its n subjects (sids[i], or NULL, with hashes ids[i]), into
 * t[0..n) (each initialised by the caller; zeroed here), with one grouped
 * query per table.  Rows linked by an identifier several of them share
 * count once, for the first.  Returns 0, or -1 after reporting.
 */
int eraser_count_batch(struct eraser *e, int n, char *const *sids,
		       char *const *ids, struct erase_tally *t);

/*
 * eraser_apply_collect: with eraser_collect, the part of eraser_apply
 * that only reads: the rowids of the rows to go into their sets, counted
 * into t.rows; the eraser_apply that follows does the rest.  Returns 0,
 * or -1 after reporting.
 */
int eraser_apply_collect(struct eraser *e, struct erase_tally *t);

/*
 * eraser_apply: erase the batch; adds the rows changed to t.rows (and
 * the identifiers redacted to t.redacted).  Runs inside the caller's
 * transaction.  Returns 0, or -1 after reporting.
 */
int eraser_apply(struct eraser *e, struct erase_tally *t);

/*
 * eraser_release: apply after_hold to the rows of table index ti
 * (cfg->tables[ti], a retained table) that belong to subject sid and
 * whose hold is over as of `at`.  *rows gets the count changed,
 * *remaining the rows still held.  With dry, only counts (and warns
 * about held rows without a readable date).
 * Returns 0, or -1.
 */
int eraser_release(struct eraser *e, int ti, const char *sid, int64_t at,
		   int dry, int64_t *rows, int64_t *remaining);

/*
 * eraser_warn_undated: warn, naming the table and rowids, about the rows
 * of retained table index ti (cfg->tables[ti]) belonging to subject sid
 * whose date cannot be read: they stay held until a date is set.
 */
void eraser_warn_undated(struct eraser *e, int ti, const char *sid);

/* tally_init, tally_release, tally_zero: manage a tally for cfg. */
void tally_init(struct erase_tally *t, const struct config *cfg);
void tally_release(struct erase_tally *t);
void tally_zero(struct erase_tally *t);

/*
 * tally_json: append {"T": rows, ...} for the tables with rows > 0 (or
 * held > 0 when held) to sb.
 */
void tally_json(const struct erase_tally *t, const struct config *cfg,
		int held, struct strbuf *sb);

/*
 * tally_text: append "T N, T N" (rows > 0 only) to sb; "nothing" if none.
 */
void tally_text(const struct erase_tally *t, const struct config *cfg,
		struct strbuf *sb);

/* tally_name: the table name of tally index i. */
const char *tally_name(const struct config *cfg, int i);

#endif
