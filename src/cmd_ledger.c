/*
 * cmd_ledger.c: `lethe ledger list | show | head | verify | lookup`.
 *
 * Readers: no lock is taken and nothing is written.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "event_fmt.h"
#include "hashset.h"
#include "ident.h"
#include "intent.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "request.h"
#include "run.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/*
 * read_failed: the exit status after a failed read of the ledger: bad
 * data (65) when SQLite found the file damaged, else an I/O error (74).
 */
static int
read_failed(struct ctx *c)
{
	int e = sqlite3_errcode(ledger_db(c->ledger)) & 0xff;

	return e == SQLITE_CORRUPT || e == SQLITE_NOTADB ? EX_DATAERR
							 : EX_IOERR;
}

static int
ledger_list(struct ctx *c)
{
	const char *since = NULL, *pos[1];
	int json = 0, csv = 0, npos, r, rc = EX_IOERR;
	int64_t t = 0;
	char buf[TIME_BUFSZ];
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;
	struct event ev;
	struct opt opts[] = {
		{ "--since", NULL, &since, NULL },
		{ "--json", NULL, NULL, &json },
		{ "--csv", NULL, NULL, &csv },
		{ NULL, NULL, NULL, NULL },
	};

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "ledger list")) != CTX_GO)
		return rc;
	if (json && csv) {
		log_err("ledger list: give --json or --csv, not both");
		return EX_USAGE;
	}
	if (since != NULL && time_parse(since, &t) != 0) {
		log_err("ledger list: --since '%s' is not an ISO-8601 time",
			since);
		return EX_USAGE;
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	rc = EX_IOERR;
	st = db_prepare(ledger_db(c->ledger),
			"SELECT " EVENT_COLUMNS " FROM events WHERE ?1 IS NULL "
			"OR at >= ?1 ORDER BY seq");
	if (st == NULL)
		return EX_IOERR;
	if (since != NULL)
		sqlite3_bind_text(st, 1, time_format(t, buf), -1,
				  SQLITE_TRANSIENT);
	if (csv) {
		event_csv_header(&sb);
		fputs(sb_str(&sb), stdout);
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		event_read(st, 0, &ev);
		sb_reset(&sb);
		event_format(&ev, json ? EVF_JSON : csv ? EVF_CSV : EVF_TEXT,
			     &sb);
		fputs(sb_str(&sb), stdout);
		event_release(&ev);
	}
	if (r == SQLITE_DONE) {
		rc = EXIT_DONE;
	} else {
		db_fail(ledger_db(c->ledger), "read the ledger");
		rc = read_failed(c);
	}
	sqlite3_finalize(st);
	sb_release(&sb);
	return rc;
}

static int
ledger_show(struct ctx *c)
{
	const char *pos[1];
	struct strbuf sb = STRBUF_INIT;
	struct event ev;
	int64_t seq;
	int npos, r;
	struct opt opts[] = { { NULL, NULL, NULL, NULL } };

	if ((r = ctx_opts(c, opts, pos, 1, &npos, "ledger show")) != CTX_GO)
		return r;
	if (npos != 1 || parse_int(pos[0], 1, INT64_MAX, &seq) != 0) {
		log_err("ledger show: give an event's seq (a number from 1)");
		return EX_USAGE;
	}
	if ((r = ctx_provide(c, 0)) != 0)
		return r;
	r = ledger_get(c->ledger, seq, &ev);
	if (r < 0)
		return read_failed(c);
	if (r == 1) {
		log_err("ledger show: no event %" PRId64, seq);
		return EXIT_FAILED;
	}
	event_show(&ev, &sb);
	fputs(sb_str(&sb), stdout);
	sb_release(&sb);
	event_release(&ev);
	return EXIT_DONE;
}

static int
ledger_head_cmd(struct ctx *c)
{
	const char *pos[1];
	char hash[HASH_HEX];
	int64_t seq;
	int npos, rc;
	struct opt opts[] = { { NULL, NULL, NULL, NULL } };

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "ledger head")) != CTX_GO ||
	    (rc = ctx_provide(c, 0)) != 0)
		return rc;
	if (ledger_head(c->ledger, &seq, hash) != 0)
		return read_failed(c);
	printf("%" PRId64 ":%s\n", seq, hash);
	return EXIT_DONE;
}

