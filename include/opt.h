/*
 * opt.h: a small option parser for commands.
 *
 * Options are "--name VALUE", "--name=VALUE", "-x VALUE" or flags; "--"
 * ends them; everything else is a positional argument.
 */
#ifndef OPT_H
#define OPT_H

struct opt {
	const char *name;	/* "--dry-run" or "-o" */
	const char *alias;	/* another spelling, or NULL */
	const char **value;	/* set for options taking a value */
	int *flag;		/* set to 1 for flags */
};

/* The most options a command has (a programmer's limit). */
#define OPT_MAX 16

/*
 * opt_parse: parse argv[1..argc-1] (argv[0] names the command) against
 * opts (ended by a zeroed entry).  Positional arguments are gathered in
 * pos (at most maxpos; their count in *npos).  Returns 0; 1 when
 * "--help" or "-h" stands as an option (not as another option's value):
 * the caller prints its usage; or -1 after reporting an unknown option, a
 * missing or empty value, an option taking a value given twice, an empty
 * positional argument or too many arguments to `cmd`: the caller exits
 * 64.  Flags may be given twice.
 */
int opt_parse(int argc, char **argv, const struct opt *opts,
	      const char **pos, int maxpos, int *npos, const char *cmd);

#endif
