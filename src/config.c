/*
 * config.c: loading the INI config through inih, described by one table.
 *
 * Debian's libinih hands the handler no line number and cuts lines at 200
 * bytes, so lines are read here (ini_parse_stream with our own reader),
 * counted, checked for length, stripped of leading blanks (so inih never
 * joins them as continuation lines), and section headers are tracked here
 * too, which also catches duplicate and empty sections.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

#define MAX_LINE 199		/* inih's 200-byte buffer, less the NUL */

struct config_line {
	char *section;		/* "table invoices" */
	char *key;		/* NULL for the section header */
	int line;
};

enum kind { S_LETHE, S_POLICY, S_SUBJECTS, S_TABLE, S_PURGE, S_FILES,
	    S_RESTORE, S_NONE };

enum type { K_PATH, K_NAME, K_DURATION, K_BOOL, K_INT, K_SIZE, K_LIST,
	    K_IDMAP, K_ENUM };

struct keydef {
	int kind;
	const char *key;
	int type;
	const char *def;	/* default, as it would be written; or NULL */
	int required;
	int64_t min, max;	/* K_INT, K_SIZE */
	const char *choices;	/* K_ENUM: "a|b|c", stored as the index */
	size_t off;		/* in struct config, dmap_table, ... */
};

#define C(f) offsetof(struct config, f)
#define T(f) offsetof(struct dmap_table, f)
#define P(f) offsetof(struct purge_rule, f)
#define F(f) offsetof(struct files_rule, f)
#define GiB (INT64_C(1) << 30)

static const struct keydef keys[] = {
	{ S_LETHE, "live_store", K_PATH, NULL, 1, 0, 0, NULL, C(live_store) },
	{ S_LETHE, "ledger", K_PATH, NULL, 1, 0, 0, NULL, C(ledger) },
	{ S_LETHE, "key_file", K_PATH, NULL, 1, 0, 0, NULL, C(key_file) },
	{ S_LETHE, "backup_dir", K_PATH, "backups", 0, 0, 0, NULL,
	  C(backup_dir) },
	{ S_LETHE, "lock_file", K_PATH, NULL, 0, 0, 0, NULL, C(lock_file) },

	{ S_POLICY, "lead_expiry", K_DURATION, "12 months", 0, 0, 0, NULL,
	  C(lead_expiry) },
	{ S_POLICY, "erasure_deadline", K_DURATION, "7 days", 0, 0, 0, NULL,
	  C(erasure_deadline) },
	{ S_POLICY, "require_approval", K_BOOL, "no", 0, 0, 0, NULL,
	  C(require_approval) },
	{ S_POLICY, "default_calling_code", K_INT, "44", 0, 1, 999, NULL,
	  C(calling_code) },

	{ S_SUBJECTS, "table", K_NAME, "subjects", 0, 0, 0, NULL,
	  C(subj_table) },
	{ S_SUBJECTS, "id", K_NAME, "id", 0, 0, 0, NULL, C(subj_id) },
	{ S_SUBJECTS, "kind", K_NAME, NULL, 0, 0, 0, NULL, C(subj_kind) },
	{ S_SUBJECTS, "lead_kind", K_NAME, NULL, 0, 0, 0, NULL,
	  C(subj_lead_kind) },
	{ S_SUBJECTS, "last_activity", K_NAME, NULL, 0, 0, 0, NULL,
	  C(subj_last_activity) },
	{ S_SUBJECTS, "identifiers", K_IDMAP, NULL, 1, 0, 0, NULL,
	  C(subj_ids) },
	{ S_SUBJECTS, "date_format", K_ENUM, "iso", 0, 0, 0, "iso|unix",
	  C(date_format) },

	{ S_TABLE, "subject", K_NAME, NULL, 1, 0, 0, NULL, T(subject) },
	{ S_TABLE, "match", K_NAME, NULL, 0, 0, 0, NULL, T(match) },
	{ S_TABLE, "on_erase", K_ENUM, NULL, 1, 0, 0, "delete|mask|retain",
	  T(on_erase) },
	{ S_TABLE, "mask", K_LIST, NULL, 0, 0, 0, NULL, T(mask) },
	{ S_TABLE, "redact", K_LIST, NULL, 0, 0, 0, NULL, T(redact) },
	{ S_TABLE, "retain_for", K_DURATION, NULL, 0, 0, 0, NULL,
	  T(retain_for) },
	{ S_TABLE, "date", K_NAME, NULL, 0, 0, 0, NULL, T(date) },
	{ S_TABLE, "after_hold", K_ENUM, "delete", 0, 0, 0, "delete|mask",
	  T(after_hold) },
	{ S_TABLE, "date_format", K_ENUM, NULL, 0, 0, 0, "iso|unix",
	  T(date_format) },

	{ S_PURGE, "date", K_NAME, NULL, 1, 0, 0, NULL, P(date) },
	{ S_PURGE, "keep", K_DURATION, NULL, 1, 0, 0, NULL, P(keep) },
	{ S_PURGE, "date_format", K_ENUM, NULL, 0, 0, 0, "iso|unix",
	  P(date_format) },

	{ S_FILES, "path", K_NAME, NULL, 1, 0, 0, NULL, F(path) },
	{ S_FILES, "format", K_ENUM, NULL, 0, 0, 0, "none|csv|jsonl",
	  F(format) },
	{ S_FILES, "match", K_IDMAP, NULL, 0, 0, 0, NULL, F(match) },

	{ S_RESTORE, "max_entry_size", K_SIZE, "16 GiB", 0, 1,
	  INT64_C(1) << 50, NULL, C(max_entry_size) },
	{ S_RESTORE, "max_total_size", K_SIZE, "64 GiB", 0, 1,
	  INT64_C(1) << 50, NULL, C(max_total_size) },
	{ S_RESTORE, "max_entries", K_INT, "1000000", 0, 1,
	  INT64_C(1000000000), NULL, C(max_entries) },
	{ S_RESTORE, "max_ratio", K_INT, "200", 0, 1, 1000000, NULL,
	  C(max_ratio) },
};

