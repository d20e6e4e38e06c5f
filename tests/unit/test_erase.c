/*
 * test_erase.c: the erasure engine on a demo-schema store.
 *
 * The data map: communications and tickets deleted, invoices retained six
 * years from issued_at and then deleted, orders linked by email and
 * masked (customer_email, customer_name, delivery_address).  Time is fixed
 * at 2026-11-22T10:00:00Z.
 */
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
#include "config.h"
#include "demo.h"
#include "erase.h"
#include "ident.h"
#include "key.h"
#include "sqlfn.h"
#include "strbuf.h"
#include "timeutil.h"

static char dir[PATH_MAX];
static struct key *key;
static int64_t now;

/* tally indexes: 0 is the subjects table, then the [table]s in order */
enum { T_SUBJECTS, T_COMMS, T_TICKETS, T_INVOICES, T_ORDERS };
#define TI_INVOICES (T_INVOICES - 1)	/* cfg->tables index */

static const char config_text[] =
	"[lethe]\n"
	"live_store = live.db\n"
	"ledger = ledger.db\n"
	"key_file = ledger.key\n"
	"[subjects]\n"
	"table = subjects\n"
	"id = id\n"
	"kind = kind\n"
	"lead_kind = lead\n"
	"last_activity = last_contact_at\n"
	"identifiers = email:email, phone:phone\n"
	"[table communications]\n"
	"subject = subject_id\n"
	"on_erase = delete\n"
	"[table tickets]\n"
	"subject = subject_id\n"
	"on_erase = delete\n"
	"[table invoices]\n"
	"subject = subject_id\n"
	"on_erase = retain\n"
	"retain_for = 6 years\n"
	"date = issued_at\n"
	"after_hold = %s\n"
	"%s"
	"[table orders]\n"
	"subject = customer_email\n"
	"match = email\n"
	"on_erase = mask\n"
	"mask = customer_name, delivery_address\n";

static const char data[] =
	"INSERT INTO subjects VALUES"
	" ('s1', 'client', 'Alice A', 'alice@example.com', '+44 20 7946 0958',"
	"  '1 High St', '2015-01-01', '2026-01-01'),"
	" ('s2', 'client', 'Bob B', 'bob@example.com', NULL, NULL,"
	"  '2015-01-01', '2026-01-01'),"
	" ('s3', 'lead', 'Carol C', 'carol@example.com', NULL, NULL,"
	"  '2015-01-01', '2024-01-01'),"
	" ('s4', 'client', 'Dan D', 'dan@example.com', '07700 900123', NULL,"
	"  '2015-01-01', '2026-11-01');"
	"INSERT INTO communications(id, subject_id, at, channel, body) VALUES"
	" (1, 's1', '2026-01-01', 'mail', 'hello'),"
	" (2, 's1', '2026-01-02', 'phone', 'call'),"
	" (3, 's2', '2026-01-03', 'mail', 'hi'),"
	" (4, 's3', '2026-01-04', 'mail', 'info'),"
	" (5, 's4', '2026-01-05', 'mail', 'thanks');"
	"INSERT INTO tickets(id, subject_id, opened_at, title, body, status)"
	" VALUES (1, 's1', '2026-01-01', 't', 'b', 'open'),"
	" (2, 's2', '2026-01-01', 't', 'b', 'open'),"
	" (3, 's2', '2026-01-02', 't', 'b', 'closed'),"
	" (4, 's4', '2026-01-03', 't', 'b', 'open');"
	"INSERT INTO invoices(id, subject_id, number, issued_at, amount_cents,"
	" billing_name, billing_address) VALUES"
	" (1, 's1', 'I-1', '2018-01-15', 100, 'Alice A', '1 High St'),"
	" (2, 's1', 'I-2', '2023-03-01', 200, 'Alice A', '1 High St'),"
	" (3, 's2', 'I-3', '2020-11-22T10:00:00Z', 300, 'Bob B', 'x'),"
	" (4, 's2', 'I-4', '2020-11-22T09:59:59Z', 400, 'Bob B', 'x'),"
	" (5, 's3', 'I-5', 'not a date', 500, 'Carol C', 'y'),"
	" (6, 's4', 'I-6', '2010-01-01', 600, 'Dan D', 'z');"
	"INSERT INTO orders(id, customer_email, customer_name,"
	" delivery_address, placed_at, total_cents) VALUES"
	" (1, 'Alice@Example.com ', 'Alice A', '1 High St', '2026-01-01',"
	"  1000),"
	" (2, 'alice@example.com', 'Alice', '2 Low St', '2026-02-01', 2000),"
	" (3, 'bob@example.com', 'Bob B', '3 Mid St', '2026-03-01', 3000),"
	" (4, 'dan@example.com', 'Dan D', '4 End St', '2026-04-01', 4000),"
	" (5, 'erin@example.com', 'Erin E', '5 New St', '2026-05-01', 5000),"
	" (6, NULL, 'Nobody', '6 No St', '2026-06-01', 6000);"
	"INSERT INTO web_log(at, ip, path, user_agent) VALUES"
	" ('2026-11-01', '192.0.2.1', '/', 'x');";

