/*
 * stage.h: an archive read into a staging folder, with the replay rule
 * decided: what restore, scrub and inspect all start with.
 */
#ifndef STAGE_H
#define STAGE_H

#include <stdio.h>

#include "cmd.h"
#include "extract.h"
#include "filter.h"
#include "manifest.h"

/* Why staging failed: bad input data, an I/O error. */
enum stage_error { STAGE_OK, STAGE_DATA, STAGE_IO };

struct staged {
	char *dir;		/* the staging folder; removed by release */
	struct extract x;
	struct manifest m;
	int lethe;		/* the archive has a verified lethe manifest */
	int error;		/* enum stage_error, when staging failed */
};

/*
 * stage_archive: make a staging folder in folder parent, extract src
 * ("-": standard input) into it under the guard, verify a lethe manifest
 * if there is one, and set f's rule: the manifest's seq, else --taken-at
 * (*taken_at, or NULL), else every erasure.  Returns 0, or -1 after
 * reporting, with s->error saying whose fault it was (STAGE_DATA: hostile
 * or corrupt input, or a manifest seq above the ledger head).
 */
int stage_archive(struct ctx *c, const char *src, const char *parent,
		  const int64_t *taken_at, struct filter *f, struct staged *s);

/*
 * stage_taken_at: read --taken-at's arg (NULL: not given) for command
 * cmd into *t; *given is t, or NULL.  Returns 0, or -1 after reporting
 * (a usage error).
 */
int stage_taken_at(const char *cmd, const char *arg, int64_t *t,
		   const int64_t **given);

/* stage_release: remove the staging folder (if any) and free s. */
void stage_release(struct staged *s);

/*
 * stage_summary: describe what the filter did (or would do) to fp.
 */
void stage_summary(FILE *fp, const struct staged *s, const struct filter *f,
		   int dry);

/*
 * stage_event_data: the fields a restore or scrub event records, as an
 * open JSON object: the archive's SHA-256 and format, the rule, rows per
 * data-map table ("tables"), rows purged per [purge] table
 * ("purged_tables") and in all ("purged"), subjects, files and records
 * dropped; the caller adds its own fields and the closing brace.
 */
void stage_event_data(const struct staged *s, const struct filter *f,
		      struct strbuf *sb);

#endif
