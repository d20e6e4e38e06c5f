/*
 * ledger.h: the tombstone ledger, an append-only hash-chained SQLite file.
 *
 * Each event has a sequence number (its order; times may go backwards),
 * a time, a type and fields that depend on the type; it carries the hash
 * of the event before it and its own SHA-256 over a canonical encoding.
 * Triggers refuse UPDATE and DELETE.  No personal data is ever stored:
 * identifiers appear only as keyed hashes ("email:HEX phone:HEX").
 *
 * Event types:
 *   request  ids, data {received, due, approval, ref?}; request = its id
 *   approve  request
 *   erase    the tombstone, an intent: subject (or NULL), ids, reason
 *            (lead-expiry | request), request, data {tables: {T: rows}}
 *   hold     subject, scope (table), data {rows, until}; written with
 *            the tombstone; rows kept under a legal hold
 *   release  intent: subject, scope, data {rows}; a hold's end
 *   purge    intent: scope (table), data {rows, first, last}
 *   applied  ref .. ref_last: the intents the live change finished;
 *            data {tables: {T: rows}, clean: every intent up to this
 *            seq has its applied event}
 *   backup, restore, scrub   data describing the archive
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stdint.h>

#include <sqlite3.h>

#include "key.h"

#define EVENT_COLUMNS "seq, at, type, subject, reason, request, scope, " \
		      "ref, ref_last, ids, data, prev, hash"

struct event {
	int64_t seq;
	char *at;		/* ISO-8601 UTC */
	char *type;
	char *subject;		/* NULL when none */
	char *reason;
	char *request;
	char *scope;
	int64_t ref;		/* 0 when none */
	int64_t ref_last;
	char *ids;		/* "email:HEX phone:HEX" */
	char *data;		/* a JSON object */
	char *prev;
	char *hash;
};

struct ledger;

/*
 * ledger_create: create a new ledger database at path, recording the key's
 * fingerprint.  Fails if path exists.  Returns 0, or -1 after reporting.
 */
int ledger_create(const char *path, const struct key *k);

/*
 * ledger_open: open the ledger at path.  Events appended are stamped with
 * `now`.  With a key, refuses a ledger made under another key.  Returns
 * the ledger (free with ledger_free), or NULL after reporting the error.
 */
struct ledger *ledger_open(const char *path, const struct key *k,
			   int writable, int64_t now);

/*
 * ledger_open_checked: ledger_open; when it fails, *damaged (unless
 * damaged is NULL) tells whether the file itself is bad (a damaged
 * database, not a lethe ledger, its key fingerprint gone): 1, else 0
 * (it could not be read, or was made under another key).
 */
struct ledger *ledger_open_checked(const char *path, const struct key *k,
				   int writable, int64_t now, int *damaged);

/*
 * ledger_check_key: whether ledger l (at path, for messages) was made under
 * key k.  Messages start with where and ": " unless it is NULL (the
 * config's "FILE:LINE: [lethe] key_file").  Returns 0; -1 after reporting
 * another key (or an error reading it); -2 after reporting that the
 * ledger holds no key fingerprint (damaged).
 */
int ledger_check_key(struct ledger *l, const char *path, const struct key *k,
		     const char *where);

/* ledger_free: close l.  NULL is a no-op. */
void ledger_free(struct ledger *l);

/* ledger_db: the database handle, for queries over events; owned by l. */
sqlite3 *ledger_db(struct ledger *l);

/* ledger_now: the time events are stamped with. */
int64_t ledger_now(const struct ledger *l);

/*
 * ledger_begin, ledger_commit, ledger_rollback: a write transaction.
 * Commit makes the appended events durable (synchronous=FULL) before it
 * returns.  Return 0, or -1 after reporting.
 */
int ledger_begin(struct ledger *l);
int ledger_commit(struct ledger *l);
void ledger_rollback(struct ledger *l);

/*
 * ledger_append: append ev (seq, at, prev and hash are filled in from the
 * ledger's head and time; the other fields are the caller's).  Must be
 * inside ledger_begin .. ledger_commit.  Returns the new seq, or -1.
 */
int64_t ledger_append(struct ledger *l, const struct event *ev);

/*
 * ledger_set_clean: every intent up to seq has its `applied` event (known
 * after finishing unapplied intents).  ledger_mark_dirty: an intent was
 * left without its `applied` event (a failed step).  ledger_clean: the
 * watermark an `applied` event naming intents up to `last` records: last
 * itself while nothing was left behind, else the last known clean seq.
 */
void ledger_set_clean(struct ledger *l, int64_t seq);
void ledger_mark_dirty(struct ledger *l);
int64_t ledger_clean(const struct ledger *l, int64_t last);

/*
 * ledger_head: the last event's seq and hash (0 and 64 zeros when empty).
 * Returns 0, or -1 after reporting.
 */
int ledger_head(struct ledger *l, int64_t *seq, char *hash);

/*
 * ledger_get: read event seq into ev (release with event_release).
 * Returns 0, 1 when there is no such event, or -1 after reporting.
 */
int ledger_get(struct ledger *l, int64_t seq, struct event *ev);

/*
 * event_read: fill ev from a row whose first columns are EVENT_COLUMNS,
 * starting at column col.  The strings are copies owned by ev.
 */
void event_read(sqlite3_stmt *st, int col, struct event *ev);

/* event_release: free ev's strings and zero it.  Safe on a zeroed ev. */
void event_release(struct event *ev);

/* event_hash: the event's own hash (HASH_HEX bytes) from its fields. */
void event_hash(const struct event *ev, char *hex);

/*
 * ledger_verify: walk the whole chain.  Reports the first problem (a seq
 * out of order or missing, a prev that does not match, a hash that does
 * not match the event, a field not stored as ledger_append writes it:
 * integers as non-zero integers or NULL, strings as text without a NUL)
 * and returns -1; returns 0 when intact, with the
 * count and head.  With against_hash, also checks that event
 * against_seq has hash against_hash (seq 0: the empty chain, whose head
 * is 64 zeros and a prefix of every chain).
 */
int ledger_verify(struct ledger *l, int64_t against_seq,
		  const char *against_hash, int64_t *count, int64_t *head_seq,
		  char *head_hash);

#endif