static int64_t
t(const char *s)
{
	int64_t v = -1;

	time_parse(s, &v);
	return v;
}

static struct config *
load_config(const char *after_hold, const char *mask)
{
	char path[2 * PATH_MAX];
	struct config *cfg;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/lethe-%s.ini", dir, after_hold);
	fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fprintf(fp, config_text, after_hold, mask);
	fclose(fp);
	cfg = config_load(path);
	if (cfg == NULL) {
		printf("# the test config does not load\n");
		exit(2);
	}
	return cfg;
}

/* the store's file, so the "application" can use its own connection */
static char store_path[PATH_MAX + 32];

static sqlite3 *
open_store(struct sqlfn_ctx *fn)
{
	static int n;
	sqlite3 *db = NULL;
	char *err = NULL;

	snprintf(store_path, sizeof(store_path), "%s/store-%d.db", dir, ++n);
	if (sqlite3_open(store_path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, DEMO_SCHEMA, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, data, NULL, NULL, &err) != SQLITE_OK ||
	    sqlfn_register(db, fn) != 0) {
		printf("# store: %s\n", err ? err : sqlite3_errmsg(db));
		exit(2);
	}
	return db;
}

static int64_t
q(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		printf("# %s: %s\n", sql, err);
	sqlite3_free(err);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * app: run sql as the application would, on its own connection to the
 * store, so that lethe's connection sees another writer's commit.
 */
static int
app(const char *sql)
{
	sqlite3 *other = NULL;
	int rc;

	if (sqlite3_open(store_path, &other) != SQLITE_OK)
		return -1;
	rc = exec(other, sql);
	sqlite3_close(other);
	return rc;
}

/* ids: "email:HEX[ phone:HEX]" for an email and a phone (or NULL). */
static char *
ids(const char *email, const char *phone)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[HASH_HEX];

	if (email != NULL &&
	    ident_hash_value(key, "email", email, 44, hex) == 0)
		sb_addf(&sb, "email:%s", hex);
	if (phone != NULL &&
	    ident_hash_value(key, "phone", phone, 44, hex) == 0)
		sb_addf(&sb, "%sphone:%s", sb.len ? " " : "", hex);
	return sb_detach(&sb);
}

static int
rows_are(const struct erase_tally *t, int64_t s, int64_t c, int64_t k,
	 int64_t i, int64_t o)
{
	int ok = t->rows[0] == s && t->rows[1] == c && t->rows[2] == k &&
		 t->rows[3] == i && t->rows[4] == o;

	if (!ok)
		printf("# rows: subjects %lld, communications %lld, tickets "
		       "%lld, invoices %lld, orders %lld\n",
		       (long long)t->rows[0], (long long)t->rows[1],
		       (long long)t->rows[2], (long long)t->rows[3],
		       (long long)t->rows[4]);
	return ok;
}

/* erase: one transaction erasing the subjects (sid, ids) pairs given. */
static int
erase(sqlite3 *db, struct eraser *e, struct erase_tally *t, int n, ...)
{
	va_list ap;
	int i, rc = 0;

	tally_zero(t);
	if (exec(db, "BEGIN IMMEDIATE") != 0)
		return -1;
	if (eraser_sync(e) != 0 || eraser_clear(e) != 0)
		rc = -1;
	va_start(ap, n);
	for (i = 0; i < n && rc == 0; i++) {
		const char *sid = va_arg(ap, const char *);
		const char *h = va_arg(ap, const char *);

		if (eraser_add(e, sid, h) != 0)
			rc = -1;
	}
	va_end(ap);
	if (rc == 0 && eraser_apply(e, t) != 0)
		rc = -1;
	exec(db, rc == 0 ? "COMMIT" : "ROLLBACK");
	return rc;
}

