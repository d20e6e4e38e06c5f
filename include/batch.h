/*
 * batch.h: erasing subjects from the live store in batches, by law 1.
 *
 * For each batch: a short write transaction on the live store is opened
 * (batch_begin), subjects are added (batch_add), and batch_flush counts
 * what each erasure will touch, appends one tombstone per subject (and a
 * hold event per retained table) to the ledger and makes them durable
 * (on a thread of its own, while the erasures run in the same live
 * transaction), commits the live transaction only once they are durable,
 * and removes per-subject file trees.  The live commit does not wait for
 * a sync: the batch's one `applied` event naming its tombstones is
 * appended once the live store's WAL is synced, by the next batch's
 * tombstone thread (beside that batch's deletes) or by batch_settle.
 * In dry-run mode batch_flush prints what it would do and changes nothing.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stdint.h>

#include <sqlite3.h>

#include "config.h"
#include "erase.h"
#include "key.h"
#include "ledger.h"

struct hashset;

struct victim {
	char *sid;			/* NULL: identifiers only */
	char *ids;			/* "type:HEX ..." */
	char *shared;			/* its own left out of ids (a
					 * subject who stays holds them), or
					 * NULL */
	const char *reason;		/* "lead-expiry", "request" */
	char *request;			/* or NULL */
};

struct wal_room;

struct batch {
	sqlite3 *live;
	struct ledger *ledger;
	const struct config *cfg;
	const struct key *key;
	struct eraser *er;
	int dry;
	int64_t now;
	int open;			/* a live transaction is open */
	struct victim *v;
	int n, cap;
	struct hashset *seen;		/* the batch's subject ids */
	struct hashset *pending;	/* dry: subjects whose tombstones
					 * an interrupted run left unapplied,
					 * and those this dry run erased */
	int limit;			/* subjects per batch, adapted */
	double started;
	double took;			/* the last live transaction */
	sqlite3_stmt *by_id;		/* a subject's identifiers by id */
	const struct hashset *spare;	/* identifier hashes (raw) left out
					 * of a subject's own: another
					 * subject who stays holds them */
	/* totals for the summary */
	int64_t subjects;
	int64_t tombstones;
	int64_t requests;		/* requests whose erasures committed */
	int64_t held_rows;
	struct erase_tally total;
	int failed;
	/*
	 * The live transactions commit without a sync (synchronous =
	 * NORMAL); the last batch's `applied` waits until the WAL is synced
	 * (walsync.h: started at its commit), on the next batch's tombstone
	 * thread or in batch_settle.
	 */
	char *wal;			/* the live store's WAL */
	struct wal_sync *syncing;	/* its sync since the last commit */
	int sync_failed;		/* a sync failed: no `applied` in
					 * this run (walsync.h) */
	int sync_mode;			/* the connection's setting before */
	int relaxed;			/* synchronous = NORMAL set */
	int has_applied;		/* an `applied` waits: */
	int64_t applied_first, applied_last;
	struct strbuf applied;		/* its data */
	/*
	 * Room made in the WAL for the batch's commit until it commits
	 * (walroom.h), sized by the frames each erasure of the last batch
	 * wrote.
	 */
	struct wal_room *room;
	int page_size;			/* the live store's */
	double frames_each;		/* frames per erasure, last batch */
};

/*
 * adapt_limit: the size of the next batch after one of limit items whose
 * write transaction took took seconds: scaled so that it takes about 0.8 s
 * (at most doubled or halved at a time), within [min, max], so each stays
 * within about a second.
 */
int adapt_limit(int limit, double took, int min, int max);

/*
 * batch_init: set up b for the live store (with the eraser er).  Returns
 * 0, or -1 after reporting (b then holds nothing).  batch_release frees
 * it.
 */
int batch_init(struct batch *b, sqlite3 *live, struct ledger *l,
	       const struct config *cfg, const struct key *k,
	       struct eraser *er, int64_t now, int dry);
void batch_release(struct batch *b);

/*
 * batch_begin: open the live write transaction (a read transaction when
 * dry) if none is open.  Returns 0, or -1 after reporting.
 */
int batch_begin(struct batch *b);

/*
 * batch_add: add a subject to erase: sid (or NULL for identifiers only)
 * with hashes ids (or NULL).  For a sid, the subject's own identifier
 * hashes are read from the live store and added.  Returns 1 when the sid
 * is gone from the live store (in a dry run: or erased by an earlier
 * batch of it) or already in this batch (nothing added), 0 when added, -1
 * on error.  Rows linked by an identifier that several erasures of the
 * batch name (a person who asked twice, subjects sharing an email) count
 * in the first one's tombstone only.
 */
int batch_add(struct batch *b, const char *sid, const char *ids,
	      const char *reason, const char *request);

/*
 * batch_pending: whether subject sid has a tombstone whose erasure this
 * run could not finish (or, dry, would finish first): not to be erased
 * again.
 */
int batch_pending(const struct batch *b, const char *sid);

/* batch_full: whether the batch has reached its size limit. */
int batch_full(const struct batch *b);

/*
 * batch_flush: carry out the batch as above and close the transaction.
 * Returns 0, or -1 after reporting (the live transaction is rolled back;
 * tombstones already durable are finished by the next run).
 */
int batch_flush(struct batch *b);

/*
 * batch_settle: sync the live store's WAL and append the `applied` event
 * still waiting, if any; call after the last batch.  Returns 0, or -1
 * after reporting (the next run finishes the intents).
 */
int batch_settle(struct batch *b);

/*
 * batch_abort: roll back the open live transaction, if any.
 */
void batch_abort(struct batch *b);

/*
 * subject_ids: the identifier hashes of a subjects row, from columns
 * col .. col + cfg->subj_ids.n - 1 of st, appended to sb as "type:HEX"
 * items (skipping invalid or NULL identifiers and items already there).
 */
void subject_ids(const struct config *cfg, const struct key *k,
		 sqlite3_stmt *st, int col, struct strbuf *sb);

/*
 * subject_ids_except: subject_ids, leaving out the identifiers whose raw
 * hash is in spare (NULL: none), appended to spared_out (when not NULL)
 * instead; returns how many it left out.
 */
int subject_ids_except(const struct config *cfg, const struct key *k,
		       sqlite3_stmt *st, int col, const struct hashset *spare,
		       struct strbuf *sb, struct strbuf *spared_out);

/*
 * ids_merge: append to sb the "type:HEX" items of more not already in sb.
 */
void ids_merge(struct strbuf *sb, const char *more);

/*
 * subject_columns: append `s."id", s."email", ...` (the id then each
 * identifier column) to sb.
 */
void subject_columns(const struct config *cfg, struct strbuf *sb);

/*
 * subjects_select: append `SELECT s."id", s."email", ... FROM main."T" AS
 * s` (subject_columns of the subjects table) to sb.
 */
void subjects_select(const struct config *cfg, struct strbuf *sb);

#endif
