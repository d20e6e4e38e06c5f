/*
 * test_config.c: loading the INI config and checking it against a store.
 *
 * Every config is written into a fresh folder under /tmp and loaded with
 * stderr captured, so the errors can be checked: each names the file, the
 * line and the key, all are reported, in line order.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
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

static char dir[PATH_MAX];		/* the temp folder, real path */
static char cfgpath[2 * PATH_MAX];		/* dir/lethe.ini */

/* The smallest valid config: every optional key left out. */
static const char base[] =
	"[lethe]\n"					/* 1 */
	"live_store = live.db\n"			/* 2 */
	"ledger = ledger.db\n"				/* 3 */
	"key_file = ledger.key\n"			/* 4 */
	"[subjects]\n"					/* 5 */
	"identifiers = email:email, phone:phone\n";	/* 6 */

/* conf/lethe.ini's keys with relative paths; optional keys left out. */
static const char shipped[] =
	"; the shipped data map\n"			/* 1 */
	"[lethe]\n"					/* 2 */
	"live_store = live.db\n"			/* 3 */
	"ledger     = ledger.db\n"			/* 4 */
	"key_file   = ledger.key\n"			/* 5 */
	"\n"						/* 6 */
	"[policy]\n"					/* 7 */
	"require_approval     = no\n"			/* 8 */
	"\n"						/* 9 */
	"[subjects]\n"					/* 10 */
	"table         = subjects\n"			/* 11 */
	"id            = id\n"				/* 12 */
	"kind          = kind                     ; comment\n" /* 13 */
	"lead_kind     = lead\n"			/* 14 */
	"last_activity = last_contact_at\n"		/* 15 */
	"identifiers   = email:email, phone:phone ; type:column\n" /* 16 */
	"date_format   = iso\n"				/* 17 */
	"\n"						/* 18 */
	"[table communications]\n"			/* 19 */
	"subject  = subject_id\n"			/* 20 */
	"on_erase = delete\n"				/* 21 */
	"redact   = body\n"				/* 22 */
	"\n"						/* 23 */
	"[table tickets]\n"				/* 24 */
	"subject  = subject_id\n"			/* 25 */
	"on_erase = delete\n"				/* 26 */
	"\n"						/* 27 */
	"[table invoices]                         ; tax records\n" /* 28 */
	"subject    = subject_id\n"			/* 29 */
	"on_erase   = retain\n"				/* 30 */
	"retain_for = 6 years\n"			/* 31 */
	"date       = issued_at\n"			/* 32 */
	"after_hold = delete\n"				/* 33 */
	"\n"						/* 34 */
	"[table orders]\n"				/* 35 */
	"subject  = customer_email\n"			/* 36 */
	"match    = email\n"				/* 37 */
	"on_erase = mask\n"				/* 38 */
	"mask     = customer_name, delivery_address\n"	/* 39 */
	"\n"						/* 40 */
	"[purge web_log]\n"				/* 41 */
	"date = at\n"					/* 42 */
	"keep = 30 days\n"				/* 43 */
	"\n"						/* 44 */
	"[files attachments]\n"				/* 45 */
	"path = attachments/{subject}/\n"		/* 46 */
	"\n"						/* 47 */
	"[files exports]\n"				/* 48 */
	"path   = exports/*.csv\n"			/* 49 */
	"format = csv\n"				/* 50 */
	"match  = email:email, phone:phone_number\n";	/* 51 */

/* Every key given, none at its default. */
static const char explicit_cfg[] =
	"[lethe]\n"
	"live_store = data/live.db\n"
	"ledger = /var/lib/lethe/ledger.db\n"
	"key_file = secret/ledger.key\n"
	"backup_dir = archive\n"
	"lock_file = run/lethe.lock\n"
	"[policy]\n"
	"lead_expiry = 18 months\n"
	"erasure_deadline = 30 days\n"
	"require_approval = yes\n"
	"default_calling_code = 33\n"
	"[subjects]\n"
	"table = people\n"
	"id = uuid\n"
	"identifiers = email:mail\n"
	"date_format = unix\n"
	"[table notes]\n"
	"subject = person\n"
	"on_erase = retain\n"
	"retain_for = 2 weeks\n"
	"date = written\n"
	"after_hold = mask\n"
	"mask = text, author\n"
	"date_format = iso\n"
	"[purge hits]\n"
	"date = at\n"
	"keep = 1 year\n"
	"[purge visits]\n"
	"date = at\n"
	"keep = 3 months\n"
	"date_format = iso\n"
	"[files mail]\n"
	"path = mail/{email}/\n"
	"[files dumps]\n"
	"path = dumps/*.jsonl\n"
	"format = jsonl\n"
	"match = email:e\n"
	"[restore]\n"
	"max_entry_size = 512 MiB\n"
	"max_total_size = 2 GiB\n"
	"max_entries = 5000\n"
	"max_ratio = 50\n";

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}


/* load: write text as dir/lethe.ini and load it, stderr in errtext. */
static struct config *
load(const char *text)
{
	struct config *cfg;

	write_file(cfgpath, text);
	capture_begin();
	cfg = config_load(cfgpath);
	capture_end();
	return cfg;
}

/* load_base: base followed by more. */
static struct config *
load_base(const char *more)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s", base, more);
	return load(buf);
}

static int
has(const char *s)
{
	return strstr(errtext, s) != NULL;
}

/* fails: the config is refused with an error containing each of msgs. */
#define REFUSED(cfg, ...) refused(cfg, __FILE__, __LINE__, __VA_ARGS__, NULL)

