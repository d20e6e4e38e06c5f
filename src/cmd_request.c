/*
 * cmd_request.c: `lethe request erase | approve | list`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "cmd.h"
#include "db.h"
#include "hashset.h"
#include "ident.h"
#include "live.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "request.h"
#include "run.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* One request to record: identifiers hashed, and where it came from. */
struct pending {
	char *ids;
	char *ref;
	char *id;			/* once recorded */
};

/*
 * check_ref: refuse a --ref that is not a line of UTF-8 text or looks
 * like an email address or phone number (law 4), before the config is
 * read: a national number reads as a phone whatever the calling code.
 * Returns 0, or -1 after reporting.
 */
static int
check_ref(const char *ref)
{
	const char *p;

	for (p = ref; p != NULL && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (ref != NULL && (*ref == '\0' || *p != '\0' || !utf8_valid(ref))) {
		log_err("request erase: --ref must be a non-empty line of "
			"UTF-8 text");
		return -1;
	}
	if (ref != NULL && ident_looks_personal(ref, 44)) {
		log_err("request erase: --ref looks like an email address or "
			"phone number; the ledger holds no personal data, so "
			"use a ticket number instead");
		return -1;
	}
	return 0;
}

/* parse_line: "email", "phone" or "email,phone" into email/phone. */
static int
parse_line(char *line, const char **email, const char **phone)
{
	char *comma = strchr(line, ',');
	char *a, *b = NULL;

	if (comma != NULL) {
		*comma = '\0';
		b = trim(comma + 1);
		if (strchr(b, ',') != NULL || *b == '\0')
			return -1;
	}
	a = trim(line);
	*email = *phone = NULL;
	if (*a == '\0')
		return -1;
	if (strchr(a, '@') != NULL)
		*email = a;
	else
		*phone = a;
	if (b != NULL) {
		if (strchr(b, '@') != NULL) {
			if (*email != NULL)
				return -1;
			*email = b;
		} else {
			if (*phone != NULL)
				return -1;
			*phone = b;
		}
	}
	return 0;
}

/* read_file: every request in path ("-": stdin); all or nothing. */
static int
read_file(struct ctx *c, const char *path, struct pending **out, int *nout)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct pending *list = NULL;
	struct strbuf ids = STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0, lineno = 0, errors = 0, rc = EX_IOERR;

	if (fp == NULL) {
		log_errno("cannot open '%s'", path);
		return EX_IOERR;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		const char *email, *phone, *bad = NULL;
		char *t;

		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			log_err("%s:%d: the line holds a NUL byte", name,
				lineno);
			errors++;
			continue;
		}
		t = line;
		/* a UTF-8 byte order mark (files saved by Windows editors)
		 * is not part of the first identifier */
		if (lineno == 1 && strncmp(t, "\xEF\xBB\xBF", 3) == 0)
			t += 3;
		t = trim(t);
		if (*t == '\0' || *t == '#')
			continue;
		sb_reset(&ids);
		if (parse_line(t, &email, &phone) != 0) {
			log_err("%s:%d: expected an email, a phone, or both "
				"separated by a comma", name, lineno);
			errors++;
			continue;
		}
		if (request_ids(c->cfg, c->key, email, phone, &ids, &bad)) {
			log_err("%s:%d: '%s' is not a valid %s", name, lineno,
				bad, bad == email ? "email address"
						  : "phone number");
			errors++;
			continue;
		}
		list = xrealloc(list, sizeof(*list) * (size_t)(n + 1));
		list[n].ids = xstrdup(sb_str(&ids));
		list[n].ref = NULL;
		list[n].id = NULL;
		n++;
	}
	if (ferror(fp)) {
		log_errno("cannot read '%s'", path);
		goto done;
	}
	if (errors > 0) {
		log_err("%d bad line%s in '%s'; nothing was recorded", errors,
			errors == 1 ? "" : "s", name);
		rc = EX_DATAERR;
		goto done;
	}
	*out = list;
	*nout = n;
	list = NULL;
	n = 0;
	rc = 0;
done:
	while (n > 0)
		free(list[--n].ids);
	free(list);
	free(line);
	sb_release(&ids);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/*
 * append_all: append list's n requests in the open ledger transaction,
 * each with approval needed when waiting (NULL: none) holds its id; ids
 * already set are kept.  Returns 0, or -1 after reporting.
 */