static const char *const kind_names[] = { "lethe", "policy", "subjects",
	"table", "purge", "files", "restore" };

/* The state of one load. */
struct loader {
	struct config *cfg;
	FILE *fp;
	int line;		/* line the reader gave inih last */
	int kind;		/* current section's kind, S_NONE if none */
	char *section;		/* current section header text */
	void *base;		/* struct the current section's keys fill */
	void *scratch;		/* a duplicate section's keys, checked only */
	int scratch_kind;
	int errors;
	struct config_error *errs;
	char **refused;		/* "section key" of refused key lines */
	int nrefused;
	int64_t bytes;		/* of the file, read so far */
	int too_large;		/* it went on past MAX_CONFIG bytes */
};

/* One error, kept to be printed in line order. */
struct config_error {
	int line;
	int order;
	char *text;
};

static void
errorf(struct loader *ld, int line, const char *section, const char *key,
       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
errorf(struct loader *ld, int line, const char *section, const char *key,
       const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct config_error *e;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_addf(&sb, "%s", ld->cfg->path);
	if (line > 0)
		sb_addf(&sb, ":%d", line);
	sb_adds(&sb, ": ");
	if (section != NULL)
		sb_addf(&sb, "[%s] ", section);
	if (key != NULL)
		sb_addf(&sb, "%s: ", key);
	sb_addf(&sb, "%s\n", msg);
	ld->errs = xrealloc(ld->errs, sizeof(*ld->errs) *
					  (size_t)(ld->errors + 1));
	e = &ld->errs[ld->errors];
	e->line = line;
	e->order = ld->errors;
	e->text = sb_detach(&sb);
	ld->errors++;
}

static void
record_line(struct config *cfg, const char *section, const char *key,
	    int line)
{
	struct config_line *l;

	cfg->lines = xrealloc(cfg->lines, sizeof(*cfg->lines) *
					       (size_t)(cfg->nlines + 1));
	l = &cfg->lines[cfg->nlines++];
	l->section = xstrdup(section);
	l->key = key ? xstrdup(key) : NULL;
	l->line = line;
}

int
config_key_line(const struct config *cfg, const char *section,
		const char *key)
{
	int i;

	for (i = 0; i < cfg->nlines; i++) {
		const struct config_line *l = &cfg->lines[i];

		if (strcmp(l->section, section) != 0)
			continue;
		if ((key == NULL && l->key == NULL) ||
		    (key != NULL && l->key != NULL && strcmp(l->key, key) == 0))
			return l->line;
	}
	return 0;
}

static char *
resolve_path(const struct config *cfg, const char *value)
{
	if (value[0] == '/')
		return xstrdup(value);
	return xasprintf("%s/%s", cfg->dir, value);
}

static int
parse_size(const char *s, int64_t min, int64_t max, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t mult;
	} units[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1024 }, { "kb", 1000 },
		{ "kib", 1024 }, { "m", 1 << 20 }, { "mb", 1000000 },
		{ "mib", 1 << 20 }, { "g", GiB }, { "gb", 1000000000 },
		{ "gib", GiB }, { "t", GiB << 10 },
		{ "tb", INT64_C(1000000000000) }, { "tib", GiB << 10 },
	};
	char num[24], unit[8];
	const char *p = s;
	size_t n = 0, u = 0, i;
	int64_t v;

	while (isdigit((unsigned char)*p) && n + 1 < sizeof(num))
		num[n++] = *p++;
	num[n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && u + 1 < sizeof(unit))
		unit[u++] = (char)tolower((unsigned char)*p++);
	unit[u] = '\0';
	if (*p != '\0' || parse_int(num, 0, INT64_MAX, &v) != 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(units[i].unit, unit) != 0)
			continue;
		if (v > max / units[i].mult || v * units[i].mult < min)
			return -1;
		*out = v * units[i].mult;
		return 0;
	}
	return -1;
}

