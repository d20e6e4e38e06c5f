/*
 * redact.h: erased people's identifiers in other people's free text.
 *
 * A data map's `redact` columns (message bodies, notes) may mention a
 * person who is being erased.  The redactor keeps, in temp tables of the
 * connection, an index of the email and phone hashes found in those
 * columns (rows added since the last sync are scanned), and replaces the
 * identifiers of a batch by "[erased]" in the rows that hold them, in the
 * batch's transaction (so law 1's intents cover it).  Matches are checked
 * again on the row's current text.
 */
#ifndef REDACT_H
#define REDACT_H

#include <stdint.h>

#include <sqlite3.h>

#include "config.h"
#include "key.h"

struct redactor;
struct rowset;
struct strset;

/*
 * redactor_new: a redactor for db (schema "main") and cfg's redact
 * columns, hashing with k.  Returns NULL when the data map has no redact
 * column present in db; sets *err on failure (after reporting).
 */
struct redactor *redactor_new(sqlite3 *db, const struct config *cfg,
			      const struct key *k, int *err);

/* redactor_free: drop it.  NULL is a no-op. */
void redactor_free(struct redactor *r);

/* redactor_sync: index rows added since the last sync.  0 or -1. */
int redactor_sync(struct redactor *r);

/* redactor_clear, redactor_add: the batch's identifier hashes. */
void redactor_clear(struct redactor *r);
void redactor_add(struct redactor *r, const char *ids);

/*
 * redactor_apply: replace the batch's identifiers in the rows that hold
 * them; how many were replaced is added to *count.  Returns 0, or -1.
 */
int redactor_apply(struct redactor *r, int64_t *count);

/*
 * redactor_skip: from here on, redactor_apply leaves alone the rows that
 * are to go: those of cfg->tables[i] whose rowid is in sets[i + 1], and,
 * where by_value[i + 1] is set, those whose subject column is one of
 * sids.  The arguments (any may be NULL: none) must outlive r.  NULL r is
 * a no-op.
 */
void redactor_skip(struct redactor *r, struct rowset **sets,
		   const int *by_value, const struct strset *sids);

#endif
