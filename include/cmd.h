/*
 * cmd.h: what a command gets from main, and the commands.
 *
 * main.c parses the global options, finds the command in its table and
 * runs it with what the table says it needs.  The command checks its own
 * command line first (ctx_opts: a usage error is 64 whatever the state of
 * the config, lock or ledger), then calls ctx_provide for the config, the
 * live store checked against the data map, the lock and the key and
 * ledger.  Commands return an exit code from lethe.h; only they and main
 * choose exit codes.
 */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>

#include "config.h"
#include "key.h"
#include "ledger.h"
#include "opt.h"

/* What a command needs (the command table says); ctx_provide gives it. */
#define NEED_CONFIG	0x01	/* cfg loaded and checked */
#define NEED_LIVE	0x02	/* the live store must exist and hold what
				 * the data map names */
#define NEED_MAP	0x40	/* the same when the store is there and a
				 * database (else it is not looked at) */
#define NEED_LOCK	0x04	/* the run lock, except with --dry-run */
#define NEED_LEDGER	0x08	/* key and ledger, read-only */
#define NEED_WRITE	0x10	/* the ledger writable */
#define NEED_KEYLESS	0x80	/* NEED_LEDGER, but a missing key is
				 * no error (readers; a key that is there
				 * is checked) */
#define NEED_VERIFY	0x20	/* the ledger passes verify: nothing is
				 * appended to or replayed from a ledger
				 * that does not */

struct ctx {
	const char *name;		/* the command */
	int needs;			/* NEED_* from the command table */
	void (*usage)(const char *name);	/* prints a command's usage */
	const char *config_path;	/* -c, LETHE_CONFIG or the default */
	struct config *cfg;
	struct key *key;		/* NULL with NEED_KEYLESS and the key
					 * file missing */
	struct ledger *ledger;
	int lock_fd;
	int64_t now;
	int argc;			/* argv[0] is the command (or verb) */
	char **argv;
};

/*
 * ctx_config: load the config into ctx->cfg, checking the data map
 * against the live store with NEED_LIVE or NEED_MAP in c->needs (see
 * there).  Returns 0 or an exit code: 78, or 75 when NEED_LIVE and the
 * store stays locked by another process through its busy timeout (with
 * NEED_MAP such a store is not checked).
 */
int ctx_config(struct ctx *c);

/* What ctx_opts returns when the command goes on. */
#define CTX_GO (-1)

/*
 * ctx_opts: parse the command's options (opt_parse on c->argv, reporting
 * as `cmd`).  Returns CTX_GO, or an exit code the command returns at
 * once: 64 for a bad option, 0 after printing its usage for --help.
 */
int ctx_opts(struct ctx *c, const struct opt *opts, const char **pos,
	     int maxpos, int *npos, const char *cmd);

/*
 * ctx_provide: once the command line is checked, provide what c->needs
 * says, in this order: the config (78; 75 for a live store kept locked,
 * see ctx_config), the key and ledger files' being
 * there (78, with the hint to run `lethe init`, or to restore a key a
 * ledger was made with; with NEED_KEYLESS a missing key is no error and
 * c->key stays NULL), the run lock unless dry
 * (75 held, 74), with NEED_LIVE and NEED_WRITE unless dry the live store's
 * write lock for a moment (75 when the application keeps it through the
 * busy timeout: in WAL mode its readers go on), the key and the ledger,
 * writable with NEED_WRITE unless
 * dry (78 key refused, 65 ledger damaged, 74), verified with NEED_VERIFY
 * (65 when it fails).
 * Returns 0 or that exit code.
 */
int ctx_provide(struct ctx *c, int dry);

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