static int
valid_type_name(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
parse_idmap(const char *value, struct idmap *m, const char **why)
{
	char **items = NULL;
	int n, i, j;

	n = split_list(value, &items);
	if (n <= 0) {
		*why = "expected 'type:column, type:column'";
		return -1;
	}
	m->type = xcalloc((size_t)n, sizeof(char *));
	m->column = xcalloc((size_t)n, sizeof(char *));
	for (i = 0; i < n; i++) {
		char *colon = strchr(items[i], ':');
		char *t, *c;

		if (colon == NULL) {
			*why = "each item must be 'type:column'";
			goto bad;
		}
		*colon = '\0';
		t = trim(items[i]);
		c = trim(colon + 1);
		if (!valid_type_name(t) || *c == '\0') {
			*why = "each item must be 'type:column' with a "
			       "lowercase type";
			goto bad;
		}
		for (j = 0; j < m->n; j++)
			if (strcmp(m->type[j], t) == 0) {
				*why = "an identifier type is given twice";
				goto bad;
			}
		m->type[m->n] = xstrdup(t);
		m->column[m->n] = xstrdup(c);
		m->n++;
	}
	free_list(items, n);
	return 0;
bad:
	free_list(items, n);
	return -1;
}

static void
free_idmap(struct idmap *m)
{
	free_list(m->type, m->n);
	free_list(m->column, m->n);
	m->type = m->column = NULL;
	m->n = 0;
}

static void
free_namelist(struct namelist *l)
{
	free_list(l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

static void
free_table(struct dmap_table *t)
{
	free(t->name);
	free(t->subject);
	free(t->match);
	free_namelist(&t->mask);
	free_namelist(&t->redact);
	free(t->date);
}

static void
free_purge(struct purge_rule *p)
{
	free(p->name);
	free(p->date);
}

static void
free_files(struct files_rule *f)
{
	free(f->name);
	free(f->path);
	free_idmap(&f->match);
}

/* free_fields: what a struct config holds, not the struct itself. */
static void
free_fields(struct config *cfg)
{
	int i;

	free(cfg->path);
	free(cfg->dir);
	free(cfg->live_store);
	free(cfg->ledger);
	free(cfg->key_file);
	free(cfg->backup_dir);
	free(cfg->lock_file);
	free(cfg->subj_table);
	free(cfg->subj_id);
	free(cfg->subj_kind);
	free(cfg->subj_lead_kind);
	free(cfg->subj_last_activity);
	free_idmap(&cfg->subj_ids);
	for (i = 0; i < cfg->ntables; i++)
		free_table(&cfg->tables[i]);
	free(cfg->tables);
	for (i = 0; i < cfg->npurges; i++)
		free_purge(&cfg->purges[i]);
	free(cfg->purges);
	for (i = 0; i < cfg->nfiles; i++)
		free_files(&cfg->files[i]);
	free(cfg->files);
	for (i = 0; i < cfg->nlines; i++) {
		free(cfg->lines[i].section);
		free(cfg->lines[i].key);
	}
	free(cfg->lines);
}

/* set_value: parse value as def says into base; on failure an error. */
static void
set_value(struct loader *ld, const struct keydef *def, void *base,
	  const char *value, int line)
{
	char *field = (char *)base + def->off;
	const char *why = "bad value";
	int64_t v;

	switch (def->type) {
	case K_PATH:
		if (*value == '\0')
			goto bad;
		*(char **)field = resolve_path(ld->cfg, value);
		return;
	case K_NAME:
		if (*value == '\0') {
			why = "a name is needed";
			goto bad;
		}
		*(char **)field = xstrdup(value);
		return;
	case K_DURATION:
		if (duration_parse(value, (struct duration *)field, &why) != 0)
			goto bad;
		return;
	case K_BOOL:
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcasecmp(value, "on") || !strcmp(value, "1"))
			*(int *)field = 1;
		else if (!strcasecmp(value, "no") ||
			 !strcasecmp(value, "false") ||
			 !strcasecmp(value, "off") || !strcmp(value, "0"))
			*(int *)field = 0;
		else {
			why = "expected yes or no";
			goto bad;
		}
		return;
	case K_INT:
		if (parse_int(value, def->min, def->max, &v) != 0) {
			errorf(ld, line, ld->section, def->key,
			       "'%s': expected an integer from %lld to %lld",
			       value, (long long)def->min,
			       (long long)def->max);
			return;
		}
		*(int64_t *)field = v;
		return;
	case K_SIZE:
		if (parse_size(value, def->min, def->max, &v) != 0) {
			why = "expected a size such as '16 GiB' or '512 MiB'";
			goto bad;
		}
		*(int64_t *)field = v;
		return;
	case K_LIST: {
		struct namelist *l = (struct namelist *)field;

		l->n = split_list(value, &l->v);
		if (l->n < 0) {
			l->n = 0;
			why = "expected a comma-separated list of columns";
			goto bad;
		}
		return;
	}
	case K_IDMAP:
		if (parse_idmap(value, (struct idmap *)field, &why) != 0) {
			free_idmap((struct idmap *)field);
			goto bad;
		}
		return;
	case K_ENUM: {
		const char *c = def->choices;
		int i = 0;
		size_t len = strlen(value);

		while (c != NULL) {
			const char *bar = strchr(c, '|');
			size_t clen = bar ? (size_t)(bar - c) : strlen(c);

			if (clen == len && strncasecmp(c, value, len) == 0) {
				*(int *)field = i;
				return;
			}
			i++;
			c = bar ? bar + 1 : NULL;
		}
		errorf(ld, line, ld->section, def->key,
		       "'%s': expected one of %s", value, def->choices);
		return;
	}
	}
	return;
bad:
	errorf(ld, line, ld->section, def->key, "'%s': %s", value, why);
}

static const struct keydef *
find_key(int kind, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].kind == kind && strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

/* drop_scratch: free the keys of a duplicate section. */
static void
drop_scratch(struct loader *ld)
{
	if (ld->scratch == NULL)
		return;
	switch (ld->scratch_kind) {
	case S_TABLE:
		free_table(ld->scratch);
		break;
	case S_PURGE:
		free_purge(ld->scratch);
		break;
	case S_FILES:
		free_files(ld->scratch);
		break;
	default:
		free_fields(ld->scratch);
	}
	free(ld->scratch);
	ld->scratch = NULL;
}

/*
 * same_table_line: the line of an earlier [table] or [purge] section (as
 * kind says) naming table name in any ASCII case, as SQLite reads table
 * names; 0 when there is none.
 */
static int
same_table_line(const struct config *cfg, int kind, const char *name)
{
	int i;

	if (kind == S_TABLE && (i = config_table(cfg, name)) >= 0)
		return cfg->tables[i].line;
	if (kind == S_PURGE && (i = config_purge(cfg, name)) >= 0)
		return cfg->purges[i].line;
	return 0;
}

/*
 * unread_section: start a section called text whose keys are not read
 * (reported already: an unknown or over-long header, until it is known).
 */
static void
unread_section(struct loader *ld, const char *text)
{
	drop_scratch(ld);
	free(ld->section);
	ld->section = xstrdup(text);
	ld->kind = S_NONE;
	ld->base = NULL;
}

/* new_section: start section text (already trimmed) at line. */
static void
new_section(struct loader *ld, const char *text, int line)
{
	struct config *cfg = ld->cfg;
	char kindword[32];
	const char *name;
	size_t klen;
	int kind, i;

	unread_section(ld, text);
	klen = strcspn(text, " \t");
	name = text + klen;
	while (*name == ' ' || *name == '\t')
		name++;
	snprintf(kindword, sizeof(kindword), "%.*s", (int)klen, text);
	for (kind = 0; kind < S_NONE; kind++)
		if (strcmp(kind_names[kind], kindword) == 0)
			break;
	if (kind == S_NONE || klen >= sizeof(kindword)) {
		errorf(ld, line, text, NULL,
		       "unknown section; expected lethe, policy, subjects, "
		       "table NAME, purge NAME, files NAME or restore");
		return;
	}
	if ((kind == S_TABLE || kind == S_PURGE || kind == S_FILES) ==
	    (*name == '\0')) {
		errorf(ld, line, text, NULL,
		       *name ? "this section takes no name"
			     : "this section needs a name");
		return;
	}
	/* canonical header text: "table invoices" */
	free(ld->section);
	ld->section = *name ? xasprintf("%s %s", kind_names[kind], name)
			    : xstrdup(kind_names[kind]);
	i = same_table_line(cfg, kind, name);
	if (i == 0)
		i = config_key_line(cfg, ld->section, NULL);
	if (i > 0) {
		errorf(ld, line, ld->section, NULL,
		       "duplicate section (first on line %d)", i);
		/* its keys are still checked, into a scratch copy */
		ld->scratch = xcalloc(1,
		      kind == S_TABLE ? sizeof(struct dmap_table)
		    : kind == S_PURGE ? sizeof(struct purge_rule)
		    : kind == S_FILES ? sizeof(struct files_rule)
		    : sizeof(struct config));
		ld->scratch_kind = kind;
		ld->kind = kind;
		return;
	}
	record_line(cfg, ld->section, NULL, line);
	ld->kind = kind;
	switch (kind) {
	case S_TABLE:
		cfg->tables = xrealloc(cfg->tables, sizeof(*cfg->tables) *
						(size_t)(cfg->ntables + 1));
		memset(&cfg->tables[cfg->ntables], 0, sizeof(*cfg->tables));
		cfg->tables[cfg->ntables].name = xstrdup(name);
		cfg->tables[cfg->ntables].line = line;
		cfg->tables[cfg->ntables].date_format = -1;
		cfg->ntables++;
		break;
	case S_PURGE:
		cfg->purges = xrealloc(cfg->purges, sizeof(*cfg->purges) *
						(size_t)(cfg->npurges + 1));
		memset(&cfg->purges[cfg->npurges], 0, sizeof(*cfg->purges));
		cfg->purges[cfg->npurges].name = xstrdup(name);
		cfg->purges[cfg->npurges].line = line;
		cfg->purges[cfg->npurges].date_format = -1;
		cfg->npurges++;
		break;
	case S_FILES:
		cfg->files = xrealloc(cfg->files, sizeof(*cfg->files) *
						(size_t)(cfg->nfiles + 1));
		memset(&cfg->files[cfg->nfiles], 0, sizeof(*cfg->files));
		cfg->files[cfg->nfiles].name = xstrdup(name);
		cfg->files[cfg->nfiles].line = line;
		cfg->nfiles++;
		break;
	}
}

/* section_base: the struct the current section's keys fill. */
static void *
section_base(struct loader *ld)
{
	struct config *cfg = ld->cfg;

	if (ld->scratch != NULL)
		return ld->scratch;
	switch (ld->kind) {
	case S_TABLE:
		return &cfg->tables[cfg->ntables - 1];
	case S_PURGE:
		return &cfg->purges[cfg->npurges - 1];
	case S_FILES:
		return &cfg->files[cfg->nfiles - 1];
	case S_NONE:
		return NULL;
	default:
		return cfg;
	}
}

static int
handler(void *user, const char *section, const char *name,
	const char *value)
{
	struct loader *ld = user;
	const struct keydef *def;
	char *v;
	int first;

	(void)section;
	if (ld->section == NULL) {
		errorf(ld, ld->line, NULL, name, "key outside any section");
		return 1;
	}
	if (ld->kind == S_NONE)
		return 1;	/* the section was already reported */
	def = find_key(ld->kind, name);
	if (def == NULL) {
		errorf(ld, ld->line, ld->section, name, "unknown key");
		return 1;
	}
	first = ld->scratch ? 0 : config_key_line(ld->cfg, ld->section, name);
	if (first > 0) {
		errorf(ld, ld->line, ld->section, name,
		       "key given twice (first on line %d)", first);
		return 1;
	}
	if (ld->scratch == NULL)
		record_line(ld->cfg, ld->section, name, ld->line);
	if (value[0] == '#' || strstr(value, " #") != NULL ||
	    strstr(value, "\t#") != NULL)
		log_warn("%s:%d: [%s] %s: '#' starts no comment after a value "
			 "(';' does): it is read as part of the value",
			 ld->cfg->path, ld->line, ld->section, name);
	v = xstrdup(value);
	set_value(ld, def, section_base(ld), trim(v), ld->line);
	free(v);
	return 1;
}

/*
 * refuse_line: report line (NUL-terminated, len bytes read) as refused
 * for why, naming its section and key when it reads as "key = value".
 */
static void
refuse_line(struct loader *ld, char *line, const char *why)
{
	char *t = trim(line), *eq = strchr(t, '='), *key = NULL;

	if (*t != '[' && *t != ';' && *t != '#' && eq != NULL) {
		*eq = '\0';
		key = trim(t);
		if (*key == '\0' || strlen(key) > 64)
			key = NULL;
	}
	errorf(ld, ld->line, key ? ld->section : NULL, key, "%s", why);
	if (key != NULL && ld->section != NULL) {
		/* given, though unreadable: not reported missing as well */
		ld->refused = xrealloc(ld->refused, sizeof(*ld->refused) *
						    (size_t)(ld->nrefused + 1));
		ld->refused[ld->nrefused++] = xasprintf("%s %s", ld->section,
							 key);
	}
}

/* was_refused: whether key of section was on a line refused above. */
static int
was_refused(const struct loader *ld, const char *section, const char *key)
{
	size_t n = strlen(section);
	int i;

	for (i = 0; i < ld->nrefused; i++)
		if (strncmp(ld->refused[i], section, n) == 0 &&
		    ld->refused[i][n] == ' ' &&
		    strcmp(ld->refused[i] + n + 1, key) == 0)
			return 1;
	return 0;
}

/* the most of a config file read: a config is a few KiB, /dev/zero none */
#define MAX_CONFIG (1 << 20)

/*
 * next_line: the next line of ld's file, without its line end, into a new
 * string *out (its first MAX_LINE + 1 bytes; *len counts them all, *nul
 * says whether it holds a NUL byte).  Returns 0, -1 at the end of the
 * file, or -2 once the file passes MAX_CONFIG bytes.
 */
static int
next_line(struct loader *ld, char **out, size_t *len, int *nul)
{
	char *buf = xmalloc(MAX_LINE + 2);
	size_t n = 0;
	int c, any = 0, last = 0;

	*nul = 0;
	while ((c = getc(ld->fp)) != EOF) {
		any = 1;
		if (++ld->bytes > MAX_CONFIG) {
			ld->too_large = 1;
			free(buf);
			return -2;
		}
		if (c == '\n')
			break;
		if (c == '\0')
			*nul = 1;
		if (n <= MAX_LINE)
			buf[n] = (char)c;
		n++;
		last = c;
	}
	if (!any) {
		free(buf);
		return -1;
	}
	if (last == '\r')	/* CRLF */
		n--;
	buf[n <= MAX_LINE ? n : MAX_LINE + 1] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/*
 * reader: hand inih the next line, counted and checked.  Over-long lines
 * are reported and replaced by a comment; leading blanks are removed so
 * inih never treats a line as the continuation of the previous value;
 * section headers are handled here.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	char *line = NULL, *t;
	size_t len;
	int nul, r;

	r = next_line(ld, &line, &len, &nul);
	if (r == -2)
		errorf(ld, ld->line + 1, NULL, NULL, "the file goes on past "
		       "%d bytes: no config is that large", MAX_CONFIG);
	if (r != 0)
		return NULL;
	ld->line++;
	if (len > MAX_LINE || len >= (size_t)num) {
		char why[64];

		snprintf(why, sizeof(why), "line longer than %d bytes",
			 MAX_LINE);
		refuse_line(ld, line, why);
		if (*trim(line) == '[')	/* its keys belong to no section */
			unread_section(ld, "?");
		snprintf(str, (size_t)num, ";");
		free(line);
		return str;
	}
	if (nul) {
		refuse_line(ld, line, "line holds a NUL byte");
		snprintf(str, (size_t)num, ";");
		free(line);
		return str;
	}
	t = trim(line);
	if (ld->line == 1 && strncmp(t, "\xEF\xBB\xBF", 3) == 0)
		t = trim(t + 3);
	if (*t == '[') {
		char *end = strchr(t, ']');
		char *rest = end ? trim(end + 1) : NULL;

		if (end == NULL || (*rest != '\0' && *rest != ';' &&
				    *rest != '#')) {
			errorf(ld, ld->line, NULL, NULL,
			       "bad section header; expected [NAME]");
			free(ld->section);
			ld->section = xstrdup("?");
			ld->kind = S_NONE;
		} else {
			*end = '\0';
			new_section(ld, trim(t + 1), ld->line);
		}
		snprintf(str, (size_t)num, ";");
	} else if (*t != '\0' && *t != ';' && *t != '#' &&
		   strchr(t, '=') == NULL) {
		errorf(ld, ld->line, ld->section, NULL,
		       "expected 'key = value'");
		snprintf(str, (size_t)num, ";");
	} else if (*t == '=') {
		errorf(ld, ld->line, ld->section, NULL, "a key is needed "
						      "before '='");
		snprintf(str, (size_t)num, ";");
	} else {
		snprintf(str, (size_t)num, "%s\n", t);
	}
	free(line);
	return str;
}

/* apply_defaults: fill unset keys of one section from the table. */
static void
apply_defaults(struct loader *ld, int kind, const char *section, void *base)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct keydef *def = &keys[i];

		if (def->kind != kind ||
		    config_key_line(ld->cfg, section, def->key) > 0)
			continue;
		if (def->def != NULL) {
			char *saved = ld->section;

			ld->section = (char *)section;
			set_value(ld, def, base, def->def, 0);
			ld->section = saved;
		} else if (def->required &&
			   !was_refused(ld, section, def->key)) {
			int line = config_key_line(ld->cfg, section, NULL);

			errorf(ld, line, section, def->key,
			       "required key is missing");
		}
	}
}

