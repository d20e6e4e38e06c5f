/*
 * test_walbuf.c: a connection whose WAL writes are gathered (walbuf.h)
 * loses nothing: another connection sees each commit whole as soon as it
 * returns, a transaction that spills reads its own pages back, a rolled
 * back one leaves nothing, a process killed after its commits leaves
 * them all in the files, and a write that fails fails the commit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tap.h"
#include "testutil.h"
#include "walbuf.h"

#define ROWS 40			/* rows a transaction */
/* a row's text: 3000 bytes, most of a 4 KiB page, all one letter set
 * by its tag and the round it was written in */
#define ROW_TEXT "replace(hex(zeroblob(1500)), '0', char(65 + (%s) %% 26))"

/* open_db: path, through the VFS vfs (NULL: the default). */
static sqlite3 *
open_db(const char *path, const char *vfs)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    vfs) != SQLITE_OK) {
		fprintf(stderr, "open %s: %s\n", path, sqlite3_errmsg(db));
		exit(2);
	}
	return db;
}

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* one_int: the first column of sql's first row, or -1. */
static long long
one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* add_rows: insert ROWS rows tagged tag, written in round 0. */
static int
add_rows(sqlite3 *db, int tag)
{
	char sql[300], tag_text[16];

	snprintf(tag_text, sizeof(tag_text), "%d", tag);
	snprintf(sql, sizeof(sql),
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		 "FROM n WHERE i < %d) INSERT INTO t(tag, round, x) SELECT "
		 "%d, 0, " ROW_TEXT " FROM n",
		 ROWS, tag, tag_text);
	return exec(db, sql);
}

/* rewrite: every row written again in round round. */
static int
rewrite(sqlite3 *db, int round)
{
	char sql[300], text[32];

	/* (in SET, round is the row's old one) */
	snprintf(text, sizeof(text), "tag + %d", round);
	snprintf(sql, sizeof(sql), "UPDATE t SET round = %d, x = " ROW_TEXT,
		 round, text);
	return exec(db, sql);
}

/* sound: whether db reads as whole: its integrity, rows rows, and each
 * row's text as its tag and round say */
static int
sound(sqlite3 *db, long long rows)
{
	char sql[300];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM t WHERE x = " ROW_TEXT, "tag + round");
	return one_int(db, "SELECT count(*) FROM pragma_integrity_check "
			   "WHERE integrity_check <> 'ok'") == 0 &&
	       one_int(db, "SELECT count(*) FROM t") == rows &&
	       one_int(db, sql) == rows;
}

static void
test_commits_seen(const char *dir)
{
	char path[256];
	sqlite3 *w, *r;
	int i, ok = 1, rc = 0;

	snprintf(path, sizeof(path), "%s/seen.db", dir);
	w = open_db(path, WALBUF_VFS);
	r = open_db(path, NULL);
	rc |= exec(w, "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
		      "NORMAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE "
		      "t(tag INTEGER, round INTEGER, x TEXT)");
	for (i = 1; i <= 30; i++) {
		rc |= exec(w, "BEGIN");
		rc |= add_rows(w, i);
		rc |= exec(w, "COMMIT");
		if (!sound(r, (long long)i * ROWS))
			ok = 0;
		/* a checkpoint now and then: the WAL starts over */
		if (i % 10 == 0)
			rc |= exec(r, "PRAGMA wal_checkpoint(PASSIVE)");
	}
	CHECK(rc == 0, "commits through the VFS succeed");
	CHECK(ok, "another connection sees each commit whole at once");

	/* a cache of 10 pages: the transaction spills to the WAL */
	rc = exec(w, "PRAGMA cache_size = 10; BEGIN");
	for (i = 0; i < 5; i++)
		rc |= add_rows(w, 100 + i);
	CHECK(rc == 0 && sound(w, 35 * ROWS),
	      "a spilling transaction reads its own pages back");
	CHECK(sound(r, 30 * ROWS), "others do not see it uncommitted");
	CHECK(exec(w, "ROLLBACK") == 0 && sound(w, 30 * ROWS) &&
		      sound(r, 30 * ROWS),
	      "rolled back, it leaves nothing");
	rc = exec(w, "BEGIN");
	for (i = 0; i < 5; i++)
		rc |= add_rows(w, 200 + i);
	rc |= exec(w, "COMMIT");
	CHECK(rc == 0 && sound(r, 35 * ROWS), "then a spilled commit is seen");
	/* pages spilled, changed and spilled again: frames written over */
	rc = exec(w, "BEGIN");
	for (i = 1; i <= 4; i++)
		rc |= rewrite(w, i);
	CHECK(rc == 0 && sound(w, 35 * ROWS),
	      "a transaction writing its frames again reads them back");
	rc |= exec(w, "COMMIT");
	CHECK(rc == 0 && sound(r, 35 * ROWS) &&
		      one_int(r, "SELECT count(*) FROM t WHERE round = 4") ==
			      35 * ROWS,
	      "and others see its last writes once it commits");
	sqlite3_close(r);
	sqlite3_close(w);
}

