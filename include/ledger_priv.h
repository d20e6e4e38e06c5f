/*
 * ledger_priv.h: the ledger's insides, shared by ledger*.c only.
 */
#ifndef LEDGER_PRIV_H
#define LEDGER_PRIV_H

#include <stdint.h>

#include <sqlite3.h>

#include "key.h"

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