static void
section_name(char *buf, size_t n, const char *kind, const char *name)
{
	snprintf(buf, n, "%s %s", kind, name);
}

int
config_has_ident_type(const struct config *cfg, const char *type)
{
	int i;

	for (i = 0; i < cfg->subj_ids.n; i++)
		if (strcmp(cfg->subj_ids.type[i], type) == 0)
			return 1;
	return 0;
}

static void
check_table(struct loader *ld, struct dmap_table *t)
{
	struct config *cfg = ld->cfg;
	char sec[300];
	int retain = t->on_erase == ON_RETAIN;

	section_name(sec, sizeof(sec), "table", t->name);
	apply_defaults(ld, S_TABLE, sec, t);
	if (t->date_format < 0)
		t->date_format = cfg->date_format;
	if (strcasecmp(t->name, cfg->subj_table) == 0)
		errorf(ld, t->line, sec, NULL, "the subjects table is erased "
					       "by [subjects], not a [table] "
					       "section");
	if (retain && !config_key_line(cfg, sec, "retain_for"))
		errorf(ld, t->line, sec, "retain_for",
		       "required when on_erase = retain");
	if (retain && !config_key_line(cfg, sec, "date"))
		errorf(ld, t->line, sec, "date",
		       "required when on_erase = retain");
	if (retain && t->match != NULL)
		errorf(ld, config_key_line(cfg, sec, "match"), sec, "match",
		       "a retained table must link by subject id");
	if (!retain) {
		if (config_key_line(cfg, sec, "retain_for"))
			errorf(ld, config_key_line(cfg, sec, "retain_for"), sec,
			       "retain_for", "only with on_erase = retain");
		if (config_key_line(cfg, sec, "date"))
			errorf(ld, config_key_line(cfg, sec, "date"), sec,
			       "date", "only with on_erase = retain");
		if (config_key_line(cfg, sec, "after_hold"))
			errorf(ld, config_key_line(cfg, sec, "after_hold"), sec,
			       "after_hold", "only with on_erase = retain");
	}
	if (t->mask.n == 0 && !config_key_line(cfg, sec, "mask") &&
	    !was_refused(ld, sec, "mask") &&
	    (t->on_erase == ON_MASK || (retain && t->after_hold == ON_MASK)))
		errorf(ld, t->line, sec, "mask",
		       "required with on_erase = mask or after_hold = mask: "
		       "the columns to set to NULL");
	if (t->mask.n > 0 && t->on_erase != ON_MASK &&
	    !(retain && t->after_hold == ON_MASK))
		errorf(ld, config_key_line(cfg, sec, "mask"), sec, "mask",
		       "only with on_erase = mask or after_hold = mask");
	if (t->match != NULL && !config_has_ident_type(cfg, t->match))
		errorf(ld, config_key_line(cfg, sec, "match"), sec, "match",
		       "'%s' is not an identifier type in [subjects] "
		       "identifiers", t->match);
}

