/*
 * stage.c: reading an archive into a staging folder and choosing the rule.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "files.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "stage.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/*
 * same_chain: whether this ledger's event seq has the hash head, as the
 * manifest of a backup taken against it says (64 zeros for seq 0).
 * Returns 1, 0, or -1 after reporting.
 */
static int
same_chain(struct ledger *l, int64_t seq, const char *head)
{
	struct event ev;
	int r, same;

	if (seq == 0)
		return strspn(head, "0") == 64 && head[64] == '\0';
	r = ledger_get(l, seq, &ev);
	if (r < 0)
		return -1;
	if (r == 1)
		return 0;
	same = ev.hash != NULL && strcasecmp(ev.hash, head) == 0;
	event_release(&ev);
	return same;
}

int
stage_archive(struct ctx *c, const char *src, const char *parent,
	      const int64_t *taken_at, struct filter *f, struct staged *s)
{
	const char *why, *shown = strcmp(src, "-") == 0 ? "<stdin>" : src;
	char head[HASH_HEX];
	int64_t seq;
	int r;

	memset(s, 0, sizeof(*s));
	s->dir = staging_name(parent);
	if (mkdtemp(s->dir) == NULL) {
		log_errno("cannot make a staging folder in '%s'", parent);
		free(s->dir);
		s->dir = NULL;
		s->error = STAGE_IO;
		return -1;
	}
	/* unfiltered entries: gone even if a signal ends lethe */
	interrupt_guard(s->dir);
	if (extract_archive(src, s->dir, c->cfg, &s->x) != 0) {
		s->error = s->x.error == EXTRACT_HOSTILE ? STAGE_DATA
							 : STAGE_IO;
		return -1;
	}
	if (ledger_head(c->ledger, &seq, head) != 0) {
		s->error = STAGE_IO;
		return -1;
	}
	if (s->x.manifest != NULL) {
		if (manifest_parse(s->x.manifest, s->x.manifest_len, c->key,
				   &s->m, &why) == 0) {
			if (s->m.seq > seq) {
				log_err("refusing archive '%s': its manifest "
					"names ledger seq %" PRId64 ", beyond "
					"this ledger's head %" PRId64 ": it "
					"was made against another or a newer "
					"ledger", shown, s->m.seq, seq);
				s->error = STAGE_DATA;
				return -1;
			}
			r = same_chain(c->ledger, s->m.seq, s->m.head);
			if (r < 0) {
				s->error = STAGE_IO;
				return -1;
			}
			if (r == 0) {
				log_err("refusing archive '%s': its manifest "
					"names ledger event %" PRId64 " with "
					"hash %.12s..., which is not this "
					"ledger's: it was made against another "
					"ledger", shown, s->m.seq, s->m.head);
				s->error = STAGE_DATA;
				return -1;
			}
			if (manifest_check_entries(
				    s->x.manifest, s->x.manifest_len,
				    s->x.index, shown,
				    (int)c->cfg->calling_code) != 0) {
				s->error = STAGE_DATA;
				return -1;
			}
			s->lethe = 1;
			if (taken_at != NULL)
				log_warn("--taken-at ignored: the archive's "
					 "manifest says when it was taken");
			filter_set_rule(f, RULE_SEQ, s->m.seq, 0);
			return 0;
		}
		log_warn("archive '%s': %s: %s; treating it as foreign", shown,
			 MANIFEST_NAME, why);
		if (extract_write_manifest_file(&s->x, s->dir) != 0) {
			s->error = STAGE_IO;
			return -1;
		}
	}
	if (taken_at != NULL)
		filter_set_rule(f, RULE_TAKEN_AT, 0, *taken_at);
	else
		filter_set_rule(f, RULE_ALL, 0, 0);
	return 0;
}

int
stage_taken_at(const char *cmd, const char *arg, int64_t *t,
	       const int64_t **given)
{
	*given = NULL;
	if (arg == NULL)
		return 0;
	if (time_parse(arg, t) != 0) {
		log_err("%s: --taken-at '%s' is not an ISO-8601 time", cmd,
			arg);
		return -1;
	}
	*given = t;
	return 0;
}

void
stage_release(struct staged *s)
{
	if (s->dir != NULL) {
		rm_tree(s->dir);
		interrupt_unguard(s->dir);
		free(s->dir);
	}
	extract_release(&s->x);
	manifest_release(&s->m);
	memset(s, 0, sizeof(*s));
}

