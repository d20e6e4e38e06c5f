/*
 * lethe.h: what every part of lethe shares: the version and the exit codes.
 *
 * Exit codes follow sysexits(3); only main.c and cmd_*.c choose them.
 */
#ifndef LETHE_H
#define LETHE_H

#define LETHE_VERSION "0.2.14"

#define EXIT_DONE	0	/* all done */
#define EXIT_FAILED	1	/* done, with failures or overdue requests */
#define EX_USAGE	64	/* bad command line */
#define EX_DATAERR	65	/* bad input data: hostile archive,
				 * bad ledger */
#define EX_IOERR	74	/* input/output error */
#define EX_TEMPFAIL	75	/* lock held by another lethe */
#define EX_CONFIG	78	/* config error, missing ledger or key */

#endif