static void
refused(struct config *cfg, const char *file, int line, const char *what,
	...)
{
	va_list ap;
	const char *m;
	int ok = cfg == NULL;

	va_start(ap, what);
	while ((m = va_arg(ap, const char *)) != NULL)
		if (!has(m)) {
			ok = 0;
			printf("# missing '%s'\n", m);
		}
	va_end(ap);
	if (!ok)
		printf("# stderr was:\n# %s\n", errtext);
	tap_check(ok, file, line, "%s", what);
	config_free(cfg);
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

static int
list_is(const struct namelist *l, const char *a, const char *b)
{
	return l->n == (b ? 2 : 1) && strcmp(l->v[0], a) == 0 &&
	       (b == NULL || strcmp(l->v[1], b) == 0);
}

static void
test_shipped(void)
{
	struct config *cfg = load(shipped);
	const struct dmap_table *t;
	char want[PATH_MAX + 32];

	CHECK(cfg != NULL, "the shipped data map loads");
	if (cfg == NULL) {
		printf("# %s\n", errtext);
		return;
	}
	CHECK(errtext[0] == '\0', "no message when it loads");
	CHECK_STR(cfg->dir, dir, "dir is the config's folder");
	CHECK_STR(cfg->live_store, at("live.db"), "live_store resolved");
	CHECK_STR(cfg->ledger, at("ledger.db"), "ledger resolved");
	CHECK_STR(cfg->key_file, at("ledger.key"), "key_file resolved");
	CHECK_STR(cfg->backup_dir, at("backups"),
		  "backup_dir defaults to <config folder>/backups");
	snprintf(want, sizeof(want), "%s.lock", at("ledger.db"));
	CHECK_STR(cfg->lock_file, want, "lock_file defaults to <ledger>.lock");
	CHECK(cfg->lead_expiry.n == 12 && cfg->lead_expiry.unit == DUR_MONTHS,
	      "lead_expiry defaults to 12 months");
	CHECK(cfg->erasure_deadline.n == 7 &&
		      cfg->erasure_deadline.unit == DUR_DAYS,
	      "erasure_deadline defaults to 7 days");
	CHECK(cfg->require_approval == 0, "require_approval = no");
	CHECK(cfg->calling_code == 44, "default_calling_code defaults to 44");
	CHECK(cfg->max_entry_size == 16LL << 30, "max_entry_size 16 GiB");
	CHECK(cfg->max_total_size == 64LL << 30, "max_total_size 64 GiB");
	CHECK(cfg->max_entries == 1000000, "max_entries 1000000");
	CHECK(cfg->max_ratio == 200, "max_ratio 200");

	CHECK_STR(cfg->subj_table, "subjects", "subjects table");
	CHECK_STR(cfg->subj_id, "id", "subjects id");
	CHECK(cfg->subj_kind && !strcmp(cfg->subj_kind, "kind"),
	      "kind (inline comment stripped)");
	CHECK(cfg->subj_lead_kind && !strcmp(cfg->subj_lead_kind, "lead"),
	      "lead_kind");
	CHECK(cfg->subj_last_activity &&
		      !strcmp(cfg->subj_last_activity, "last_contact_at"),
	      "last_activity");
	CHECK(cfg->subj_ids.n == 2 && !strcmp(cfg->subj_ids.type[0], "email") &&
		      !strcmp(cfg->subj_ids.column[0], "email") &&
		      !strcmp(cfg->subj_ids.type[1], "phone") &&
		      !strcmp(cfg->subj_ids.column[1], "phone"),
	      "identifiers email:email, phone:phone");
	CHECK(cfg->date_format == DATE_ISO, "date_format iso");

	CHECK(cfg->ntables == 4, "four [table] sections");
	if (cfg->ntables == 4) {
		t = &cfg->tables[0];
		CHECK(!strcmp(t->name, "communications") &&
			      !strcmp(t->subject, "subject_id") &&
			      t->match == NULL && t->on_erase == ON_DELETE &&
			      list_is(&t->redact, "body", NULL) &&
			      t->mask.n == 0 && t->date_format == DATE_ISO,
		      "[table communications] delete, redact body");
		t = &cfg->tables[1];
		CHECK(!strcmp(t->name, "tickets") && t->on_erase == ON_DELETE &&
			      t->redact.n == 0,
		      "[table tickets] delete");
		t = &cfg->tables[2];
		CHECK(!strcmp(t->name, "invoices") &&
			      t->on_erase == ON_RETAIN &&
			      t->retain_for.n == 6 &&
			      t->retain_for.unit == DUR_YEARS &&
			      t->date && !strcmp(t->date, "issued_at") &&
			      t->after_hold == ON_DELETE,
		      "[table invoices] retain 6 years from issued_at, "
		      "then delete");
		CHECK(t->line == 28, "a table's line is its header's");
		t = &cfg->tables[3];
		CHECK(!strcmp(t->name, "orders") &&
			      !strcmp(t->subject, "customer_email") &&
			      t->match && !strcmp(t->match, "email") &&
			      t->on_erase == ON_MASK &&
			      list_is(&t->mask, "customer_name",
				      "delivery_address"),
		      "[table orders] match email, mask two columns");
	}
	CHECK(cfg->npurges == 1 && !strcmp(cfg->purges[0].name, "web_log") &&
		      !strcmp(cfg->purges[0].date, "at") &&
		      cfg->purges[0].keep.n == 30 &&
		      cfg->purges[0].keep.unit == DUR_DAYS &&
		      cfg->purges[0].date_format == DATE_ISO,
	      "[purge web_log] keep 30 days");
	CHECK(cfg->nfiles == 2, "two [files] sections");
	if (cfg->nfiles == 2) {
		CHECK(!strcmp(cfg->files[0].name, "attachments") &&
			      !strcmp(cfg->files[0].path,
				      "attachments/{subject}/") &&
			      cfg->files[0].format == FMT_NONE &&
			      cfg->files[0].match.n == 0,
		      "[files attachments] a per-subject tree");
		CHECK(!strcmp(cfg->files[1].path, "exports/*.csv") &&
			      cfg->files[1].format == FMT_CSV &&
			      cfg->files[1].match.n == 2 &&
			      !strcmp(cfg->files[1].match.type[1], "phone") &&
			      !strcmp(cfg->files[1].match.column[1],
				      "phone_number"),
		      "[files exports] csv matched by email and phone");
	}
	CHECK(config_key_line(cfg, "table orders", "mask") == 39,
	      "config_key_line of a key");
	CHECK(config_key_line(cfg, "files exports", NULL) == 48,
	      "config_key_line of a section");
	CHECK(config_key_line(cfg, "policy", "lead_expiry") == 0,
	      "config_key_line of a defaulted key is 0");
	CHECK(config_table(cfg, "invoices") == 2 &&
		      config_table(cfg, "INVOICES") == 2,
	      "config_table finds a table in any case, as SQLite does");
	CHECK(config_table(cfg, "web_log") == -1 &&
		      config_table(cfg, NULL) == -1,
	      "config_table: -1 for a table with no [table] section");
	config_free(cfg);
}

static void
test_explicit(void)
{
	struct config *cfg = load(explicit_cfg);
	const struct dmap_table *t;

	CHECK(cfg != NULL, "a config with every key given loads");
	if (cfg == NULL) {
		printf("# %s\n", errtext);
		return;
	}
	CHECK_STR(cfg->live_store, at("data/live.db"),
		  "a relative path with a folder");
	CHECK_STR(cfg->ledger, "/var/lib/lethe/ledger.db",
		  "an absolute path is kept");
	CHECK_STR(cfg->key_file, at("secret/ledger.key"), "key_file");
	CHECK_STR(cfg->backup_dir, at("archive"), "backup_dir given");
	CHECK_STR(cfg->lock_file, at("run/lethe.lock"), "lock_file given");
	CHECK(cfg->lead_expiry.n == 18 && cfg->lead_expiry.unit == DUR_MONTHS,
	      "lead_expiry 18 months");
	CHECK(cfg->erasure_deadline.n == 30 &&
		      cfg->erasure_deadline.unit == DUR_DAYS,
	      "erasure_deadline 30 days");
	CHECK(cfg->require_approval == 1, "require_approval = yes");
	CHECK(cfg->calling_code == 33, "default_calling_code 33");
	CHECK(!strcmp(cfg->subj_table, "people") &&
		      !strcmp(cfg->subj_id, "uuid"),
	      "subjects table and id");
	CHECK(cfg->subj_kind == NULL && cfg->subj_lead_kind == NULL &&
		      cfg->subj_last_activity == NULL,
	      "no lead expiry without kind");
	CHECK(cfg->date_format == DATE_UNIX, "date_format unix");
	t = cfg->ntables == 1 ? &cfg->tables[0] : NULL;
	CHECK(t != NULL && t->on_erase == ON_RETAIN &&
		      t->retain_for.n == 2 && t->retain_for.unit == DUR_WEEKS &&
		      t->after_hold == ON_MASK &&
		      list_is(&t->mask, "text", "author") &&
		      t->date_format == DATE_ISO,
	      "retain then mask, own date_format");
	CHECK(cfg->npurges == 2 && cfg->purges[0].date_format == DATE_UNIX &&
		      cfg->purges[0].keep.n == 1 &&
		      cfg->purges[0].keep.unit == DUR_YEARS &&
		      cfg->purges[1].date_format == DATE_ISO,
	      "a purge inherits date_format unless it sets its own");
	CHECK(cfg->nfiles == 2 && cfg->files[1].format == FMT_JSONL &&
		      cfg->files[1].match.n == 1 &&
		      !strcmp(cfg->files[1].match.column[0], "e"),
	      "[files] jsonl");
	CHECK(cfg->max_entry_size == 512LL << 20, "max_entry_size 512 MiB");
	CHECK(cfg->max_total_size == 2LL << 30, "max_total_size 2 GiB");
	CHECK(cfg->max_entries == 5000 && cfg->max_ratio == 50,
	      "max_entries, max_ratio");
	config_free(cfg);
}

static void
test_paths(void)
{
	struct config *cfg;
	char cwd[PATH_MAX], parent[PATH_MAX], rel[2 * PATH_MAX];
	char want[2 * PATH_MAX];
	char *slash;

	/* a config path relative to the working folder */
	write_file(cfgpath, base);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	*slash = '\0';
	if (chdir(parent) != 0)
		perror(parent);
	snprintf(rel, sizeof(rel), "%s/lethe.ini", slash + 1);
	capture_begin();
	cfg = config_load(rel);
	capture_end();
	if (chdir(cwd) != 0)
		perror(cwd);
	snprintf(want, sizeof(want), "%s/live.db", dir);
	CHECK(cfg != NULL && !strcmp(cfg->live_store, want),
	      "config loaded by a relative path: paths are absolute, "
	      "against its folder");
	CHECK(cfg != NULL && !strcmp(cfg->dir, dir),
	      "config loaded by a relative path: dir is absolute");
	config_free(cfg);

	cfg = load("[lethe]\r\nlive_store = live.db\r\nledger = ledger.db\r\n"
		   "key_file = ledger.key\r\n[subjects]\r\n"
		   "identifiers = email:email\r\n");
	CHECK(cfg != NULL && !strcmp(cfg->key_file, at("ledger.key")),
	      "CRLF line ends");
	config_free(cfg);

	capture_begin();
	cfg = config_load(at("nonexistent.ini"));
	capture_end();
	CHECK(cfg == NULL && has("nonexistent.ini"), "a missing config file");
}

static void
test_shipped_file(void)
{
	const char *top = getenv("TESTS_TOP");
	char path[PATH_MAX];
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/conf/lethe.ini", top ? top : ".");
	capture_begin();
	cfg = config_load(path);
	capture_end();
	CHECK(cfg != NULL && cfg->ntables == 4 && cfg->nfiles == 2,
	      "conf/lethe.ini itself loads");
	if (cfg == NULL)
		printf("# %s\n", errtext);
	config_free(cfg);
}

static void
test_unknown(void)
{
	REFUSED(load_base("[policy]\nbogus = 1\n"), "unknown key",
		"lethe.ini:8: [policy] bogus: unknown key",
		"1 error in config");
	REFUSED(load_base("[table tickets]\nsubject = subject_id\n"
			  "on_erase = delete\nretain = 6 years\n"),
		"unknown key in a [table] section",
		"lethe.ini:10: [table tickets] retain: unknown key");
	REFUSED(load_base("[nonsense]\nx = 1\n"), "unknown section",
		"lethe.ini:7: [nonsense] unknown section", "1 error in config");
	REFUSED(load_base("[table]\nsubject = id\n"), "[table] without a name",
		"lethe.ini:7: [table] this section needs a name");
	REFUSED(load_base("[policy extra]\n"), "[policy NAME]",
		"lethe.ini:7: [policy extra] this section takes no name");
	REFUSED(load_base("[policy\n"), "an unclosed section header",
		"lethe.ini:7:", "bad section header");
}

static void
test_twice(void)
{
	REFUSED(load_base("[policy]\nlead_expiry = 1 month\n"
			  "lead_expiry = 2 months\n"),
		"key given twice",
		"lethe.ini:9: [policy] lead_expiry: key given twice (first on "
		"line 8)", "1 error in config");
	REFUSED(load_base("[policy]\nrequire_approval = no\n[policy]\n"),
		"duplicate section",
		"lethe.ini:9: [policy] duplicate section (first on line 7)",
		"1 error in config");
	REFUSED(load_base("[policy]\n"			/* 7 */
			  "lead_expiry = 1 month\n"	/* 8 */
			  "[policy]\n"			/* 9 */
			  "bogus = 1\n"			/* 10 */
			  "erasure_deadline = soon\n"),	/* 11 */
		"keys of a duplicate section are still checked (all errors "
		"reported)",
		"lethe.ini:9: [policy] duplicate section (first on line 7)",
		"lethe.ini:10: [policy] bogus: unknown key",
		"lethe.ini:11: [policy] erasure_deadline: 'soon'",
		"3 errors in config");
	REFUSED(load_base("[table tickets]\nsubject = subject_id\n"
			  "on_erase = delete\n[table   tickets]\n"
			  "subject = subject_id\non_erase = delete\n"),
		"duplicate [table] section, spelled with more blanks",
		"lethe.ini:10: [table tickets] duplicate section (first on "
		"line 7)");
	REFUSED(load("[lethe]\nlive_store = a.db\nlive_store = b.db\n"
		     "ledger = ledger.db\nkey_file = k\n[subjects]\n"
		     "identifiers = email:email\n"),
		"a path key given twice",
		"lethe.ini:3: [lethe] live_store: key given twice");
	/* SQLite reads table names in any case: the same table twice */
	REFUSED(load_base("[table invoices]\nsubject = subject_id\n"
			  "on_erase = delete\n[table Invoices]\n"
			  "subject = subject_id\non_erase = delete\n"),
		"duplicate [table] section, the table spelled in another case",
		"lethe.ini:10: [table Invoices] duplicate section (first on "
		"line 7)", "1 error in config");
	REFUSED(load_base("[purge web_log]\ndate = at\nkeep = 30 days\n"
			  "[purge WEB_LOG]\ndate = at\nkeep = 1 day\n"),
		"duplicate [purge] section, the table spelled in another case",
		"lethe.ini:10: [purge WEB_LOG] duplicate section (first on "
		"line 7)", "1 error in config");
}

static void
test_durations(void)
{
	REFUSED(load_base("[policy]\nlead_expiry = 0 days\n"), "zero days",
		"lethe.ini:8: [policy] lead_expiry: '0 days'");
	REFUSED(load_base("[policy]\nerasure_deadline = 36501 days\n"),
		"more than 36500",
		"lethe.ini:8: [policy] erasure_deadline: '36501 days'");
	REFUSED(load_base("[policy]\nlead_expiry = 12\n"), "no unit",
		"lethe.ini:8: [policy] lead_expiry: '12'");
	REFUSED(load_base("[policy]\nlead_expiry = -1 months\n"), "negative",
		"lethe.ini:8: [policy] lead_expiry: '-1 months'");
	REFUSED(load_base("[purge web_log]\ndate = at\nkeep = 1.5 months\n"),
		"a fraction",
		"lethe.ini:9: [purge web_log] keep: '1.5 months'");
	REFUSED(load_base("[purge web_log]\ndate = at\nkeep = 3 fortnights\n"),
		"an unknown unit",
		"lethe.ini:9: [purge web_log] keep: '3 fortnights'");
	REFUSED(load_base("[table invoices]\nsubject = subject_id\n"
			  "on_erase = retain\nretain_for = forever\n"
			  "date = issued_at\n"),
		"retain_for without a number",
		"lethe.ini:10: [table invoices] retain_for: 'forever'");
}

static void
test_values(void)
{
	REFUSED(load_base("[policy]\nrequire_approval = maybe\n"), "a boolean",
		"lethe.ini:8: [policy] require_approval: 'maybe'");
	REFUSED(load_base("[policy]\ndefault_calling_code = 0\n"),
		"calling code 0",
		"lethe.ini:8: [policy] default_calling_code: '0'");
	REFUSED(load_base("[restore]\nmax_entry_size = 16 XB\n"), "a size unit",
		"lethe.ini:8: [restore] max_entry_size: '16 XB'");
	REFUSED(load_base("[restore]\nmax_ratio = lots\n"), "an integer",
		"lethe.ini:8: [restore] max_ratio: 'lots'");
	REFUSED(load_base("[table tickets]\nsubject = subject_id\n"
			  "on_erase = shred\n"),
		"an on_erase value",
		"lethe.ini:9: [table tickets] on_erase: 'shred'");
	REFUSED(load_base("date_format = epoch\n"), "a date_format",
		"lethe.ini:7: [subjects] date_format: 'epoch'");
	REFUSED(load("[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		     "key_file = k\n[subjects]\nidentifiers = email\n"),
		"identifiers without a column",
		"lethe.ini:6: [subjects] identifiers:");
	REFUSED(load("[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		     "key_file = k\n[subjects]\n"
		     "identifiers = email:a, email:b\n"),
		"an identifier type given twice",
		"lethe.ini:6: [subjects] identifiers:");
	REFUSED(load_base("[table orders]\nsubject = customer_email\n"
			  "match = email\non_erase = mask\n"
			  "mask = customer_name,,x\n"),
		"an empty item in a list",
		"lethe.ini:11: [table orders] mask:");
	REFUSED(load("[lethe]\nlive_store =\nledger = ledger.db\n"
		     "key_file = k\n[subjects]\nidentifiers = email:e\n"),
		"an empty path", "lethe.ini:2: [lethe] live_store:");
}

static void
test_required(void)
{
	struct config *cfg;

	cfg = load("[lethe]\n"			/* 1 */
		   "live_store = live.db\n"	/* 2 */
		   "[subjects]\n"		/* 3 */
		   "table = people\n"		/* 4 */
		   "[table tickets]\n"		/* 5 */
		   "on_erase = delete\n"	/* 6 */
		   "[purge web_log]\n"		/* 7 */
		   "[files attachments]\n"	/* 8 */
		   "[table notes]\n"		/* 9 */
		   "subject = person\n");	/* 10 */
	REFUSED(cfg, "missing required keys",
		"lethe.ini:1: [lethe] ledger: required key is missing",
		"lethe.ini:1: [lethe] key_file: required key is missing",
		"lethe.ini:3: [subjects] identifiers: required key is missing",
		"lethe.ini:5: [table tickets] subject: required key is missing",
		"lethe.ini:7: [purge web_log] date: required key is missing",
		"lethe.ini:7: [purge web_log] keep: required key is missing",
		"lethe.ini:8: [files attachments] path: required key is "
		"missing",
		"lethe.ini:9: [table notes] on_erase: required key is missing",
		"8 errors in config");
	REFUSED(load("[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		     "key_file = ledger.key\n"),
		"missing [subjects] section",
		"[subjects] required section is missing",
		"[subjects] identifiers: required key is missing");
	REFUSED(load("[subjects]\nidentifiers = email:email\n"),
		"missing [lethe] section",
		"[lethe] required section is missing",
		"[lethe] live_store: required key is missing");
	REFUSED(load(""), "an empty file", "required section is missing");
}

static void
test_long_lines(void)
{
	char text[4096], line[512];
	struct config *cfg;
	size_t n;

	/* a 250-byte comment on line 8, an unknown key on line 9 */
	memset(line, 'x', 250);
	line[0] = ';';
	line[250] = '\0';
	snprintf(text, sizeof(text), "%s[policy]\n%s\nbogus = 1\n", base, line);
	cfg = load(text);
	REFUSED(cfg, "a line longer than 199 bytes",
		"lethe.ini:8: line longer than 199 bytes",
		"lethe.ini:9: [policy] bogus: unknown key",
		"2 errors in config");

	/* exactly 200 bytes is too long, 199 is not */
	line[200] = '\0';
	snprintf(text, sizeof(text), "%s%s\n", base, line);
	REFUSED(load(text), "a 200-byte line",
		"lethe.ini:7: line longer than 199 bytes");
	line[199] = '\0';
	snprintf(text, sizeof(text), "%s%s\n[policy]\nbogus = 1\n", base, line);
	REFUSED(load(text), "a 199-byte line is read; the next lines counted",
		"lethe.ini:9: [policy] bogus: unknown key",
		"1 error in config");

	/* a 199-byte value line is read whole */
	n = 199 - strlen("redact = body, ");
	memset(line, 'b', n);
	line[n] = '\0';
	snprintf(text, sizeof(text),
		 "%s[table communications]\nsubject = subject_id\n"
		 "on_erase = delete\nredact = body, %s\n",
		 base, line);
	cfg = load(text);
	CHECK(cfg != NULL && cfg->tables[0].redact.n == 2 &&
		      strlen(cfg->tables[0].redact.v[1]) == n,
	      "a 199-byte key line keeps its whole value");
	config_free(cfg);

	/* the long line holds a key: it is not read, the next line counts */
	snprintf(text, sizeof(text),
		 "%s[table communications]\nsubject = subject_id\n"
		 "on_erase = delete\nredact = body, %s%s\nmask = x\n",
		 base, line, "bbbbbbbbbb");
	REFUSED(load(text), "a long key line, then an error",
		"lethe.ini:10: [table communications] redact: line longer "
		"than 199 bytes",
		"lethe.ini:11: [table communications] mask: only with",
		"2 errors in config");

	/* CRLF does not count towards the length */
	memset(line, 'x', 199);
	line[0] = ';';
	line[199] = '\0';
	snprintf(text, sizeof(text), "%s%s\r\n[policy]\r\nbogus = 1\r\n", base,
		 line);
	REFUSED(load(text), "a 199-byte line ending in CRLF",
		"lethe.ini:9: [policy] bogus: unknown key",
		"1 error in config");

	/* an unread header: its keys are not taken for the section above */
	memset(line, 'x', 250);
	memcpy(line, "[policy] ;", 10);
	line[250] = '\0';
	snprintf(text, sizeof(text), "%s%s\nlead_expiry = 1 month\n", base,
		 line);
	REFUSED(load(text), "a long section header, then its keys",
		"lethe.ini:7: line longer than 199 bytes", "1 error in config");
	if (has("[subjects] lead_expiry"))
		printf("# stderr was:\n# %s\n", errtext);
	CHECK(!has("[subjects] lead_expiry"),
	      "the keys under a long header are not keys of [subjects]");
}

static void
test_structure(void)
{
	struct config *cfg;

	REFUSED(load("live_store = live.db\n[lethe]\nledger = ledger.db\n"
		     "key_file = k\n[subjects]\nidentifiers = email:e\n"),
		"a key before any section",
		"lethe.ini:1: live_store: key outside any section");

	/* an indented line is not a continuation of the value above */
	REFUSED(load_base("[table orders]\n"		/* 7 */
			  "subject  = customer_email\n"	/* 8 */
			  "match    = email\n"		/* 9 */
			  "on_erase = mask\n"		/* 10 */
			  "mask     = customer_name\n"	/* 11 */
			  "    delivery_address\n"),	/* 12 */
		"an indented line without '='",
		"lethe.ini:12: [table orders] expected 'key = value'",
		"1 error in config");
	cfg = load_base("[table tickets]\n"
			"subject = subject_id\n"
			"    on_erase = delete\n"
			"\tredact = body, title\n");
	CHECK(cfg != NULL && cfg->ntables == 1 &&
		      !strcmp(cfg->tables[0].subject, "subject_id") &&
		      cfg->tables[0].on_erase == ON_DELETE &&
		      list_is(&cfg->tables[0].redact, "body", "title"),
	      "indented keys are keys of their own, not joined to the value "
	      "above");
	if (cfg == NULL)
		printf("# %s\n", errtext);
	config_free(cfg);
	REFUSED(load_base("[policy]\n = 3\n"), "a line with no key",
		"lethe.ini:8: [policy]");

	REFUSED(load_base("kind = kind\n"), "kind without lead_kind",
		"lethe.ini:5: [subjects] kind, lead_kind and last_activity go "
		"together");
	REFUSED(load_base("kind = kind\nlead_kind = lead\n"),
		"kind and lead_kind without last_activity",
		"lethe.ini:5: [subjects]", "go together");
	REFUSED(load_base("[table subjects]\nsubject = id\n"
			  "on_erase = delete\n"),
		"a [table] section for the subjects table",
		"lethe.ini:7: [table subjects]");
	REFUSED(load_base("[table Subjects]\nsubject = id\n"
			  "on_erase = delete\n"),
		"a [table] section for the subjects table in another case",
		"lethe.ini:7: [table Subjects] the subjects table");
	/* a purge of subjects would delete them without tombstones */
	REFUSED(load_base("[purge SUBJECTS]\ndate = last_contact_at\n"
			  "keep = 1 day\n"),
		"a [purge] section for the subjects table in another case",
		"lethe.ini:7: [purge SUBJECTS] subjects leave only through "
		"erasure");
}

static void
test_tables(void)
{
	REFUSED(load_base("[table tickets]\nsubject = subject_id\n"
			  "on_erase = delete\nmask = title\n"),
		"mask with on_erase = delete",
		"lethe.ini:10: [table tickets] mask: only with on_erase = mask",
		"1 error in config");
	REFUSED(load_base("[table invoices]\nsubject = subject_id\n"
			  "on_erase = retain\nafter_hold = delete\n"
			  "mask = billing_name\nretain_for = 6 years\n"
			  "date = issued_at\n"),
		"mask with retain and after_hold = delete",
		"lethe.ini:11: [table invoices] mask:");
	REFUSED(load_base("[table invoices]\nsubject = subject_id\n"
			  "on_erase = retain\n"),
		"retain without retain_for and date",
		"lethe.ini:7: [table invoices] retain_for: required when "
		"on_erase = retain",
		"lethe.ini:7: [table invoices] date: required when on_erase = "
		"retain",
		"2 errors in config");
	REFUSED(load_base("[table invoices]\nsubject = subject_id\n"
			  "on_erase = retain\ndate = issued_at\n"),
		"retain without retain_for",
		"lethe.ini:7: [table invoices] retain_for: required",
		"1 error in config");
	REFUSED(load_base("[table invoices]\n"		/* 7 */
			  "subject = email\n"		/* 8 */
			  "match = email\n"		/* 9 */
			  "on_erase = retain\n"		/* 10 */
			  "retain_for = 6 years\n"	/* 11 */
			  "date = issued_at\n"),	/* 12 */
		"retain with match",
		"lethe.ini:9: [table invoices] match: a retained table must "
		"link by subject id",
		"1 error in config");
	REFUSED(load_base("[table tickets]\nsubject = subject_id\n"
			  "on_erase = delete\nretain_for = 1 year\n"
			  "date = opened_at\nafter_hold = mask\n"),
		"retain_for, date, after_hold without retain",
		"lethe.ini:10: [table tickets] retain_for:",
		"lethe.ini:11: [table tickets] date:",
		"lethe.ini:12: [table tickets] after_hold:");
	REFUSED(load_base("[table orders]\nsubject = customer_fax\n"
			  "match = fax\non_erase = delete\n"),
		"match naming an unknown identifier type",
		"lethe.ini:9: [table orders] match: 'fax' is not an identifier "
		"type", "1 error in config");
}

static void
test_files(void)
{
	REFUSED(load_base("[files docs]\npath = docs/\n"),
		"a files path with neither placeholder nor format",
		"lethe.ini:8: [files docs] path: needs a {subject} or {TYPE} "
		"placeholder, or a format", "1 error in config");
	REFUSED(load_base("[files exports]\npath = exports/*.csv\n"
			  "format = csv\n"),
		"a files format without match",
		"lethe.ini:7: [files exports] match: required when format is "
		"csv or jsonl", "1 error in config");
	REFUSED(load_base("[files mail]\npath = mail/{email}/\n"
			  "match = email:email\n"),
		"a files match without format",
		"lethe.ini:9: [files mail] match: only with format");
	REFUSED(load_base("[files faxes]\npath = faxes/{fax}/\n"),
		"an unknown placeholder",
		"lethe.ini:8: [files faxes] path: unknown placeholder {fax}");
	REFUSED(load_base("[files a]\npath = /srv/{subject}/\n"),
		"an absolute files path", "lethe.ini:8: [files a] path:");
	REFUSED(load_base("[files a]\npath = ../{subject}/\n"),
		"a files path with '..'", "lethe.ini:8: [files a] path:");
	REFUSED(load_base("[files x]\npath = exports/**/x.jsonl\n"
			  "format = jsonl\nmatch = email:email\n"),
		"'**' in a files path",
		"lethe.ini:8: [files x] path: '**' is not supported");
	REFUSED(load_base("[files a]\npath = */{subject}/\n"),
		"a wildcard before the placeholder",
		"lethe.ini:8: [files a] path: no wildcard");
	REFUSED(load_base("[files a]\npath = a/{subject}/{email}\n"),
		"two placeholders",
		"lethe.ini:8: [files a] path: only one placeholder");
	REFUSED(load_base("[files a]\npath = a/{subject\n"), "an unclosed '{'",
		"lethe.ini:8: [files a] path: unclosed");
	REFUSED(load_base("[files exports]\npath = exports/*.csv\n"
			  "format = xml\nmatch = email:email\n"),
		"an unknown format", "lethe.ini:9: [files exports] format:");
}

static void
test_cross(void)
{
	static const char subj[] = "[subjects]\nidentifiers = email:email\n";
	char text[2048];
	struct config *cfg;

	REFUSED(load_base("id = Email\n"),
		"a subjects id that is an identifier column (law 4)",
		"lethe.ini:7: [subjects] id: 'Email' is also an identifier "
		"column");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\nledger = live.db\n"
		 "key_file = k\n%s", subj);
	REFUSED(load(text), "ledger equal to live_store",
		"lethe.ini:3: [lethe] ledger: must not be the live store");

	write_file(at("live.db"), "");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\nledger = ./live.db\n"
		 "key_file = k\n%s", subj);
	REFUSED(load(text), "ledger the live store by another spelling",
		"lethe.ini:3: [lethe] ledger: must not be the live store");
	if (symlink(at("live.db"), at("link.db")) != 0)
		perror("symlink");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\nledger = link.db\n"
		 "key_file = k\n%s", subj);
	REFUSED(load(text), "ledger a symlink to the live store (same inode)",
		"lethe.ini:3: [lethe] ledger: must not be the live store");
	unlink(at("link.db"));
	unlink(at("live.db"));

	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\n"
		 "ledger = attachments/ledger.db\nkey_file = k\n%s"
		 "[files attachments]\npath = attachments/{subject}/\n", subj);
	REFUSED(load(text), "ledger inside a [files] tree",
		"lethe.ini:3: [lethe] ledger: must not be inside the [files "
		"attachments] tree");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\n"
		 "ledger = srv/files/x/y/ledger.db\nkey_file = k\n%s"
		 "[files f]\npath = srv/files/{email}/\n", subj);
	REFUSED(load(text), "ledger deep inside a [files] tree",
		"lethe.ini:3: [lethe] ledger: must not be inside the "
		"[files f]");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\n"
		 "ledger = exports/ledger.db\nkey_file = k\n%s"
		 "[files exports]\npath = exports/*.csv\nformat = csv\n"
		 "match = email:email\n", subj);
	REFUSED(load(text), "ledger inside a structured [files] tree",
		"lethe.ini:3: [lethe] ledger: must not be inside");
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\n"
		 "ledger = attachments-old/ledger.db\nkey_file = k\n%s"
		 "[files attachments]\npath = attachments/{subject}/\n", subj);
	cfg = load(text);
	CHECK(cfg != NULL, "a ledger in a sibling folder with a longer name is "
			   "not inside");
	config_free(cfg);
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		 "key_file = attachments/ledger.key\n%s"
		 "[files attachments]\npath = attachments/{subject}/\n", subj);
	REFUSED(load(text), "key_file inside a [files] tree",
		"lethe.ini:4: [lethe] key_file: must not be inside");
	/* backup_dir left to its default (<config folder>/backups): the
	 * error names the section's line */
	snprintf(text, sizeof(text),
		 "[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		 "key_file = k\n%s[files everything]\npath = {subject}/\n",
		 subj);
	REFUSED(load(text), "a defaulted backup_dir inside a [files] tree",
		"lethe.ini:1: [lethe] backup_dir: must not be inside the "
		"[files everything] tree");
}

