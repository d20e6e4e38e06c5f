/*
 * shared_ids.h: the identifiers subjects being erased share with subjects
 * who stay.
 *
 * An erased subject's own identifiers (from its subjects row) go into its
 * tombstone, so that tables linked by identifier, free text and restored
 * backups are cleaned of them too.  One a subject who stays holds as well
 * (a lead who became a client under a new record, a family's landline)
 * must not go: the other's orders would be masked, their free text
 * redacted, and a restore would take them.  Identifiers a request names
 * are the request's, and go whoever holds them (conflicts wait for
 * approval): only a subject's own are spared.
 */
#ifndef SHARED_IDS_H
#define SHARED_IDS_H

#include <sqlite3.h>

#include "config.h"
#include "key.h"

struct hashset;

/*
 * ids_held: which of the raw identifier hashes in wanted a subject holds.
 * With fast (the fast keys of wanted's identifiers, see shared_ids.c; or
 * NULL), an HMAC only for the identifiers whose key is in it; with skip
 * (or NULL), passing over the subjects whose id (its type, then its text)
 * has its SHA-256 in it.  Returns the set (the caller frees it), or NULL
 * after reporting.
 */
struct hashset *ids_held(sqlite3 *live, const struct config *cfg,
			 const struct key *k, const struct hashset *wanted,
			 const struct hashset *fast,
			 const struct hashset *skip);

struct shared_job;

/*
 * shared_ids_start: the raw identifier hashes that a subject victims
 * selects (an SQL condition on the subjects table, aliased s) shares
 * with a subject it does not select, in two steps, so that the caller
 * can work meanwhile: the pass over the victims now, through live; the
 * pass over the others (an HMAC only where a cheap key of a victim's
 * matches) on a thread with a connection of its own (reading what was
 * committed when it starts: the caller commits nothing to the live store
 * before shared_ids_finish), or, where that cannot be, now through live.
 * Returns the job, or NULL after reporting.
 */
struct shared_job *shared_ids_start(sqlite3 *live, const struct config *cfg,
				    const struct key *k, const char *victims);

/*
 * shared_ids_finish: wait for job and free it.  Returns the shared
 * hashes (the caller frees them), or NULL after reporting (or when job
 * is NULL).
 */
struct hashset *shared_ids_finish(struct shared_job *job);

struct holders;

/*
 * holders_read: for the subjects victims selects (as shared_ids_start
 * takes it), their raw identifier hashes, each with every subject that
 * holds it: they, then the others (one pass over those, one over the
 * others, as shared_ids_start does), read through db.  Returns the
 * holders (free with holders_free), or NULL after reporting.
 */
struct holders *holders_read(sqlite3 *db, const struct config *cfg,
			     const struct key *k, const char *victims);

/*
 * holders_shared: what shared_ids_finish would give for the subjects in
 * victims (a set of subject ids as text, some of those holders_read
 * read), later: the raw hashes a victim holds that a subject not in victims
 * holds too, counting only those present(arg, id) still finds (1; 0: no
 * longer there; -1: it failed, after reporting) and those with no id
 * (nothing erases them by id).  Returns the set (the
 * caller frees it), or NULL when present failed.
 */
struct hashset *holders_shared(const struct holders *hs,
			       const struct hashset *victims,
			       int (*present)(void *, const char *),
			       void *arg);

/* holders_free: free hs (NULL: nothing). */
void holders_free(struct holders *hs);

#endif
