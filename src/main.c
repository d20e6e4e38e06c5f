/*
 * main.c: global options, the command table, and what commands need.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aout.h"
#include "cmd.h"
#include "db.h"
#include "interrupt.h"
#include "lethe.h"
#include "log.h"
#include "timeutil.h"
#include "banned.h"

struct command {
	const char *name;
	const char *verb;	/* NULL: any verb, or none */
	int (*fn)(struct ctx *);
	int needs;
	const char *usage;
};

static const struct command commands[] = {
	{ "init", NULL, cmd_init, NEED_MAP,
	  "init [--demo DIR]" },
	{ "request", "erase", cmd_request,
	  NEED_CONFIG | NEED_MAP | NEED_LOCK | NEED_LEDGER | NEED_WRITE |
	  NEED_VERIFY,
	  "request erase --email E [--phone P] [--ref TEXT] | --from FILE" },
	{ "request", "approve", cmd_request,
	  NEED_CONFIG | NEED_MAP | NEED_LOCK | NEED_LEDGER | NEED_WRITE |
	  NEED_VERIFY,
	  "request approve ID" },
	/* a reader of the ledger: an auditor's copy, no key (law 4) */
	{ "request", "list", cmd_request,
	  NEED_CONFIG | NEED_MAP | NEED_LEDGER | NEED_KEYLESS | NEED_VERIFY,
	  "request list [--pending|--overdue] [--json]" },
	{ "run", NULL, cmd_run,
	  NEED_CONFIG | NEED_LIVE | NEED_LOCK | NEED_LEDGER | NEED_WRITE |
	  NEED_VERIFY,
	  "run [--dry-run]" },
	{ "backup", NULL, cmd_backup,
	  NEED_CONFIG | NEED_LIVE | NEED_LOCK | NEED_LEDGER | NEED_WRITE |
	  NEED_VERIFY,
	  "backup [-o FILE] [--format F]" },
	{ "restore", NULL, cmd_restore,
	  NEED_CONFIG | NEED_MAP | NEED_LOCK | NEED_LEDGER | NEED_WRITE | NEED_VERIFY,
	  "restore ARCHIVE|- --to DIR [--dry-run] [--taken-at TIME] "
	  "[--drop-residue]" },
	{ "scrub", NULL, cmd_scrub,
	  NEED_CONFIG | NEED_MAP | NEED_LOCK | NEED_LEDGER | NEED_WRITE | NEED_VERIFY,
	  "scrub ARCHIVE -o OUT [--format F] [--taken-at TIME]" },
	{ "inspect", NULL, cmd_inspect,
	  NEED_CONFIG | NEED_MAP | NEED_LEDGER | NEED_VERIFY,
	  "inspect ARCHIVE|- [--taken-at TIME]" },
	/* readers of the ledger alone: an auditor's copy, no key (law 4) */
	{ "ledger", "list", cmd_ledger,
	  NEED_CONFIG | NEED_LEDGER | NEED_KEYLESS,
	  "ledger list [--since TIME] [--json|--csv]" },
	{ "ledger", "show", cmd_ledger,
	  NEED_CONFIG | NEED_LEDGER | NEED_KEYLESS,
	  "ledger show SEQ" },
	{ "ledger", "head", cmd_ledger,
	  NEED_CONFIG | NEED_LEDGER | NEED_KEYLESS,
	  "ledger head" },
	{ "ledger", "verify", cmd_ledger,
	  NEED_CONFIG | NEED_LEDGER | NEED_KEYLESS,
	  "ledger verify [--against SEQ:HASH]" },
	{ "ledger", "lookup", cmd_ledger,
	  NEED_CONFIG | NEED_LEDGER | NEED_VERIFY,
	  "ledger lookup --email E | --phone P" },
	{ "report", NULL, cmd_report,
	  NEED_CONFIG | NEED_LEDGER | NEED_KEYLESS,
	  "report [--since TIME] [--format text|json|html]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: lethe [-c FILE] [--now TIME] COMMAND ...\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  lethe %s\n", commands[i].usage);
	fprintf(fp, "\n  --help, --version, and COMMAND --help\n"
		    "\nconfig: -c FILE, else $LETHE_CONFIG, else %s\n"
		    "exit: 0 done, 1 failures or overdue requests, 64 usage, "
		    "65 bad input data,\n      74 I/O error, 75 lock held, "
		    "78 config error or missing ledger/key\n",
		DEFAULT_CONFIG);
}

static void
command_usage(const char *name)
{
	size_t i;

	printf("usage:\n");
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			printf("  lethe [-c FILE] [--now TIME] %s\n",
			       commands[i].usage);
	if (strcmp(name, "backup") == 0 || strcmp(name, "scrub") == 0)
		printf("\n  --format F, one of: %s\n  (default: %s)\n",
		       AOUT_FORMATS, strcmp(name, "backup") == 0
		       ? "from -o's name, else tar.zst"
		       : "the input's format");
}

