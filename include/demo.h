/*
 * demo.h: the reference live store that `lethe init --demo DIR` writes.
 *
 * The schema is the one a small business would have: subjects (leads,
 * clients, suppliers), their communications, tickets and invoices, orders
 * linked by email, and a web log.  The benchmark generator uses the same
 * schema at larger sizes.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdint.h>

#define DEMO_SCHEMA \
	"CREATE TABLE subjects(" \
	" id TEXT PRIMARY KEY," \
	" kind TEXT NOT NULL," \
	" name TEXT, email TEXT, phone TEXT, address TEXT," \
	" created_at TEXT NOT NULL," \
	" last_contact_at TEXT);" \
	"CREATE INDEX subjects_email ON subjects(email);" \
	"CREATE INDEX subjects_kind ON subjects(kind, last_contact_at);" \
	"CREATE TABLE communications(" \
	" id INTEGER PRIMARY KEY," \
	" subject_id TEXT REFERENCES subjects(id)," \
	" at TEXT NOT NULL, channel TEXT, body TEXT);" \
	"CREATE INDEX communications_subject ON communications(subject_id);" \
	"CREATE TABLE tickets(" \
	" id INTEGER PRIMARY KEY," \
	" subject_id TEXT REFERENCES subjects(id)," \
	" opened_at TEXT NOT NULL, title TEXT, body TEXT, status TEXT);" \
	"CREATE INDEX tickets_subject ON tickets(subject_id);" \
	"CREATE TABLE invoices(" \
	" id INTEGER PRIMARY KEY," \
	" subject_id TEXT REFERENCES subjects(id)," \
	" number TEXT NOT NULL, issued_at TEXT NOT NULL," \
	" amount_cents INTEGER NOT NULL," \
	" billing_name TEXT, billing_address TEXT);" \
	"CREATE INDEX invoices_subject ON invoices(subject_id);" \
	"CREATE TABLE orders(" \
	" id INTEGER PRIMARY KEY," \
	" customer_email TEXT, customer_name TEXT, delivery_address TEXT," \
	" placed_at TEXT NOT NULL, total_cents INTEGER NOT NULL);" \
	"CREATE INDEX orders_email ON orders(customer_email);" \
	"CREATE TABLE web_log(" \
	" id INTEGER PRIMARY KEY," \
	" at TEXT NOT NULL, ip TEXT, path TEXT, user_agent TEXT);" \
	"CREATE INDEX web_log_at ON web_log(at);"

/*
 * demo_create: write a demo installation into folder dir (created if
 * missing; must not already hold lethe.ini or live.db): live.db with
 * generated sample data dated relative to `now` (deterministic for a given
 * seed), attachments/<subject-id>/ files, exports/contacts.csv, and
 * lethe.ini configured for them with ledger.db and ledger.key in dir.
 * It does not create the key or the ledger.  Returns 0, -2 after
 * reporting that dir already holds a demo, or -1 after reporting the
 * error.
 */
int demo_create(const char *dir, int64_t now, unsigned seed);

#endif