static void
test_all_errors(void)
{
	struct config *cfg;
	const char *p[5];
	int i, ordered = 1;

	cfg = load("[lethe]\n"			/* 1: key_file missing */
		   "live_store = live.db\n"	/* 2 */
		   "ledger = ledger.db\n"	/* 3 */
		   "[policy]\n"			/* 4 */
		   "lead_expiry = soon\n"	/* 5: bad duration */
		   "bogus = 1\n"		/* 6: unknown key */
		   "[subjects]\n"		/* 7 */
		   "identifiers = email:email\n"	/* 8 */
		   "[table tickets]\n"		/* 9 */
		   "subject = subject_id\n"	/* 10 */
		   "on_erase = delete\n"	/* 11 */
		   "mask = title\n"		/* 12: mask with delete */
		   "[purge web_log]\n"		/* 13 */
		   "date = at\n"		/* 14 */
		   "keep = forever\n");		/* 15: bad duration */
	p[0] = strstr(errtext, "lethe.ini:1: [lethe] key_file");
	p[1] = strstr(errtext, "lethe.ini:5: [policy] lead_expiry");
	p[2] = strstr(errtext, "lethe.ini:6: [policy] bogus");
	p[3] = strstr(errtext, "lethe.ini:12: [table tickets] mask");
	p[4] = strstr(errtext, "lethe.ini:15: [purge web_log] keep");
	for (i = 0; i < 5; i++)
		if (p[i] == NULL ||
		    (i > 0 && p[i - 1] != NULL && p[i] < p[i - 1]))
			ordered = 0;
	CHECK(cfg == NULL && ordered && has("5 errors in config"),
	      "several errors: all reported, in line order");
	if (!ordered)
		printf("# stderr was:\n# %s\n", errtext);
	config_free(cfg);
}

