/*
 * ledger_verify.c: walking the hash chain.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "ledger.h"
#include "ledger_priv.h"
#include "log.h"
#include "banned.h"

/*
 * check_triggers: whether the triggers that make the ledger refuse UPDATE
 * and DELETE are all there, as created.  Returns 0, or -1 after
 * reporting the first one missing.
 */
static int
check_triggers(struct ledger *l)
{
#define AS_ROW(name, sql) { #name, sql },
	static const struct {
		const char *name, *sql;
	} triggers[] = { LEDGER_TRIGGERS(AS_ROW) };
#undef AS_ROW
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	st = db_prepare(l->db, "SELECT 1 FROM sqlite_schema WHERE type = "
			       "'trigger' AND name = ?1 AND sql = ?2");
	if (st == NULL)
		return -1;
	for (i = 0; i < sizeof(triggers) / sizeof(triggers[0]) && rc == 0;
	     i++) {
		sqlite3_bind_text(st, 1, triggers[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, triggers[i].sql, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			log_err("ledger: trigger %s is missing or changed: the "
				"ledger no longer refuses UPDATE and DELETE",
				triggers[i].name);
			rc = -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	/* and no other: one could drop or change what lethe writes */
	st = db_prepare(l->db, "SELECT name FROM sqlite_schema WHERE type = "
			       "'trigger' ORDER BY name");
	if (st == NULL)
		return -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++)
			if (strcmp(db_text(st, 0), triggers[i].name) == 0)
				break;
		if (i == sizeof(triggers) / sizeof(triggers[0])) {
			log_err("ledger: trigger %s is not lethe's: it could "
				"drop or change the events written",
				db_text(st, 0));
			rc = -1;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * stored_as_written: the first column (of EVENT_COLUMNS, from column 0)
 * of the current row that is not stored as ledger_append writes it, or
 * NULL when all are.  The hash reads numbers as integers and strings up
 * to their first NUL, so a ref of 2.5 or 'x', a blob, or text with bytes
 * hidden after a NUL would otherwise pass for the event that was hashed.
 */
static const char *
stored_as_written(sqlite3_stmt *st)
{
	static const char *const names[] = { "seq", "at", "type", "subject",
		"reason", "request", "scope", "ref", "ref_last", "ids", "data",
		"prev", "hash" };
	/* 'i' integer, 'I' integer or NULL (never 0), 't' text, 'T' text
	 * or NULL */
	static const char kinds[] = "ittTTTTIITTtt";
	int i, type;

	for (i = 0; kinds[i] != '\0'; i++) {
		type = sqlite3_column_type(st, i);
		if (type == SQLITE_NULL && (kinds[i] == 'I' ||
					    kinds[i] == 'T'))
			continue;
		if (kinds[i] == 'i' || kinds[i] == 'I') {
			if (type != SQLITE_INTEGER ||
			    sqlite3_column_int64(st, i) == 0)
				return names[i];
		} else if (type != SQLITE_TEXT ||
			   strlen((const char *)sqlite3_column_text(st, i)) !=
			       (size_t)sqlite3_column_bytes(st, i)) {
			return names[i];
		}
	}
	return NULL;
}

int
ledger_verify(struct ledger *l, int64_t against_seq, const char *against_hash,
	      int64_t *count, int64_t *head_seq, char *head_hash)
{
	sqlite3_stmt *st;
	struct event ev;
	char prev[HASH_HEX], hash[HASH_HEX];
	int64_t expect = 1;
	const char *odd;
	int rc, found_against = 0, bad = 0;

	memset(prev, '0', HASH_HEX - 1);
	prev[HASH_HEX - 1] = '\0';
	st = db_prepare(l->db, "SELECT " EVENT_COLUMNS " FROM events ORDER BY "
			       "seq");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		odd = stored_as_written(st);	/* before any conversion */
		event_read(st, 0, &ev);
		if (odd != NULL) {
			log_err("ledger: event %" PRId64 " has a %s that lethe "
				"did not write: it was changed", ev.seq, odd);
			bad = 1;
		} else if (ev.seq != expect) {
			log_err("ledger: event %" PRId64 " follows event %"
				PRId64 ": an event was deleted or inserted",
				ev.seq, expect - 1);
			bad = 1;
		} else if (ev.prev == NULL || strcmp(ev.prev, prev) != 0) {
			log_err("ledger: event %" PRId64 " does not follow the "
				"hash of event %" PRId64
				": events were changed, inserted or reordered",
				ev.seq, ev.seq - 1);
			bad = 1;
		} else {
			event_hash(&ev, hash);
			if (ev.hash == NULL || strcmp(ev.hash, hash) != 0) {
				log_err("ledger: event %" PRId64 " does not "
					"match its hash: it was changed",
					ev.seq);
				bad = 1;
			}
		}
		if (!bad && against_hash != NULL && ev.seq == against_seq) {
			found_against = 1;
			if (strcmp(ev.hash, against_hash) != 0) {
				log_err("ledger: event %" PRId64 " has hash "
					"%s, not the %s written down: the "
					"chain was rewritten", ev.seq, ev.hash,
					against_hash);
				bad = 1;
			}
		}
		if (!bad)
			snprintf(prev, sizeof(prev), "%s", ev.hash);
		event_release(&ev);
		if (bad)
			break;
		expect++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && !bad)
		return db_fail(l->db, "read the ledger");
	if (bad)
		return -1;
	if (against_hash == NULL)
		against_seq = -1;
	if (against_seq == 0 && strspn(against_hash, "0") != 64) {
		log_err("ledger: the empty chain's head is 0:%.64s, not 0:%s",
			"00000000000000000000000000000000"
			"00000000000000000000000000000000",
			against_hash);
		return -1;
	}
	if (against_seq > 0 && !found_against) {
		log_err("ledger: event %" PRId64 " is not in the ledger "
			"(head is %" PRId64 "): the chain was cut",
			against_seq, expect - 1);
		return -1;
	}
	if (check_triggers(l) != 0)
		return -1;
	*count = expect - 1;
	*head_seq = expect - 1;
	snprintf(head_hash, HASH_HEX, "%s", prev);
	return 0;
}