static int
ledger_verify_cmd(struct ctx *c)
{
	const char *against = NULL, *pos[1], *colon;
	char hash[HASH_HEX], seqbuf[24], lower[HASH_HEX];
	int64_t aseq = -1, count, head;
	int npos, i, rc;
	struct opt opts[] = {
		{ "--against", NULL, &against, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	rc = ctx_opts(c, opts, pos, 0, &npos, "ledger verify");
	if (rc != CTX_GO)
		return rc;
	if (against != NULL) {
		colon = strchr(against, ':');
		if (colon == NULL || (size_t)(colon - against) >= sizeof(seqbuf)
		    || strlen(colon + 1) != 64) {
			log_err("ledger verify: --against takes SEQ:HASH, as "
				"printed by 'lethe ledger head'");
			return EX_USAGE;
		}
		snprintf(seqbuf, sizeof(seqbuf), "%.*s",
			 (int)(colon - against), against);
		for (i = 0; i < 64; i++)
			lower[i] = (char)tolower((unsigned char)colon[1 + i]);
		lower[64] = '\0';
		if (parse_int(seqbuf, 0, INT64_MAX, &aseq) != 0 ||
		    strspn(lower, "0123456789abcdef") != 64) {
			log_err("ledger verify: --against '%s': bad seq",
				against);
			return EX_USAGE;
		}
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	if (ledger_verify(c->ledger, aseq, against ? lower : NULL, &count,
			  &head, hash) != 0) {
		log_err("ledger '%s' FAILED verification", c->cfg->ledger);
		return EX_DATAERR;
	}
	printf("ledger ok: %" PRId64 " events, head %" PRId64 ":%s\n", count,
	       head, hash);
	if (against != NULL)
		printf("event %" PRId64 " matches %s: the chain written down "
		       "then is a prefix of this one\n", aseq, lower);
	return EXIT_DONE;
}

/* What lookup found for the person's request(s). */
struct lookup_state {
	int pending;
	const char *hash;	/* "email:HEX" */
	struct hashset *waiting;	/* requests_waiting's, or NULL */
};

static int
lookup_pending(void *arg, const struct request *r)
{
	struct lookup_state *s = arg;
	char due[TIME_BUFSZ];

	if (r->status == REQ_DONE || strstr(r->ids, s->hash) == NULL)
		return 0;
	printf("request %s %s: due %s%s%s\n", r->id,
	       request_status_name(r->status), time_format(r->due, due),
	       r->approved ? ", approved" :
	       request_waits(r, s->waiting) ? ", awaiting approval" : "",
	       r->executed ? ", erasure not yet applied" : "");
	s->pending++;
	return 0;
}

static int
ledger_lookup(struct ctx *c)
{
	const char *email = NULL, *phone = NULL, *pos[1];
	const char *type, *value;
	struct lookup_state ls;
	struct strbuf sb = STRBUF_INIT;
	char hex[HASH_HEX], item[HASH_HEX + 16];
	sqlite3_stmt *st;
	struct event ev;
	int npos, r, erased = 0, applied = 0, rc = EX_IOERR;
	struct opt opts[] = {
		{ "--email", NULL, &email, NULL },
		{ "--phone", NULL, &phone, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	rc = ctx_opts(c, opts, pos, 0, &npos, "ledger lookup");
	if (rc != CTX_GO)
		return rc;
	if ((email != NULL) == (phone != NULL)) {
		log_err("ledger lookup: give --email E or --phone P");
		return EX_USAGE;
	}
	/* a bad identifier is a usage error whatever the config's state */
	type = email ? "email" : "phone";
	value = email ? email : phone;
	if (!ident_plausible(type, value)) {
		log_err("ledger lookup: '%s' is not a valid %s", value,
			email ? "email address" : "phone number");
		return EX_USAGE;
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	rc = EX_IOERR;
	if (ident_hash_value(c->key, type, value, (int)c->cfg->calling_code,
			     hex) != 0) {
		log_err("ledger lookup: '%s' is not a valid %s", value,
			email ? "email address" : "phone number");
		return EX_USAGE;
	}
	snprintf(item, sizeof(item), "%s:%s", type, hex);
	/* column 13: whether an erase event (a tombstone) is applied */
	st = db_prepare(ledger_db(c->ledger),
			"SELECT " EVENT_COLUMNS ", type = 'erase' AND "
			INTENT_APPLIED_SQL("lk.seq") " IS NOT NULL "
			"FROM events AS lk WHERE (type IN "
			"('request', 'erase') AND instr(ids, ?1) > 0) OR "
			"(type IN ('hold', 'release', 'approve', 'wait') AND "
			"request IN (SELECT request FROM events WHERE type IN "
			"('request', 'erase') AND instr(ids, ?1) > 0)) OR "
			"(type IN ('hold', 'release') AND subject IN (SELECT "
			"subject FROM events WHERE type = 'erase' AND "
			"instr(ids, ?1) > 0)) ORDER BY seq");
	if (st == NULL)
		return EX_IOERR;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_TRANSIENT);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		event_read(st, 0, &ev);
		sb_reset(&sb);
		event_format(&ev, EVF_TEXT, &sb);
		fputs(sb_str(&sb), stdout);
		if (strcmp(ev.type, "erase") == 0) {
			erased++;
			applied += sqlite3_column_int(st, 13) != 0;
		}
		event_release(&ev);
	}
	sqlite3_finalize(st);
	sb_release(&sb);
	if (r != SQLITE_DONE) {
		db_fail(ledger_db(c->ledger), "read the ledger");
		return read_failed(c);
	}
	ls.pending = 0;
	ls.hash = item;
	ls.waiting = requests_waiting(c->ledger, c->cfg, c->key, c->now, 0);
	r = request_each(c->ledger, c->now, lookup_pending, &ls);
	hashset_free(ls.waiting);
	if (r != 0)
		return EX_IOERR;
	/* erased once the live store changed (law 1): a tombstone the
	 * live store refused, without its applied event, is not enough */
	if (applied > 0) {
		printf("erased: %d tombstone%s", erased,
		       erased == 1 ? "" : "s");
		if (applied < erased)
			printf(" (%d not yet applied in the live store)",
			       erased - applied);
		putchar('\n');
		rc = EXIT_DONE;
	} else if (erased > 0) {
		printf("not erased yet: the erasure is recorded (%d "
		       "tombstone%s) but not yet applied in the live store; "
		       "the next run tries again\n", erased,
		       erased == 1 ? "" : "s");
		rc = EXIT_FAILED;
	} else {
		printf("%s\n", ls.pending ? "not erased yet: a request is "
					    "pending"
					  : "no erasure recorded");
		rc = EXIT_FAILED;
	}
	return rc;
}

static const struct verb verbs[] = {
	{ "list", ledger_list },
	{ "show", ledger_show },
	{ "head", ledger_head_cmd },
	{ "verify", ledger_verify_cmd },
	{ "lookup", ledger_lookup },
};

int
cmd_ledger(struct ctx *c)
{
	return ctx_verb(c, verbs, sizeof(verbs) / sizeof(verbs[0]), "ledger");
}
