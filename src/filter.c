/*
 * filter.c: the filter's tombstones, rule and walk over a staged tree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "extract.h"
#include "files.h"
#include "filter_priv.h"
#include "fsutil.h"
#include "hashset.h"
#include "ident.h"
#include "intent.h"
#include "log.h"
#include "scan.h"
#include "sha.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* intern: the reason of a tombstone, kept once (there are few). */
static const char *
intern(const char *reason)
{
	static const char *const known[] = { "lead-expiry", "request" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(reason, known[i]) == 0)
			return known[i];
	return "other";
}

/* sid_key: the set key of a subject id; for a UUID, whatever its
 * letters' case (it may be spelled in capitals in a path or another copy)
 * and in braces as Windows writes a GUID ("{...}").  Other ids are told
 * apart by case, as run tells them apart. */
static void
sid_key(const char *sid, unsigned char *key)
{
	char low[36];
	size_t i, n = strlen(sid);

	if (n == 38 && sid[0] == '{' && sid[37] == '}' &&
	    uuid_shaped(sid + 1, 36)) {
		sid++;
		n = 36;
	}
	if (!uuid_shaped(sid, n)) {
		sha_raw(sid, n, key);
		return;
	}
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)sid[i]);
	sha_raw(low, n, key);
}

/*
 * load_applied: set each tombstone's done_at and done_seq from the first
 * applied event whose ref..ref_last covers it.  The tombstones are in seq
 * order.  Returns 0, or -1 after reporting.
 */
static int
load_applied(struct filter *f, struct ledger *l)
{
	sqlite3_stmt *st;
	int r;

	st = db_prepare(ledger_db(l), "SELECT ref, ref_last, at, seq FROM "
				      "events WHERE type = 'applied' AND ref "
				      "IS NOT NULL ORDER BY seq");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t ref = sqlite3_column_int64(st, 0);
		int64_t last = sqlite3_column_int64(st, 1), at;
		int lo = 0, hi = f->ntombs;

		if (time_parse(db_text(st, 2), &at) != 0)
			continue;
		if (last < ref)
			last = ref;
		while (lo < hi) {
			int mid = lo + (hi - lo) / 2;

			if (f->tombs[mid].seq < ref)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < f->ntombs && f->tombs[lo].seq <= last; lo++)
			if (f->tombs[lo].done_at == INT64_MAX) {
				f->tombs[lo].done_at = at;
				f->tombs[lo].done_seq =
				    sqlite3_column_int64(st, 3);
			}
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read applied events");
	return 0;
}

/*
 * load_held: the subjects a restore or scrub found by identifier and
 * recorded a hold for: each gets a tombstone of its own by subject id,
 * a copy of the one of the request the hold names (with no identifiers:
 * those stay the original's), so that an archive made after that (whose
 * manifest no longer lets the identifiers match) still gives up their
 * held rows once the hold is over.  Returns 0, or -1 after reporting.
 */