static const struct command *
find_command(const char *name, const char *verb)
{
	size_t i;
	const struct command *any = NULL;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		if (commands[i].verb == NULL)
			return &commands[i];
		if (verb != NULL && strcmp(commands[i].verb, verb) == 0)
			return &commands[i];
		any = &commands[i];
	}
	return any;
}

/*
 * take_global: remove -c FILE and --now TIME from anywhere in argv.
 * Returns 0, or -1 after reporting an option without a value (an empty
 * -c included) or given twice.
 */
static int
take_global(int *argc, char **argv, const char **config, const char **now)
{
	int i, j = 1, command = 0;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char **dst = NULL;

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0)
			dst = config;
		else if (strcmp(a, "--now") == 0)
			dst = now;
		if (dst != NULL && i + 1 >= *argc) {
			log_err("option '%s' needs a value", a);
			return -1;
		}
		if (dst == NULL && strncmp(a, "--now=", 6) == 0) {
			dst = now;
			val = a + 6;
		} else if (dst == NULL && strncmp(a, "--config=", 9) == 0) {
			dst = config;
			val = a + 9;
		} else if (dst == NULL && !command &&
			   strncmp(a, "-c", 2) == 0 && a[2] != '\0') {
			/* -cFILE, before the command only (after it, such a
			 * word may be another option's value) */
			dst = config;
			val = a + 2;
		}
		if (dst != NULL) {
			/* two times or two configs: which one was meant? */
			if (*dst != NULL) {
				log_err("option '%s' given twice",
					dst == now ? "--now" : "-c");
				return -1;
			}
			*dst = val != NULL ? val : argv[++i];
			continue;
		}
		if (a[0] != '-')
			command = 1;
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	/* `-c "$UNSET"` must not fall back to the default config: that
	 * would run against another store than the one meant */
	if (*config != NULL && **config == '\0') {
		log_err("option '-c' needs a config file, not an empty value");
		return -1;
	}
	return 0;
}

/* close_stdout: flush stdout; a write error makes the result 74. */
static int
close_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_errno("cannot write standard output");
		return EX_IOERR;
	}
	if (fclose(stdout) != 0) {
		log_errno("cannot write standard output");
		return EX_IOERR;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	const struct command *cmd;
	const char *config = NULL, *now = NULL;
	int rc;

	log_setup();
	db_setup();
	/* file names are UTF-8 (as archives of other tools write them):
	 * libarchive converts names through the locale's character set,
	 * and in the C locale it warned on every name beyond ASCII (the
	 * rest of lethe reads bytes; the environment's locale is not used,
	 * so lethe behaves the same whatever it is) */
	setlocale(LC_CTYPE, "C.UTF-8");
	interrupt_setup();
	memset(&c, 0, sizeof(c));
	c.lock_fd = -1;
	if (take_global(&argc, argv, &config, &now) != 0)
		return close_stdout(EX_USAGE);
	/* first: a bad time may have taken the command's name as its value */
	if (now != NULL) {
		if (time_parse(now, &c.now) != 0) {
			log_err("--now '%s': expected an ISO-8601 time such "
				"as 2026-11-22 or 2026-11-22T10:00:00Z", now);
			return close_stdout(EX_USAGE);
		}
	} else {
		c.now = (int64_t)time(NULL);
	}
	if (argc < 2) {
		usage(stderr);
		return close_stdout(EX_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return close_stdout(EXIT_DONE);
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		if (argc > 2) {
			log_err("%s: unexpected argument '%s'", argv[1],
				argv[2]);
			return close_stdout(EX_USAGE);
		}
		printf("lethe %s\n", LETHE_VERSION);
		return close_stdout(EXIT_DONE);
	}
	cmd = find_command(argv[1], argc > 2 ? argv[2] : NULL);
	if (cmd == NULL) {
		log_err("unknown command '%s'; see 'lethe --help'", argv[1]);
		return close_stdout(EX_USAGE);
	}
	/* "lethe request --help"; after a verb, the verb's options tell */
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 ||
			 strcmp(argv[2], "-h") == 0)) {
		command_usage(cmd->name);
		return close_stdout(EXIT_DONE);
	}
	c.config_path = config ? config : getenv("LETHE_CONFIG");
	if (c.config_path == NULL || *c.config_path == '\0')
		c.config_path = DEFAULT_CONFIG;
	c.argc = argc - 1;
	c.argv = argv + 1;
	c.name = cmd->name;
	c.needs = cmd->needs;
	c.usage = command_usage;
	rc = cmd->fn(&c);
	ctx_release(&c);
	return close_stdout(rc);
}
