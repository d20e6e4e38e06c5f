/*
 * config_check.c: checking the data map against a SQLite database.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

struct checker {
	const struct config *cfg;
	sqlite3 *db;
	const char *what;
	int errors;
};

static void
fail(struct checker *ck, const char *section, const char *key,
     const char *fmt, const char *a, const char *b)
{
	int line = config_setting_line(ck->cfg, section, key);
	char msg[1024];

	snprintf(msg, sizeof(msg), fmt, a, b);
	log_err("%s:%d: [%s] %s%s%s in %s", ck->cfg->path, line, section,
		key ? key : "", key ? ": " : "", msg, ck->what);
	ck->errors++;
}

/*
 * left_out: warn that what the data map names under section and key is
 * not in the database ck checks (an older copy), so it is passed over
 * there; a typo in the data map shows here too.
 */
static void
left_out(const struct config *cfg, const char *what, const char *section,
	 const char *key, const char *thing)
{
	log_warn("%s:%d: [%s] %s%s%s is not in %s: passed over there (a copy "
		 "older than it, or a typo in the data map?)", cfg->path,
		 config_setting_line(cfg, section, key), section,
		 key ? key : "", key ? ": " : "", thing, what);
}

/*
 * table_kind: 1 a rowid table, 2 a table without rowid, 3 a view or
 * other object of that name, 4 a rowid table with a column named rowid
 * (lethe's statements reach rows by rowid: that name would be the
 * column), 0 none.
 */
static int
table_kind(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT type = 'table' FROM "
				   "main.sqlite_schema WHERE name = ?1 COLLATE "
				   "NOCASE AND type IN ('table', 'view')",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0) ? 1 : 3;
	sqlite3_finalize(st);
	if (found != 1)
		return found;
	sb_adds(&sql, "SELECT rowid FROM main.");
	sb_add_ident(&sql, table);
	if (sqlite3_prepare_v2(db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK)
		found = 2;
	sqlite3_finalize(st);
	sb_release(&sql);
	if (found == 1 &&
	    sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_xinfo(?1, "
				   "'main') WHERE lower(name) = 'rowid'",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			found = 4;
		sqlite3_finalize(st);
	}
	return found;
}

/* column_info: 0 missing, 1 nullable, 2 NOT NULL or primary key. */
static int
column_info(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(db, "SELECT \"notnull\", pk FROM "
				   "pragma_table_info(?1, 'main') WHERE name "
				   "= ?2 COLLATE NOCASE",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) || sqlite3_column_int(st, 1)
		    ? 2 : 1;
	sqlite3_finalize(st);
	return r;
}

static void
need_column(struct checker *ck, const char *section, const char *key,
	    const char *table, const char *column, int nullable)
{
	int info;

	if (column == NULL)
		return;
	info = column_info(ck->db, table, column);
	if (info == 0)
		fail(ck, section, key, "no column '%s' in table '%s'", column,
		     table);
	else if (nullable && info == 2)
		fail(ck, section, key,
		     "column '%s' of '%s' is NOT NULL or a key, so it cannot "
		     "be masked", column, table);
}

/*
 * need_table: whether table is a rowid table of the store; else reported
 * under section and key (NULL when the section names the table), unless
 * partial and the table is missing.
 */
static int
need_table(struct checker *ck, const char *section, const char *key,
	   const char *table, int partial)
{
	int kind = table_kind(ck->db, table);

	if (kind == 1)
		return 1;
	if (kind == 0 && partial) {
		char thing[300];

		snprintf(thing, sizeof(thing), "table '%s'", table);
		left_out(ck->cfg, ck->what, section, key, thing);
		return 0;
	}
	fail(ck, section, key,
	     kind == 0 ? "no table '%s'%s" :
	     kind == 3 ? "'%s' is a view, not a table%s" :
	     kind == 4 ? "table '%s' has a column named rowid%s" :
			 "table '%s' has no rowid%s",
	     table, kind == 2 ? " (WITHOUT ROWID is not supported)" :
		    kind == 4 ? ", which hides the rowid lethe reaches its "
				"rows by" : "");
	return 0;
}

/* cascades: whether table has a foreign key to parent ON DELETE CASCADE. */
static int
cascades(sqlite3 *db, const char *table, const char *parent)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_foreign_key_list(?1, "
				   "'main') WHERE \"table\" = ?2 COLLATE "
				   "NOCASE AND on_delete = 'CASCADE'",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, parent, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return r;
}

/* word_in: whether sql names name as a word (ASCII case ignored). */
static int
word_in(const char *sql, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = sql; *p; p++) {
		if (strncasecmp(p, name, n) != 0)
			continue;
		if ((p == sql || !(isalnum((unsigned char)p[-1]) ||
				   p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return 1;
	}
	return 0;
}

/*
 * trigger_on: the name of a trigger of another table whose statements
 * name table (it could change what a hold keeps when lethe erases from
 * that other table), into name (n bytes); 0 when there is none.
 */
static int
trigger_on(sqlite3 *db, const char *table, char *name, size_t n)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT name, sql FROM main.sqlite_schema "
				   "WHERE type = 'trigger' AND tbl_name <> ?1 "
				   "COLLATE NOCASE AND sql IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		if (word_in((const char *)sqlite3_column_text(st, 1), table)) {
			snprintf(name, n, "%s", sqlite3_column_text(st, 0));
			found = 1;
		}
	sqlite3_finalize(st);
	return found;
}

/*
 * warn_unmapped: warn of each table outside the data map that cascades
 * deletes from the subjects table: lethe erases with foreign keys off
 * (SPEC 3), so its rows of an erased subject stay; the data map should
 * name it.
 */
static void
warn_unmapped(const struct config *cfg, sqlite3 *db, const char *what)
{
	sqlite3_stmt *st;

	if (cfg->subj_table == NULL)
		return;
	st = db_prepare(db, "SELECT name FROM main.sqlite_schema WHERE type = "
			    "'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE "
			    "'\\'");
	if (st == NULL)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = db_text(st, 0);

		if (config_table(cfg, name) >= 0 ||
		    strcasecmp(name, cfg->subj_table) == 0 ||
		    !cascades(db, name, cfg->subj_table))
			continue;
		log_warn("%s: table '%s' deletes its rows with the subject's "
			 "(ON DELETE CASCADE) but is not in the data map: "
			 "lethe erases with foreign keys off, so an erased "
			 "subject's rows there stay; add a [table %s] section",
			 what, name, name);
	}
	sqlite3_finalize(st);
}