static void
test_count_and_apply(void)
{
	struct config *cfg = load_config("delete", "");
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	struct erase_tally tl;
	struct eraser *e;
	struct strbuf sb = STRBUF_INIT;
	sqlite3 *db;
	char *alice = ids("alice@example.com", "+44 20 7946 0958");
	char *bob = ids("bob@example.com", NULL);
	char *carol = ids("carol@example.com", NULL);
	char *erin = ids("erin@example.com", NULL);
	int64_t rows, remaining;

	fn.key = key;
	fn.now = now;
	db = open_store(&fn);
	CHECK(config_check_store(cfg, db, "test", 0) == 0,
	      "the test data map fits the demo schema");
	e = eraser_new(db, cfg, now);
	CHECK(e != NULL, "eraser_new");
	if (e == NULL)
		return;
	tally_init(&tl, cfg);
	CHECK(tl.n == 5, "a tally has the subjects table and four tables");
	CHECK(eraser_sync(e) == 0, "eraser_sync");

	/* what erasing each would do */
	CHECK(eraser_count(e, "s1", alice, &tl) == 0 &&
		      rows_are(&tl, 1, 2, 1, 1, 2),
	      "count s1: subject, 2 communications, 1 ticket, 1 old invoice, "
	      "2 orders by two spellings of the email");
	CHECK(tl.held[T_INVOICES] == 1 && tl.undated[T_INVOICES] == 0 &&
		      tl.until[T_INVOICES] != NULL &&
		      !strcmp(tl.until[T_INVOICES], "2029-03-01T00:00:00Z"),
	      "count s1: 1 invoice held until 2029-03-01");
	CHECK(tl.held[T_COMMS] == 0 && tl.until[T_COMMS] == NULL,
	      "count s1: nothing held in a deleted table");
	tally_text(&tl, cfg, &sb);
	CHECK_STR(sb_str(&sb), "subjects 1, communications 2, tickets 1, "
			       "invoices 1, orders 2",
		  "tally_text");
	sb_reset(&sb);
	tally_json(&tl, cfg, 0, &sb);
	CHECK_STR(sb_str(&sb), "{\"subjects\":1,\"communications\":2,"
			       "\"tickets\":1,\"invoices\":1,\"orders\":2}",
		  "tally_json of rows");
	sb_reset(&sb);
	tally_json(&tl, cfg, 1, &sb);
	CHECK_STR(sb_str(&sb), "{\"invoices\":1}", "tally_json of held rows");
	sb_release(&sb);

	CHECK(eraser_count(e, "s2", bob, &tl) == 0 &&
		      rows_are(&tl, 1, 1, 2, 1, 1) &&
		      tl.held[T_INVOICES] == 1 &&
		      tl.until[T_INVOICES] != NULL &&
		      !strcmp(tl.until[T_INVOICES], "2026-11-22T10:00:00Z"),
	      "count s2: the invoice dated exactly 6 years ago is held "
	      "(not past), the one a second older is not");
	CHECK(eraser_count(e, "s3", carol, &tl) == 0 &&
		      rows_are(&tl, 1, 1, 0, 0, 0) &&
		      tl.held[T_INVOICES] == 1 &&
		      tl.undated[T_INVOICES] == 1,
	      "count s3: an unreadable date is held and counted undated");
	CHECK(eraser_count(e, NULL, erin, &tl) == 0 &&
		      rows_are(&tl, 0, 0, 0, 0, 1),
	      "count by identifier only: the order of erin");
	CHECK(eraser_count(e, "s9", NULL, &tl) == 0 &&
		      rows_are(&tl, 0, 0, 0, 0, 0),
	      "count an unknown subject: nothing");
	CHECK(q(db, "SELECT count(*) FROM subjects") == 4 &&
		      q(db, "SELECT count(*) FROM orders WHERE customer_email "
			    "IS NULL") == 1,
	      "counting changes nothing");

	/* erase s1 */
	CHECK(erase(db, e, &tl, 1, "s1", alice) == 0 &&
		      rows_are(&tl, 1, 2, 1, 1, 2),
	      "apply s1: the rows counted");
	CHECK(q(db, "SELECT count(*) FROM subjects WHERE id = 's1'") == 0,
	      "s1's subjects row deleted");
	CHECK(q(db, "SELECT count(*) FROM communications WHERE subject_id = "
		    "'s1'") == 0 &&
		      q(db, "SELECT count(*) FROM communications") == 3,
	      "s1's communications deleted, the others kept");
	CHECK(q(db, "SELECT count(*) FROM tickets WHERE subject_id = 's1'") ==
			  0 && q(db, "SELECT count(*) FROM tickets") == 3,
	      "s1's ticket deleted, the others kept");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id = 1") == 0,
	      "s1's invoice older than 6 years deleted");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id = 2 AND subject_id "
		    "= 's1' AND billing_name = 'Alice A' AND amount_cents = "
		    "200") == 1,
	      "s1's invoice within 6 years kept unchanged");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE id IN (1, 2) AND "
		    "customer_email IS NULL AND customer_name IS NULL AND "
		    "delivery_address IS NULL") == 2,
	      "s1's orders masked: email, name, address NULL");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE id = 1 AND placed_at = "
		    "'2026-01-01' AND total_cents = 1000") == 1 &&
		      q(db, "SELECT total_cents FROM orders WHERE id = 2") ==
			      2000,
	      "s1's orders keep their other columns");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE customer_email IS NOT "
		    "NULL") == 3,
	      "the other orders are untouched");

	/* a batch of two */
	CHECK(erase(db, e, &tl, 2, "s2", bob, "s3", carol) == 0 &&
		      rows_are(&tl, 2, 2, 2, 1, 1),
	      "apply a batch of s2 and s3");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id IN (3, 5, 6)") ==
		      3,
	      "held invoices (exactly 6 years, undated) and others' kept");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id = 4") == 0,
	      "s2's invoice a second past the hold deleted");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE id = 3 AND "
		    "customer_email IS NULL AND customer_name IS NULL") == 1,
	      "s2's order masked");
	CHECK(q(db, "SELECT count(*) FROM subjects") == 1 &&
		      q(db, "SELECT count(*) FROM communications WHERE "
			    "subject_id = 's4'") == 1 &&
		      q(db, "SELECT count(*) FROM tickets WHERE subject_id = "
			    "'s4'") == 1 &&
		      q(db, "SELECT count(*) FROM invoices WHERE subject_id = "
			    "'s4'") == 1 &&
		      q(db, "SELECT count(*) FROM orders WHERE id = 4 AND "
			    "customer_email = 'dan@example.com'") == 1,
	      "s4, never erased, is untouched");

	/* identifiers only */
	CHECK(erase(db, e, &tl, 1, NULL, erin) == 0 &&
		      rows_are(&tl, 0, 0, 0, 0, 1),
	      "identifier-only erasure: one order");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE id = 5 AND "
		    "customer_email IS NULL AND customer_name IS NULL AND "
		    "delivery_address IS NULL AND total_cents = 5000") == 1,
	      "identifier-only erasure masks erin's order");
	CHECK(q(db, "SELECT count(*) FROM orders WHERE id = 6 AND "
		    "customer_name = 'Nobody'") == 1,
	      "an order without an email is untouched");
	CHECK(erase(db, e, &tl, 1, "s1", alice) == 0 &&
		      rows_are(&tl, 0, 0, 0, 0, 0),
	      "erasing s1 again changes and counts nothing (masked orders "
	      "are not masked again)");
	CHECK(eraser_count(e, NULL, alice, &tl) == 0 &&
		      rows_are(&tl, 0, 0, 0, 0, 0),
	      "counting s1's identifiers after the erasure: nothing left");

	/* the hold's end */
	CHECK(eraser_release(e, TI_INVOICES, "s1", now, 0, &rows,
			     &remaining) == 0 &&
		      rows == 0 && remaining == 1,
	      "release before the hold ends: nothing, 1 remaining");
	CHECK(eraser_release(e, TI_INVOICES, "s1", t("2029-03-01T00:00:00Z"),
			     0, &rows, &remaining) == 0 &&
		      rows == 0 && remaining == 1,
	      "release exactly at the hold's end: not yet");
	CHECK(eraser_release(e, TI_INVOICES, "s1", t("2029-03-01T00:00:01Z"),
			     1, &rows, &remaining) == 0 &&
		      rows == 1 && remaining == 0 &&
		      q(db, "SELECT count(*) FROM invoices WHERE id = 2") == 1,
	      "dry release after the hold: counts 1, deletes nothing");
	CHECK(eraser_release(e, TI_INVOICES, "s1", t("2029-03-01T00:00:01Z"),
			     0, &rows, &remaining) == 0 &&
		      rows == 1 && remaining == 0 &&
		      q(db, "SELECT count(*) FROM invoices WHERE id = 2") == 0,
	      "release after the hold deletes the invoice");
	CHECK(eraser_release(e, TI_INVOICES, "s3", t("2100-01-01"), 0, &rows,
			     &remaining) == 0 &&
		      rows == 0 && remaining == 1 &&
		      q(db, "SELECT count(*) FROM invoices WHERE id = 5") == 1,
	      "an undated held row is never released");
	CHECK(eraser_release(e, T_COMMS - 1, "s1", now, 0, &rows,
			     &remaining) == 0 &&
		      rows == 0 && remaining == 0,
	      "release on a table that holds nothing");

	/* rows the application added after a sync are found by the next */
	app("INSERT INTO orders(id, customer_email, customer_name, "
		 "placed_at, total_cents) VALUES (7, 'ALICE@example.com', "
		 "'A', '2026-11-20', 7)");
	CHECK(erase(db, e, &tl, 1, NULL, alice) == 0 &&
		      q(db, "SELECT count(*) FROM orders WHERE id = 7 AND "
			    "customer_email IS NULL AND customer_name IS "
			    "NULL") == 1,
	      "an order added after the last sync is matched");
	CHECK(tl.rows[T_ORDERS] == 1, "and counted: 1 order (got %lld)",
	      (long long)tl.rows[T_ORDERS]);

	eraser_free(e);
	tally_release(&tl);
	sqlite3_close(db);
	config_free(cfg);
	free(alice);
	free(bob);
	free(carol);
	free(erin);
}