/*
 * check_purge_hold: a [purge] of a table under a legal hold must keep
 * its rows at least as long as the hold, counted from the same column:
 * else it would delete held rows before their time.
 */
static void
check_purge_hold(struct loader *ld, const struct purge_rule *p,
		 const char *sec)
{
	const struct config *cfg = ld->cfg;
	const struct dmap_table *t;
	char keep[64], hold[64];
	int i = config_table(cfg, p->name), covers;

	if (i < 0 || cfg->tables[i].on_erase != ON_RETAIN ||
	    p->date == NULL || cfg->tables[i].date == NULL)
		return;
	t = &cfg->tables[i];
	duration_format(&p->keep, keep, sizeof(keep));
	duration_format(&t->retain_for, hold, sizeof(hold));
	if (strcasecmp(p->date, t->date) == 0 &&
	    p->date_format != t->date_format)
		errorf(ld, config_key_line(cfg, sec, "date_format") ?
			   config_key_line(cfg, sec, "date_format") : p->line,
		       sec, "date_format", "'%s' is under a legal hold that "
		       "reads '%s' in another date_format ([table %s]): the "
		       "same column read two ways could delete held rows",
		       t->name, t->date, t->name);
	else if (strcasecmp(p->date, t->date) != 0)
		errorf(ld, config_key_line(cfg, sec, "date"), sec, "date",
		       "'%s' is under a legal hold counted from '%s' ([table "
		       "%s] retain_for = %s): a purge counted from another "
		       "column could delete held rows; count it from '%s'",
		       t->name, t->date, t->name, hold, t->date);
	else if ((covers = duration_covers(&p->keep, &t->retain_for)) == 0)
		errorf(ld, config_key_line(cfg, sec, "keep"), sec, "keep",
		       "%s is shorter than the legal hold on '%s' ([table %s] "
		       "retain_for = %s): the purge would delete held rows",
		       keep, t->name, t->name, hold);
	else if (covers < 0)
		errorf(ld, config_key_line(cfg, sec, "keep"), sec, "keep",
		       "%s and the legal hold on '%s' ([table %s] retain_for "
		       "= %s) count in different units, and %s may be the "
		       "shorter: give keep in %s",
		       keep, t->name, t->name, hold, keep,
		       t->retain_for.unit == DUR_DAYS ||
		       t->retain_for.unit == DUR_WEEKS ? "days or weeks"
						       : "months or years");
}