static int
append_all(struct ctx *c, struct pending *list, int n,
	   const struct hashset *waiting, int64_t *due)
{
	char id[40];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s", list[i].id ? list[i].id : "");
		if (request_append(c->ledger, c->cfg, list[i].ids, list[i].ref,
				   request_in(waiting, list[i].id), id,
				   &due[i]) != 0)
			return -1;
		if (list[i].id == NULL)
			list[i].id = xstrdup(id);
	}
	return 0;
}

/* the largest batch of one-identifier requests matched when recorded */
#define MATCH_ONE_MAX 1000

/*
 * record: list's n requests into the ledger, in one transaction it leaves
 * open, their due times into due.  A request whose identifiers already
 * match different subjects of the live store (when it can be read) is
 * recorded as needing approval: the requests are appended, matched
 * against the live store, and when some conflict, appended again in a
 * new transaction with the same ids, those marked.  None needs marking
 * when the policy asks for approval anyway.  A batch of more than
 * MATCH_ONE_MAX requests naming one identifier each is not matched here
 * (a web form's export: at 1M subjects and 100,000 requests, 3.4 s): the
 * first run finds those of them that match different people, and records
 * a `wait` for each.  Returns 0, or -1 after reporting (the ledger
 * transaction rolled back).
 */
static int
record(struct ctx *c, struct pending *list, int n, int64_t *due)
{
	struct hashset *waiting = NULL;
	char hash[HASH_HEX];
	int64_t head = 0;
	int i, two = 0, marked = 0, rc = -1;

	for (i = 0; i < n; i++)
		two |= strchr(list[i].ids, ' ') != NULL;
	/* a batch from a web form: its events in cache, not spilled to the
	 * WAL and read back (at 100k requests, 0.3 s less than with
	 * SQLite's 2 MiB) */
	if (n > 1000 &&
	    db_exec(ledger_db(c->ledger), "PRAGMA cache_size = -32768",
		    "set up the ledger") != 0)
		return -1;
	if (ledger_begin(c->ledger) != 0)
		return -1;
	if (ledger_head(c->ledger, &head, hash) != 0 ||
	    append_all(c, list, n, NULL, due) != 0)
		goto done;
	if (c->cfg->require_approval || (!two && n > MATCH_ONE_MAX)) {
		rc = 0;
		goto done;
	}
	/* only the requests just appended: those before are not marked
	 * here, and matching them all costs seconds when many wait */
	waiting = requests_waiting(c->ledger, c->cfg, c->key, c->now, head);
	for (i = 0; i < n; i++)
		if (request_in(waiting, list[i].id)) {
			request_conflict_warn(list[i].id);
			marked++;
		}
	if (marked == 0) {
		rc = 0;
		goto done;
	}
	ledger_rollback(c->ledger);
	if (ledger_begin(c->ledger) != 0)
		goto done;
	rc = append_all(c, list, n, waiting, due);
done:
	if (rc != 0)
		ledger_rollback(c->ledger);
	hashset_free(waiting);
	return rc;
}

/*
 * warn_unmapped: warn, once per type, about list's requests naming an
 * identifier type the data map lacks (say a phone where it names only
 * emails, or misspells the type): by it they find no one in the live
 * store, and complete with a tombstone that only restores (law 11) use.
 */
static void
warn_unmapped(const struct config *cfg, const struct pending *list, int n)
{
	static const char *const types[] = { "email", "phone" };
	struct ids_item it;
	const char *p;
	size_t t;
	int i, count;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		if (config_has_ident_type(cfg, types[t]))
			continue;
		for (i = count = 0; i < n; i++)
			for (p = list[i].ids; ids_next(&p, &it);)
				if (it.type_len == strlen(types[t]) &&
				    strncmp(it.type, types[t],
					    it.type_len) == 0) {
					count++;
					break;
				}
		if (count > 0)
			log_warn("%d request%s name%s a %s, but the data map "
				 "in '%s' holds no %s identifier ([subjects] "
				 "identifiers): by it no one in the live "
				 "store is found; only restored archives are "
				 "filtered by it",
				 count, count == 1 ? "" : "s",
				 count == 1 ? "s" : "", types[t], cfg->path,
				 types[t]);
	}
}