/* An identifier changed in place between two transactions of one run. */
static void
test_stale_index(void)
{
	struct config *cfg = load_config("delete", "");
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	struct erase_tally tl;
	struct eraser *e;
	sqlite3 *db;
	char *bob = ids("bob@example.com", NULL);
	char *gina = ids("gina@example.com", NULL);
	char *erin = ids("erin@example.com", NULL);
	char *hal = ids("hal@example.com", NULL);

	fn.key = key;
	fn.now = now;
	db = open_store(&fn);
	e = eraser_new(db, cfg, now);
	tally_init(&tl, cfg);
	/* a first batch syncs the index */
	erase(db, e, &tl, 1, "s9", NULL);

	/* the application changes two orders' emails between batches */
	app("UPDATE orders SET customer_email = 'gina@example.com' "
	    "WHERE id = 4; UPDATE orders SET customer_email = "
	    "'ivy@example.com' WHERE id = 3");
	CHECK(erase(db, e, &tl, 1, NULL, gina) == 0 &&
		      q(db, "SELECT count(*) FROM orders WHERE id = 4 AND "
			    "customer_email IS NULL AND customer_name IS "
			    "NULL") == 1,
	      "an order whose email changed after a sync is masked for its "
	      "new owner");
	CHECK(erase(db, e, &tl, 1, NULL, bob) == 0 &&
		      q(db, "SELECT count(*) FROM orders WHERE id = 3 AND "
			    "customer_email = 'ivy@example.com' AND "
			    "customer_name = 'Bob B'") == 1,
	      "an order whose email changed after a sync is not masked for "
	      "its old owner");

	/* the last indexed order deleted, its rowid reused for another */
	app("DELETE FROM orders WHERE id IN (5, 6); INSERT INTO "
	    "orders(customer_email, customer_name, placed_at, "
	    "total_cents) VALUES ('hal@example.com', 'Hal H', "
	    "'2026-11-21', 1)");
	CHECK(q(db, "SELECT id FROM orders WHERE customer_name = 'Hal H'") == 5,
	      "(setup: the new order reuses rowid 5)");
	CHECK(erase(db, e, &tl, 1, NULL, hal) == 0 &&
		      q(db, "SELECT count(*) FROM orders WHERE id = 5 AND "
			    "customer_email IS NULL") == 1,
	      "a new order in a reused rowid is masked for its owner");
	app("UPDATE orders SET customer_email = 'hal@example.com', "
	    "customer_name = 'Hal H' WHERE id = 5");
	CHECK(erase(db, e, &tl, 1, NULL, erin) == 0 &&
		      q(db, "SELECT count(*) FROM orders WHERE customer_name = "
			    "'Hal H'") == 1,
	      "a reused rowid is not masked for the deleted row's owner");

	eraser_free(e);
	tally_release(&tl);
	sqlite3_close(db);
	config_free(cfg);
	free(bob);
	free(gina);
	free(erin);
	free(hal);
}

