/*
 * filter_copy.c: the filtered copy of a restored database.
 *
 * Erasing a person from a restored database must leave nothing of them
 * in its bytes (law 6), so every database the filter keeps is rewritten
 * into a fresh file.  The eraser does not delete the rows it erases from
 * plain rowid tables: it collects their rowids (eraser_collect), and the
 * copier (dbcopy.h) writes the database without them in one pass, which
 * is much faster than deleting each row from its b-tree and vacuuming.
 * Where the copier does not cover the file, the rows are deleted through
 * SQLite and the database is copied with VACUUM INTO.  Either way the copy
 * is then scanned for residue: its pages read directly (filter_raw.c),
 * and through SQLite where that does not answer (redactions written, and
 * the copy made again).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "dbcopy.h"
#include "extract.h"
#include "filter_priv.h"
#include "hashset.h"
#include "log.h"
#include "rowset.h"
#include "sqlfmt.h"
#include "sqlfn.h"
#include "util.h"
#include "banned.h"

/* add_table: the set of table name in d, made if new. */
static struct rowset *
add_table(struct filter_drops *d, const char *name)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (strcasecmp(d->v[i].table, name) == 0)
			return d->v[i].rows;
	d->v = xrealloc(d->v, sizeof(*d->v) * (size_t)(d->n + 1));
	memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
	d->v[d->n].table = name;
	d->v[d->n].rows = rowset_new();
	d->v[d->n].column = -1;
	return d->v[d->n++].rows;
}

void
filter_drops_init(struct filter_drops *d, const struct config *cfg)
{
	int i;

	memset(d, 0, sizeof(*d));
	d->sets = xcalloc((size_t)cfg->ntables + 1, sizeof(*d->sets));
	d->field = xcalloc((size_t)cfg->ntables + 1, sizeof(*d->field));
	d->sids = strset_new();
	for (i = 0; i <= cfg->ntables; i++) {
		d->sets[i] = add_table(d, tally_name(cfg, i));
		d->field[i] = -1;
	}
	for (i = 0; i < cfg->npurges; i++)
		add_table(d, cfg->purges[i].name);
}

void
filter_drops_release(struct filter_drops *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		rowset_free(d->v[i].rows);
	free(d->v);
	free(d->sets);
	free(d->field);
	strset_free(d->sids);
	memset(d, 0, sizeof(*d));
}

struct rowset *
filter_drops_for(struct filter_drops *d, const char *table)
{
	return add_table(d, table);
}

/* fn_dropped: lethe_dropped(ROWID): 1 if ROWID is in the set. */
static void
fn_dropped(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(cx, rowset_has(sqlite3_user_data(cx),
					  sqlite3_value_int64(argv[0])));
}

/* delete_dropped: delete the rows d leaves out through SQLite. */
static int
delete_dropped(sqlite3 *db, const struct filter_drops *d)
{
	struct strbuf sql = STRBUF_INIT;
	int i, rc = 0;

	for (i = 0; i < d->n && rc == 0; i++) {
		if (rowset_count(d->v[i].rows) == 0)
			continue;
		if (sqlite3_create_function(db, "lethe_dropped", 1,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY,
					    (void *)d->v[i].rows, fn_dropped,
					    NULL, NULL) != SQLITE_OK) {
			rc = db_fail(db, "erase");
			break;
		}
		sb_reset(&sql);
		sb_adds(&sql, "DELETE FROM main.");
		sb_add_ident(&sql, d->v[i].table);
		sb_adds(&sql, " WHERE lethe_dropped(rowid)");
		rc = db_exec(db, sb_str(&sql), "erase");
	}
	sqlite3_create_function(db, "lethe_dropped", 1, SQLITE_UTF8, NULL,
				NULL, NULL, NULL);
	sb_release(&sql);
	return rc;
}

/* vacuum: write the database at full (rel in f's tree) into
 * full.lethe-vacuum. */
