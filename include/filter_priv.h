/*
 * filter_priv.h: the filter's parts, shared by filter*.c only.
 */
#ifndef FILTER_PRIV_H
#define FILTER_PRIV_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "dbcopy.h"
#include "filter.h"
#include "rowset.h"
#include "strset.h"

#include "scan.h"

/* filter_has_newer: whether any erasure matches by identifier. */
int filter_has_newer(const struct filter *f);

/* filter_sid: the tombstone index of subject sid, or -1. */
int filter_sid(const struct filter *f, const char *sid);

/*
 * filter_note_subject: subject sid was erased from a restored database
 * by identifier under tombstone t; its per-subject paths go too.
 */
void filter_note_subject(struct filter *f, const char *sid, int t);

/* filter_by_ident: whether subject sid was noted as matched by
 * identifier (filter_note_subject), in this or another database. */
int filter_by_ident(const struct filter *f, const char *sid);

/* filter_ident: the newer tombstone index of an identifier, or -1. */
int filter_ident(const struct filter *f, const char *type, const char *norm);

/*
 * filter_scan: the identifiers of newer erasures in text[0..n), into sp
 * (emptied first; each span's tag is its tombstone).  Returns the number
 * found.
 */
int filter_scan(const struct filter *f, const char *text, size_t n,
		struct spans *sp);

/*
 * filter_hit: note that tombstone t was found in entry rel; in count mode
 * with print_hits, print a line describing it (what, printf-style).
 */
