/*
 * ctx.c: providing what a command needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "fsutil.h"
#include "files.h"
#include "leftover.h"
#include "lethe.h"
#include "live.h"
#include "lock.h"
#include "log.h"
#include "opt.h"
#include "banned.h"

/* What check_live is told and tells. */
struct live_check {
	int required;		/* NEED_LIVE: the store must be there */
	int busy;		/* set: the store stayed locked */
};

/*
 * store_busy: whether the database at path stays locked by another
 * process (the application) through the live store's busy timeout: for
 * reading, and when write is set, for writing too (a WAL-mode store's
 * readers go on while a writer holds it).  Nothing is written.
 */
static int
store_busy(const char *path, int write)
{
	sqlite3 *db = NULL;
	int r;

	if (sqlite3_open_v2(path, &db,
			    live_open_flags(path, write) | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	sqlite3_busy_timeout(db, LIVE_BUSY_MS);
	r = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
			 NULL);
	if (r == SQLITE_OK && write) {
		r = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return (r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED;
}

/* busy_error: say that another process kept the live store at path
 * (what: "it locked", "its write lock") through the busy timeout. */
static void
busy_error(const char *path, const char *what)
{
	log_err("live store '%s' is busy: another process kept %s for %d s; "
		"nothing was done, try again later", path, what,
		LIVE_BUSY_MS / 1000);
}

/*
 * check_live: the data map against the live store, as a config check.
 * With lc->required (NEED_LIVE), a store that is missing or cannot be
 * opened is an error; else (NEED_MAP) a store that is not there or not a
 * readable database is not checked.  A store the application keeps
 * locked is no config error: lc->busy is set (the command cannot run now)
 * when the store is required, else it is not checked, with a warning.
 * Returns the number of errors printed.
 */
static int
check_live(const struct config *cfg, void *arg)
{
	struct live_check *lc = arg;
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	sqlite3 *db;
	struct stat st;
	char what[4096];
	int errors;

	if (cfg->live_store == NULL)
		return 0;
	/* SQLite keeps -wal and -journal beside the name it opens: a link
	 * would split them from the application's */
	if (lstat(cfg->live_store, &st) == 0 && S_ISLNK(st.st_mode)) {
		log_err("%s:%d: [lethe] live_store: '%s' is a symbolic link; "
			"name the database file itself", cfg->path,
			config_key_line(cfg, "lethe", "live_store"),
			cfg->live_store);
		return 1;
	}
	if (stat(cfg->live_store, &st) != 0) {
		if (!lc->required)
			return 0;
		log_err("%s:%d: [lethe] live_store: cannot open '%s': %s",
			cfg->path, config_key_line(cfg, "lethe", "live_store"),
			cfg->live_store, strerror(errno));
		return 1;
	}
	/* (read: a dry run only reads it; a run finds out it cannot write
	 * when it starts to) */
	if (S_ISDIR(st.st_mode) ||
	    (lc->required && access(cfg->live_store, R_OK) != 0)) {
		log_err("%s:%d: [lethe] live_store: cannot open '%s': %s",
			cfg->path, config_key_line(cfg, "lethe", "live_store"),
			cfg->live_store, S_ISDIR(st.st_mode)
			? "it is a folder, not a SQLite database"
			: strerror(errno));
		return 1;
	}
	if (!lc->required && file_is_sqlite(cfg->live_store) != 1)
		return 0;
	if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    file_is_sqlite(cfg->live_store) == 0) {
		log_err("%s:%d: [lethe] live_store: '%s' is not a SQLite "
			"database", cfg->path,
			config_key_line(cfg, "lethe", "live_store"),
			cfg->live_store);
		return 1;
	}
	if (store_busy(cfg->live_store, 0)) {
		if (lc->required) {
			busy_error(cfg->live_store, "it locked");
			lc->busy = 1;
		} else {
			log_warn("live store '%s' is busy: the data map is "
				 "not checked against it", cfg->live_store);
		}
		return 0;
	}
	db = live_open(cfg->live_store, 0, &fn);
	if (db == NULL)
		return 1;
	snprintf(what, sizeof(what), "live store '%s'", cfg->live_store);
	errors = config_check_store(cfg, db, what, 0);
	sqlite3_close(db);
	return errors;
}

/* key_line: "FILE:LINE: [lethe] KEY" for messages about that key's file. */
static void
key_line(const struct config *cfg, const char *key, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%d: [lethe] %s", cfg->path,
		 config_key_line(cfg, "lethe", key), key);
}

/*
 * lock_file_bad: whether the lock file cannot be what it is (its folder
 * missing, or it is there and no regular file), said with its config
 * line (where: a buffer of n bytes).
 */
static int
lock_file_bad(const struct config *cfg, char *where, size_t n)
{
	char *dir = dir_of(cfg->lock_file);
	struct stat st;
	int bad = 1;

	key_line(cfg, "lock_file", where, n);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		log_err("%s: no folder '%s' for the lock file '%s'", where,
			dir, cfg->lock_file);
	else if (stat(cfg->lock_file, &st) == 0 && !S_ISREG(st.st_mode))
		log_err("%s: '%s' is not a file", where, cfg->lock_file);
	else
		bad = 0;
	free(dir);
	return bad;
}

/*
 * check_files: the key file and the ledger as config checks: each must be
 * there (with NEED_KEYLESS a key file that is not there, or cannot be
 * looked at, is passed over) and the key file as key_check_at wants it.
 * Returns the number of errors printed.
 */
static int
check_files(const struct config *cfg, int needs)
{
	char where[4200];
	struct stat st;
	int errors = 0, r, e;

	if (cfg->key_file != NULL) {
		key_line(cfg, "key_file", where, sizeof(where));
		r = key_check_at(cfg->key_file, where);
		e = errno;
		if (r < 0)
			errors++;
		else if (r > 0 && !(needs & NEED_KEYLESS)) {
			errors++;
			if (cfg->ledger != NULL &&
			    access(cfg->ledger, F_OK) == 0)
				/* init makes a key only with a new ledger */
				log_err("%s: cannot open key file '%s': %s; "
					"the ledger '%s' was made with a key: "
					"restore that key file from where it "
					"is kept ('lethe init' makes a key "
					"only with a new ledger: a new key "
					"would match none of its hashes)",
					where, cfg->key_file, strerror(e),
					cfg->ledger);
			else
				log_err("%s: cannot open key file '%s': %s; "
					"run 'lethe init' to create it", where,
					cfg->key_file, strerror(e));
		}
	}
	if ((needs & NEED_LOCK) && cfg->lock_file != NULL &&
	    lock_file_bad(cfg, where, sizeof(where)))
		errors++;
	if (cfg->ledger != NULL) {
		key_line(cfg, "ledger", where, sizeof(where));
		if (stat(cfg->ledger, &st) != 0) {
			log_err("%s: cannot open ledger '%s': %s; run 'lethe "
				"init' to create it", where, cfg->ledger,
				strerror(errno));
			errors++;
		} else if (!S_ISREG(st.st_mode)) {
			log_err("%s: ledger '%s' is not a file", where,
				cfg->ledger);
			errors++;
		}
	}
	return errors;
}

/* What check_config is told and tells. */
struct config_check {
	struct live_check lc;
	int needs;
};

/*
 * check_config: what the config names, checked beside the config's own
 * errors: the data map against the live store (NEED_LIVE, NEED_MAP), the
 * key file and the ledger (NEED_LEDGER).  Returns the errors printed.
 */
static int
check_config(const struct config *cfg, void *arg)
{
	struct config_check *cc = arg;
	int errors = 0;

	if (cc->needs & (NEED_LIVE | NEED_MAP))
		errors += check_live(cfg, &cc->lc);
	if (cc->needs & NEED_LEDGER)
		errors += check_files(cfg, cc->needs);
	return errors;
}

int
ctx_config(struct ctx *c)
{
	struct config_check cc = { { (c->needs & NEED_LIVE) != 0, 0 },
				   c->needs };

	if (c->cfg != NULL)
		return 0;
	c->cfg = c->needs & (NEED_LIVE | NEED_MAP | NEED_LEDGER)
			 ? config_load_checked(c->config_path, check_config,
					       &cc)
			 : config_load(c->config_path);
	if (c->cfg == NULL)
		return EX_CONFIG;
	if (cc.lc.busy) {
		config_free(c->cfg);
		c->cfg = NULL;
		return EX_TEMPFAIL;
	}
	fsutil_set_tag(c->cfg->ledger);
	leftover_setup(c->cfg->ledger);
	return 0;
}

/*
 * present: whether the ledger (there: check_files saw to it) is a
 * database.  Returns 0, or 65 for a ledger that is not a database.
 */
static int
present(const struct ctx *c)
{
	const struct config *cfg = c->cfg;
	char where[4200];

	if (file_is_sqlite(cfg->ledger) == 0) {
		key_line(cfg, "ledger", where, sizeof(where));
		log_err("%s: '%s' is not a lethe ledger (not a SQLite "
			"database): it was damaged or replaced", where,
			cfg->ledger);
		return EX_DATAERR;
	}
	return 0;
}

/* take_lock: the run lock.  Returns 0, 75 if held, or 74. */
static int
take_lock(struct ctx *c)
{
	int fd = lock_take(c->cfg->lock_file);

	if (fd == -2) {
		log_err("another lethe is running: lock '%s' is held",
			c->cfg->lock_file);
		return EX_TEMPFAIL;
	}
	if (fd < 0)
		return EX_IOERR;
	c->lock_fd = fd;
	return 0;
}

/*
 * open_ledger: load the key and open the ledger.  With NEED_KEYLESS a
 * missing key file is passed over; one that is there is still loaded and
 * checked (its mode, and that it is this ledger's: a wrong key is a
 * misconfiguration, and the check reads the ledger's fingerprint page,
 * which catches damage there).  Returns 0, 78 (key refused), 65 (the
 * ledger file is damaged or not a ledger) or 74.
 */
static int
open_ledger(struct ctx *c, int writable)
{
	const struct config *cfg = c->cfg;
	char where[4200];
	int damaged = 0, r;

	key_line(cfg, "key_file", where, sizeof(where));
	if (!(c->needs & NEED_KEYLESS) || access(cfg->key_file, F_OK) == 0) {
		c->key = key_load_at(cfg->key_file, where);
		if (c->key == NULL)
			return EX_CONFIG;
	}
	c->ledger = ledger_open_checked(cfg->ledger, NULL, writable, c->now,
					&damaged);
	if (c->ledger == NULL && !damaged)
		return EX_IOERR;
	r = c->ledger == NULL ? -2 : c->key == NULL ? 0
		: ledger_check_key(c->ledger, cfg->ledger, c->key, where);
	if (r == -2)
		log_err("ledger '%s' FAILED verification: it is damaged; "
			"restore it from a good copy", cfg->ledger);
	return r == 0 ? 0 : r == -2 ? EX_DATAERR : EX_CONFIG;
}

int
ctx_opts(struct ctx *c, const struct opt *opts, const char **pos,
	 int maxpos, int *npos, const char *cmd)
{
	int r = opt_parse(c->argc, c->argv, opts, pos, maxpos, npos, cmd);

	if (r < 0)
		return EX_USAGE;
	if (r > 0) {
		if (c->usage != NULL)
			c->usage(c->name);
		return EXIT_DONE;
	}
	return CTX_GO;
}

int
ctx_provide(struct ctx *c, int dry)
{
	int rc;

	if ((c->needs & NEED_CONFIG) && (rc = ctx_config(c)) != 0)
		return rc;
	if ((c->needs & NEED_LEDGER) && (rc = present(c)) != 0)
		return rc;
	if ((c->needs & NEED_LOCK) && !dry && (rc = take_lock(c)) != 0)
		return rc;
	/* what an interrupted restore, scrub, backup or run left, wherever
	 * (an export's new copy also where no folder is noted); best
	 * effort, what cannot be removed is reported */
	if ((c->needs & NEED_LOCK) && !dry) {
		leftover_sweep();
		if (c->cfg != NULL)
			(void)files_remove_leftovers(c->cfg);
	}
	/* under the lock, so a run of ours in a batch is not taken for the
	 * application */
	if ((c->needs & NEED_LIVE) && (c->needs & NEED_WRITE) && !dry &&
	    c->cfg->live_store != NULL && store_busy(c->cfg->live_store, 1)) {
		busy_error(c->cfg->live_store, "its write lock");
		return EX_TEMPFAIL;
	}
	if ((c->needs & NEED_LEDGER) &&
	    (rc = open_ledger(c, (c->needs & NEED_WRITE) && !dry)) != 0)
		return rc;
	if (c->needs & NEED_VERIFY) {
		char hash[HASH_HEX];
		int64_t count, head;

		if (ledger_verify(c->ledger, -1, NULL, &count, &head, hash) !=
		    0) {
			log_err("ledger '%s' FAILED verification: nothing is "
				"done with it until it is restored from a good "
				"copy (see 'lethe ledger verify')",
				c->cfg->ledger);
			return EX_DATAERR;
		}
	}
	return 0;
}

void
ctx_release(struct ctx *c)
{
	ledger_free(c->ledger);
	c->ledger = NULL;
	key_free(c->key);
	c->key = NULL;
	/* still under the lock: the folders this command noted and left
	 * nothing of ours in are forgotten, so the list names a folder (a
	 * path the operator chose) only while a crash may have left
	 * something there */
	if (c->lock_fd >= 0) {
		leftover_sweep();
		close(c->lock_fd);
	}
	c->lock_fd = -1;
	config_free(c->cfg);
	c->cfg = NULL;
}

int
ctx_verb(struct ctx *c, const struct verb *verbs, size_t n, const char *cmd)
{
	char list[256];
	size_t i, len = 0;

	if (c->argc >= 2)
		for (i = 0; i < n; i++)
			if (strcmp(c->argv[1], verbs[i].name) == 0) {
				c->argc--;
				c->argv++;
				return verbs[i].fn(c);
			}
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i ? ", " : "", verbs[i].name);
	if (c->argc >= 2)
		log_err("%s: unknown verb '%s'; expected %s (see 'lethe %s "
			"--help')", cmd, c->argv[1], list, cmd);
	else
		log_err("%s: expected %s (see 'lethe %s --help')", cmd, list,
			cmd);
	return EX_USAGE;
}