/*
 * test_rolled_back: frames a rolled-back transaction spilled are never
 * written later over what another connection committed meanwhile.
 */
static void
test_rolled_back(const char *dir)
{
	char path[256];
	sqlite3 *w, *r;
	int i, rc;

	snprintf(path, sizeof(path), "%s/rolled.db", dir);
	w = open_db(path, WALBUF_VFS);
	r = open_db(path, NULL);
	rc = exec(w, "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
		     "NORMAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE "
		     "t(tag INTEGER, round INTEGER, x TEXT); PRAGMA "
		     "cache_size = 10");
	rc |= exec(r, "PRAGMA wal_autocheckpoint = 0");
	/* every page in the database file: the rollback reads none of
	 * the WAL back */
	rc |= exec(r, "PRAGMA wal_checkpoint(TRUNCATE)");
	rc |= exec(w, "BEGIN") | add_rows(w, 1) | add_rows(w, 2) |
	      exec(w, "ROLLBACK");
	/* the other connection writes where the spilled frames were */
	for (i = 0; i < 3; i++)
		rc |= exec(r, "BEGIN") | add_rows(r, 10 + i) |
		      exec(r, "COMMIT");
	/* then the first writes again, and closes */
	rc |= exec(w, "BEGIN") | add_rows(w, 20) | exec(w, "COMMIT");
	sqlite3_close(w);
	/* read from the files, by a connection with nothing cached */
	w = open_db(path, NULL);
	CHECK(rc == 0 && sound(w, 4 * ROWS),
	      "a rolled-back transaction's spilled frames never land on "
	      "another writer's");
	sqlite3_close(w);
	sqlite3_close(r);
}

/* What a child does before it dies (in_child). */
enum child {
	PLAIN,		/* commits, nothing more */
	FAILING,	/* then one more, whose write fails */
	REWRITING,	/* then one that spills, writes its frames again and
			 * commits (its checksums are rewritten), and one
			 * more */
	SPILL_FAILS,	/* then one whose spilled frames cannot be written
			 * (a read writes them out), then tries to commit
			 * with the disk writable again */
	PADDED,		/* commits with synchronous FULL on a file without
			 * powersafe overwrite: frames padded, split at a
			 * sync point; another connection checks each */
};

/*
 * in_child: in a child, open path through the VFS, run commits commits
 * and what how says, then die without closing (nothing checkpointed).
 * Returns the child's exit status: 0 if all went as meant.
 */