/* after_hold = mask: the held rows are masked, not deleted. */
static void
test_after_hold_mask(void)
{
	struct config *cfg = load_config("mask", "mask = billing_name, "
						 "billing_address\n");
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	struct erase_tally tl;
	struct eraser *e;
	sqlite3 *db;
	char *alice = ids("alice@example.com", NULL);
	int64_t rows, remaining;

	fn.key = key;
	fn.now = now;
	db = open_store(&fn);
	e = eraser_new(db, cfg, now);
	CHECK(e != NULL, "eraser_new with after_hold = mask");
	if (e == NULL)
		return;
	tally_init(&tl, cfg);
	CHECK(erase(db, e, &tl, 1, "s1", alice) == 0 &&
		      rows_are(&tl, 1, 2, 1, 1, 2),
	      "apply s1 with after_hold = mask");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id = 1 AND "
		    "subject_id IS NULL AND billing_name IS NULL AND "
		    "billing_address IS NULL AND number = 'I-1' AND "
		    "amount_cents = 100") == 1,
	      "the invoice past its hold is masked (with its subject link), "
	      "not deleted");
	CHECK(q(db, "SELECT count(*) FROM invoices WHERE id = 2 AND "
		    "subject_id = 's1' AND billing_name = 'Alice A'") == 1,
	      "the invoice still held is unchanged");
	CHECK(eraser_release(e, TI_INVOICES, "s1", t("2030-01-01"), 0, &rows,
			     &remaining) == 0 &&
		      rows == 1 && remaining == 0 &&
		      q(db, "SELECT count(*) FROM invoices WHERE id = 2 AND "
			    "subject_id IS NULL AND billing_name IS NULL AND "
			    "amount_cents = 200") == 1,
	      "release masks the invoice at the hold's end");
	eraser_free(e);
	tally_release(&tl);
	sqlite3_close(db);
	config_free(cfg);
	free(alice);
}