/* files_root: the literal folder prefix of a [files] path pattern. */
static char *
files_root(const struct config *cfg, const char *pattern)
{
	size_t n = strcspn(pattern, "{*?[");
	char *prefix = xstrndup(pattern, n);
	char *slash = strrchr(prefix, '/');
	char *root;

	if (slash != NULL)
		*slash = '\0';
	else
		prefix[0] = '\0';
	root = *prefix ? resolve_path(cfg, prefix) : xstrdup(cfg->dir);
	free(prefix);
	return root;
}

static void
check_files(struct loader *ld, struct files_rule *f)
{
	struct config *cfg = ld->cfg;
	char sec[300];
	const char *p, *open;
	int i;

	section_name(sec, sizeof(sec), "files", f->name);
	apply_defaults(ld, S_FILES, sec, f);
	if (f->path == NULL)
		return;
	if (f->path[0] == '/' || strstr(f->path, "..") != NULL)
		errorf(ld, config_key_line(cfg, sec, "path"), sec, "path",
		       "must be relative, without '..'");
	if (f->format != FMT_NONE && f->match.n == 0 &&
	    !config_key_line(cfg, sec, "match") &&
	    !was_refused(ld, sec, "match"))
		errorf(ld, f->line, sec, "match",
		       "required when format is csv or jsonl");
	if (f->format == FMT_NONE && f->match.n > 0)
		errorf(ld, config_key_line(cfg, sec, "match"), sec, "match",
		       "only with format = csv or jsonl");
	for (i = 0; i < f->match.n; i++)
		if (!config_has_ident_type(cfg, f->match.type[i]))
			errorf(ld, config_key_line(cfg, sec, "match"), sec,
			       "match", "'%s' is not an identifier type in "
			       "[subjects] identifiers", f->match.type[i]);
	/* fnmatch's '*' stops at '/': '**' would read as recursive and
	 * match one level only */
	if (strstr(f->path, "**") != NULL)
		errorf(ld, config_key_line(cfg, sec, "path"), sec, "path",
		       "'**' is not supported: '*' matches within one folder "
		       "level; give one [files] section per level");
	open = strchr(f->path, '{');
	if (open != NULL && strcspn(f->path, "*?[") < (size_t)(open - f->path))
		errorf(ld, config_key_line(cfg, sec, "path"), sec, "path",
		       "no wildcard may come before the placeholder");
	if (f->format == FMT_NONE && open == NULL)
		errorf(ld, config_key_line(cfg, sec, "path"), sec, "path",
		       "needs a {subject} or {TYPE} placeholder, or a format");
	for (p = open; p != NULL; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		char *ph;

		if (close == NULL) {
			errorf(ld, config_key_line(cfg, sec, "path"), sec,
			       "path", "unclosed '{'");
			break;
		}
		ph = xstrndup(p + 1, (size_t)(close - p - 1));
		if (strcmp(ph, "subject") != 0 &&
		    !config_has_ident_type(cfg, ph))
			errorf(ld, config_key_line(cfg, sec, "path"), sec,
			       "path", "unknown placeholder {%s}", ph);
		free(ph);
		if (strchr(p + 1, '{') != NULL) {
			errorf(ld, config_key_line(cfg, sec, "path"), sec,
			       "path", "only one placeholder is allowed");
			break;
		}
	}
}

