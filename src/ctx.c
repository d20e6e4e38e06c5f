/*
 * ctx.c: providing what a command needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "fsutil.h"
#include "lethe.h"
#include "live.h"
#include "lock.h"
#include "log.h"
#include "banned.h"

int
ctx_config(struct ctx *c)
{
	if (c->cfg != NULL)
		return 0;
	c->cfg = config_load(c->config_path);
	if (c->cfg == NULL)
		return EX_CONFIG;
	fsutil_set_tag(c->cfg->ledger);
	return 0;
}

int
ctx_check_live(struct ctx *c)
{
	struct sqlfn_ctx fn = { NULL, 44, 0 };
	sqlite3 *db;
	struct stat st;
	char what[4096];
	int errors;

	if (stat(c->cfg->live_store, &st) != 0) {
		log_errno("%s:%d: [lethe] live_store: cannot open '%s'",
			  c->cfg->path,
			  config_key_line(c->cfg, "lethe", "live_store"),
			  c->cfg->live_store);
		return EX_CONFIG;
	}
	db = live_open(c->cfg->live_store, 0, &fn);
	if (db == NULL)
		return EX_CONFIG;
	snprintf(what, sizeof(what), "live store '%s'", c->cfg->live_store);
	errors = config_check_store(c->cfg, db, what, 0);
	sqlite3_close(db);
	if (errors > 0) {
		log_err("%d error%s in config '%s'", errors,
			errors == 1 ? "" : "s", c->cfg->path);
		return EX_CONFIG;
	}
	return 0;
}

int
ctx_lock(struct ctx *c)
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

int
ctx_ledger(struct ctx *c, int writable)
{
	const struct config *cfg = c->cfg;

	if (access(cfg->key_file, F_OK) != 0) {
		log_err("cannot open key file '%s': %s; run 'lethe init' to "
			"create it", cfg->key_file, strerror(errno));
		return EX_CONFIG;
	}
	if (access(cfg->ledger, F_OK) != 0) {
		log_err("cannot open ledger '%s': %s; run 'lethe init' to "
			"create it", cfg->ledger, strerror(errno));
		return EX_CONFIG;
	}
	c->key = key_load(cfg->key_file);
	if (c->key == NULL)
		return EX_CONFIG;
	c->ledger = ledger_open(cfg->ledger, NULL, writable, c->now);
	if (c->ledger == NULL)
		return EX_IOERR;
	if (ledger_check_key(c->ledger, cfg->ledger, c->key) != 0)
		return EX_CONFIG;
	return 0;
}

void
ctx_release(struct ctx *c)
{
	ledger_free(c->ledger);
	c->ledger = NULL;
	key_free(c->key);
	c->key = NULL;
	if (c->lock_fd >= 0)
		close(c->lock_fd);
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