void filter_hit(struct filter *f, int t, const char *rel, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

/*
 * filter_scan_name: filter_scan of a path or link target (sp emptied
 * first; offsets into name), where a component such as
 * "alice@example.com.txt" is also read without its extensions.  Returns
 * the number found.
 */
int filter_scan_name(const struct filter *f, const char *name,
		     struct spans *sp);

/*
 * filter_shown: rel as messages show it: control characters escaped and
 * every identifier of a newer erasure replaced by "[erased]", so that a
 * file named after an erased person does not name them.  A static buffer
 * (two in turn).
 */
const char *filter_shown(const struct filter *f, const char *rel);

/* filter_residue: report residue of tombstone t in rel (what); counts it. */
void filter_residue(struct filter *f, int t, const char *rel,
		    const char *what);

/*
 * filter_raw_start: start scanning the database file full for residue
 * by reading its b-tree pages directly, in threads (index pages too when
 * indexes is set: the database has WITHOUT ROWID tables).  The file must
 * not change until filter_raw_wait; reading it (VACUUM INTO) may go on.
 * Never NULL.
 *
 * filter_raw_wait: wait for the scan and free it.  Returns 1 when every
 * value was read and none holds an identifier of a newer erasure; 0 when
 * one does, or the file holds what this reader does not cover (overflow
 * pages, UTF-16 text, pointer maps): scan it through SQLite then; -1
 * after reporting an I/O error.
 */
struct raw_scan;
struct raw_scan *filter_raw_start(const struct filter *f, const char *full,
				  int indexes);
int filter_raw_wait(struct raw_scan *s);

/*
 * filter_raw_feed_start: scan pages of size bytes (UTF-8, no reserved
 * bytes, index pages too with indexes) for residue as they are handed
 * over with filter_raw_feed (p holds n pages from page number first;
 * copied, so p may be reused on return; the lock page lock_page is not
 * read), in threads of their own.  filter_raw_feed_finish: wait for the
 * scan and free it: the answers of filter_raw_wait (1 clean, 0 a
 * candidate or what this reader does not cover, -1 an error reported).
 */
struct raw_feed;
struct raw_feed *filter_raw_feed_start(const struct filter *f, uint32_t size,
				       int indexes, uint64_t lock_page);
void filter_raw_feed(struct raw_feed *fd, const unsigned char *p,
		     uint64_t first, uint32_t n);
int filter_raw_feed_finish(struct raw_feed *fd);

/*
 * filter_open_db: open the database at full from an archive defensively
 * (defensive mode, no trusted schema, triggers, views or extensions, cell
 * size checks, no mmap, a progress handler bounding the work against
 * *deadline, which must outlive the connection), read-only or not, into
 * *db (close it whatever the outcome).  Returns SQLITE_OK or SQLite's
 * error code.
 */
int filter_open_db(const char *full, int readonly, time_t *deadline,
		   sqlite3 **db);

/* A quick_check of a database running in a thread of its own. */
struct db_check {
	char *full;
	pthread_t thread;
	int started;
	int running;		/* not joined yet */
	int ok;			/* quick_check said "ok" */
	int reported;		/* the caller has reported a failure */
	char why[512];		/* else what it said, or SQLite's error */
	time_t deadline;
};

/*
 * filter_check_start: start quick_check of the database at full on a
 * read-only connection of its own; c is filled here.  Returns 0, or -1
 * after reporting (no thread started).
 */
int filter_check_start(struct db_check *c, const char *full);

/*
 * filter_check_wait: wait for c's quick_check.  Returns 1 if it said
 * "ok", 0 if not (c->why says why), -1 if c was never started (a zeroed
 * c).  Calling it again returns the same.
 */
int filter_check_wait(struct db_check *c);

/*
 * filter_scan_db: residue in every table of db (rel, the entry; datamap:
 * a data-map database, whose redact columns are rewritten in apply
 * mode); *fatal is set for residue that stays.  Returns 0, or -1 after
 * reporting.
 */
int filter_scan_db(struct filter *f, sqlite3 *db, const char *rel,
		   int datamap, int *fatal);

/* The rows a filtered database leaves out, by table (dbcopy.h). */
struct filter_drops {
	struct dbcopy_drop *v;		/* tables and their sets */
	int n;
	struct rowset **sets;		/* by tally index, for the eraser */
	int *field;			/* by tally index: the subject column
					 * the copier matches, or -1 */
	struct strset *sids;		/* the erased subjects' ids */
};

/*
 * filter_drops_init: empty sets for the data map's tables and the
 * [purge] tables of cfg (which must outlive d), and for the erased
 * subjects' ids; filter_drops_release frees them.  filter_drops_for: the
 * set of table (made if new; the name must outlive d).
 */
void filter_drops_init(struct filter_drops *d, const struct config *cfg);
void filter_drops_release(struct filter_drops *d);
struct rowset *filter_drops_for(struct filter_drops *d, const char *table);

/*
 * filter_copy: apply mode: replace the database at full (open as *db,
 * which this closes; no transaction open) by its filtered copy: without
 * the rows d leaves out (by rowid, and by subject column: counted into
 * f's tallies), scanned for residue (redactions written; *fatal
 * set for residue that stays, the copy then in place for the caller to
 * drop or the restore to fail on).  Returns 0, or -1 after reporting.
 */
int filter_copy(struct filter *f, sqlite3 **db, const char *rel,
		const char *full, int datamap, struct filter_drops *d,
		int *fatal);

/* The files SQLite keeps beside a database, by the ends of their names. */
#define FILTER_SIDECARS 3
extern const char *const filter_sidecars[FILTER_SIDECARS];

/*
 * filter_finish: move full.lethe-vacuum into place as full, and remove
 * full's sidecars.  Returns 0, or -1 after reporting.
 * filter_drop_sidecars: remove full's sidecars (-wal, -shm, -journal).
 * filter_drop_files: remove full and its sidecars.
 */
int filter_finish(const char *full);
void filter_drop_sidecars(const char *full);
void filter_drop_files(const char *full);

/* The parts: a database, a structured file, any other file. */
int filter_db(struct filter *f, const char *rel, const char *full);
int filter_structured(struct filter *f, const char *rel, const char *full,
		      const struct files_rule *r);
int filter_plain(struct filter *f, const char *rel, const char *full);

#endif
