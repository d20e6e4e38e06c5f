/*
 * ledger_append.c: appending events to the hash chain.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ledger.h"
#include "ledger_priv.h"
#include "log.h"
#include "sha.h"
#include "strbuf.h"
#include "timeutil.h"
#include "banned.h"

/* add_uint: v in decimal (the canonical encoding's numbers). */
static void
add_uint(struct strbuf *sb, uint64_t v)
{
	char buf[24];
	int n = 0;

	do
		buf[sizeof(buf) - 1 - n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	sb_add(sb, buf + sizeof(buf) - n, (size_t)n);
}

/* field: "NAME=LEN:VALUE\n", or "NAME=-\n" for NULL. */
static void
field(struct strbuf *sb, const char *name, const char *value)
{
	size_t n;

	sb_adds(sb, name);
	if (value == NULL) {
		sb_add(sb, "=-\n", 3);
		return;
	}
	n = strlen(value);
	sb_addc(sb, '=');
	add_uint(sb, n);
	sb_addc(sb, ':');
	sb_add(sb, value, n);
	sb_addc(sb, '\n');
}

/* number: "NAME=V\n", or "NAME=-\n" for 0. */
static void
number(struct strbuf *sb, const char *name, int64_t v)
{
	sb_adds(sb, name);
	if (v == 0) {
		sb_add(sb, "=-\n", 3);
		return;
	}
	sb_addc(sb, '=');
	if (v < 0) {
		sb_addc(sb, '-');
		add_uint(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		add_uint(sb, (uint64_t)v);
	}
	sb_addc(sb, '\n');
}

void
event_hash(const struct event *ev, char *hex)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "lethe-event-1\n");
	number(&sb, "seq", ev->seq);
	field(&sb, "at", ev->at);
	field(&sb, "type", ev->type);
	field(&sb, "subject", ev->subject);
	field(&sb, "reason", ev->reason);
	field(&sb, "request", ev->request);
	field(&sb, "scope", ev->scope);
	number(&sb, "ref", ev->ref);
	number(&sb, "ref_last", ev->ref_last);
	field(&sb, "ids", ev->ids);
	field(&sb, "data", ev->data);
	field(&sb, "prev", ev->prev);
	sha_hex(sb.buf, sb.len, hex);
	sb_release(&sb);
}

int
ledger_begin(struct ledger *l)
{
	if (db_exec(l->db, "BEGIN IMMEDIATE", "begin a ledger transaction"))
		return -1;
	if (ledger_head(l, &l->head_seq, l->head_hash) != 0) {
		ledger_rollback(l);
		return -1;
	}
	l->in_txn = 1;
	return 0;
}

int
ledger_commit(struct ledger *l)
{
	l->in_txn = 0;
	if (db_exec(l->db, "COMMIT", "commit to the ledger") != 0) {
		ledger_rollback(l);
		return -1;
	}
	return 0;
}

void
ledger_rollback(struct ledger *l)
{
	l->in_txn = 0;
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void
bind_num(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

int64_t
ledger_append(struct ledger *l, const struct event *in)
{
	struct event ev = *in;
	char at[TIME_BUFSZ], hash[HASH_HEX];
	sqlite3_stmt *st;

	if (!l->in_txn) {
		fprintf(stderr, "lethe: BUG: ledger_append outside a "
				"transaction\n");
		abort();
	}
	if (l->insert == NULL) {
		l->insert = db_prepare(l->db,
				       "INSERT INTO events(" EVENT_COLUMNS ") "
				       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
				       "?8, ?9, ?10, ?11, ?12, ?13)");
		if (l->insert == NULL)
			return -1;
	}
	st = l->insert;
	ev.seq = l->head_seq + 1;
	ev.at = time_format(l->now, at);
	ev.prev = l->head_hash;
	event_hash(&ev, hash);
	ev.hash = hash;

	sqlite3_bind_int64(st, 1, ev.seq);
	bind_text(st, 2, ev.at);
	bind_text(st, 3, ev.type);
	bind_text(st, 4, ev.subject);
	bind_text(st, 5, ev.reason);
	bind_text(st, 6, ev.request);
	bind_text(st, 7, ev.scope);
	bind_num(st, 8, ev.ref);
	bind_num(st, 9, ev.ref_last);
	bind_text(st, 10, ev.ids);
	bind_text(st, 11, ev.data);
	bind_text(st, 12, ev.prev);
	bind_text(st, 13, ev.hash);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(l->db, "append to the ledger");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	/* a trigger of someone else's may have made the insert do nothing
	 * (RAISE(IGNORE)): no event, no intent, nothing may follow it */
	if (sqlite3_changes(l->db) != 1) {
		log_err("ledger: event %" PRId64 " was not recorded (a trigger "
			"not lethe's?): the ledger was tampered with", ev.seq);
		sqlite3_clear_bindings(st);
		return -1;
	}
	sqlite3_clear_bindings(st);
	l->head_seq = ev.seq;
	memcpy(l->head_hash, hash, HASH_HEX);
	return ev.seq;
}
