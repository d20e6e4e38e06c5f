/*
 * cmd_init.c: `lethe init [--demo DIR]`: create the key and the ledger.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "demo.h"
#include "fsutil.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "util.h"
#include "banned.h"

/* make_parent: make the folder of path (0700 when new).  Returns 0 or -1. */
static int
make_parent(const char *path)
{
	char *dir = dir_of(path);
	int rc = access(dir, F_OK) == 0 ? 0 : mkdir_p(dir, 0700);

	free(dir);
	return rc;
}

/* create_missing: make the key and ledger cfg names; keep existing ones. */
static int
create_missing(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	int have_key = access(cfg->key_file, F_OK) == 0;
	int have_ledger = access(cfg->ledger, F_OK) == 0;
	struct key *k = NULL;
	int rc = EX_IOERR;

	if (have_ledger && !have_key) {
		log_err("ledger '%s' exists but key file '%s' is missing; a "
			"new key could not match its hashes, so none is "
			"made: restore the key from a safe place",
			cfg->ledger, cfg->key_file);
		return EX_CONFIG;
	}
	if (!have_key) {
		if (make_parent(cfg->key_file) != 0 ||
		    key_create(cfg->key_file) != 0)
			return EX_IOERR;
		log_notice("created key file '%s'", cfg->key_file);
	}
	k = key_load(cfg->key_file);
	if (k == NULL) {
		rc = EX_CONFIG;
		goto done;
	}
	if (!have_ledger) {
		if (have_key)
			log_warn("key file '%s' exists but ledger '%s' does "
				 "not: a new, empty ledger is made; if the old "
				 "one was lost, restore it from a copy "
				 "instead, or backups may bring erased "
				 "people back",
				 cfg->key_file, cfg->ledger);
		if (make_parent(cfg->ledger) != 0 ||
		    ledger_create(cfg->ledger, k) != 0)
			goto done;
		log_notice("created ledger '%s'", cfg->ledger);
	} else {
		int damaged = 0;
		struct ledger *l = ledger_open_checked(cfg->ledger, k, 0,
						       c->now, &damaged);

		if (l == NULL) {
			rc = damaged ? EX_DATAERR : EX_CONFIG;
			goto done;
		}
		ledger_free(l);
		if (have_key)
			log_notice("already initialised: key '%s' and ledger "
				   "'%s' exist", cfg->key_file, cfg->ledger);
	}
	rc = EXIT_DONE;
done:
	key_free(k);
	return rc;
}

int
cmd_init(struct ctx *c)
{
	const char *demo = NULL, *pos[1];
	char *path = NULL;
	int npos, rc;
	struct opt opts[] = {
		{ "--demo", NULL, &demo, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "init")) != CTX_GO)
		return rc;
	if (demo != NULL && *demo == '\0') {
		log_err("init: --demo needs a folder");
		return EX_USAGE;
	}
	if (demo != NULL) {
		rc = demo_create(demo, c->now, 42);
		if (rc != 0)
			return rc == -2 ? EX_USAGE : EX_IOERR;
		path = xasprintf("%s/lethe.ini", demo);
		c->config_path = path;
		log_notice("wrote demo live store and config '%s'", path);
	}
	rc = ctx_config(c);
	if (rc == 0)
		rc = create_missing(c);
	if (rc == 0 && demo != NULL)
		/* as lethe was called: build/lethe, after make demo */
		printf("demo ready; try:\n  %s -c %s run --dry-run\n"
		       "  %s -c %s run\n  %s -c %s ledger list\n",
		       program_invocation_name, path, program_invocation_name,
		       path, program_invocation_name, path);
	c->config_path = NULL;
	free(path);
	return rc;
}
