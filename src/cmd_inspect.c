/*
 * cmd_inspect.c: `lethe inspect ARCHIVE|-`: which erased subjects an
 * archive still holds (tombstone seq, reason, date: never their data) and
 * in which entries.  The archive is staged in a temporary folder that is
 * removed afterwards; nothing else is written.  Exit 0 when it holds none,
 * 1 when it does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "filter.h"
#include "fsutil.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "stage.h"
#include "banned.h"

int
cmd_inspect(struct ctx *c)
{
	const char *pos[1], *tmp = getenv("TMPDIR"), *taken = NULL;
	const int64_t *taken_at;
	struct staged s;
	struct filter f;
	int64_t hits, t;
	int npos, rc;
	struct opt opts[] = {
		{ "--taken-at", NULL, &taken, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	memset(&s, 0, sizeof(s));
	if ((rc = ctx_opts(c, opts, pos, 1, &npos, "inspect")) != CTX_GO)
		return rc;
	if (npos != 1) {
		log_err("inspect: give an archive (or - for standard input)");
		return EX_USAGE;
	}
	if (stage_taken_at("inspect", taken, &t, &taken_at) != 0)
		return EX_USAGE;
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	if (filter_init(&f, c->ledger, c->cfg, c->key, c->now,
			FILTER_COUNT) != 0)
		return EX_IOERR;
	f.print_hits = 1;
	remove_stale(tmp && *tmp ? tmp : "/tmp", 0);
	if (stage_archive(c, pos[0], tmp && *tmp ? tmp : "/tmp", taken_at,
			  &f, &s) != 0) {
		rc = s.error == STAGE_DATA ? EX_DATAERR : EX_IOERR;
		goto done;
	}
	if (filter_tree(&f, s.dir, s.x.index) != 0) {
		filter_print_hits(&f, stdout);	/* what was found so far */
		rc = f.hostile ? EX_DATAERR : EX_IOERR;
		goto done;
	}
	hits = filter_hits(&f);
	stage_summary(stdout, &s, &f, 1);
	filter_print_hits(&f, stdout);
	if (hits > 0) {
		printf("%" PRId64 " erased subject%s still in this archive\n",
		       hits, hits == 1 ? "" : "s");
		rc = EXIT_FAILED;
	} else {
		printf("no erased subject in this archive\n");
		rc = EXIT_DONE;
	}
done:
	stage_release(&s);
	filter_release(&f);
	return rc;
}
