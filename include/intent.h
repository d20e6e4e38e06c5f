/*
 * intent.h: intents and their `applied` events (SPEC law 1 and 3).
 *
 * An intent (erase, release, purge) is appended and made durable before
 * the live store changes; one `applied` event naming the intents' seq
 * range follows the change.  Every run finishes intents an interrupted
 * run left without `applied`, so each erasure has exactly one tombstone.
 */
#ifndef INTENT_H
#define INTENT_H

#include <stdint.h>

#include <sqlite3.h>

#include "config.h"
#include "erase.h"
#include "key.h"
#include "ledger.h"

/*
 * INTENT_APPLIED_SQL(seq): an SQL expression over the ledger's events:
 * the seq of the first `applied` event whose range ref..ref_last covers
 * the intent whose seq is the SQL expression seq, or NULL while none
 * does (the live store has not changed yet, or refused the change).
 * The one test of "is this intent applied" that readers share.
 */
#define INTENT_APPLIED_SQL(seq) \
	"(SELECT ap.seq FROM events AS ap WHERE ap.type = 'applied' AND " \
	"ap.seq > " seq " AND ap.ref <= " seq " AND " \
	"coalesce(ap.ref_last, ap.ref) >= " seq " ORDER BY ap.seq LIMIT 1)"

/*
 * applied_append: append and commit one `applied` event for intents
 * first .. last with data (a JSON object, or NULL).  Returns 0, or -1.
 */
int applied_append(struct ledger *l, int64_t first, int64_t last,
		   const char *data);

/*
 * intents_finish: redo, on the live store, every intent that has no
 * `applied` event (each as of its own time; redoing is idempotent), then
 * append `applied` events for them.  When they fail together, each is
 * redone on its own: those the live store refuses are reported and left
 * for the next run, their count in *refused, their subjects added to
 * pending (keys: SHA-256 of the id; pending may be NULL), whom this run
 * must not erase again.  With dry, only reports them and adds the
 * subjects of their tombstones to pending.  Returns the number of
 * intents finished, or -1 after reporting.
 */
int intents_finish(sqlite3 *live, struct ledger *l, const struct config *cfg,
		   const struct key *k, struct eraser *er, int dry,
		   struct hashset *pending, int *refused);

/*
 * purge_apply: delete the rows of table rule->name with rowid in
 * [first, last] that are past rule->keep as of at; count into *rows.
 * Returns 0, or -1 after reporting.
 */
int purge_apply(sqlite3 *live, const struct purge_rule *rule, int64_t first,
		int64_t last, int64_t at, int64_t *rows);

/*
 * purge_run: purge the aged rows of one [purge] rule in batches, each an
 * intent, a short live transaction and an `applied` event.  With dry,
 * only counts.  Adds the rows to *rows.  Returns 0, or -1.
 */
int purge_run(sqlite3 *live, struct ledger *l, const struct purge_rule *rule,
	      int64_t now, int dry, int64_t *rows);

/*
 * holds_release: for each retained table, find subjects under a hold
 * (recorded at seq upto or before; 0: any) whose rows' holds have ended
 * as of now, append a `release` intent per subject, apply after_hold, and
 * append `applied`.  With dry, only reports.  Adds to *rows and
 * *subjects.  Returns 0, or -1.
 */
int holds_release(sqlite3 *live, struct ledger *l, const struct config *cfg,
		  struct eraser *er, int64_t now, int64_t upto, int dry,
		  int64_t *rows, int64_t *subjects);

/*
 * hold_append: append, in the open transaction of ledger l, the `hold`
 * event for rows of table kept for subject sid (request: the erasure's,
 * or NULL) until until (ISO-8601, or NULL), undated of them without a
 * readable date; restored: recorded by a restore or scrub for a subject
 * it matched by identifier (kept open until its end, see holds_release).
 * Returns the event's seq, or -1.
 */
int64_t hold_append(struct ledger *l, const char *sid, const char *table,
		    const char *request, int64_t rows, const char *until,
		    int64_t undated, int restored);

/*
 * hold_is_open: whether ledger l holds a hold on table for subject sid
 * that no release has ended.  Returns 1, 0, or -1 after reporting.
 */
int hold_is_open(struct ledger *l, const char *sid, const char *table);

#endif
