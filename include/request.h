/*
 * request.h: erasure requests as the ledger records them.
 *
 * A request event holds the identifier hashes, the received and due
 * times, whether the policy asked for approval, and an optional --ref.
 * Its status is derived, in one place (request.c): done once it has
 * tombstones (erase events naming it) and an `applied` event covers each
 * of them (law 1: the live store changed), done at the time of the
 * applied event that covered the last of them; else overdue when its
 * due time has passed, else pending.  A request with tombstones not all
 * applied is executed but not done: no run executes it again (the run
 * finishes its intents instead), and it turns overdue in time.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stdint.h>

#include "config.h"
#include "key.h"
#include "ledger.h"
#include "strbuf.h"

enum request_status { REQ_PENDING, REQ_DONE, REQ_OVERDUE };

struct request {
	int64_t seq;
	const char *id;
	const char *ids;		/* "email:HEX phone:HEX" */
	const char *ref;		/* or NULL */
	int64_t received;
	int64_t due;
	int approval;			/* the policy asked for approval */
	int approved;
	int status;			/* enum request_status */
	int executed;			/* it has tombstones */
	int64_t done;			/* done: when the last was applied */
};

/* request_late: whether r was done after its due time. */
#define request_late(r) ((r)->status == REQ_DONE && (r)->done > (r)->due)

/*
 * request_each: call fn for every request in seq order, with its status as
 * of now.  The strings are valid only during the call.  Stops and returns
 * fn's value when it is not 0; returns 0, or -1 after reporting.
 */
int request_each(struct ledger *l, int64_t now,
		 int (*fn)(void *, const struct request *), void *arg);

/*
 * request_find: look up request id and call fn for it.  Returns fn's
 * value, 1 when there is no such request, or -1.
 */
int request_find(struct ledger *l, int64_t now, const char *id,
		 int (*fn)(void *, const struct request *), void *arg);

/* request_status_name: "pending", "done" or "overdue". */
const char *request_status_name(int status);

/*
 * request_say_overdue: report request id, due at due, as overdue (why:
 * what holds it, e.g. "still awaiting approval"), and count it into
 * *overdue.
 */
void request_say_overdue(const char *id, int64_t due, const char *why,
			 int64_t *overdue);

/*
 * request_ids: the identifier hashes ("email:HEX phone:HEX") of an email
 * and/or a phone, into ids.  Either may be NULL, not both.  Returns 0, or
 * -1 with *bad set to the identifier that is not valid.
 */
int request_ids(const struct config *cfg, const struct key *k,
		const char *email, const char *phone, struct strbuf *ids,
		const char **bad);

/*
 * request_append: append a request event for ids with received = the
 * ledger's now, due = received + the policy's deadline, and approval
 * needed when the policy asks for it or approval says so; its id is id
 * when that is not empty, else a new uuid written into id (37 bytes).
 * Inside a ledger transaction.  Returns 0 or -1.
 */
int request_append(struct ledger *l, const struct config *cfg,
		   const char *ids, const char *ref, int approval, char *id,
		   int64_t *due);

#endif