static int
request_erase(struct ctx *c)
{
	const char *email = NULL, *phone = NULL, *ref = NULL, *from = NULL;
	const char *pos[1], *bad = NULL;
	struct pending *list = NULL;
	struct strbuf ids = STRBUF_INIT;
	char due[TIME_BUFSZ];
	int64_t *dues = NULL;
	int n = 0, npos, i, rc = EX_USAGE;
	struct opt opts[] = {
		{ "--email", NULL, &email, NULL },
		{ "--phone", NULL, &phone, NULL },
		{ "--ref", NULL, &ref, NULL },
		{ "--from", NULL, &from, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	rc = ctx_opts(c, opts, pos, 0, &npos, "request erase");
	if (rc != CTX_GO)
		return rc;
	if ((from != NULL) == (email != NULL || phone != NULL)) {
		log_err("request erase: give --email and/or --phone, or "
			"--from FILE");
		return EX_USAGE;
	}
	if (check_ref(ref) != 0)
		return EX_USAGE;
	if (email != NULL && !ident_plausible("email", email)) {
		log_err("request erase: '%s' is not a valid email address",
			email);
		return EX_USAGE;
	}
	if (phone != NULL && !ident_plausible("phone", phone)) {
		log_err("request erase: '%s' is not a valid phone number",
			phone);
		return EX_USAGE;
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	rc = EX_USAGE;
	if (from != NULL) {
		rc = read_file(c, from, &list, &n);
		if (rc != 0)
			return rc;
		for (i = 0; i < n; i++)
			list[i].ref = ref ? xstrdup(ref) : NULL;
	} else {
		if (request_ids(c->cfg, c->key, email, phone, &ids, &bad)) {
			log_err("request erase: '%s' is not a valid %s", bad,
				bad == email ? "email address"
					     : "phone number");
			goto done;
		}
		list = xcalloc(1, sizeof(*list));
		list[0].ids = sb_detach(&ids);
		list[0].ref = ref ? xstrdup(ref) : NULL;
		n = 1;
	}
	warn_unmapped(c->cfg, list, n);
	rc = EX_IOERR;
	dues = xcalloc((size_t)n, sizeof(*dues));
	if (record(c, list, n, dues) != 0)
		goto done;
	for (i = 0; i < n; i++)
		printf("%s due %s\n", list[i].id, time_format(dues[i], due));
	/* the ids must reach the user before the requests are recorded:
	 * an id lost to a full disk would make them record it twice */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_errno("cannot write standard output; nothing recorded");
		ledger_rollback(c->ledger);
		goto done;
	}
	if (ledger_commit(c->ledger) != 0)
		goto done;
	log_notice("recorded %d erasure request%s", n, n == 1 ? "" : "s");
	rc = EXIT_DONE;
done:
	for (i = 0; i < n; i++) {
		free(list[i].ids);
		free(list[i].ref);
		free(list[i].id);
	}
	free(list);
	free(dues);
	sb_release(&ids);
	return rc;
}

/* What approve learns about the request. */
struct approve_state {
	int status;
	int executed;
	int approved;
};

static int
note_request(void *arg, const struct request *r)
{
	struct approve_state *s = arg;

	s->status = r->status;
	s->executed = r->executed;
	s->approved = r->approved;
	return 0;
}

static int
request_approve(struct ctx *c)
{
	const char *pos[1];
	struct approve_state s;
	struct event ev;
	char id[37];
	uuid_t u;
	int npos, r;
	struct opt opts[] = { { NULL, NULL, NULL, NULL } };

	r = ctx_opts(c, opts, pos, 1, &npos, "request approve");
	if (r != CTX_GO)
		return r;
	if (npos != 1) {
		log_err("request approve: give the request id");
		return EX_USAGE;
	}
	/* a UUID is read whatever its letters' case (RFC 4122), as a
	 * helpdesk may have upper-cased it; ids are recorded lower-case */
	if (strlen(pos[0]) != 36 || uuid_parse(pos[0], u) != 0) {
		log_err("request approve: '%s' is not a request id (a UUID "
			"as `request erase` printed it)", pos[0]);
		return EX_USAGE;
	}
	uuid_unparse_lower(u, id);
	pos[0] = id;
	if ((r = ctx_provide(c, 0)) != 0)
		return r;
	if (ledger_begin(c->ledger) != 0)
		return EX_IOERR;
	r = request_find(c->ledger, c->now, pos[0], note_request, &s);
	if (r != 0) {
		ledger_rollback(c->ledger);
		if (r == 1)
			log_err("request approve: no request '%s'", pos[0]);
		return r == 1 ? EX_DATAERR : EX_IOERR;
	}
	if (s.approved || s.executed) {
		ledger_rollback(c->ledger);
		log_notice("request %s is already %s", pos[0],
			   s.status == REQ_DONE ? "done" :
			   s.executed ? "executed (its erasure is not yet "
					"applied in the live store)"
				      : "approved");
		return EXIT_DONE;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = "approve";
	ev.request = (char *)pos[0];
	if (ledger_append(c->ledger, &ev) < 0) {
		ledger_rollback(c->ledger);
		return EX_IOERR;
	}
	if (ledger_commit(c->ledger) != 0)
		return EX_IOERR;
	log_notice("approved request %s", pos[0]);
	return EXIT_DONE;
}

/* What list prints. */
struct list_state {
	int json;
	int pending;
	int overdue;
	int64_t late;			/* overdue requests listed */
	struct hashset *conflicts;	/* requests waiting for approval */
};

static int
print_request(void *arg, const struct request *r)
{
	struct list_state *s = arg;
	struct strbuf sb = STRBUF_INIT;
	char rec[TIME_BUFSZ], due[TIME_BUFSZ], done[TIME_BUFSZ];
	int approval = request_waits(r, s->conflicts);

	if (s->pending && r->status == REQ_DONE)
		return 0;
	if (s->overdue && r->status != REQ_OVERDUE)
		return 0;
	if (r->status == REQ_OVERDUE)
		s->late++;
	time_format(r->received, rec);
	time_format(r->due, due);
	if (s->json) {
		sb_adds(&sb, "{\"id\":");
		sb_add_json(&sb, r->id);
		sb_addf(&sb, ",\"seq\":%lld,\"received\":\"%s\",\"due\":\"%s\","
			     "\"status\":\"%s\",\"approved\":%s,"
			     "\"approval_needed\":%s,\"ref\":",
			(long long)r->seq, rec, due,
			request_status_name(r->status),
			r->approved ? "true" : "false",
			approval ? "true" : "false");
		sb_add_json(&sb, r->ref);
		sb_adds(&sb, ",\"done\":");
		sb_add_json(&sb, r->status == REQ_DONE ?
				 time_format(r->done, done) : NULL);
		sb_addf(&sb, ",\"late\":%s}\n",
			request_late(r) ? "true" : "false");
	} else {
		sb_addf(&sb, "%s  %s  received %s  due %s", r->id,
			request_status_name(r->status), rec, due);
		if (r->status == REQ_DONE)
			sb_addf(&sb, "  done %s%s", time_format(r->done, done),
				request_late(r) ? " (late)" : "");
		else if (r->executed)
			sb_adds(&sb, "  erasure not yet applied");
		sb_addf(&sb, "%s%s%s\n", r->approved ? "  approved" :
			approval ? "  awaiting approval" : "",
			r->ref ? "  ref " : "", r->ref ? r->ref : "");
	}
	fputs(sb_str(&sb), stdout);
	sb_release(&sb);
	return 0;
}

static int
request_list(struct ctx *c)
{
	struct list_state s = { 0, 0, 0, 0, NULL };
	const char *pos[1];
	int npos, rc;
	struct opt opts[] = {
		{ "--json", NULL, NULL, &s.json },
		{ "--pending", NULL, NULL, &s.pending },
		{ "--overdue", NULL, NULL, &s.overdue },
		{ NULL, NULL, NULL, NULL },
	};

	rc = ctx_opts(c, opts, pos, 0, &npos, "request list");
	if (rc != CTX_GO)
		return rc;
	if (s.pending && s.overdue) {
		log_err("request list: give --pending or --overdue, not both");
		return EX_USAGE;
	}
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	/* a request whose identifiers name different people waits for
	 * approval: only the live store can tell (best effort; not without
	 * the key, on an auditor's copy: then only the `wait` events) */
	s.conflicts = c->key != NULL ?
		      requests_waiting(c->ledger, c->cfg, c->key, c->now, 0) :
		      NULL;
	/* SPEC 5: 1 when done with overdue requests, as run and report
	 * exit, so `request list --overdue || alert` works */
	rc = request_each(c->ledger, c->now, print_request, &s) != 0
		     ? EX_IOERR : s.late > 0 ? EXIT_FAILED : EXIT_DONE;
	hashset_free(s.conflicts);
	return rc;
}

static const struct verb verbs[] = {
	{ "erase", request_erase },
	{ "approve", request_approve },
	{ "list", request_list },
};

int
cmd_request(struct ctx *c)
{
	return ctx_verb(c, verbs, sizeof(verbs) / sizeof(verbs[0]),
			"request");
}