/* purged_text: "T N, T N" for the [purge] tables with rows purged. */
static void
purged_text(const struct filter *f, struct strbuf *sb)
{
	int i;

	for (i = 0; i < f->cfg->npurges; i++)
		if (f->st.purged_rows != NULL && f->st.purged_rows[i] > 0)
			sb_addf(sb, "%s%s %" PRId64, sb->len ? ", " : "",
				f->cfg->purges[i].name, f->st.purged_rows[i]);
}

void
stage_summary(FILE *fp, const struct staged *s, const struct filter *f,
	      int dry)
{
	struct strbuf sb = STRBUF_INIT;
	char rule[160];
	int i;

	fprintf(fp, "archive: %s (%s), %" PRId64 " entries, %" PRId64
		    " bytes, sha256 %s\n",
		s->lethe ? "lethe backup" : "foreign", s->x.format_name,
		s->x.entries, s->x.bytes, s->x.sha);
	if (s->lethe)
		fprintf(fp, "backup: %s taken %s at ledger seq %" PRId64 "\n",
			s->m.backup_id, s->m.time, s->m.seq);
	fprintf(fp, "rule: %s\n", filter_rule_text(f, rule, sizeof(rule)));
	for (i = 0; i < f->st.tally.n; i++)
		if (f->st.tally.rows[i] > 0)
			sb_addf(&sb, "%s%s %" PRId64, sb.len ? ", " : "",
				tally_name(f->cfg, i), f->st.tally.rows[i]);
	fprintf(fp, "%s: %" PRId64 " subject%s; rows %s; %" PRId64
		    " aged rows purged",
		dry ? "would erase" : "erased", f->st.subjects,
		f->st.subjects == 1 ? "" : "s", sb.len ? sb.buf : "none",
		f->st.purged);
	sb_reset(&sb);
	purged_text(f, &sb);
	fprintf(fp, "%s%s%s\n", sb.len ? " (" : "", sb_str(&sb),
		sb.len ? ")" : "");
	fprintf(fp, "%s: %" PRId64 " per-subject files, %" PRId64
		    " records of structured files, %" PRId64
		    " identifiers redacted, %" PRId64 " files left out\n",
		dry ? "would drop" : "dropped", f->st.paths, f->st.records,
		f->st.redacted, f->st.dropped);
	fprintf(fp, "databases: %" PRId64 " filtered through the data map, %"
		    PRId64 " other\n", f->st.databases, f->st.other_dbs);
	if (f->st.residue > 0)
		fprintf(fp, "residue: %" PRId64 " finding%s%s\n", f->st.residue,
			f->st.residue == 1 ? "" : "s",
			dry ? ": the restore would fail" : "");
	sb_release(&sb);
}

void
stage_event_data(const struct staged *s, const struct filter *f,
		 struct strbuf *sb)
{
	char rule[160];
	int i, n = 0;

	sb_addf(sb, "{\"archive_sha256\":\"%s\",\"format\":", s->x.sha);
	sb_add_json(sb, s->x.format_name);
	sb_adds(sb, ",\"backup_id\":");
	sb_add_json(sb, s->lethe ? s->m.backup_id : NULL);
	sb_adds(sb, ",\"rule\":");
	if (f->rule == RULE_SEQ)
		sb_addf(sb, "\"manifest seq %" PRId64 "\"", f->rule_seq);
	else if (f->rule == RULE_TAKEN_AT)
		sb_addf(sb, "\"taken-at %s\"", time_format(f->taken_at, rule));
	else
		sb_adds(sb, "\"all\"");
	sb_adds(sb, ",\"tables\":");
	tally_json(&f->st.tally, f->cfg, 0, sb);
	sb_adds(sb, ",\"purged_tables\":{");
	for (i = 0; i < f->cfg->npurges; i++)
		if (f->st.purged_rows != NULL && f->st.purged_rows[i] > 0) {
			if (n++ > 0)
				sb_addc(sb, ',');
			sb_add_json(sb, f->cfg->purges[i].name);
			sb_addf(sb, ":%" PRId64, f->st.purged_rows[i]);
		}
	sb_addc(sb, '}');
	sb_addf(sb, ",\"subjects\":%" PRId64 ",\"purged\":%" PRId64
		    ",\"paths\":%" PRId64 ",\"records\":%" PRId64
		    ",\"redacted\":%" PRId64 ",\"left_out\":%" PRId64
		    ",\"entries\":%" PRId64 "",
		f->st.subjects, f->st.purged, f->st.paths, f->st.records,
		f->st.redacted, f->st.dropped, s->x.entries);
}