static int
load_held(struct filter *f, struct ledger *l)
{
	struct hashset *by_request = hashset_new();
	sqlite3_stmt *st;
	unsigned char key[32];
	struct tomb copy;
	int64_t t;
	int i, r;

	for (i = 0; i < f->ntombs; i++)
		if (f->tombs[i].request != NULL) {
			sid_key(f->tombs[i].request, key);
			hashset_put(by_request, key, i);
		}
	st = db_prepare(ledger_db(l), "SELECT subject, request FROM events "
				      "WHERE type = 'hold' AND subject IS NOT "
				      "NULL AND request IS NOT NULL ORDER BY "
				      "seq");
	if (st == NULL) {
		hashset_free(by_request);
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		sid_key(db_text(st, 1), key);
		if (!hashset_get(by_request, key, &t) ||
		    filter_sid(f, db_text(st, 0)) >= 0)
			continue;
		copy = f->tombs[t];
		copy.sid = xstrdup(db_text(st, 0));
		copy.request = NULL;
		copy.ids = xstrdup("");
		copy.shared = NULL;
		copy.newer = 0;
		copy.hits = 0;
		f->tombs = xrealloc(f->tombs, sizeof(*f->tombs) *
					      (size_t)(f->ntombs + 1));
		f->tombs[f->ntombs] = copy;
		sid_key(copy.sid, key);
		hashset_put(f->by_sid, key, f->ntombs);
		f->ntombs++;
	}
	sqlite3_finalize(st);
	hashset_free(by_request);
	if (r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read holds");
	return 0;
}

int
filter_init(struct filter *f, struct ledger *l, const struct config *cfg,
	    const struct key *k, int64_t now, int mode)
{
	sqlite3_stmt *st;
	unsigned char key[32];
	int r, cap = 0;

	memset(f, 0, sizeof(*f));
	f->cfg = cfg;
	f->key = k;
	f->now = now;
	f->mode = mode;
	f->fn.key = k;
	f->fn.calling_code = (int)cfg->calling_code;
	f->fn.now = now;
	f->by_hash = hashset_new();
	f->by_sid = hashset_new();
	f->by_ident = hashset_new();
	f->inodes = hashset_new();
	tally_init(&f->st.tally, cfg);
	f->st.purged_rows = xcalloc((size_t)cfg->npurges + 1,
				    sizeof(*f->st.purged_rows));
	st = db_prepare(ledger_db(l), "SELECT seq, at, reason, subject, ids, "
				      "json_extract(data, '$.shared'), "
				      "request FROM events WHERE type = "
				      "'erase' ORDER BY seq");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct tomb *t;

		if (f->ntombs == cap) {
			cap = cap ? cap * 2 : 64;
			f->tombs = xrealloc(f->tombs,
					    sizeof(*f->tombs) * (size_t)cap);
		}
		t = &f->tombs[f->ntombs];
		memset(t, 0, sizeof(*t));
		t->seq = sqlite3_column_int64(st, 0);
		if (time_parse(db_text(st, 1), &t->at) != 0)
			t->at = INT64_MAX;	/* unreadable: always newer */
		t->done_at = INT64_MAX;
		t->done_seq = INT64_MAX;
		t->reason = intern(db_text(st, 2));
		t->sid = db_dup(st, 3);
		t->ids = xstrdup(db_text(st, 4));
		t->shared = db_dup(st, 5);
		t->request = db_dup(st, 6);
		if (t->sid != NULL) {
			sid_key(t->sid, key);
			hashset_put(f->by_sid, key, f->ntombs);
		}
		f->ntombs++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read tombstones");
	if (load_applied(f, l) != 0 || load_held(f, l) != 0)
		return -1;
	st = db_prepare(ledger_db(l), "SELECT subject, scope, at FROM events "
				      "WHERE type = 'release' AND subject IS "
				      "NOT NULL AND scope IS NOT NULL ORDER BY "
				      "seq");
	if (st == NULL)
		return -1;
	cap = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct filter_release *rl;

		if (f->nreleases == cap) {
			cap = cap ? cap * 2 : 16;
			f->releases = xrealloc(f->releases,
			    sizeof(*f->releases) * (size_t)cap);
		}
		rl = &f->releases[f->nreleases++];
		rl->sid = xstrdup(db_text(st, 0));
		rl->table = xstrdup(db_text(st, 1));
		if (time_parse(db_text(st, 2), &rl->at) != 0)
			rl->at = 0;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(ledger_db(l), "read hold releases");
	filter_set_rule(f, RULE_ALL, 0, 0);
	return 0;
}

void
filter_note_subject(struct filter *f, const char *sid, int t)
{
	unsigned char key[32];

	sid_key(sid, key);
	if (f->by_ident != NULL)
		hashset_put_replace(f->by_ident, key, t);
	if (filter_sid(f, sid) >= 0)
		return;
	hashset_put(f->by_sid, key, t);
}

int
filter_by_ident(const struct filter *f, const char *sid)
{
	unsigned char key[32];

	sid_key(sid, key);
	return f->by_ident != NULL && hashset_get(f->by_ident, key, NULL);
}

int
filter_append_holds(const struct filter *f, struct ledger *l)
{
	int i, r;

	for (i = 0; i < f->nholds; i++) {
		const struct filter_hold *h = &f->holds[i];

		r = hold_is_open(l, h->sid, h->table);
		if (r < 0 ||
		    (r == 0 && hold_append(l, h->sid, h->table, h->request,
					   h->rows, h->until, h->undated,
					   1) < 0))
			return -1;
	}
	return 0;
}

void
filter_release(struct filter *f)
{
	int i;

	for (i = 0; i < f->ntombs; i++) {
		free(f->tombs[i].sid);
		free(f->tombs[i].request);
		free(f->tombs[i].ids);
		free(f->tombs[i].shared);
	}
	free(f->tombs);
	hashset_free(f->by_hash);
	hashset_free(f->by_sid);
	hashset_free(f->by_ident);
	hashset_free(f->inodes);
	for (i = 0; i < f->naliases; i++) {
		free(f->aliases[i].from);
		free(f->aliases[i].to);
	}
	free(f->aliases);
	free_list(f->folders, f->nfolders);
	for (i = 0; i < f->nholds; i++) {
		free(f->holds[i].sid);
		free(f->holds[i].until);
	}
	free(f->holds);
	for (i = 0; i < f->nreleases; i++) {
		free(f->releases[i].sid);
		free(f->releases[i].table);
	}
	free(f->releases);
	for (i = 0; i < f->nhit_lines; i++)
		free(f->hit_lines[i].text);
	free(f->hit_lines);
	tally_release(&f->st.tally);
	free(f->st.purged_rows);
	memset(f, 0, sizeof(*f));
}

void
filter_set_rule(struct filter *f, int rule, int64_t seq, int64_t taken_at)
{
	struct ids_item it;
	int i, newer, changed = 0;

	f->rule = rule;
	f->rule_seq = seq;
	f->taken_at = taken_at;
	for (i = 0; i < f->ntombs; i++) {
		struct tomb *t = &f->tombs[i];

		if (rule == RULE_SEQ)
			/* an intent the backup's run left unapplied (the live
			 * store refused it) is as new as its applied event */
			newer = t->seq > seq || t->done_seq > seq;
		else if (rule == RULE_TAKEN_AT)
			/* or made good after; within the very second the
			 * backup was taken, which came first is unknown:
			 * erring on the side of erasure, it is newer */
			newer = t->at >= taken_at || t->done_at >= taken_at;
		else
			newer = 1;
		changed |= newer != t->newer;
		t->newer = newer;
	}
	/* by_hash follows the newer tombstones: filter_init sets every
	 * erasure's, and a manifest older than every tombstone keeps them */
	if (!changed)
		return;
	hashset_free(f->by_hash);
	f->by_hash = hashset_new();
	for (i = 0; i < f->ntombs; i++) {
		const char *p = f->tombs[i].ids;

		while (f->tombs[i].newer && ids_next(&p, &it))
			if (it.has_key)
				hashset_put(f->by_hash, it.key, i);
	}
}

char *
filter_rule_text(const struct filter *f, char *buf, size_t n)
{
	char t[TIME_BUFSZ];

	if (f->rule == RULE_SEQ)
		snprintf(buf, n, "lethe manifest: identifiers of erasures "
				 "after ledger seq %" PRId64, f->rule_seq);
	else if (f->rule == RULE_TAKEN_AT)
		snprintf(buf, n, "--taken-at: identifiers of erasures made "
				 "or applied at or after %s",
			 time_format(f->taken_at, t));
	else
		snprintf(buf, n, "foreign archive: identifiers of every "
				 "erasure");
	return buf;
}

int
filter_has_newer(const struct filter *f)
{
	return hashset_count(f->by_hash) > 0;
}

int
filter_sid(const struct filter *f, const char *sid)
{
	unsigned char key[32];
	int64_t v;

	if (sid == NULL)
		return -1;
	sid_key(sid, key);
	return hashset_get(f->by_sid, key, &v) ? (int)v : -1;
}

int
filter_ident(const struct filter *f, const char *type, const char *norm)
{
	unsigned char key[32];
	int64_t v;

	if (hashset_count(f->by_hash) == 0)
		return -1;
	ident_hash_raw(f->key, type, norm, key);
	return hashset_get(f->by_hash, key, &v) ? (int)v : -1;
}

/* Collecting spans while scanning. */
struct collect {
	const struct filter *f;
	struct spans *sp;
};

static int
collect(void *arg, const char *type, const char *norm, size_t off, size_t len)
{
	struct collect *c = arg;
	int t = filter_ident(c->f, type, norm);

	if (t >= 0)
		spans_add(c->sp, off, len, t);
	return 0;
}

int
filter_scan(const struct filter *f, const char *text, size_t n,
	    struct spans *sp)
{
	struct collect c = { f, sp };

	sp->n = 0;
	if (hashset_count(f->by_hash) == 0 || n == 0)
		return 0;
	scan_text(text, n, (int)f->cfg->calling_code, collect, &c);
	return sp->n;
}

int
filter_scan_name(const struct filter *f, const char *name, struct spans *sp)
{
	struct spans part = { NULL, 0, 0 };
	const char *c = name, *at, *dot;
	size_t len;
	int i;

	filter_scan(f, name, strlen(name), sp);
	/* "alice@example.com.txt": a file extension reads as part of the
	 * domain, so each component is scanned again without them, one
	 * extension after the other */
	for (; *c; c += strcspn(c, "/"), c += strspn(c, "/")) {
		len = strcspn(c, "/");
		at = memchr(c, '@', len);
		while (at != NULL &&
		       (dot = memrchr(at, '.', len - (size_t)(at - c))) !=
			       NULL) {
			len = (size_t)(dot - c);
			if (filter_scan(f, c, len, &part) > 0) {
				for (i = 0; i < part.n; i++)
					spans_add(sp, part.v[i].off +
						  (size_t)(c - name),
						  part.v[i].len, part.v[i].tag);
				break;
			}
		}
	}
	spans_release(&part);
	return sp->n;
}

const char *
filter_shown(const struct filter *f, const char *rel)
{
	static char bufs[2][1024];
	static int next;
	char *b = bufs[next++ % 2], *masked;
	struct spans sp = { NULL, 0, 0 };

	if (filter_scan_name(f, rel, &sp) == 0) {
		spans_release(&sp);
		return printable(rel);
	}
	masked = spans_replace(rel, strlen(rel), &sp);
	snprintf(b, sizeof(bufs[0]), "%s", printable(masked));
	free(masked);
	spans_release(&sp);
	return b;
}

void
filter_hit(struct filter *f, int t, const char *rel, const char *fmt, ...)
{
	struct tomb *tb = &f->tombs[t];
	char what[512], at[TIME_BUFSZ];
	va_list ap;

	tb->hits++;
	if (f->mode != FILTER_COUNT || !f->print_hits)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (f->nhit_lines == f->cap_hit_lines) {
		f->cap_hit_lines = f->cap_hit_lines ? f->cap_hit_lines * 2 : 64;
		f->hit_lines = xrealloc(f->hit_lines, sizeof(*f->hit_lines) *
						      (size_t)f->cap_hit_lines);
	}
	f->hit_lines[f->nhit_lines].seq = tb->seq;
	f->hit_lines[f->nhit_lines].order = f->nhit_lines;
	f->hit_lines[f->nhit_lines++].text =
		xasprintf("seq %" PRId64 "  %s  %s  %s%s  in %s: %s", tb->seq,
			  time_format(tb->at, at), tb->reason,
			  tb->sid ? "subject " : "identifiers only",
			  tb->sid ? tb->sid : "", filter_shown(f, rel),
			  filter_shown(f, what));
}

static int
by_seq(const void *a, const void *b)
{
	const struct hit_line *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
filter_print_hits(struct filter *f, FILE *out)
{
	int i;

	if (f->nhit_lines > 1)
		qsort(f->hit_lines, (size_t)f->nhit_lines,
		      sizeof(*f->hit_lines), by_seq);
	for (i = 0; i < f->nhit_lines; i++)
		fprintf(out, "%s\n", f->hit_lines[i].text);
}

void
filter_residue(struct filter *f, int t, const char *rel, const char *what)
{
	f->st.residue++;
	if (f->mode == FILTER_COUNT) {
		filter_hit(f, t, rel, "%s", what);
		if (f->print_hits)
			return;		/* inspect: a line of its own */
	}
	/* what may name a table or column after the person; a dry run
	 * names the place as the restore would */
	log_err("residue in '%s': %s holds an identifier of a person erased "
		"after this backup (tombstone seq %" PRId64 ")",
		filter_shown(f, rel), filter_shown(f, what), f->tombs[t].seq);
}

int64_t
filter_hits(const struct filter *f)
{
	int64_t n = 0;
	int i;

	for (i = 0; i < f->ntombs; i++)
		n += f->tombs[i].hits > 0;
	return n;
}

/*
 * named: the tombstone that folder name id names under placeholder ph
 * (a subject id, or an identifier of that type), or -1.
 */
static int
named(struct filter *f, const char *ph, const char *id)
{
	char norm[IDENT_MAX];

	if (strcmp(ph, "subject") == 0)
		return filter_sid(f, id);
	if (ident_normalise(ph, id, (int)f->cfg->calling_code, norm) != 0)
		return -1;
	return filter_ident(f, ph, norm);
}

/* per_subject_rule: the tombstone whose per-subject path of rule r
 * holds rel, with the length of that path in *end; -1 when none. */
static int
per_subject_rule(struct filter *f, const struct files_rule *r,
		 const char *rel, size_t *end)
{
	struct fpattern p;
	char *v;
	int t = -1;

	if (r->format != FMT_NONE || fpattern_parse(r->path, &p) != 0)
		return -1;
	v = fpattern_value(&p, rel, end);
	if (v != NULL)
		t = named(f, p.placeholder, v);
	free(v);
	fpattern_release(&p);
	return t;
}

/*
 * bare_subject: where the data map keeps per-subject folders (rule r,
 * "attachments/{subject}/", "mail/{email}/"), a folder of rel named after
 * an erased subject's id or identifier (or the entry of such a folder)
 * is one of them at any depth, as `run` finds them, and even without the
 * rule's prefix (an archive made from inside the tree): ids are unique,
 * and a restore errs on the side of erasure.  The tombstone, with the
 * folder's length within rel in *end; -1 when none.
 */
static int
bare_subject(struct filter *f, const struct files_rule *r, const char *rel,
	     size_t *end)
{
	struct fpattern p;
	const char *c = rel, *slash;
	char id[IDENT_MAX], ph[16];
	int t = -1, dir;

	if (r->format != FMT_NONE || fpattern_parse(r->path, &p) != 0)
		return -1;
	dir = p.dir && *p.suffix == 0 &&
	      strlen(p.placeholder) < sizeof(ph);
	if (dir)
		snprintf(ph, sizeof(ph), "%s", p.placeholder);
	fpattern_release(&p);
	/* each folder of rel, and its last name (a folder's own entry) */
	while (dir && t < 0 && *c != '\0') {
		slash = strchr(c, '/');
		if (slash == NULL)
			slash = c + strlen(c);
		if ((size_t)(slash - c) < sizeof(id)) {
			memcpy(id, c, (size_t)(slash - c));
			id[slash - c] = '\0';
			t = named(f, ph, id);
			*end = (size_t)(slash - rel);
		}
		c = *slash != '\0' ? slash + 1 : slash;
	}
	return t;
}

/*
 * per_subject: the tombstone whose per-subject path holds rel (or holds
 * it through one of the archive's symlinks to a folder), with the rule
 * into *rule and the length of that path within rel into *end (0 when
 * reached through a link); -1 when none.
 */
static int
per_subject(struct filter *f, const char *rel, int *rule, size_t *end)
{
	const struct config *cfg = f->cfg;
	size_t alias_end;
	int i, a, t;

	for (i = 0; i < cfg->nfiles; i++) {
		t = per_subject_rule(f, &cfg->files[i], rel, end);
		for (a = 0; t < 0 && a < f->naliases; a++) {
			const char *to = f->aliases[a].to;
			size_t n = strlen(to);
			char *alias;

			if (strncmp(rel, to, n) != 0 || rel[n] != '/')
				continue;
			alias = xasprintf("%s%s", f->aliases[a].from, rel + n);
			t = per_subject_rule(f, &cfg->files[i], alias,
					     &alias_end);
			*end = 0;	/* the folder is reached by a link */
			free(alias);
		}
		if (t >= 0) {
			*rule = i;
			return t;
		}
	}
	for (i = 0; i < cfg->nfiles; i++) {
		t = bare_subject(f, &cfg->files[i], rel, end);
		if (t >= 0) {
			*rule = i;
			return t;
		}
	}
	return -1;
}

/* glob_any_depth: whether pattern matches rel or a tail of it. */
static int
glob_any_depth(const char *pattern, const char *rel)
{
	const char *p = rel;

	while (p != NULL) {
		if (fnmatch(pattern, p, FNM_PATHNAME) == 0)
			return 1;
		p = strchr(p, '/');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* sidecar: whether rel is the -wal, -shm or -journal of a database. */
static int
sidecar(const char *root, const char *rel)
{
	size_t n = strlen(rel), i, m;
	char *base;
	int r;

	for (i = 0; i < FILTER_SIDECARS; i++) {
		m = strlen(filter_sidecars[i]);
		if (n <= m || strcmp(rel + n - m, filter_sidecars[i]) != 0)
			continue;
		base = xasprintf("%s/%.*s", root, (int)(n - m), rel);
		r = file_is_sqlite(base) == 1;
		free(base);
		return r;
	}
	return 0;
}

/* A pass over the staged files. */
enum pass { PASS_DATABASES, PASS_PER_SUBJECT, PASS_REST };

/* inode_key: the set key of a file's device and inode. */
static void
inode_key(const struct stat *st, unsigned char *key)
{
	char id[64];

	snprintf(id, sizeof(id), "%llu:%llu", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	sha_raw(id, strlen(id), key);
}

/* dropped_inode: whether st is a file dropped with a per-subject path. */
static int
dropped_inode(const struct filter *f, const struct stat *st)
{
	unsigned char key[32];

	inode_key(st, key);
	return hashset_get(f->inodes, key, NULL);
}

static void
remember_inode(struct filter *f, const struct stat *st)
{
	unsigned char key[32];

	inode_key(st, key);
	hashset_put(f->inodes, key, 1);
}

/*
 * shown_path: rel as a message may show it: a path whose placeholder is
 * an identifier (mail/{email}/) would name the person, so only the rule is
 * shown for it.
 */
static const char *
shown_path(const struct filter *f, int rule, const char *rel)
{
	const char *open = strchr(f->cfg->files[rule].path, '{');

	if (open != NULL && strncmp(open, "{subject}", 9) == 0)
		return rel;
	return "(a path named by an identifier)";
}

/* note_folder: a per-subject folder to remove once its files are gone. */
static void
note_folder(struct filter *f, const char *rel, size_t end)
{
	if (f->nfolders > 0 &&
	    strlen(f->folders[f->nfolders - 1]) == end &&
	    strncmp(f->folders[f->nfolders - 1], rel, end) == 0)
		return;
	f->folders = xrealloc(f->folders, sizeof(*f->folders) *
					      (size_t)(f->nfolders + 1));
	f->folders[f->nfolders++] = xstrndup(rel, end);
}

/*
 * empty_folders: per-subject folders of erased subjects that hold no file
 * (an application may make a subject's folder when it registers them):
 * the files pass never reaches them, yet the folder is the subject's, and
 * its name may be their email (mail/{email}/).  Noted for drop_folders
 * and counted as per-subject paths.  Returns 0, or -1 after reporting.
 */
static int
empty_folders(struct filter *f, sqlite3 *index)
{
	sqlite3_stmt *st;
	size_t end;
	int r, rule, t;

	st = db_prepare(index, "SELECT d.path FROM entries d WHERE d.type IN "
			       "(2, 4) AND NOT EXISTS (SELECT 1 FROM entries "
			       "x WHERE x.type = 1 AND x.path > d.path || '/' "
			       "AND x.path < d.path || '0') ORDER BY d.path");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rel = db_text(st, 0);
		char *folder = xasprintf("%s/", rel);

		t = per_subject(f, folder, &rule, &end);
		if (t >= 0 && end == strlen(rel)) {
			note_folder(f, rel, end);
			filter_hit(f, t, shown_path(f, rule, rel),
				   "a per-subject path ([files %s])",
				   f->cfg->files[rule].name);
			f->st.paths++;
		}
		free(folder);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(index, "read the entry index");
}

/* drop_folders: remove the per-subject folders noted (apply mode). */
static int
drop_folders(struct filter *f, const char *root)
{
	int i, rc = 0;

	for (i = 0; i < f->nfolders; i++) {
		char *full = xasprintf("%s/%s", root, f->folders[i]);

		if (f->mode == FILTER_APPLY && rm_tree(full) != 0)
			rc = -1;
		free(full);
	}
	return rc;
}

/*
 * database: filter_db, and in a dry run with --drop-residue, a database
 * other than a data-map one that holds residue is counted as left out,
 * not as residue, as the restore would leave it out.
 */
static int
database(struct filter *f, const char *rel, const char *full)
{
	int64_t residue = f->st.residue, maps = f->st.databases;
	int r;

	r = filter_db(f, rel, full);
	if (r != 0 || f->mode != FILTER_COUNT || !f->drop_residue ||
	    f->st.residue == residue || f->st.databases != maps)
		return r;
	log_warn("would leave out '%s': it holds residue (--drop-residue)",
		 filter_shown(f, rel));
	f->st.residue = residue;
	f->st.dropped++;
	/* the staged copy: the walk must skip it */
	filter_drop_files(full);
	return 0;
}

static int
one_file(struct filter *f, const char *root, const char *rel, int pass)
{
	const struct config *cfg = f->cfg;
	char *full = xasprintf("%s/%s", root, rel);
	struct stat st;
	size_t end;
	int i, t, rule, r = 0;

	if (lstat(full, &st) != 0) {
		if (errno != ENOENT) {	/* never pass a file unfiltered */
			log_errno("cannot read '%s'", filter_shown(f, rel));
			r = -1;
		}
		goto done;	/* dropped already */
	}
	if (!S_ISREG(st.st_mode))
		goto done;	/* a symlink */
	switch (pass) {
	case PASS_DATABASES:
		if (!sidecar(root, rel) && file_is_sqlite(full) == 1) {
			f->st.files++;
			r = database(f, rel, full);
		}
		goto done;
	case PASS_PER_SUBJECT:
		t = per_subject(f, rel, &rule, &end);
		if (t < 0)
			goto done;
		if (end > 0 && rel[end] == '/')
			note_folder(f, rel, end);
		filter_hit(f, t, shown_path(f, rule, rel),
			   "a per-subject path ([files %s])",
			   cfg->files[rule].name);
		f->st.paths++;
		if (st.st_nlink > 1)
			remember_inode(f, &st);
		if (f->mode == FILTER_APPLY && unlink(full) != 0) {
			log_errno("cannot remove '%s'", full);
			r = -1;
		}
		goto done;
	}
	if (f->mode == FILTER_COUNT && per_subject(f, rel, &rule, &end) >= 0)
		goto done;	/* counted above; the restore drops it */
	if (dropped_inode(f, &st)) {
		/* a hard link to a file of an erased subject's path */
		f->st.paths++;
		if (f->mode == FILTER_APPLY && unlink(full) != 0) {
			log_errno("cannot remove '%s'", full);
			r = -1;
		}
		goto done;
	}
	if (sidecar(root, rel) || file_is_sqlite(full) == 1)
		goto done;
	f->st.files++;
	for (i = 0; i < cfg->nfiles; i++)
		if (cfg->files[i].format != FMT_NONE &&
		    glob_any_depth(cfg->files[i].path, rel)) {
			r = filter_structured(f, rel, full, &cfg->files[i]);
			goto done;
		}
	r = filter_plain(f, rel, full);
done:
	free(full);
	return r;
}

int
filter_drops(struct filter *f, const char *rel, const struct stat *st)
{
	size_t end, n;
	int i, rule;

	if (per_subject(f, rel, &rule, &end) >= 0)	/* a symlink too */
		return 1;
	for (i = 0; i < f->nfolders; i++) {
		n = strlen(f->folders[i]);
		if (strncmp(rel, f->folders[i], n) == 0 &&
		    (rel[n] == '\0' || rel[n] == '/'))
			return 1;
	}
	return S_ISREG(st->st_mode) && st->st_nlink > 1 &&
	       dropped_inode(f, st);
}

/* load_aliases: the archive's symlinks to folders inside root. */
static int
load_aliases(struct filter *f, const char *root, sqlite3 *index)
{
	char rroot[PATH_MAX], target[PATH_MAX];
	sqlite3_stmt *st;
	size_t n;
	int r;

	if (realpath(root, rroot) == NULL)
		return 0;
	n = strlen(rroot);
	st = db_prepare(index, "SELECT path FROM entries WHERE type = 3");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char *full = xasprintf("%s/%s", root, db_text(st, 0));
		struct stat sb;

		if (realpath(full, target) != NULL && stat(target, &sb) == 0 &&
		    S_ISDIR(sb.st_mode) && strncmp(target, rroot, n) == 0 &&
		    target[n] == '/') {
			f->aliases = xrealloc(f->aliases, sizeof(*f->aliases) *
						  (size_t)(f->naliases + 1));
			f->aliases[f->naliases].from = xstrdup(db_text(st, 0));
			f->aliases[f->naliases].to = xstrdup(target + n + 1);
			f->naliases++;
		}
		free(full);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : db_fail(index, "read the entry index");
}

/* drop_links: symlinks standing at an erased subject's per-subject path. */
static int
drop_links(struct filter *f, const char *root, sqlite3 *index)
{
	sqlite3_stmt *st;
	size_t end;
	int i, t, r, rc = 0;

	st = db_prepare(index, "SELECT path FROM entries WHERE type = 3");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
		const char *rel = db_text(st, 0);

		for (i = 0; i < f->cfg->nfiles; i++) {
			t = per_subject_rule(f, &f->cfg->files[i], rel, &end);
			if (t < 0)
				continue;
			filter_hit(f, t, shown_path(f, i, rel),
				   "a per-subject path ([files %s])",
				   f->cfg->files[i].name);
			f->st.paths++;
			if (f->mode == FILTER_APPLY) {
				char *full = xasprintf("%s/%s", root, rel);

				if (unlink(full) != 0 && errno != ENOENT) {
					log_errno("cannot remove '%s'", full);
					rc = -1;
				}
				free(full);
			}
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * check_names: entries whose name, or a symlink's target, holds an
 * identifier of a newer erasure (docs/alice@example.com.txt) are residue
 * (law 11) unless dropped already with a per-subject path; with
 * --drop-residue they are left out.  Returns 0, or -1 after reporting.
 */
static int
check_names(struct filter *f, const char *root, sqlite3 *index)
{
	struct spans sp = { NULL, 0, 0 };
	sqlite3_stmt *st;
	struct stat sb;
	size_t end;
	int r, rule, rc = 0;

	if (!filter_has_newer(f))
		return 0;
	st = db_prepare(index, "SELECT path, target FROM entries ORDER BY "
			       "path");
	if (st == NULL)
		return -1;
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rel = db_text(st, 0), *target = db_text(st, 1);
		const char *what = "its name";
		char *full;
		int t = -1;

		if (filter_scan_name(f, rel, &sp) > 0) {
			t = sp.v[0].tag;
		} else if (target != NULL &&
			   filter_scan_name(f, target, &sp) > 0) {
			t = sp.v[0].tag;
			what = "its link target";
		}
		if (t < 0)
			continue;
		full = xasprintf("%s/%s", root, rel);
		if (lstat(full, &sb) != 0 ||
		    per_subject(f, rel, &rule, &end) >= 0) {
			free(full);	/* gone already, or going */
			continue;
		}
		if (f->drop_residue) {
			/* a dry run drops the staged copy too (see
			 * filter_plain) */
			log_warn("%s '%s': %s holds an identifier of a person "
				 "erased after this backup (tombstone seq %"
				 PRId64 ") (--drop-residue)",
				 f->mode == FILTER_APPLY ? "leaving out"
							 : "would leave out",
				 filter_shown(f, rel), what, f->tombs[t].seq);
			f->st.dropped++;
			if (S_ISDIR(sb.st_mode) ? rm_tree(full) != 0
						: unlink(full) != 0) {
				if (!S_ISDIR(sb.st_mode))
					log_errno("cannot remove '%s'",
						  filter_shown(f, rel));
				rc = -1;
			}
		} else {
			filter_residue(f, t, rel, what);
		}
		free(full);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = db_fail(index, "read the entry index");
	sqlite3_finalize(st);
	spans_release(&sp);
	return rc;
}

int
filter_tree(struct filter *f, const char *root, sqlite3 *index)
{
	sqlite3_stmt *st;
	int pass, r, rc = 0;

	if (load_aliases(f, root, index) != 0)
		return -1;
	st = db_prepare(index, "SELECT path FROM entries WHERE type = 1 "
			       "ORDER BY path");
	if (st == NULL)
		return -1;
	/* databases first: subjects they erase by identifier have their
	 * per-subject paths dropped too */
	for (pass = PASS_DATABASES; pass <= PASS_REST && rc == 0; pass++) {
		if (pass == PASS_PER_SUBJECT && drop_links(f, root, index) != 0)
			rc = -1;
		while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW)
			if (one_file(f, root, db_text(st, 0), pass) != 0)
				rc = -1;
		if (rc == 0 && r != SQLITE_DONE)
			rc = db_fail(index, "read the entry index");
		sqlite3_reset(st);
		if (rc == 0 && pass == PASS_PER_SUBJECT &&
		    (empty_folders(f, index) != 0 ||
		     drop_folders(f, root) != 0))
			rc = -1;
	}
	sqlite3_finalize(st);
	if (rc == 0 && check_names(f, root, index) != 0)
		rc = -1;
	if (rc == 0 && f->st.residue > 0 && f->mode == FILTER_APPLY) {
		f->hostile = 1;
		rc = -1;
	}
	return rc;
}

/* structured_one: a files_structured callback: filter_structured on the
 * filter arg. */
static int
structured_one(void *arg, const char *rel, const char *full,
	       const struct files_rule *rule)
{
	return filter_structured(arg, rel, full, rule);
}

int
filter_live_files(const struct config *cfg, const struct key *k, int64_t now,
		  int n, char *const *sids, char *const *ids, int dry)
{
	struct filter f;
	struct ids_item it;
	int i, rc;

	if (files_erase_batch(cfg, k, n, sids, ids, dry) < 0)
		return -1;
	for (i = 0; i < cfg->nfiles; i++)
		if (cfg->files[i].format != FMT_NONE)
			break;
	if (i == cfg->nfiles || n == 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.cfg = cfg;
	f.key = k;
	f.now = now;
	f.mode = dry ? FILTER_COUNT : FILTER_APPLY;
	f.by_hash = hashset_new();
	f.by_sid = hashset_new();
	f.tombs = xcalloc((size_t)n, sizeof(*f.tombs));
	f.ntombs = n;
	tally_init(&f.st.tally, cfg);
	for (i = 0; i < n; i++) {
		const char *p = ids[i];

		f.tombs[i].newer = 1;
		while (ids_next(&p, &it))
			if (it.has_key)
				hashset_put(f.by_hash, it.key, i);
	}
	rc = files_structured(cfg, structured_one, &f);
	if (f.st.records > 0)
		log_notice("%s %" PRId64 " record%s of erased subjects from "
			   "structured files", dry ? "would drop" : "dropped",
			   f.st.records, f.st.records == 1 ? "" : "s");
	free(f.tombs);
	f.tombs = NULL;
	f.ntombs = 0;
	filter_release(&f);
	return rc;
}