/* A restored copy older than the data map lacks some tables. */
static void
test_missing_tables(void)
{
	struct config *cfg = load_config("delete", "");
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	struct erase_tally tl;
	struct eraser *e;
	sqlite3 *db;
	char *alice = ids("alice@example.com", NULL);

	fn.key = key;
	fn.now = now;
	db = open_store(&fn);
	exec(db, "DROP TABLE tickets; DROP TABLE orders");
	e = eraser_new(db, cfg, now);
	CHECK(e != NULL, "eraser_new skips tables the database lacks");
	if (e == NULL)
		return;
	tally_init(&tl, cfg);
	CHECK(eraser_count(e, "s1", alice, &tl) == 0 &&
		      rows_are(&tl, 1, 2, 0, 1, 0),
	      "count without tickets and orders");
	CHECK(erase(db, e, &tl, 1, "s1", alice) == 0 &&
		      rows_are(&tl, 1, 2, 0, 1, 0) &&
		      q(db, "SELECT count(*) FROM subjects WHERE id = 's1'") ==
			      0,
	      "apply without tickets and orders");
	eraser_free(e);
	tally_release(&tl);
	sqlite3_close(db);
	config_free(cfg);
	free(alice);
}

static void
test_sqlfn(void)
{
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	sqlite3 *db = NULL;
	char *alice = ids("alice@example.com", NULL);

	fn.key = key;
	fn.now = now;
	sqlite3_open(":memory:", &db);
	CHECK(sqlfn_register(db, &fn) == 0, "sqlfn_register");
	CHECK(q(db, "SELECT lethe_hash('email', ' Alice@Example.com') = "
		    "lethe_hash('email', 'alice@example.com')") == 1,
	      "lethe_hash normalises");
	CHECK(q(db, "SELECT lethe_hash('email', 'not an email') IS NULL") == 1,
	      "lethe_hash of an invalid identifier is NULL");
	CHECK(q(db, "SELECT lethe_hash('email', NULL) IS NULL") == 1,
	      "lethe_hash of NULL is NULL");
	{
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT 'email:' || lethe_hash("
			 "'email', 'alice@example.com') = '%s'", alice);
		CHECK(q(db, sql) == 1, "lethe_hash agrees with ident_hash");
	}
	/* 6 years = DUR_YEARS 3, iso 0 */
	CHECK(q(db, "SELECT lethe_past('2020-11-22T09:59:59Z', 6, 3, 0)") == 1,
	      "lethe_past: a second past");
	CHECK(q(db, "SELECT lethe_past('2020-11-22T10:00:00Z', 6, 3, 0)") == 0,
	      "lethe_past: exactly at the end is not past");
	CHECK(q(db, "SELECT lethe_past('x', 6, 3, 0) IS NULL") == 1,
	      "lethe_past of an unreadable date is NULL");
	CHECK(q(db, "SELECT lethe_past(NULL, 6, 3, 0) IS NULL") == 1,
	      "lethe_past of NULL is NULL");
	CHECK(q(db, "SELECT lethe_past(1606039199, 6, 3, 1)") == 1 &&
		      q(db, "SELECT lethe_past(1606039200, 6, 3, 1)") == 0,
	      "lethe_past with unix dates");
	CHECK(q(db, "SELECT lethe_past('2020-11-22', 1, 0, 0, 1606089600)") ==
		      0 &&
		      q(db, "SELECT lethe_past('2020-11-22', 1, 0, 0, "
			    "1606089601)") == 1,
	      "lethe_past with an explicit now");
	CHECK(q(db, "SELECT lethe_until('2024-01-31', 1, 2, 0) = "
		    "'2024-02-29T00:00:00Z'") == 1,
	      "lethe_until: calendar months, clamped");
	/* unix dates no ISO-8601 time can write (before year 0, after
	 * 9999, not finite) are unreadable, as SPEC 3 says of bad dates */
	CHECK(q(db, "SELECT lethe_past(-62198755200, 1, 2, 1) IS NULL") ==
		      1 &&
		      q(db, "SELECT lethe_past(-9223372036854775807, 1, 3, 1) "
			    "IS NULL") == 1,
	      "lethe_past of a unix date before year 0 is NULL");
	CHECK(q(db, "SELECT lethe_past(253402300800, 1, 2, 1) IS NULL") == 1 &&
		      q(db, "SELECT lethe_past('253402300800', 1, 2, 1) IS "
			    "NULL") == 1,
	      "lethe_past of a unix date after 9999 is NULL");
	CHECK(q(db, "SELECT lethe_past(1e300, 1, 2, 1) IS NULL") == 1 &&
		      q(db, "SELECT lethe_past(-1e300, 1, 2, 1) IS NULL") ==
			      1 &&
		      q(db, "SELECT lethe_past(1606039199.5, 6, 3, 1)") == 1,
	      "lethe_past of huge floats is NULL; a fraction is read");
	CHECK(q(db, "SELECT lethe_until(-62167219200, 1, 2, 1) = "
		    "'0000-02-01T00:00:00Z'") == 1,
	      "lethe_until from the first second of year 0");
	sqlite3_close(db);
	free(alice);
}

int
main(void)
{
	char tmpl[] = "/tmp/lethe-test-erase-XXXXXX";
	unsigned char b[KEY_BYTES];
	int i;

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < KEY_BYTES; i++)
		b[i] = (unsigned char)(i * 7);
	key = key_from_bytes(b);
	now = t("2026-11-22T10:00:00Z");

	test_count_and_apply();
	test_stale_index();
	test_after_hold_mask();
	test_missing_tables();
	test_sqlfn();

	key_free(key);
	if (tap_failed == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# kept %s\n", dir);
	return tap_done();
}
