/*
 * filter.h: replaying the ledger onto restored data (law 5, 8 and 11).
 *
 * Restore, scrub and inspect share this filter.  It walks a staged tree:
 * SQLite databases holding the data map's subjects table get every
 * tombstone applied through the data map (by subject id whatever its
 * age; by identifier hash only for erasures newer than the backup, per
 * the rule), holds and [purge] rules as of now, and are rewritten into
 * fresh files without the rows erased (filter_copy.c); other databases
 * are rewritten too; per-subject paths of erased subjects are
 * dropped; structured files lose erased subjects' records; and every file
 * is scanned for residue: identifiers of newer erasures left anywhere.
 *
 * In FILTER_COUNT mode (inspect, restore --dry-run) nothing is changed;
 * what would be done is counted and each finding is attributed to its
 * tombstone.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "config.h"
#include "erase.h"
#include "key.h"
#include "ledger.h"
#include "sqlfn.h"

enum filter_mode { FILTER_APPLY, FILTER_COUNT };

/*
 * Which erasures match by identifier: every one, those after a manifest's
 * seq, or those whose tombstone or applied event is after --taken-at (or
 * that were never applied).
 */
enum filter_rule { RULE_ALL, RULE_SEQ, RULE_TAKEN_AT };

struct tomb {
	int64_t seq;
	int64_t at;
	int64_t done_at;	/* its applied event's time; INT64_MAX: none */
	int64_t done_seq;	/* that event's seq; INT64_MAX: none */
	const char *reason;	/* interned: see filter.c */
	char *sid;		/* NULL: identifiers only */
	char *request;		/* the request it executed, or NULL */
	char *ids;
	char *shared;		/* the subject's identifiers a subject who
				 * stayed holds: not matched by (or NULL) */
	int newer;		/* matches by identifier under the rule */
	int64_t hits;		/* places found (count mode) */
};

/* A symlink to a folder in the staged tree: from -> to (relative). */
struct filter_alias {
	char *from;
	char *to;
};

/* A hold release the ledger records, replayed onto restored data. */
struct filter_release {
	char *sid;
	char *table;
	int64_t at;
};

struct filter_stats {
	struct erase_tally tally;	/* rows per data-map table */
	int64_t subjects;		/* subjects rows erased */
	int64_t purged;			/* rows past a [purge] rule */
	int64_t *purged_rows;		/* the same per [purge] rule, in
					 * cfg->purges order (filter_init) */
	int64_t paths;			/* per-subject files dropped */
	int64_t records;		/* structured records dropped */
	int64_t redacted;		/* identifiers replaced by [erased] */
	int64_t dropped;		/* files left out (--drop-residue) */
	int64_t residue;		/* residue that fails the restore */
	int64_t databases;		/* data-map databases filtered */
	int64_t other_dbs;		/* other databases rewritten */
	int64_t files;			/* files looked at */
};

/* A line of inspect's listing: a finding of tombstone seq. */
struct hit_line {
	int64_t seq;
	int order;			/* the order it was found in */
	char *text;
};

/* Rows of a subject matched by identifier that a legal hold keeps in a
 * restored database: a restore records a hold for them, so that a run
 * releases them in time should that database become the live store. */
struct filter_hold {
	char *sid;
	const char *request;		/* its tombstone's request, or NULL */
	const char *table;		/* the config's */
	int64_t rows;
	int64_t undated;
	char *until;			/* ISO-8601, or NULL */
};

struct filter {
	const struct config *cfg;
	const struct key *key;
	int64_t now;
	int mode;			/* enum filter_mode */
	int drop_residue;
	int print_hits;			/* count mode: a line per finding,
					 * kept for filter_print_hits */
	struct hit_line *hit_lines;
	int nhit_lines, cap_hit_lines;
	int rule;			/* enum filter_rule */
	int64_t rule_seq;
	int64_t taken_at;
	struct tomb *tombs;
	int ntombs;
	struct hashset *by_hash;	/* newer identifier hashes -> tomb */
	struct hashset *by_sid;		/* every tombstone's subject -> tomb */
	struct hashset *by_ident;	/* the subjects of restored databases
					 * matched by identifier */
	struct hashset *inodes;		/* files dropped with per-subject
					 * paths */
	struct filter_alias *aliases;	/* symlinks to folders in the tree */
	int naliases;
	char **folders;			/* per-subject folders to remove */
	int nfolders;
	struct filter_release *releases;	/* hold releases, in order */
	int nreleases;
	struct filter_hold *holds;	/* apply mode: held rows of the
					 * subjects erased (note_holds,
					 * note_kept_holds) */
	int nholds;
	struct filter_stats st;
	struct sqlfn_ctx fn;		/* for databases being filtered */
	int hostile;			/* the failure was bad input data */
};

/*
 * filter_init: load every tombstone of ledger l into f, for cfg and key k
 * as of now, in mode.  Returns 0, or -1 after reporting.  Release with
 * filter_release.
 */
int filter_init(struct filter *f, struct ledger *l, const struct config *cfg,
		const struct key *k, int64_t now, int mode);
void filter_release(struct filter *f);

/*
 * filter_append_holds: in the open transaction of ledger l, a `hold`
 * event for each of f->holds, unless the ledger holds an open one for
 * that subject and table (a restore before, another database of the
 * same archive): should the filtered data become the live store, a run
 * releases those rows when the hold ends.  Returns 0, or -1 after
 * reporting.
 */
int filter_append_holds(const struct filter *f, struct ledger *l);

/* filter_set_rule: which erasures match by identifier (see enum). */
void filter_set_rule(struct filter *f, int rule, int64_t seq,
		     int64_t taken_at);

/* filter_rule_text: the rule in words into buf (n bytes); returns buf. */
char *filter_rule_text(const struct filter *f, char *buf, size_t n);

/*
 * filter_tree: filter the staged tree at root, whose files index lists
 * (table entries: path, type).  Returns 0, or -1 after reporting (with
 * f->hostile set when the data is at fault: a corrupt database, residue
 * that cannot be removed).
 */
int filter_tree(struct filter *f, const char *root, sqlite3 *index);

/*
 * filter_drops: whether filter_tree drops (or, counting, would drop) the
 * entry rel of the tree it filtered, whose lstat is st: a per-subject
 * path of an erased subject, a folder of one, or a hard link to a file
 * dropped so.  Call after filter_tree.
 */
int filter_drops(struct filter *f, const char *rel, const struct stat *st);

/*
 * filter_live_files: the live file trees' part of erasing n subjects
 * (sids[i], or NULL, with identifier hash lists ids[i]): their
 * per-subject paths removed (files_erase_batch), and the records holding
 * their identifiers dropped from the structured files ([files] with a
 * format, under the config's folder), each file rewritten durably; with
 * dry, only say what would go.  Returns 0, or -1 after reporting.
 */
int filter_live_files(const struct config *cfg, const struct key *k,
		      int64_t now, int n, char *const *sids,
		      char *const *ids, int dry);

/*
 * filter_print_hits: with print_hits, the findings to out, one line each,
 * in tombstone seq order (in the order found within one tombstone).
 */
void filter_print_hits(struct filter *f, FILE *out);

/* filter_hits: the number of tombstones found at least once. */
int64_t filter_hits(const struct filter *f);

#endif
