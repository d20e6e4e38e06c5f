/*
 * cmd_scrub.c: `lethe scrub ARCHIVE -o OUT [--format F]`: cleaning backups
 * at rest.  The same filter as restore, written out as a new archive in
 * the input's format (or --format); a lethe manifest is brought up to the
 * ledger's head and signed again; a `scrub` event records it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aout.h"
#include "cmd.h"
#include "filter.h"
#include "fsutil.h"
#include "ident.h"
#include "lethe.h"
#include "log.h"
#include "manifest.h"
#include "opt.h"
#include "stage.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* write_out: the staged tree as archive out; its SHA-256 into sha. */
static int
write_out(struct ctx *c, const struct staged *s, const char *out,
	  const char *fmt, char *sha)
{
	struct strbuf manifest = STRBUF_INIT;
	struct aout_tree tree;
	struct aout *o;
	char head[HASH_HEX];
	int64_t seq, taken;
	int usage, rc = EX_IOERR;

	o = fmt ? aout_open(out, fmt, &usage)
		: aout_open_like(out, s->x.format, s->x.filter, &usage);
	if (o == NULL)
		return usage ? EX_USAGE : EX_IOERR;
	if (s->lethe) {
		/* when the backup was taken stays; the ledger seq is now's,
		 * as every erasure up to it has been applied */
		if (s->m.time == NULL || time_parse(s->m.time, &taken) != 0)
			taken = c->now;
		if (ledger_head(c->ledger, &seq, head) != 0)
			goto done;
		manifest_begin(&manifest, s->m.backup_id, taken, seq, head,
			       s->m.live ? s->m.live : "");
	}
	aout_tree_init(&tree, o, s->lethe ? &manifest : NULL);
	if (aout_tree_add(&tree, "", s->dir) != 0) {
		aout_tree_release(&tree);
		goto done;
	}
	aout_tree_release(&tree);
	if (s->lethe) {
		manifest_end(&manifest, c->key);
		if (aout_add_data(o, MANIFEST_NAME, manifest.buf, manifest.len,
				  c->now) != 0)
			goto done;
	}
	rc = aout_close(o, sha) == 0 ? 0 : EX_IOERR;
	o = NULL;
done:
	if (aout_unfit(o))
		rc = EX_USAGE;
	aout_abort(o);
	sb_release(&manifest);
	return rc;
}

int
cmd_scrub(struct ctx *c)
{
	const char *out = NULL, *fmt = NULL, *taken = NULL, *pos[1];
	const int64_t *taken_at;
	int64_t t;
	struct staged s;
	struct filter f;
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	char sha[65], *parent = NULL, *shown;
	int npos, rc;
	struct opt opts[] = {
		{ "-o", "--output", &out, NULL },
		{ "--format", NULL, &fmt, NULL },
		{ "--taken-at", NULL, &taken, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	if ((rc = ctx_opts(c, opts, pos, 1, &npos, "scrub")) != CTX_GO)
		return rc;
	if (npos != 1 || out == NULL || *out == '\0') {
		log_err("scrub: give an archive and -o OUT");
		return EX_USAGE;
	}
	if (aout_check_out("scrub", out) != 0 ||
	    stage_taken_at("scrub", taken, &t, &taken_at) != 0)
		return EX_USAGE;
	if (fmt != NULL && aout_check(NULL, fmt) != 0)
		return EX_USAGE;
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	if ((rc = config_files_holding(c->cfg, out)) >= 0) {
		log_err("scrub: -o '%s' is inside the [files %s] tree: later "
			"backups would hold it", out, c->cfg->files[rc].name);
		return EX_USAGE;
	}
	if (strcmp(pos[0], "-") != 0 && same_file(pos[0], out)) {
		log_err("scrub: -o must name a new file, not the archive read");
		return EX_USAGE;
	}
	parent = dir_of(out);
	if (remove_stale(parent, 1) < 0) {
		rc = EX_IOERR;
		goto done;
	}
	if (filter_init(&f, c->ledger, c->cfg, c->key, c->now,
			FILTER_APPLY) != 0) {
		rc = EX_IOERR;
		goto done;
	}
	if (stage_archive(c, pos[0], parent, taken_at, &f, &s) != 0) {
		rc = s.error == STAGE_DATA ? EX_DATAERR : EX_IOERR;
		goto done;
	}
	if (filter_tree(&f, s.dir, s.x.index) != 0) {
		rc = f.hostile ? EX_DATAERR : EX_IOERR;
		goto done;
	}
	if (extract_apply_modes(&s.x, s.dir) != 0) {
		rc = EX_IOERR;
		goto done;
	}
	rc = write_out(c, &s, out, fmt, sha);
	if (rc != 0)
		goto done;
	stage_summary(stdout, &s, &f, 0);
	printf("scrubbed archive: %s\n", out);
	stage_event_data(&s, &f, &data);
	sb_adds(&data, ",\"output\":");
	shown = ident_mask_path(out, (int)c->cfg->calling_code);
	sb_add_json(&data, shown);
	free(shown);
	sb_addf(&data, ",\"output_sha256\":\"%s\"}", sha);
	memset(&ev, 0, sizeof(ev));
	ev.type = "scrub";
	ev.data = data.buf;
	rc = EX_IOERR;
	if (ledger_begin(c->ledger) == 0) {
		if (filter_append_holds(&f, c->ledger) == 0 &&
		    ledger_append(c->ledger, &ev) > 0 &&
		    ledger_commit(c->ledger) == 0)
			rc = EXIT_DONE;
		else
			ledger_rollback(c->ledger);
	}
done:
	sb_release(&data);
	stage_release(&s);
	filter_release(&f);
	free(parent);
	return rc;
}