int
config_check_store(const struct config *cfg, sqlite3 *db, const char *what,
		   int partial)
{
	struct checker ck = { cfg, db, what, 0 };
	char sec[300], trig[256];
	int i, j;

	if (cfg->subj_table != NULL &&
	    need_table(&ck, "subjects", "table", cfg->subj_table, 0)) {
		const char *st = cfg->subj_table;

		need_column(&ck, "subjects", "id", st, cfg->subj_id, 0);
		need_column(&ck, "subjects", "kind", st, cfg->subj_kind, 0);
		need_column(&ck, "subjects", "last_activity", st,
			    cfg->subj_last_activity, 0);
		for (i = 0; i < cfg->subj_ids.n; i++)
			need_column(&ck, "subjects", "identifiers", st,
				    cfg->subj_ids.column[i], 0);
	}
	for (i = 0; i < cfg->ntables; i++) {
		const struct dmap_table *t = &cfg->tables[i];
		int mask = t->on_erase == ON_MASK ||
			   (t->on_erase == ON_RETAIN &&
			    t->after_hold == ON_MASK);

		snprintf(sec, sizeof(sec), "table %s", t->name);
		if (!need_table(&ck, sec, NULL, t->name, partial))
			continue;
		need_column(&ck, sec, "subject", t->name, t->subject, mask);
		need_column(&ck, sec, "date", t->name, t->date, 0);
		for (j = 0; j < t->mask.n; j++)
			need_column(&ck, sec, "mask", t->name, t->mask.v[j], 1);
		for (j = 0; j < t->redact.n; j++)
			need_column(&ck, sec, "redact", t->name, t->redact.v[j],
				    0);
		if (t->on_erase == ON_RETAIN && cfg->subj_table != NULL &&
		    cascades(db, t->name, cfg->subj_table))
			fail(&ck, sec, "on_erase",
			     "retained table '%s' has ON DELETE CASCADE to "
			     "'%s', so deleting a subject would delete what "
			     "the hold keeps", t->name, cfg->subj_table);
		/* a restored copy runs no trigger; the live store does */
		if (t->on_erase == ON_RETAIN && !partial &&
		    trigger_on(db, t->name, trig, sizeof(trig)))
			fail(&ck, sec, "on_erase",
			     "retained table '%s' is named by trigger '%s' of "
			     "another table, so erasing there could change "
			     "what the hold keeps", t->name, trig);
	}
	for (i = 0; i < cfg->npurges; i++) {
		const struct purge_rule *p = &cfg->purges[i];

		snprintf(sec, sizeof(sec), "purge %s", p->name);
		if (need_table(&ck, sec, NULL, p->name, partial))
			need_column(&ck, sec, "date", p->name, p->date, 0);
	}
	if (!partial)
		warn_unmapped(cfg, db, what);
	return ck.errors;
}

