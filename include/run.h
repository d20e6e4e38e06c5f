/*
 * run.h: the steps of `lethe run` that live outside cmd_run.c.
 */
#ifndef RUN_H
#define RUN_H

#include <stdint.h>

#include "batch.h"
#include "ledger.h"

struct hashset;
struct key;
struct request;
struct request_stage;
struct sqlfn_ctx;

/*
 * requests_run: execute every pending request that is approved or needs
 * no approval, whatever its due time, through batch b: each subject
 * matching any of its identifiers is erased; a request matching no live
 * subject gets an identifiers-only tombstone.  The requests and their
 * matches are those requests_stage read (pre), else read here.  A request whose
 * identifiers match different subjects waits for approval.  Counts the
 * requests executed (their erasures committed) into *done and those left
 * waiting past their due time into *overdue (each reported).  Returns 0,
 * or -1 after reporting.
 */
int requests_run(struct batch *b, struct ledger *l,
		 struct request_stage *pre, int64_t now, int64_t *done,
		 int64_t *overdue);

/*
 * requests_stage: start reading the pending requests, matching them with
 * the live subjects and reading who holds the matched subjects'
 * identifiers (requests_run's first part) on a thread, with a live
 * connection (fn's SQL functions; fn must outlive it) and a read-only
 * ledger connection of its own, while the caller expires leads (without
 * a thread, at once); pass the stage to requests_run, which waits for
 * it.  What fails there is reported, and makes requests_run fail.
 */
struct request_stage *requests_stage(const struct config *cfg,
				     const struct key *k,
				     struct sqlfn_ctx *fn, int64_t now);

/* requests_stage_free: wait for s's thread, close its connections and
 * free it (NULL: nothing). */
void requests_stage_free(struct request_stage *s);

/*
 * requests_conflicts: the pending requests (those with a seq after
 * from_seq) whose identifiers match different people in the live store
 * (they wait for approval whatever the policy says), as SHA-256 keys of
 * their ids into out (identifiers hashed under k).  Returns 0, or -1
 * after reporting.
 */
int requests_conflicts(sqlite3 *live, struct ledger *l,
		       const struct config *cfg, const struct key *k,
		       int64_t now, int64_t from_seq, struct hashset *out);

/*
 * request_conflict_warn: say that request id's identifiers match
 * different subjects, so it waits for approval.
 */
void request_conflict_warn(const char *id);

/*
 * requests_waiting: requests_conflicts (of the requests after seq
 * from_seq; 0: all) against the live store at cfg->live_store, best
 * effort, for readers (request list, ledger lookup) and for the requests
 * `request erase` has just appended: a new set (free with hashset_free),
 * or NULL when the store cannot be read (nothing is reported then).
 */
struct hashset *requests_waiting(struct ledger *l, const struct config *cfg,
				 const struct key *k, int64_t now,
				 int64_t from_seq);

/*
 * request_in: whether request id is in waiting (requests_waiting's set,
 * or NULL).
 */
int request_in(const struct hashset *waiting, const char *id);

/*
 * request_waits: whether request r waits for approval: the policy asks
 * for it, or its id is in waiting (requests_waiting's set, or NULL).
 */
int request_waits(const struct request *r, const struct hashset *waiting);

#endif