/*
 * resolve_loose: folder dir as an absolute path with every symlink
 * resolved, also when its last components do not exist yet: the longest
 * part that exists is resolved, the rest applied by name ("." dropped,
 * ".." going up).  "/" comes out as "".  The caller frees it.
 */
static char *
resolve_loose(const char *dir)
{
	char *copy = xstrdup(*dir ? dir : "."), *rest = xstrdup(""), *slash;
	char *t, *p, buf[PATH_MAX];
	struct strbuf out = STRBUF_INIT;

	for (;;) {
		if (realpath(copy, buf) != NULL)
			break;
		slash = strrchr(copy, '/');
		if (slash == NULL || slash == copy) {
			/* nothing of it exists: from here, or from / */
			t = xasprintf("%s/%s", slash ? copy + 1 : copy, rest);
			free(rest);
			rest = t;
			if (slash != NULL || realpath(".", buf) == NULL)
				snprintf(buf, sizeof(buf), "/");
			break;
		}
		*slash = '\0';
		t = xasprintf("%s/%s", slash + 1, rest);
		free(rest);
		rest = t;
	}
	if (strcmp(buf, "/") != 0)
		sb_adds(&out, buf);
	for (p = rest; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *last = out.len ? strrchr(out.buf, '/') : NULL;

			if (last != NULL) {
				out.len = (size_t)(last - out.buf);
				out.buf[out.len] = '\0';
			}
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			sb_addc(&out, '/');
			sb_add(&out, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	free(rest);
	free(copy);
	return sb_detach(&out);
}

/*
 * inside: whether the file path (relative to the working folder, or
 * absolute; it need not exist) lies in folder root.
 */
static int
inside(const char *path, const char *root)
{
	char *dir = dir_of(path), *rp = resolve_loose(dir);
	char *rr = resolve_loose(root);
	size_t n = strlen(rr);
	int in = strncmp(rp, rr, n) == 0 && (rp[n] == '/' || rp[n] == '\0');

	free(dir);
	free(rp);
	free(rr);
	return in;
}

int
config_table(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < cfg->ntables; i++)
		if (strcasecmp(cfg->tables[i].name, name) == 0)
			return i;
	return -1;
}

int
config_purge(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < cfg->npurges; i++)
		if (strcasecmp(cfg->purges[i].name, name) == 0)
			return i;
	return -1;
}

int
config_files_holding(const struct config *cfg, const char *path)
{
	int i, found = -1;

	for (i = 0; i < cfg->nfiles && found < 0; i++) {
		char *root;

		if (cfg->files[i].path == NULL)
			continue;
		root = files_root(cfg, cfg->files[i].path);
		if (inside(path, root))
			found = i;
		free(root);
	}
	return found;
}

int
config_setting_line(const struct config *cfg, const char *section,
		    const char *key)
{
	int line = config_key_line(cfg, section, key);

	return line > 0 ? line : config_key_line(cfg, section, NULL);
}

/* one_file: whether paths a and b name one file, by name or inode. */
static int
one_file(const char *a, const char *b)
{
	return a != NULL && b != NULL &&
	       (strcmp(a, b) == 0 || same_file(a, b));
}

static void
check_cross(struct loader *ld)
{
	static const char *const kept_out[3] = { "ledger", "key_file",
						 "backup_dir" };
	struct config *cfg = ld->cfg;
	const struct {
		const char *key, *path;
	} guarded[3] = { { "live_store", cfg->live_store },
			 { "ledger", cfg->ledger },
			 { "key_file", cfg->key_file } };
	const char *out[3];
	char *probe;
	int i, j, n;

	if (cfg->live_store == NULL || cfg->ledger == NULL)
		return;
	if (one_file(cfg->live_store, cfg->ledger))
		errorf(ld, config_setting_line(cfg, "lethe", "ledger"), "lethe",
		       "ledger", "must not be the live store");
	/* the lock is a file of its own: not one of those it guards */
	for (i = 0; i < 3; i++)
		if (one_file(cfg->lock_file, guarded[i].path))
			errorf(ld, config_setting_line(cfg, "lethe",
						       "lock_file"),
			       "lethe", "lock_file", "must not be the %s",
			       guarded[i].key);
	/* what must stay out of every tree (a backup_dir in one: the backups
	 * would go into later backups) */
	out[0] = cfg->ledger;
	out[1] = cfg->key_file;
	out[2] = probe = cfg->backup_dir != NULL
				 ? xasprintf("%s/x", cfg->backup_dir)
				 : NULL;
	for (i = 0; i < cfg->nfiles; i++) {
		char *root;

		if (cfg->files[i].path == NULL)
			continue;
		root = files_root(cfg, cfg->files[i].path);
		for (j = 0; j < 3; j++)
			if (out[j] != NULL && inside(out[j], root))
				errorf(ld, config_setting_line(cfg, "lethe",
							       kept_out[j]),
				       "lethe", kept_out[j],
				       "must not be inside the [files %s] "
				       "tree '%s'", cfg->files[i].name, root);
		free(root);
	}
	free(probe);
	n = (cfg->subj_kind != NULL) + (cfg->subj_lead_kind != NULL) +
	    (cfg->subj_last_activity != NULL);
	if (n != 0 && n != 3)
		errorf(ld, config_key_line(cfg, "subjects", NULL), "subjects",
		       NULL, "kind, lead_kind and last_activity go together");
}

