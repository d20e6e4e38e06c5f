/*
 * cmd.h: what a command gets from main, and the commands.
 *
 * main.c parses the global options, then provides what the command table
 * says the command needs (config, the live store checked against the data
 * map, the lock, the key and ledger) and runs it.  Commands return an exit
 * code from lethe.h; only they and main choose exit codes.
 */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>

#include "config.h"
#include "key.h"
#include "ledger.h"

/* What a command needs; main provides it before the command runs. */
#define NEED_CONFIG	0x01	/* cfg loaded and checked */
#define NEED_LIVE	0x02	/* the live store holds the data map */
#define NEED_LOCK	0x04	/* the run lock, except with --dry-run */
#define NEED_LEDGER	0x08	/* key and ledger, read-only */
#define NEED_WRITE	0x10	/* the ledger writable */

struct ctx {
	const char *config_path;	/* -c, LETHE_CONFIG or the default */
	struct config *cfg;
	struct key *key;
	struct ledger *ledger;
	int lock_fd;
	int64_t now;
	int argc;			/* argv[0] is the command (or verb) */
	char **argv;
};

/*
 * ctx_config: load the config into ctx->cfg.  Returns 0 or an exit code.
 */
int ctx_config(struct ctx *c);

/*
 * ctx_check_live: check the data map against the live store.  Returns 0
 * or an exit code (78 when the store lacks what the map names or is
 * missing).
 */
int ctx_check_live(struct ctx *c);

/* ctx_lock: take the run lock.  Returns 0, 75 if held, or 74. */
int ctx_lock(struct ctx *c);

/*
 * ctx_ledger: load the key and open the ledger.  Returns 0, or 78 when
 * either is missing or the key is refused, or 74.
 */
int ctx_ledger(struct ctx *c, int writable);

/* A verb of a command with verbs (request, ledger). */
struct verb {
	const char *name;
	int (*fn)(struct ctx *);
};

/*
 * ctx_verb: run the verb named by c->argv[1] from verbs (n of them), with
 * argv shifted so that argv[0] is the verb; an unknown or missing verb is
 * reported (naming cmd and the verbs) with exit 64.
 */
int ctx_verb(struct ctx *c, const struct verb *verbs, size_t n,
	     const char *cmd);

/* ctx_release: free what the ctx holds and drop the lock. */
void ctx_release(struct ctx *c);

int cmd_init(struct ctx *c);
int cmd_request(struct ctx *c);
int cmd_run(struct ctx *c);
int cmd_backup(struct ctx *c);
int cmd_restore(struct ctx *c);
int cmd_scrub(struct ctx *c);
int cmd_inspect(struct ctx *c);
int cmd_ledger(struct ctx *c);
int cmd_report(struct ctx *c);

#endif