static int
vacuum(const struct filter *f, sqlite3 *db, const char *rel,
       const char *full)
{
	sqlite3_stmt *st = NULL;
	struct stat before;
	char *tmp = xasprintf("%s.lethe-vacuum", full);
	int rc = -1;

	unlink(tmp);
	/* a sequential copy: a small page cache (the copy's is the same) */
	if (db_exec(db, "PRAGMA cache_size = -8192", "vacuum") != 0)
		goto done;
	st = db_prepare(db, "VACUUM INTO ?1");
	if (st == NULL)
		goto done;
	sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("cannot vacuum '%s': %s", filter_shown(f, rel),
			sqlite3_errmsg(db));
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	if (rc == 0 && stat(full, &before) == 0)
		chmod(tmp, before.st_mode & 0777);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

const char *const filter_sidecars[FILTER_SIDECARS] = {
	"-wal", "-shm", "-journal"
};

void
filter_drop_sidecars(const char *full)
{
	char *side;
	int i;

	for (i = 0; i < FILTER_SIDECARS; i++) {
		side = xasprintf("%s%s", full, filter_sidecars[i]);
		unlink(side);
		free(side);
	}
}

int
filter_finish(const char *full)
{
	char *tmp = xasprintf("%s.lethe-vacuum", full);
	int rc = 0;

	if (rename(tmp, full) != 0) {
		log_errno("cannot replace '%s'", full);
		rc = -1;
	}
	filter_drop_sidecars(full);
	free(tmp);
	return rc;
}

void
filter_drop_files(const char *full)
{
	unlink(full);
	filter_drop_sidecars(full);
}

/*
 * vacuum_scanned: vacuum the database at full into a fresh file while its
 * pages are scanned for residue (they are what VACUUM copies); when the
 * pages are not covered or hold a candidate, scan through SQLite, write
 * the redactions and vacuum again.
 */
static int
vacuum_scanned(struct filter *f, sqlite3 *db, const char *rel,
	       const char *full, int datamap, int wr, int *fatal)
{
	struct raw_scan *rs = NULL;
	int64_t redacted = f->st.redacted;
	int clean = 1;

	if (hashset_count(f->by_hash) > 0)
		rs = filter_raw_start(f, full, wr);
	if (vacuum(f, db, rel, full) != 0) {
		if (rs != NULL)
			filter_raw_wait(rs);
		return -1;
	}
	if (rs != NULL)
		clean = filter_raw_wait(rs);
	if (clean != 0)
		return clean < 0 ? -1 : 0;
	if (filter_scan_db(f, db, rel, datamap, fatal) != 0)
		return -1;
	if (*fatal || f->st.redacted == redacted)
		return 0;
	return vacuum(f, db, rel, full);
}

/*
 * scan_copy: residue in the copy at tmp, whose pages were read as it was
 * written (clean: the answer of filter_raw_feed_finish); when they were
 * not covered or hold a candidate, through SQLite, with the redactions
 * written and the copy vacuumed again.
 */
static int
scan_copy(struct filter *f, const char *rel, const char *tmp, int datamap,
	  int clean, int *fatal)
{
	sqlite3 *db = NULL;
	time_t deadline;
	int64_t redacted = f->st.redacted;
	int rc = -1;

	if (hashset_count(f->by_hash) == 0 || clean != 0)
		return clean < 0 ? -1 : 0;
	if (filter_open_db(tmp, 0, &deadline, &db) != SQLITE_OK ||
	    /* defensive mode allows no journal_mode = OFF */
	    sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA "
			     "synchronous = OFF;", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		log_err("cannot scan the copy of '%s': %s",
			filter_shown(f, rel), sqlite3_errmsg(db));
		goto done;
	}
	if (filter_scan_db(f, db, rel, datamap, fatal) != 0)
		goto done;
	if (!*fatal && f->st.redacted != redacted) {
		if (vacuum(f, db, rel, tmp) != 0)
			goto done;
		sqlite3_close(db);
		db = NULL;
		if (filter_finish(tmp) != 0)
			goto done;
	}
	rc = 0;
done:
	sqlite3_close(db);
	return rc;
}

/* A file's last reference, closed by a thread of its own. */
struct closer {
	pthread_t thread;
	int fd;
	int started;
};

static void *
close_fd(void *arg)
{
	close(((struct closer *)arg)->fd);
	return NULL;
}

/*
 * replace: move tmp over full (and drop full's sidecars); the old file's
 * blocks are freed by c's thread, closing its last reference, while the
 * caller goes on (a large file takes a while).  Returns 0, or -1 after
 * reporting.
 */
static int
replace(const char *full, const char *tmp, struct closer *c)
{
	c->fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (rename(tmp, full) != 0) {
		log_errno("cannot replace '%s'", full);
		if (c->fd >= 0)
			close(c->fd);
		return -1;
	}
	filter_drop_sidecars(full);
	if (c->fd >= 0 && pthread_create(&c->thread, NULL, close_fd, c) == 0)
		c->started = 1;
	else if (c->fd >= 0)
		close(c->fd);
	return 0;
}

/* drop_of: the entry of d for tally index i (the one holding its set). */
static struct dbcopy_drop *
drop_of(struct filter_drops *d, int i)
{
	int j;

	for (j = 0; j < d->n; j++)
		if (d->v[j].rows == d->sets[i])
			return &d->v[j];
	return NULL;
}

/* by_value: the copier is to leave out the rows of the tables d matches
 * by their subject column (d->field), when they hold one of d->sids. */
static void
by_value(const struct config *cfg, struct filter_drops *d)
{
	struct dbcopy_drop *v;
	int i;

	for (i = 0; i <= cfg->ntables; i++)
		if (d->field[i] >= 0 && (v = drop_of(d, i)) != NULL) {
			v->column = d->field[i];
			v->values = d->sids;
			v->matched = 0;
		}
}

/* counted: what the copier left out by value, into the tallies. */
static void
counted(struct filter *f, struct filter_drops *d)
{
	struct dbcopy_drop *v;
	int i;

	for (i = 0; i <= f->cfg->ntables; i++)
		if (d->field[i] >= 0 && (v = drop_of(d, i)) != NULL) {
			f->st.tally.rows[i] += v->matched;
			if (i == 0)
				f->st.subjects += v->matched;
		}
}

/*
 * delete_by_value: without the copier, delete the rows of the tables d
 * matches by their subject column through SQLite, counted in the tallies.
 */
static int
delete_by_value(struct filter *f, sqlite3 *db, const struct filter_drops *d)
{
	const struct config *cfg = f->cfg;
	struct strbuf sql = STRBUF_INIT;
	int i, rc = 0;

	if (sqlfn_register_set(db, "lethe_in_set", d->sids) != 0)
		return -1;
	for (i = 0; i <= cfg->ntables && rc == 0; i++) {
		if (d->field[i] < 0)
			continue;
		sb_reset(&sql);
		sb_adds(&sql, "DELETE FROM main.");
		sb_add_ident(&sql, tally_name(cfg, i));
		sb_adds(&sql, " NOT INDEXED WHERE lethe_in_set(");
		sb_add_ident(&sql, i == 0 ? cfg->subj_id
					  : cfg->tables[i - 1].subject);
		sb_adds(&sql, ")");
		rc = db_exec(db, sb_str(&sql), "erase");
		if (rc == 0) {
			f->st.tally.rows[i] += sqlite3_changes64(db);
			if (i == 0)
				f->st.subjects += sqlite3_changes64(db);
		}
	}
	sqlfn_register_set(db, "lethe_in_set", NULL);
	sb_release(&sql);
	return rc;
}

/* tap_pages: dbcopy's tap: the pages written go to the residue scan. */
static void
tap_pages(void *arg, const unsigned char *p, uint32_t first, uint32_t n)
{
	filter_raw_feed(arg, p, first, n);
}

/* page_size: the page size in the header of the database at full, or 0. */
static uint32_t
page_size(const char *full)
{
	unsigned char head[18];
	uint32_t size = 0;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 &&
	    pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head))
		size = sqlfmt_page_size(head);
	if (fd >= 0)
		close(fd);
	return size >= 512 ? size : 0;
}

