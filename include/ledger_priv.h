/*
 * ledger_priv.h: the ledger's insides, shared by ledger*.c only.
 */
#ifndef LEDGER_PRIV_H
#define LEDGER_PRIV_H

#include <stdint.h>

#include <sqlite3.h>

#include "key.h"

/*
 * The triggers that make the ledger refuse UPDATE and DELETE, each as the
 * exact CREATE statement sqlite_schema keeps; ledger_create makes them,
 * ledger_verify checks them.
 */
#define LEDGER_RAISE \
	" BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END"
#define LEDGER_TRIGGERS(X) \
	X(events_no_update, "CREATE TRIGGER events_no_update BEFORE UPDATE " \
	  "ON events" LEDGER_RAISE) \
	X(events_no_delete, "CREATE TRIGGER events_no_delete BEFORE DELETE " \
	  "ON events" LEDGER_RAISE) \
	X(events_no_replace, "CREATE TRIGGER events_no_replace BEFORE " \
	  "INSERT ON events WHEN EXISTS (SELECT 1 FROM events WHERE seq = " \
	  "NEW.seq)" LEDGER_RAISE) \
	X(meta_no_replace, "CREATE TRIGGER meta_no_replace BEFORE INSERT ON " \
	  "meta WHEN EXISTS (SELECT 1 FROM meta WHERE name = NEW.name)" \
	  LEDGER_RAISE) \
	X(meta_no_update, "CREATE TRIGGER meta_no_update BEFORE UPDATE ON " \
	  "meta" LEDGER_RAISE) \
	X(meta_no_delete, "CREATE TRIGGER meta_no_delete BEFORE DELETE ON " \
	  "meta" LEDGER_RAISE)

struct ledger {
	sqlite3 *db;
	int64_t now;
	sqlite3_stmt *insert;
	int in_txn;
	int64_t head_seq;		/* valid inside a transaction */
	int64_t clean;			/* intents up to here are applied */
	int clean_known;		/* clean was established this run */
	int dirty;			/* an intent was left unapplied */
	char head_hash[HASH_HEX];
};

#endif
