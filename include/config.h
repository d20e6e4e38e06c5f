/*
 * config.h: lethe's configuration, loaded from an INI file.
 *
 * The keys are described once, in a table in config.c.  Loading reports
 * every error as "FILE:LINE: [SECTION] KEY: message" and then fails; a
 * config that loads is complete and consistent with itself.  Whether the
 * live store has the tables and columns the data map names is checked
 * separately by config_check_store, since restore checks restored copies.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdint.h>

#include <sqlite3.h>

#include "timeutil.h"

#define DEFAULT_CONFIG "/etc/lethe/lethe.ini"

enum on_erase { ON_DELETE, ON_MASK, ON_RETAIN };
enum file_format { FMT_NONE, FMT_CSV, FMT_JSONL };
enum date_format { DATE_ISO, DATE_UNIX };

/* A comma-separated list of names. */
struct namelist {
	char **v;
	int n;
};

/* "type:column, type:column": identifier types and where they are. */
struct idmap {
	char **type;
	char **column;
	int n;
};

/* [table NAME]: a table holding personal data and what erasure does. */
struct dmap_table {
	char *name;
	char *subject;			/* the column linking rows to a
					 * subject */
	char *match;			/* NULL: subject holds the subject id;
					 * else the identifier type it holds */
	int on_erase;			/* enum on_erase */
	struct namelist mask;		/* columns set to NULL by mask */
	struct namelist redact;		/* free text scrubbed of identifiers */
	struct duration retain_for;	/* retain: how long */
	char *date;			/* retain: counted from this column */
	int after_hold;			/* ON_DELETE or ON_MASK */
	int date_format;		/* enum date_format */
	int line;			/* line of the section header */
};

/* [purge NAME]: rows of table NAME older than keep are deleted. */
struct purge_rule {
	char *name;
	char *date;
	struct duration keep;
	int date_format;
	int line;
};

/* [files NAME]: a file tree with per-subject paths or structured files. */
struct files_rule {
	char *name;
	char *path;			/* pattern as written, relative */
	int format;			/* enum file_format */
	struct idmap match;		/* format: identifier columns or keys */
	int line;
};

struct config {
	char *path;			/* the config file */
	char *dir;			/* its folder, absolute */

	/* [lethe] */
	char *live_store;
	char *ledger;
	char *key_file;
	char *backup_dir;
	char *lock_file;

	/* [policy] */
	struct duration lead_expiry;
	struct duration erasure_deadline;
	int require_approval;
	int64_t calling_code;

	/* [subjects] */
	char *subj_table;
	char *subj_id;
	char *subj_kind;		/* NULL: no lead expiry */
	char *subj_lead_kind;
	char *subj_last_activity;
	struct idmap subj_ids;
	int date_format;		/* enum date_format */

	struct dmap_table *tables;
	int ntables;
	struct purge_rule *purges;
	int npurges;
	struct files_rule *files;
	int nfiles;

	/* [restore] */
	int64_t max_entry_size;
	int64_t max_total_size;
	int64_t max_entries;
	int64_t max_ratio;

	/* where each key was set, for messages */
	struct config_line *lines;
	int nlines;
};

/*
 * config_load: read and check the config at path.  Prints every error
 * found and returns NULL if there was any; else a config the caller frees
 * with config_free.
 */
struct config *config_load(const char *path);

/*
 * config_load_checked: config_load, with a further check run whatever
 * errors were found before it (so all are reported at once): check gets
 * the config as far as it loaded (any field may be NULL) and arg, prints
 * its own errors and returns how many.  The same result as config_load.
 */
struct config *config_load_checked(const char *path,
				   int (*check)(const struct config *, void *),
				   void *arg);

/*
 * config_free: free cfg.  NULL is a no-op.
 */
void config_free(struct config *cfg);

/*
 * config_check_store: check that database db (schema "main") holds every
 * table and column the data map names, that mask columns may be NULL, and
 * that no retained table cascades deletes from the subjects table nor,
 * but with `partial`, is named by a trigger of another table (erasing
 * there could change what a hold keeps).  Errors name the config file and
 * line and, as `what`, the database checked.  Names the config left unset
 * (NULL) after errors are not checked.  With `partial` (a restored copy,
 * whose triggers never run), a data-map table that is missing is not an
 * error (an older copy of the store).  Returns the number of errors (0:
 * fine).
 */
int config_check_store(const struct config *cfg, sqlite3 *db,
		       const char *what, int partial);

/*
 * config_view: cfg as it applies to a restored database db made under an
 * older schema: the mask and redact columns and the subjects' identifier
 * columns db does not have are left out (there is nothing to mask, redact
 * or match in a column that is not there), and so are the lead columns
 * (leads expire in the live store only); each column left out is warned
 * about, naming the config line and what (the database).  Everything
 * else, the strings included, is cfg's: the view must not outlive it.
 * Free it with config_view_free (NULL is a no-op).
 */
struct config *config_view(const struct config *cfg, sqlite3 *db,
			   const char *what);
void config_view_free(struct config *view);

/*
 * config_table: the index in cfg->tables of the [table] section for
 * table name (NULL: none), compared in any ASCII case as SQLite compares
 * table names; -1 when there is none.
 */
int config_table(const struct config *cfg, const char *name);

/* config_purge: the same for the [purge] sections; -1 when none. */
int config_purge(const struct config *cfg, const char *name);

/*
 * config_files_holding: the index of a [files] rule whose tree holds the
 * file at path, or -1.
 */
int config_files_holding(const struct config *cfg, const char *path);

/*
 * config_setting_line: the line a message about [section] key names: the
 * key's, or the section header's when the key was left to its default.
 */
int config_setting_line(const struct config *cfg, const char *section,
			const char *key);

/*
 * config_has_ident_type: whether [subjects] identifiers names type (every
 * [table] and [files] match is one of them: config_load checks).
 */
int config_has_ident_type(const struct config *cfg, const char *type);

/*
 * config_key_line: the line on which [section] key was set, or the
 * section's header line when key is NULL; 0 when not set.
 */
int config_key_line(const struct config *cfg, const char *section,
		    const char *key);

#endif