int
filter_copy(struct filter *f, sqlite3 **db, const char *rel, const char *full,
	    int datamap, struct filter_drops *d, int *fatal)
{
	char *tmp = xasprintf("%s.lethe-vacuum", full), why[256];
	struct raw_feed *feed = NULL;
	struct dbcopy_tap tap;
	struct closer c;
	struct stat st;
	uint32_t size;
	int64_t wr;
	int r, clean, rc = -1;

	memset(&c, 0, sizeof(c));
	/* WITHOUT ROWID tables keep values in index pages: read those too */
	if (db_int(*db, "SELECT count(*) FROM pragma_table_list WHERE schema "
			"= 'main' AND wr", &wr) != 0)
		goto done;
	by_value(f->cfg, d);
	/* the copy's pages scanned for residue as they are written */
	if (hashset_count(f->by_hash) > 0 && (size = page_size(full)) > 0) {
		feed = filter_raw_feed_start(f, size, wr > 0,
					     dbcopy_lock_page(size));
		tap.pages = tap_pages;
		tap.arg = feed;
	}
	r = dbcopy(full, tmp, d->v, d->n, feed ? &tap : NULL, why,
		   sizeof(why));
	clean = feed ? filter_raw_feed_finish(feed) : 0;
	if (r < 0)
		goto done;
	if (r == 1) {
		counted(f, d);
		if (stat(full, &st) == 0)
			chmod(tmp, st.st_mode & 0777);
		sqlite3_close(*db);
		*db = NULL;
		if (replace(full, tmp, &c) == 0)
			rc = scan_copy(f, rel, full, datamap, clean, fatal);
		goto done;
	}
	if (delete_by_value(f, *db, d) != 0 || delete_dropped(*db, d) != 0 ||
	    vacuum_scanned(f, *db, rel, full, datamap, wr > 0, fatal) != 0)
		goto done;
	sqlite3_close(*db);
	*db = NULL;
	if (*fatal) {
		unlink(tmp);
		rc = 0;
		goto done;
	}
	rc = filter_finish(full);
done:
	if (c.started)
		pthread_join(c.thread, NULL);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