static int
by_line(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * resolve_folder: *path with the symlinks of its folder resolved and its
 * last component kept as named.  The live store is opened with
 * SQLITE_OPEN_NOFOLLOW, which refuses a link anywhere in the name, yet a
 * folder reached through a link (/var/lib/app -> /srv/app) is common.
 */
static void
resolve_folder(char **path)
{
	char *dir = dir_of(*path), *real = resolve_loose(dir);

	if (strcmp(base_of(*path), ".") != 0 &&
	    strcmp(base_of(*path), "..") != 0) {
		char *joined = xasprintf("%s/%s", real, base_of(*path));

		free(*path);
		*path = joined;
	}
	free(dir);
	free(real);
}

/* config_dir: the absolute folder of path. */
static char *
config_dir(const char *path)
{
	char buf[PATH_MAX];
	char *copy = xstrdup(path), *slash = strrchr(copy, '/'), *dir;

	if (slash == copy)
		dir = xstrdup("/");
	else {
		if (slash != NULL)
			*slash = '\0';
		if (realpath(slash ? copy : ".", buf) != NULL)
			dir = xstrdup(buf);
		else
			dir = xstrdup(slash ? copy : ".");
	}
	free(copy);
	return dir;
}

/*
 * check_loaded: what the whole file decides once it is read: required
 * sections, defaults, each [table], [purge] and [files] section, and the
 * sections against each other; errors go to ld.
 */
static void
check_loaded(struct loader *ld)
{
	struct config *cfg = ld->cfg;
	int i;

	if (!config_key_line(cfg, "lethe", NULL))
		errorf(ld, 0, "lethe", NULL, "required section is missing");
	if (!config_key_line(cfg, "subjects", NULL))
		errorf(ld, 0, "subjects", NULL, "required section is missing");
	apply_defaults(ld, S_LETHE, "lethe", cfg);
	apply_defaults(ld, S_POLICY, "policy", cfg);
	apply_defaults(ld, S_SUBJECTS, "subjects", cfg);
	apply_defaults(ld, S_RESTORE, "restore", cfg);
	if (cfg->live_store != NULL)
		resolve_folder(&cfg->live_store);
	if (cfg->lock_file == NULL && cfg->ledger != NULL)
		cfg->lock_file = xasprintf("%s.lock", cfg->ledger);
	/* law 4: the ledger names subjects by id, in plain text */
	for (i = 0; cfg->subj_id != NULL && i < cfg->subj_ids.n; i++)
		if (strcasecmp(cfg->subj_ids.column[i], cfg->subj_id) == 0)
			errorf(ld, config_key_line(cfg, "subjects", "id"),
			       "subjects", "id",
			       "'%s' is also an identifier column: tombstones "
			       "name subjects by id, and the ledger holds no "
			       "personal data; give the subjects table an id "
			       "of its own (a UUID)", cfg->subj_id);
	for (i = 0; i < cfg->ntables; i++)
		check_table(ld, &cfg->tables[i]);
	for (i = 0; i < cfg->npurges; i++) {
		char sec[300];

		section_name(sec, sizeof(sec), "purge", cfg->purges[i].name);
		apply_defaults(ld, S_PURGE, sec, &cfg->purges[i]);
		if (cfg->subj_table != NULL &&
		    strcasecmp(cfg->purges[i].name, cfg->subj_table) == 0)
			errorf(ld, cfg->purges[i].line, sec, NULL,
			       "subjects leave only through erasure, with a "
			       "tombstone: lead_expiry, not [purge]");
		if (cfg->purges[i].date_format < 0)
			cfg->purges[i].date_format = cfg->date_format;
		check_purge_hold(ld, &cfg->purges[i], sec);
	}
	for (i = 0; i < cfg->nfiles; i++)
		check_files(ld, &cfg->files[i]);
	check_cross(ld);
}

struct config *
config_load(const char *path)
{
	return config_load_checked(path, NULL, NULL);
}

struct config *
config_load_checked(const char *path,
		    int (*check)(const struct config *, void *), void *arg)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct loader ld;
	int i, extra = 0, unreadable;

	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.kind = S_NONE;
	cfg->path = xstrdup(path);
	cfg->dir = config_dir(path);
	ld.fp = fopen(path, "r");
	if (ld.fp == NULL) {
		log_errno("cannot open config '%s'", path);
		config_free(cfg);
		return NULL;
	}
	ini_parse_stream(reader, &ld, handler, &ld);
	drop_scratch(&ld);
	unreadable = ferror(ld.fp);
	if (unreadable)
		errorf(&ld, ld.line, NULL, NULL, "read error: %s",
		       strerror(errno));
	fclose(ld.fp);
	/* a folder, say, or /dev/zero: the rest would be noise */
	if (!unreadable && !ld.too_large)
		check_loaded(&ld);
	if (ld.errors > 0)
		qsort(ld.errs, (size_t)ld.errors, sizeof(*ld.errs), by_line);
	for (i = 0; i < ld.errors; i++)
		log_err("%.*s", (int)strcspn(ld.errs[i].text, "\n"),
			ld.errs[i].text);
	if (check != NULL && !unreadable)
		extra = check(cfg, arg);
	if (ld.errors + extra > 0) {
		log_err("%d error%s in config '%s'", ld.errors + extra,
			ld.errors + extra == 1 ? "" : "s", path);
		config_free(cfg);
		cfg = NULL;
	}
	for (i = 0; i < ld.errors; i++)
		free(ld.errs[i].text);
	free(ld.errs);
	free_list(ld.refused, ld.nrefused);
	free(ld.section);
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free_fields(cfg);
	free(cfg);
}