/* A database holding DEMO_SCHEMA and then running sql. */
static sqlite3 *
store(const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, DEMO_SCHEMA, NULL, NULL, &err) != SQLITE_OK ||
	    (sql != NULL &&
	     sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)) {
		printf("# store: %s\n", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		exit(2);
	}
	return db;
}

static int
check_store(const struct config *cfg, const char *sql, int partial)
{
	sqlite3 *db = store(sql);
	int n;

	capture_begin();
	n = config_check_store(cfg, db, "the test store", partial);
	capture_end();
	sqlite3_close(db);
	return n;
}

static void
test_check_store(void)
{
	struct config *cfg = load(shipped), *c2;
	char text[4096];
	int n;

	if (cfg == NULL) {
		CHECK(0, "the shipped data map loads for config_check_store");
		return;
	}
	CHECK(check_store(cfg, NULL, 0) == 0 && errtext[0] == '\0',
	      "the demo schema fits the shipped data map");

	n = check_store(cfg, "DROP TABLE tickets", 0);
	CHECK(n == 1 && has("lethe.ini:24: [table tickets]") &&
		      has("no table 'tickets'") && has("in the test store"),
	      "a missing table: file, line, section and database named");
	if (n != 1)
		printf("# %d errors: %s\n", n, errtext);
	CHECK(check_store(cfg, "DROP TABLE tickets", 1) == 0,
	      "partial: a missing data-map table is skipped");
	CHECK(check_store(cfg, "DROP TABLE web_log", 1) == 0,
	      "partial: a missing purge table is skipped");
	n = check_store(cfg, "DROP TABLE subjects", 1);
	CHECK(n >= 1 && has("[subjects]") && has("no table 'subjects'"),
	      "partial: the subjects table is still required");
	CHECK(check_store(cfg, "DROP TABLE web_log", 0) == 1 &&
		      has("lethe.ini:41: [purge web_log]"),
	      "a missing purge table");

	n = check_store(cfg, "ALTER TABLE orders DROP COLUMN delivery_address",
			0);
	CHECK(n == 1 && has("lethe.ini:39: [table orders] mask:") &&
		      has("no column 'delivery_address' in table 'orders'"),
	      "a missing mask column: the mask line named");
	n = check_store(cfg, "ALTER TABLE communications DROP COLUMN body", 0);
	CHECK(n == 1 && has("lethe.ini:22: [table communications] redact:"),
	      "a missing redact column");
	n = check_store(cfg, "DROP INDEX subjects_kind; "
			     "ALTER TABLE subjects DROP COLUMN last_contact_at",
			0);
	CHECK(n == 1 && has("lethe.ini:15: [subjects] last_activity:"),
	      "a missing subjects column");
	n = check_store(cfg, "DROP INDEX web_log_at; "
			     "ALTER TABLE web_log DROP COLUMN at", 0);
	CHECK(n == 1 && has("lethe.ini:42: [purge web_log] date:"),
	      "a missing purge date column");
	n = check_store(cfg, "DROP TABLE invoices; CREATE TABLE invoices(id "
			     "INTEGER PRIMARY KEY, subject_id TEXT, number "
			     "TEXT)",
			0);
	CHECK(n == 1 && has("lethe.ini:32: [table invoices] date:") &&
		      has("no column 'issued_at'"),
	      "a missing hold date column");

	n = check_store(cfg, "DROP TABLE invoices; CREATE TABLE invoices(id "
			     "INTEGER PRIMARY KEY, subject_id TEXT REFERENCES "
			     "subjects(id) ON DELETE CASCADE, number TEXT, "
			     "issued_at TEXT)",
			0);
	CHECK(n == 1 && has("lethe.ini:30: [table invoices] on_erase:") &&
		      has("CASCADE"),
	      "CASCADE from the subjects table on a retained table");
	CHECK(check_store(cfg, "DROP TABLE tickets; CREATE TABLE tickets(id "
			       "INTEGER PRIMARY KEY, subject_id TEXT "
			       "REFERENCES subjects(id) ON DELETE CASCADE)",
			  0) == 0,
	      "CASCADE on a deleted table is fine");
	n = check_store(cfg, "DROP TABLE orders; CREATE TABLE orders(id "
			     "INTEGER PRIMARY KEY, customer_email TEXT NOT "
			     "NULL, customer_name TEXT, delivery_address TEXT)",
			0);
	CHECK(n == 1 && has("lethe.ini:36: [table orders] subject:") &&
		      has("NOT NULL"),
	      "a NOT NULL linking column of a masked table");
	n = check_store(cfg, "DROP TABLE tickets; CREATE TABLE tickets(a, b)",
			0);
	CHECK(n == 1 && has("[table tickets] subject:"),
	      "a missing linking column");
	config_free(cfg);

	snprintf(text, sizeof(text),
		 "%s[table orders]\nsubject = customer_email\nmatch = email\n"
		 "on_erase = mask\nmask = customer_name, placed_at\n",
		 base);
	c2 = load(text);
	CHECK(c2 != NULL, "a mask of a NOT NULL column loads (checked later)");
	if (c2 != NULL) {
		n = check_store(c2, NULL, 0);
		CHECK(n == 1 && has("lethe.ini:11: [table orders] mask:") &&
			      has("'placed_at'") && has("NOT NULL"),
		      "a NOT NULL mask column");
		config_free(c2);
	}
	snprintf(text, sizeof(text),
		 "%s[table orders]\nsubject = customer_email\nmatch = email\n"
		 "on_erase = mask\nmask = id\n", base);
	c2 = load(text);
	if (c2 != NULL) {
		n = check_store(c2, NULL, 0);
		CHECK(n == 1 && has("'id'"), "a primary key mask column");
		config_free(c2);
	}
	snprintf(text, sizeof(text),
		 "%s[table kv]\nsubject = subject_id\non_erase = delete\n",
		 base);
	c2 = load(text);
	if (c2 != NULL) {
		n = check_store(c2, "CREATE TABLE kv(subject_id TEXT PRIMARY "
				    "KEY, v TEXT) WITHOUT ROWID",
				0);
		CHECK(n == 1 && has("[table kv]") && has("rowid"),
		      "a WITHOUT ROWID table is refused");
		config_free(c2);
	}
}

int
main(void)
{
	char tmpl[] = "/tmp/lethe-test-config-XXXXXX";

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(cfgpath, sizeof(cfgpath), "%s/lethe.ini", dir);

	test_shipped();
	test_explicit();
	test_paths();
	test_shipped_file();
	test_unknown();
	test_twice();
	test_durations();
	test_values();
	test_required();
	test_long_lines();
	test_structure();
	test_tables();
	test_files();
	test_cross();
	test_all_errors();
	test_check_store();

	if (tap_failed == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# kept %s\n", dir);
	return tap_done();
}
