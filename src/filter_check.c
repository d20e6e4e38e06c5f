/*
 * filter_check.c: opening a database found in an archive defensively, and
 * its quick_check run in a thread of its own.
 *
 * The filter's first steps on a database only read it (the data map
 * checked, the subjects matched to the tombstones); quick_check reads the
 * whole file.  They run side by side on two connections, and nothing is
 * changed in the database before quick_check has said "ok".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter_priv.h"
#include "log.h"
#include "util.h"
#include "banned.h"

#define WORK_SECONDS 3600	/* the progress handler's bound per database */

static int
progress(void *arg)
{
	const time_t *deadline = arg;

	return time(NULL) > *deadline;
}

int
filter_open_db(const char *full, int readonly, time_t *deadline,
	       sqlite3 **dbp)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_NOFOLLOW |
		    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	int rc;

	rc = sqlite3_open_v2(full, &db, flags, NULL);
	*dbp = db;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(db, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
			  (int *)NULL);
	*deadline = time(NULL) + WORK_SECONDS;
	sqlite3_progress_handler(db, 100000, progress, deadline);
	/* secure_delete is needless: the copy is vacuumed into a new file */
	return sqlite3_exec(db, "PRAGMA cell_size_check = ON; PRAGMA "
				"mmap_size = 0; PRAGMA foreign_keys = OFF; "
				"PRAGMA secure_delete = OFF; PRAGMA cache_size "
				"= -49152; PRAGMA temp.cache_size = -16384;",
			    NULL, NULL, NULL);
}

/* check_run: the thread: quick_check on a read-only connection. */
static void *
check_run(void *arg)
{
	struct db_check *c = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *line;

	/* a smaller page cache than the filter's: it walks each b-tree once */
	if (filter_open_db(c->full, 1, &c->deadline, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA cache_size = -16384", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(c->why, sizeof(c->why), "%s",
			 db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	line = sqlite3_column_text(st, 0);
	c->ok = line != NULL && strcmp((const char *)line, "ok") == 0;
	if (!c->ok) {
		char *nl;

		snprintf(c->why, sizeof(c->why), "%s",
			 line ? (const char *)line : "no answer");
		for (nl = c->why; (nl = strchr(nl, '\n')) != NULL;)
			*nl = ' ';	/* its lines on one line */
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

int
filter_check_start(struct db_check *c, const char *full)
{
	int e;

	memset(c, 0, sizeof(*c));
	c->full = xstrdup(full);
	e = pthread_create(&c->thread, NULL, check_run, c);
	if (e != 0) {
		log_err("cannot start a thread: %s", strerror(e));
		free(c->full);
		c->full = NULL;
		return -1;
	}
	c->started = c->running = 1;
	return 0;
}

int
filter_check_wait(struct db_check *c)
{
	if (!c->started)
		return -1;
	if (c->running) {
		pthread_join(c->thread, NULL);
		c->running = 0;
		free(c->full);
		c->full = NULL;
	}
	return c->ok;
}
