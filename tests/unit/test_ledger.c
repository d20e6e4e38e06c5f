/*
 * test_ledger.c: the hash-chained, append-only tombstone ledger (law 9).
 *
 * A ledger of six events is built, read back and verified; then copies of
 * it are tampered with through a second, raw SQLite connection (triggers
 * dropped first) and verify must fail for each change.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tap.h"
#include "testutil.h"
#include "key.h"
#include "ledger.h"
#include "timeutil.h"

#define NOW INT64_C(1795341600)		/* 2026-11-22T10:00:00Z */
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
#define H_EMAIL "email:d2f50c440d4fde50e73eaf12d5bc7e67" \
		"022c85e3fad2a755f90b08f79a3fe03d"
#define H_PHONE "phone:6b13469f33e22a3a86b516e3cdfa7813" \
		"33d08457ffe78c900e0236c517650aee"

static char dir[PATH_MAX];
static struct key *key, *other_key;


static int
has(const char *s)
{
	return strstr(errtext, s) != NULL;
}

static char *
at(const char *name)
{
	static char buf[4][2 * PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* The six events every test ledger holds, in order. */
static const struct event events[] = {
	{ .type = "request", .request = "r-1", .ids = H_EMAIL " " H_PHONE,
	  .data = "{\"received\":\"2026-11-22T10:00:00Z\","
		  "\"due\":\"2026-11-29T10:00:00Z\",\"approval\":false}" },
	{ .type = "approve", .request = "r-1" },
	{ .type = "erase", .subject = "6f1e0f4a-0d2b-4c38-9a77-1f2d3c4b5a69",
	  .ids = H_EMAIL, .reason = "request", .request = "r-1",
	  .data = "{\"tables\":{\"tickets\":2,\"invoices\":0}}" },
	{ .type = "hold", .subject = "6f1e0f4a-0d2b-4c38-9a77-1f2d3c4b5a69",
	  .scope = "invoices",
	  .data = "{\"rows\":1,\"until\":\"2031-01-05T00:00:00Z\"}" },
	{ .type = "purge", .scope = "web_log",
	  .data = "{\"rows\":12,\"first\":1,\"last\":40}" },
	{ .type = "applied", .ref = 3, .ref_last = 5,
	  .data = "{\"tables\":{\"tickets\":2,\"web_log\":12}}" },
};
#define NEVENTS 6

/* build: a new ledger at path holding events, in three transactions. */
static int
build(const char *path)
{
	struct ledger *l;
	int i, ok = 1;

	if (ledger_create(path, key) != 0)
		return -1;
	l = ledger_open(path, key, 1, NOW);
	if (l == NULL)
		return -1;
	for (i = 0; i < NEVENTS; i += 2) {
		if (ledger_begin(l) != 0 ||
		    ledger_append(l, &events[i]) != i + 1 ||
		    ledger_append(l, &events[i + 1]) != i + 2 ||
		    ledger_commit(l) != 0)
			ok = 0;
	}
	ledger_free(l);
	return ok ? 0 : -1;
}

/* verify: open path with the key and verify, stderr in errtext. */
static int
verify(const char *path, int64_t against_seq, const char *against_hash,
       int64_t *count, int64_t *head_seq, char *head_hash)
{
	struct ledger *l;
	int64_t c, s;
	char h[HASH_HEX];
	int rc;

	capture_begin();
	l = ledger_open(path, key, 0, NOW);
	rc = l == NULL ? -2 : ledger_verify(l, against_seq, against_hash,
					    count ? count : &c,
					    head_seq ? head_seq : &s,
					    head_hash ? head_hash : h);
	ledger_free(l);
	capture_end();
	return rc;
}

/* raw: run sql on path through a plain connection; 0 or the error code. */
static int
raw(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		snprintf(errtext, sizeof(errtext), "%s", err ? err : "?");
	sqlite3_free(err);
	sqlite3_close(db);
	return rc;
}

#define UNGUARD "DROP TRIGGER events_no_update; " \
		"DROP TRIGGER events_no_delete; "
/* REGUARD: the triggers put back, as a careful forger would */
#define REGUARD "CREATE TRIGGER events_no_update BEFORE UPDATE ON events" \
	" BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;" \
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events" \
	" BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"

/* get: event seq of the ledger at path (release with event_release). */
static int
get(const char *path, int64_t seq, struct event *ev)
{
	struct ledger *l = ledger_open(path, key, 0, NOW);
	int rc = l == NULL ? -1 : ledger_get(l, seq, ev);

	ledger_free(l);
	return rc;
}

/* insert_event: insert ev as given (seq, prev, hash included) raw. */
static int
insert_event(const char *path, const struct event *ev)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	rc = sqlite3_prepare_v2(db, "INSERT INTO events(" EVENT_COLUMNS ") "
				    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
				    "nullif(?8, 0), nullif(?9, 0), ?10, ?11, "
				    "?12, ?13)",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ev->seq);
		sqlite3_bind_text(st, 2, ev->at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ev->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, ev->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ev->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, ev->request, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, ev->scope, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, ev->ref);
		sqlite3_bind_int64(st, 9, ev->ref_last);
		sqlite3_bind_text(st, 10, ev->ids, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, ev->data, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, ev->prev, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 13, ev->hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
test_event_hash(void)
{
	struct event e = {
		.seq = 5, .at = "2026-11-22T10:00:00Z", .type = "erase",
		.subject = "s-42", .reason = "request", .request = "r-1",
		.ids = "email:aa phone:bb", .data = "{}", .prev = ZEROS,
	};
	struct event a = {
		.seq = 7, .at = "2026-11-22T10:00:00Z", .type = "applied",
		.scope = "invoices", .ref = 3, .ref_last = 5, .prev = ZEROS,
	};
	struct event m;
	char h0[HASH_HEX], h[HASH_HEX];
	int i;

	/* The canonical encoding, hashed with sha256sum once: */
	event_hash(&e, h0);
	CHECK_STR(h0, "ebd3c3a3959f6243187edb47b152ddfe"
		      "6e4377d0e1d3ffe2681d5ac5a0fa1a0b",
		  "event_hash of a known event (the format is stable)");
	event_hash(&a, h);
	CHECK_STR(h, "0acf4335be9c5d0c4809cd1ea4aea347"
		     "5a511895ba36200e5dbca15607b0beed",
		  "event_hash of a known event with refs");
	event_hash(&e, h);
	CHECK_STR(h, h0, "event_hash is stable");
	m = e;
	m.hash = "ffff";
	event_hash(&m, h);
	CHECK_STR(h, h0, "event_hash ignores the stored hash");

	for (i = 0; i < 12; i++) {
		static const char *const names[] = {
			"seq", "at", "type", "subject", "reason", "request",
			"scope", "ref", "ref_last", "ids", "data", "prev"
		};

		m = e;
		switch (i) {
		case 0: m.seq = 6; break;
		case 1: m.at = "2026-11-22T10:00:01Z"; break;
		case 2: m.type = "purge"; break;
		case 3: m.subject = "s-43"; break;
		case 4: m.reason = "lead-expiry"; break;
		case 5: m.request = "r-2"; break;
		case 6: m.scope = "tickets"; break;
		case 7: m.ref = 1; break;
		case 8: m.ref_last = 1; break;
		case 9: m.ids = "email:aa"; break;
		case 10: m.data = "{ }"; break;
		case 11: m.prev = "1000000000000000000000000000000000000000"
				  "000000000000000000000000"; break;
		}
		event_hash(&m, h);
		CHECK(strcmp(h, h0) != 0, "event_hash depends on %s",
		      names[i]);
	}
	m = e;
	m.subject = NULL;
	event_hash(&m, h);
	CHECK(strcmp(h, h0) != 0, "a NULL field hashes unlike a set one");
	m.subject = "";
	event_hash(&m, h0);
	CHECK(strcmp(h, h0) != 0, "a NULL field hashes unlike an empty one");
	m = e;
	m.subject = "ab";
	m.reason = "c";
	event_hash(&m, h0);
	m.subject = "a";
	m.reason = "bc";
	event_hash(&m, h);
	CHECK(strcmp(h, h0) != 0, "moving text between fields changes the "
				  "hash");
	m = e;
	m.subject = "s\nreason=7:request";
	m.reason = NULL;
	event_hash(&m, h);
	event_hash(&e, h0);
	CHECK(strcmp(h, h0) != 0, "a field cannot forge the next one");
}

static void
test_build_read(void)
{
	const char *path = at("ledger.db");
	struct ledger *l;
	struct event ev, prev;
	char head[HASH_HEX], hash[HASH_HEX], buf[TIME_BUFSZ];
	int64_t seq, count, hseq;
	int i, ok;

	CHECK(ledger_create(path, key) == 0, "ledger_create");
	capture_begin();
	i = ledger_create(path, key);
	capture_end();
	CHECK(i != 0 && has("ledger.db"), "ledger_create refuses an existing "
					  "path");
	l = ledger_open(path, key, 1, NOW);
	CHECK(l != NULL, "ledger_open");
	if (l == NULL)
		return;
	CHECK(ledger_head(l, &seq, head) == 0 && seq == 0 &&
		      strcmp(head, ZEROS) == 0,
	      "an empty ledger's head is 0 and 64 zeros");
	CHECK(ledger_verify(l, 0, NULL, &count, &hseq, hash) == 0 &&
		      count == 0 && hseq == 0 && strcmp(hash, ZEROS) == 0,
	      "an empty ledger verifies");
	CHECK(ledger_now(l) == NOW, "ledger_now");

	CHECK(ledger_begin(l) == 0, "ledger_begin");
	CHECK(ledger_append(l, &events[0]) == 1, "first append is seq 1");
	CHECK(ledger_append(l, &events[1]) == 2, "second append is seq 2");
	CHECK(ledger_commit(l) == 0, "ledger_commit");
	CHECK(ledger_head(l, &seq, head) == 0 && seq == 2, "head after commit");

	CHECK(ledger_begin(l) == 0 && ledger_append(l, &events[2]) == 3,
	      "append in a second transaction");
	ledger_rollback(l);
	CHECK(ledger_head(l, &seq, hash) == 0 && seq == 2 &&
		      strcmp(hash, head) == 0,
	      "a rolled back append is gone");
	CHECK(ledger_get(l, 3, &ev) == 1, "ledger_get of a rolled back seq");

	/* a trigger not lethe's that drops an insert: append fails */
	sqlite3_exec(ledger_db(l), "CREATE TRIGGER zz_sink BEFORE INSERT ON "
		     "events BEGIN SELECT RAISE(IGNORE); END", NULL, NULL,
		     NULL);
	capture_begin();
	i = ledger_begin(l) == 0 ? (int)ledger_append(l, &events[2]) : 0;
	ledger_rollback(l);
	capture_end();
	CHECK(i == -1 && strstr(errtext, "was not recorded") != NULL,
	      "an append a trigger drops fails, and says so");
	sqlite3_exec(ledger_db(l), "DROP TRIGGER zz_sink", NULL, NULL, NULL);

	ok = 1;
	for (i = 2; i < NEVENTS; i += 2)
		if (ledger_begin(l) != 0 ||
		    ledger_append(l, &events[i]) != i + 1 ||
		    ledger_append(l, &events[i + 1]) != i + 2 ||
		    ledger_commit(l) != 0)
			ok = 0;
	CHECK(ok, "four more events in two transactions");
	CHECK(ledger_head(l, &seq, head) == 0 && seq == NEVENTS,
	      "head seq is the last event's");

	ok = 1;
	memset(&prev, 0, sizeof(prev));
	prev.hash = strdup(ZEROS);
	for (i = 0; i < NEVENTS; i++) {
		const struct event *in = &events[i];

		if (ledger_get(l, i + 1, &ev) != 0) {
			ok = 0;
			break;
		}
		event_hash(&ev, hash);
		if (ev.seq != i + 1 || !same(ev.type, in->type) ||
		    !same(ev.subject, in->subject) ||
		    !same(ev.reason, in->reason) ||
		    !same(ev.request, in->request) ||
		    !same(ev.scope, in->scope) || ev.ref != in->ref ||
		    ev.ref_last != in->ref_last || !same(ev.ids, in->ids) ||
		    !same(ev.data, in->data) ||
		    !same(ev.at, time_format(NOW, buf)) ||
		    !same(ev.prev, prev.hash) || !same(ev.hash, hash)) {
			printf("# event %d read back wrong\n", i + 1);
			ok = 0;
		}
		event_release(&prev);
		prev = ev;
	}
	CHECK(ok, "ledger_get returns every field as appended, stamped with "
		  "now, prev the hash before, hash = event_hash");
	CHECK(same(prev.hash, head), "head hash is the last event's hash");
	event_release(&prev);
	CHECK(ledger_get(l, NEVENTS + 1, &ev) == 1 &&
		      ledger_get(l, 0, &ev) == 1,
	      "ledger_get of a seq not there");

	CHECK(ledger_verify(l, 0, NULL, &count, &hseq, hash) == 0 &&
		      count == NEVENTS && hseq == NEVENTS &&
		      strcmp(hash, head) == 0,
	      "ledger_verify: intact, count and head");
	ledger_free(l);

	/* times may go backwards: order is by seq */
	l = ledger_open(path, key, 1, NOW - 86400);
	ok = l != NULL && ledger_begin(l) == 0 &&
	     ledger_append(l, &events[1]) == NEVENTS + 1 &&
	     ledger_commit(l) == 0;
	CHECK(ok && ledger_verify(l, 0, NULL, &count, &hseq, hash) == 0 &&
		      count == NEVENTS + 1,
	      "an event stamped earlier than the one before still verifies");
	ledger_free(l);
}

static void
test_against(void)
{
	const char *path = at("against.db");
	struct event e3;
	char head[HASH_HEX];
	int64_t count, seq;

	memset(&e3, 0, sizeof(e3));
	if (build(path) != 0 || get(path, 3, &e3) != 0) {
		CHECK(0, "build a ledger for --against");
		return;
	}
	CHECK(verify(path, 3, e3.hash, &count, &seq, head) == 0 &&
		      count == NEVENTS && seq == NEVENTS,
	      "against the true hash of an earlier event");
	CHECK(verify(path, NEVENTS, head, NULL, NULL, NULL) == 0,
	      "against the true head");
	CHECK(verify(path, 1, e3.hash, NULL, NULL, NULL) == -1 &&
		      has("event 1"),
	      "against a wrong hash fails, naming the event");
	CHECK(verify(path, 3, ZEROS, NULL, NULL, NULL) == -1,
	      "against zeros fails");
	CHECK(verify(path, NEVENTS + 1, head, NULL, NULL, NULL) == -1 &&
		      has("event 7"),
	      "against a seq beyond the head fails");

	/* the tail cut off: the chain is intact, the auditor's head is not */
	raw(path, UNGUARD "DELETE FROM events WHERE seq = 6;" REGUARD);
	CHECK(verify(path, 0, NULL, &count, NULL, NULL) == 0 && count == 5,
	      "a cut-off tail still verifies on its own");
	CHECK(verify(path, NEVENTS, head, NULL, NULL, NULL) == -1,
	      "against the head written down before the cut fails");
	CHECK(verify(path, 3, e3.hash, NULL, NULL, NULL) == 0,
	      "against an event before the cut still holds");
	event_release(&e3);
}

/* tampered: build name, run sql on it raw, and expect verify to fail. */
static void
tampered(const char *name, const char *sql, const char *what,
	 const char *msg)
{
	const char *path = at(name);
	int rc;

	if (build(path) != 0) {
		CHECK(0, "build %s", name);
		return;
	}
	if (raw(path, sql) != SQLITE_OK) {
		CHECK(0, "%s: tampering failed: %s", what, errtext);
		return;
	}
	rc = verify(path, 0, NULL, NULL, NULL, NULL);
	CHECK(rc == -1 && (msg == NULL || has(msg)), "verify detects %s", what);
	if (rc != -1 || (msg != NULL && !has(msg)))
		printf("# stderr: %s\n", errtext);
}

static void
test_tamper(void)
{
	static const struct {
		const char *col, *value;
	} changes[] = {
		{ "at", "'2026-11-22T10:00:01Z'" },
		{ "type", "'purge'" },
		{ "subject", "'someone-else'" },
		{ "subject", "NULL" },
		{ "reason", "'lead-expiry'" },
		{ "request", "'r-2'" },
		{ "scope", "'tickets'" },
		{ "ref", "2" },
		{ "ref_last", "9" },
		{ "ids", "'" H_PHONE "'" },
		{ "data", "'{\"tables\":{\"tickets\":1,\"invoices\":0}}'" },
		{ "prev", "'" ZEROS "'" },
		{ "hash", "'" ZEROS "'" },
	};
	char sql[512], name[64], what[128];
	size_t i;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		snprintf(sql, sizeof(sql),
			 UNGUARD "UPDATE events SET %s = %s WHERE seq = 3",
			 changes[i].col, changes[i].value);
		snprintf(name, sizeof(name), "changed-%zu.db", i);
		snprintf(what, sizeof(what), "a changed %s (= %.20s)",
			 changes[i].col, changes[i].value);
		tampered(name, sql, what, "event ");
	}
	tampered("changed-head.db",
		 UNGUARD "UPDATE events SET data = '{}' WHERE seq = 6",
		 "a changed last event", "event 6");
	tampered("changed-first.db",
		 UNGUARD "UPDATE events SET ids = NULL WHERE seq = 1",
		 "a changed first event", "event 1");
	tampered("deleted.db", UNGUARD "DELETE FROM events WHERE seq = 3",
		 "a deleted middle event", "event 4");
	tampered("deleted-first.db", UNGUARD "DELETE FROM events WHERE seq = 1",
		 "a deleted first event", "event 2");
	tampered("deleted-renumbered.db",
		 UNGUARD "DELETE FROM events WHERE seq = 3;"
			 "UPDATE events SET seq = -seq WHERE seq > 3;"
			 "UPDATE events SET seq = -seq - 1 WHERE seq < 0;",
		 "a deleted middle event, later ones renumbered", "event 3");
	tampered("swapped.db",
		 UNGUARD "UPDATE events SET seq = -2 WHERE seq = 2;"
			 "UPDATE events SET seq = 2 WHERE seq = 3;"
			 "UPDATE events SET seq = 3 WHERE seq = -2;",
		 "two events with swapped seqs", "event 2");
	tampered("inserted-end.db",
		 UNGUARD "INSERT INTO events(seq, at, type, prev, hash) VALUES "
			 "(7, '2026-11-22T10:00:00Z', 'approve', '" ZEROS "', '"
			 ZEROS "')",
		 "an event appended with a bad chain", "event 7");
	tampered("inserted-gap.db",
		 UNGUARD "INSERT INTO events(seq, at, type, prev, hash) "
			 "SELECT 9, at, type, hash, hash FROM events WHERE "
			 "seq = 6",
		 "an event inserted after a gap", "event 9");
}

/* An event inserted in the middle, well formed, the rest renumbered. */
static void
test_insert_middle(void)
{
	const char *path = at("inserted-middle.db");
	struct event e3, forged;
	char hash[HASH_HEX];
	int rc;

	memset(&e3, 0, sizeof(e3));
	if (build(path) != 0 || get(path, 3, &e3) != 0) {
		CHECK(0, "build a ledger for an insertion");
		return;
	}
	raw(path, UNGUARD "UPDATE events SET seq = -seq WHERE seq >= 4;"
			  "UPDATE events SET seq = -seq + 1 WHERE seq < 0;");
	forged = events[1];
	forged.seq = 4;
	forged.at = e3.at;
	forged.prev = e3.hash;
	event_hash(&forged, hash);
	forged.hash = hash;
	rc = insert_event(path, &forged);
	CHECK(rc == 0, "insert a well-formed event at seq 4");
	rc = verify(path, 0, NULL, NULL, NULL, NULL);
	CHECK(rc == -1 && has("event 5"),
	      "verify detects an event inserted in the middle");
	event_release(&e3);
}

/* The whole chain rewritten with fresh hashes: only --against tells. */
static void
test_rewrite(void)
{
	const char *path = at("rewritten.db");
	struct event ev;
	char oldhead[HASH_HEX], prev[HASH_HEX], hash[HASH_HEX], sql[512];
	int64_t s, count;
	int i, ok = 1;

	if (build(path) != 0 || verify(path, 0, NULL, &count, &s, oldhead)) {
		CHECK(0, "build a ledger to rewrite");
		return;
	}
	raw(path, UNGUARD);
	memset(&ev, 0, sizeof(ev));
	get(path, 2, &ev);
	snprintf(prev, sizeof(prev), "%s", ev.hash);
	event_release(&ev);
	for (i = 3; i <= NEVENTS && ok; i++) {
		if (get(path, i, &ev) != 0) {
			ok = 0;
			break;
		}
		if (i == 3) {
			free(ev.subject);
			ev.subject = strdup("someone-else");
		}
		free(ev.prev);
		ev.prev = strdup(prev);
		event_hash(&ev, hash);
		snprintf(sql, sizeof(sql),
			 "UPDATE events SET subject = '%s', prev = '%s', "
			 "hash = '%s' WHERE seq = %d",
			 ev.subject ? ev.subject : "", prev, hash, i);
		if (ev.subject == NULL)
			snprintf(sql, sizeof(sql),
				 "UPDATE events SET prev = '%s', hash = '%s' "
				 "WHERE seq = %d", prev, hash, i);
		if (raw(path, sql) != SQLITE_OK)
			ok = 0;
		snprintf(prev, sizeof(prev), "%s", hash);
		event_release(&ev);
	}
	raw(path, REGUARD);
	CHECK(ok && verify(path, 0, NULL, NULL, NULL, NULL) == 0,
	      "a consistently rewritten chain verifies on its own");
	raw(path, UNGUARD);
	CHECK(verify(path, 0, NULL, NULL, NULL, NULL) == -1 &&
		      has("events_no_update"),
	      "without its triggers the ledger fails verify");
	CHECK(verify(path, NEVENTS, oldhead, NULL, NULL, NULL) == -1 &&
		      has("event 6"),
	      "against the head written down earlier, the rewrite shows");
}

static void
test_triggers(void)
{
	const char *path = at("guarded.db");
	struct ledger *l;
	sqlite3 *db;
	int64_t count, s;
	char head[HASH_HEX];

	if (build(path) != 0) {
		CHECK(0, "build a ledger for the triggers");
		return;
	}
	l = ledger_open(path, key, 1, NOW);
	db = l ? ledger_db(l) : NULL;
	CHECK(db != NULL, "ledger_db");
	if (db == NULL)
		return;
	CHECK(sqlite3_exec(db, "UPDATE events SET data = '{}' WHERE seq = 3",
			   NULL, NULL, NULL) != SQLITE_OK &&
		      strstr(sqlite3_errmsg(db), "append-only") != NULL,
	      "UPDATE of an event is refused");
	CHECK(sqlite3_exec(db, "DELETE FROM events WHERE seq = 6", NULL, NULL,
			   NULL) != SQLITE_OK,
	      "DELETE of the last event is refused");
	CHECK(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL) !=
		      SQLITE_OK,
	      "DELETE of every event is refused");
	CHECK(sqlite3_exec(db, "UPDATE meta SET value = 'x' WHERE name = "
			       "'key_id'",
			   NULL, NULL, NULL) != SQLITE_OK,
	      "UPDATE of the key fingerprint is refused");
	CHECK(sqlite3_exec(db, "DELETE FROM meta", NULL, NULL, NULL) !=
		      SQLITE_OK,
	      "DELETE from meta is refused");
	CHECK(sqlite3_exec(db, "INSERT INTO events(seq, at, type, prev, hash) "
			       "VALUES (3, 'x', 'x', 'x', 'x') "
			       "ON CONFLICT(seq) DO UPDATE SET type = 'x'",
			   NULL, NULL, NULL) != SQLITE_OK,
	      "an upsert over an event is refused");
	CHECK(sqlite3_exec(db, "INSERT OR REPLACE INTO events(seq, at, type, "
			       "prev, hash) SELECT seq, at, 'approve', prev, "
			       "hash FROM events WHERE seq = 3",
			   NULL, NULL, NULL) != SQLITE_OK,
	      "INSERT OR REPLACE over an event is refused (it deletes the "
	      "event it replaces)");
	ledger_free(l);
	CHECK(verify(path, 0, NULL, &count, &s, head) == 0 && count == NEVENTS,
	      "after the refused changes the ledger still verifies");
	CHECK(raw(path, "UPDATE events SET data = NULL") != SQLITE_OK,
	      "another connection's UPDATE is refused too");
	raw(path, "INSERT OR REPLACE INTO meta(name, value) VALUES "
		  "('key_id', 'x')");
	capture_begin();
	l = ledger_open(path, key, 0, NOW);
	capture_end();
	CHECK(l != NULL, "INSERT OR REPLACE cannot replace the key "
			 "fingerprint (the right key still opens the ledger)");
	ledger_free(l);
}

static void
test_open(void)
{
	const char *path = at("keyed.db");
	struct ledger *l;
	sqlite3 *db;

	if (build(path) != 0) {
		CHECK(0, "build a ledger for ledger_open");
		return;
	}
	capture_begin();
	l = ledger_open(path, other_key, 1, NOW);
	capture_end();
	CHECK(l == NULL && has("another key"),
	      "ledger_open refuses a different key");
	ledger_free(l);
	capture_begin();
	l = ledger_open(path, other_key, 0, NOW);
	capture_end();
	CHECK(l == NULL, "ledger_open read-only refuses a different key too");
	ledger_free(l);
	l = ledger_open(path, key, 0, NOW);
	CHECK(l != NULL, "ledger_open read-only with the right key");
	ledger_free(l);
	l = ledger_open(path, NULL, 0, NOW);
	CHECK(l != NULL, "ledger_open without a key (an auditor verifying)");
	ledger_free(l);

	capture_begin();
	l = ledger_open(at("missing.db"), key, 1, NOW);
	capture_end();
	CHECK(l == NULL && access(at("missing.db"), F_OK) != 0,
	      "ledger_open of a missing file fails and creates nothing");
	ledger_free(l);

	sqlite3_open(at("plain.db"), &db);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	capture_begin();
	l = ledger_open(at("plain.db"), key, 1, NOW);
	capture_end();
	CHECK(l == NULL && has("not a lethe ledger"),
	      "ledger_open refuses a database that is not a ledger");
	ledger_free(l);
}

int
main(void)
{
	char tmpl[] = "/tmp/lethe-test-ledger-XXXXXX";
	unsigned char b[KEY_BYTES];
	int i;

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < KEY_BYTES; i++)
		b[i] = (unsigned char)i;
	key = key_from_bytes(b);
	b[0] ^= 1;
	other_key = key_from_bytes(b);

	test_event_hash();
	test_build_read();
	test_against();
	test_tamper();
	test_insert_middle();
	test_rewrite();
	test_triggers();
	test_open();

	key_free(key);
	key_free(other_key);
	if (tap_failed == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# kept %s\n", dir);
	return tap_done();
}