/*
 * present: the names of list that db's table has as columns (shared);
 * each one left out is warned about (under [table TABLE] KEY, in what),
 * when db has the table at all.
 */
static struct namelist
present(const struct config *cfg, sqlite3 *db, const char *what,
	const char *table, const char *key, const struct namelist *list)
{
	struct namelist out = { NULL, 0 };
	char sec[300], thing[300];
	int i, there;

	if (list->n == 0)
		return out;
	out.v = xcalloc((size_t)list->n, sizeof(*out.v));
	snprintf(sec, sizeof(sec), "table %s", table);
	there = table_kind(db, table) != 0;
	for (i = 0; i < list->n; i++) {
		if (column_info(db, table, list->v[i]) != 0) {
			out.v[out.n++] = list->v[i];
		} else if (there) {
			snprintf(thing, sizeof(thing), "column '%s'",
				 list->v[i]);
			left_out(cfg, what, sec, key, thing);
		}
	}
	return out;
}

struct config *
config_view(const struct config *cfg, sqlite3 *db, const char *what)
{
	struct config *v = xmalloc(sizeof(*v));
	const char *st = cfg->subj_table;
	char thing[300];
	int i, n = 0;

	*v = *cfg;
	v->tables = xcalloc((size_t)cfg->ntables + 1, sizeof(*v->tables));
	for (i = 0; i < cfg->ntables; i++) {
		const struct dmap_table *t = &cfg->tables[i];

		v->tables[i] = *t;
		v->tables[i].mask = present(cfg, db, what, t->name, "mask",
					    &t->mask);
		v->tables[i].redact = present(cfg, db, what, t->name,
					      "redact", &t->redact);
	}
	v->subj_ids.type = xcalloc((size_t)cfg->subj_ids.n + 1,
				   sizeof(*v->subj_ids.type));
	v->subj_ids.column = xcalloc((size_t)cfg->subj_ids.n + 1,
				     sizeof(*v->subj_ids.column));
	for (i = 0; i < cfg->subj_ids.n; i++) {
		if (st == NULL ||
		    column_info(db, st, cfg->subj_ids.column[i]) != 0) {
			v->subj_ids.type[n] = cfg->subj_ids.type[i];
			v->subj_ids.column[n++] = cfg->subj_ids.column[i];
		} else if (table_kind(db, st) != 0) {
			snprintf(thing, sizeof(thing), "column '%s'",
				 cfg->subj_ids.column[i]);
			left_out(cfg, what, "subjects", "identifiers", thing);
		}
	}
	v->subj_ids.n = n;
	/* leads expire in the live store only */
	v->subj_kind = NULL;
	v->subj_lead_kind = NULL;
	v->subj_last_activity = NULL;
	return v;
}

void
config_view_free(struct config *v)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < v->ntables; i++) {
		free(v->tables[i].mask.v);
		free(v->tables[i].redact.v);
	}
	free(v->tables);
	free(v->subj_ids.type);
	free(v->subj_ids.column);
	free(v);
}