static int
in_child(const char *path, int commits, enum child how)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		exit(2);
	if (pid == 0) {
		sqlite3 *w = NULL, *r;
		struct stat st;
		char wal[300], uri[300];
		int i, rc;

		snprintf(uri, sizeof(uri), "file:%s%s", path,
			 how == PADDED ? "?psow=0" : "");
		if (sqlite3_open_v2(uri, &w, SQLITE_OPEN_READWRITE |
				    SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
				    WALBUF_VFS) != SQLITE_OK)
			_exit(3);
		rc = exec(w, how == PADDED ? "PRAGMA journal_mode = WAL; "
					     "PRAGMA synchronous = FULL"
					   : "PRAGMA journal_mode = WAL; "
					     "PRAGMA synchronous = NORMAL");
		rc |= exec(w, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE "
			      "IF NOT EXISTS t(tag INTEGER, round INTEGER, "
			      "x TEXT)");
		r = open_db(path, NULL);
		for (i = 0; i < commits; i++) {
			rc |= exec(w, "BEGIN") | add_rows(w, i) |
			      exec(w, "COMMIT");
			if (how == PADDED && !sound(r, (i + 1) * ROWS))
				_exit(6);
		}
		if (how == FAILING || how == SPILL_FAILS) {
			struct rlimit lim;

			snprintf(wal, sizeof(wal), "%s-wal", path);
			if (stat(wal, &st) != 0)
				_exit(3);
			signal(SIGXFSZ, SIG_IGN);
			getrlimit(RLIMIT_FSIZE, &lim);
			lim.rlim_cur = (rlim_t)st.st_size + 50000;
			setrlimit(RLIMIT_FSIZE, &lim);
		}
		/* must fail: its frames go past the limit */
		if (how == FAILING &&
		    (exec(w, "BEGIN") != 0 || add_rows(w, 999) != 0 ||
		     exec(w, "COMMIT") == SQLITE_OK))
			_exit(4);
		if (how == SPILL_FAILS) {
			struct rlimit lim;

			rc |= exec(w, "PRAGMA cache_size = 10; BEGIN");
			for (i = 0; i < 3; i++)
				(void)add_rows(w, 900 + i);
			getrlimit(RLIMIT_FSIZE, &lim);
			lim.rlim_cur = lim.rlim_max;
			setrlimit(RLIMIT_FSIZE, &lim);
			/* frames were lost: it must not commit */
			if (exec(w, "COMMIT") == SQLITE_OK)
				_exit(4);
		}
		if (how == REWRITING) {
			rc |= exec(w, "PRAGMA cache_size = 10; BEGIN") |
			      add_rows(w, 500) | rewrite(w, 1) |
			      rewrite(w, 2) | exec(w, "COMMIT");
			rc |= exec(w, "BEGIN") | add_rows(w, 501) |
			      exec(w, "COMMIT");
		}
		/* dies as if killed: nothing closed, nothing checkpointed */
		_exit(rc == 0 ? 0 : 5);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * killed: run in_child on a new file name (under dir) as how says, then
 * read what it left from the files, by a connection of the default VFS
 * that recovers the WAL: whether that is sound with rows rows.
 */
static int
killed(const char *dir, const char *name, int commits, enum child how,
       long long rows)
{
	char path[256];
	sqlite3 *r;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (in_child(path, commits, how) != 0)
		return 0;
	r = open_db(path, NULL);
	ok = sound(r, rows);
	sqlite3_close(r);
	return ok;
}

static void
test_killed(const char *dir)
{
	CHECK(killed(dir, "killed.db", 12, PLAIN, 12 * ROWS),
	      "every commit of a killed process stays");
	CHECK(killed(dir, "full.db", 3, FAILING, 3 * ROWS),
	      "a commit whose write fails fails, and leaves the commits "
	      "before it whole");
	CHECK(killed(dir, "spill.db", 3, SPILL_FAILS, 3 * ROWS),
	      "a transaction whose spilled frames could not be written "
	      "cannot commit");
	CHECK(killed(dir, "rewrite.db", 3, REWRITING, 5 * ROWS),
	      "a commit whose frames were written again and checksums "
	      "rewritten stays, and the one after it");
	CHECK(killed(dir, "padded.db", 20, PADDED, 20 * ROWS),
	      "padded commits, split at a sync point, are seen whole at "
	      "once and stay");
}

int
main(void)
{
	char dir[] = "/tmp/test_walbuf.XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 2;
	CHECK(walbuf_register() == 0 && sqlite3_vfs_find(WALBUF_VFS) != NULL,
	      "the VFS is registered");
	CHECK(walbuf_register() == 0, "registering twice does no harm");
	test_commits_seen(dir);
	test_rolled_back(dir);
	test_killed(dir);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
