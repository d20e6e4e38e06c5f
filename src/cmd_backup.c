/*
 * cmd_backup.c: `lethe backup [-o FILE] [--format F]`.
 *
 * Under the lock: finish unapplied intents, snapshot the live store with
 * SQLite's backup API, add the [files] trees, then a manifest (ledger seq
 * and head at snapshot time, SHA-256 of every entry, HMAC under the key),
 * write the archive durably and append a `backup` event.  The ledger and
 * the key are never inside a backup.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aout.h"
#include "cmd.h"
#include "db.h"
#include "erase.h"
#include "files.h"
#include "fsutil.h"
#include "interrupt.h"
#include "ident.h"
#include "intent.h"
#include "lethe.h"
#include "live.h"
#include "log.h"
#include "manifest.h"
#include "opt.h"
#include "osrandom.h"
#include "sha.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* What the backup is writing. */
struct bk {
	struct ctx *c;
	struct aout *out;
	struct strbuf manifest;
	struct aout_tree tree;
};

/* snapshot: a consistent copy of the live store at path `to`. */
static int
snapshot(struct ctx *c, sqlite3 *live, const char *to)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = -1;

	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
					      SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		db_fail(dst, "create a snapshot");
		goto done;
	}
	b = sqlite3_backup_init(dst, "main", live, "main");
	if (b == NULL) {
		db_fail(dst, "snapshot the live store");
		goto done;
	}
	while (sqlite3_backup_step(b, -1) == SQLITE_BUSY)
		sqlite3_sleep(100);
	if (sqlite3_backup_finish(b) != SQLITE_OK) {
		db_fail(dst, "snapshot the live store");
		goto done;
	}
	if (db_exec(dst, "PRAGMA journal_mode = DELETE",
		    "snapshot the live store") != 0)
		goto done;
	rc = 0;
	(void)c;
done:
	if (sqlite3_close(dst) != SQLITE_OK && rc == 0)
		rc = -1;
	return rc;
}

/* add_files: every [files] tree, by the literal folder of its pattern. */
static int
add_files(struct bk *b)
{
	const struct config *cfg = b->c->cfg;
	int i;

	for (i = 0; i < cfg->nfiles; i++) {
		const char *pat = cfg->files[i].path;
		size_t n = strcspn(pat, "{*?[");
		char *prefix = xstrndup(pat, n), *slash = strrchr(prefix, '/');
		char *path;
		int r;

		if (slash == NULL) {
			log_err("[files %s]: path '%s' has no folder to back "
				"up", cfg->files[i].name, pat);
			free(prefix);
			return -1;
		}
		*slash = '\0';
		path = xasprintf("%s/%s", cfg->dir, prefix);
		if (access(path, F_OK) != 0 && errno == ENOENT)
			log_warn("[files %s]: folder '%s' is not there: "
				 "nothing of it is backed up",
				 cfg->files[i].name, path);
		r = aout_tree_add(&b->tree, prefix, path);
		free(path);
		free(prefix);
		if (r != 0)
			return -1;
	}
	return 0;
}

static char *
default_name(const struct ctx *c, const char *fmt)
{
	char t[TIME_BUFSZ], *p, *q;
	int n;

	time_format(c->now, t);
	for (p = q = t; *p; p++)
		if (*p != '-' && *p != ':')
			*q++ = *p;
	*q = '\0';
	for (n = 1;; n++) {
		char *name = n == 1 ? xasprintf("%s/lethe-%s.%s",
						c->cfg->backup_dir, t,
						fmt ? fmt : "tar.zst")
				    : xasprintf("%s/lethe-%s-%d.%s",
						c->cfg->backup_dir, t, n,
						fmt ? fmt : "tar.zst");

		if (access(name, F_OK) != 0)
			return name;
		free(name);
	}
}

static int
append_event(struct bk *b, const char *id, const char *path,
	     const char *sha, int64_t seq)
{
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	char *shown;
	int rc = -1;

	sb_adds(&data, "{\"backup_id\":");
	sb_add_json(&data, id);
	sb_adds(&data, ",\"file\":");
	shown = ident_mask_path(path, (int)b->c->cfg->calling_code);
	sb_add_json(&data, shown);
	free(shown);
	sb_addf(&data, ",\"sha256\":\"%s\",\"ledger_seq\":%" PRId64
		       ",\"entries\":%" PRId64 ",\"bytes\":%" PRId64 "}",
		sha, seq, b->tree.entries, b->tree.bytes);
	memset(&ev, 0, sizeof(ev));
	ev.type = "backup";
	ev.data = data.buf;
	if (ledger_begin(b->c->ledger) == 0) {
		if (ledger_append(b->c->ledger, &ev) > 0)
			rc = ledger_commit(b->c->ledger);
		else
			ledger_rollback(b->c->ledger);
	}
	sb_release(&data);
	return rc;
}

int
cmd_backup(struct ctx *c)
{
	const struct config *cfg;
	const char *out = NULL, *fmt = NULL, *pos[1];
	struct sqlfn_ctx fn;
	struct eraser *er = NULL;
	sqlite3 *live = NULL;
	struct bk b;
	char head[HASH_HEX], sha[65], id[40], *path = NULL, *snap = NULL;
	int64_t seq;
	int npos, usage, fd, r, refused, rc = EX_IOERR;
	struct stat st;
	struct opt opts[] = {
		{ "-o", "--output", &out, NULL },
		{ "--format", NULL, &fmt, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	if ((rc = ctx_opts(c, opts, pos, 0, &npos, "backup")) != CTX_GO)
		return rc;
	if (aout_check_out("backup", out) != 0 || aout_check(out, fmt) != 0)
		return EX_USAGE;
	if (fmt != NULL)
		fmt = aout_format_name(fmt);	/* ZIP: lethe-T.zip */
	if ((rc = ctx_provide(c, 0)) != 0)
		return rc;
	rc = EX_IOERR;
	cfg = c->cfg;
	fn.key = c->key;
	fn.calling_code = (int)cfg->calling_code;
	fn.now = c->now;
	memset(&b, 0, sizeof(b));
	b.c = c;
	sb_init(&b.manifest);

	if (out != NULL && (r = config_files_holding(cfg, out)) >= 0) {
		log_err("backup: -o '%s' is inside the [files %s] tree: later "
			"backups would hold this one, erasures and all",
			out, cfg->files[r].name);
		rc = EX_USAGE;
		goto done;
	}
	live = live_open(cfg->live_store, 1, &fn);
	if (live == NULL)
		goto done;
	er = eraser_new(live, cfg, c->now);
	/* intents the live store refuses are reported and stay durable:
	 * a restore of this backup still replays their tombstones */
	if (er == NULL || eraser_set_key(er, c->key) != 0 ||
	    intents_finish(live, c->ledger, cfg, c->key, er, 0, NULL,
			   &refused) < 0)
		goto done;
	if (refused > 0)
		log_warn("the backup holds what %d refused erasure%s still "
			 "left in the live store; a restore of it erases "
			 "that again", refused, refused == 1 ? "" : "s");
	if (out == NULL) {
		if (mkdir_p(cfg->backup_dir, 0700) != 0)
			goto done;
		path = default_name(c, fmt);
	} else {
		path = xstrdup(out);
	}
	{
		char *dir = dir_of(path);

		r = remove_stale(dir, 1);
		free(dir);
		if (r < 0)
			goto done;
	}
	b.out = aout_open(path, fmt, &usage);
	if (b.out == NULL) {
		rc = usage ? EX_USAGE : EX_IOERR;
		goto done;
	}
	aout_tree_init(&b.tree, b.out, &b.manifest);
	aout_tree_never(&b.tree, cfg->ledger);
	aout_tree_never(&b.tree, cfg->key_file);
	aout_tree_never(&b.tree, cfg->lock_file);
	if (ledger_head(c->ledger, &seq, head) != 0)
		goto done;
	fd = tmpfile_noted(path, &snap);
	if (fd < 0)
		goto done;
	close(fd);
	if (snapshot(c, live, snap) != 0 || lstat(snap, &st) != 0)
		goto done;
	{
		/* restored, the store keeps the live one's mode, not the
		 * snapshot's private 0600 */
		struct stat ls;

		if (stat(cfg->live_store, &ls) == 0)
			st.st_mode = (st.st_mode & ~(mode_t)0777) |
				     (ls.st_mode & 0777);
	}
	if (uuid_random(id) != 0)
		goto done;
	manifest_begin(&b.manifest, id, c->now, seq, head,
		       base_of(cfg->live_store));
	if (aout_tree_file(&b.tree, base_of(cfg->live_store), snap, &st) != 0)
		goto done;
	unlink(snap);
	interrupt_unguard(snap);
	if (add_files(&b) != 0)
		goto done;
	manifest_end(&b.manifest, c->key);
	if (aout_add_data(b.out, MANIFEST_NAME, b.manifest.buf, b.manifest.len,
			  c->now) != 0)
		goto done;
	if (aout_close(b.out, sha) != 0) {
		b.out = NULL;
		goto done;
	}
	b.out = NULL;
	if (append_event(&b, id, path, sha, seq) != 0)
		goto done;
	log_notice("backup %s: %" PRId64 " entries, %" PRId64 " bytes, ledger "
		   "seq %" PRId64 ", sha256 %s", id, b.tree.entries,
		   b.tree.bytes, seq, sha);
	printf("%s\n", path);
	rc = EXIT_DONE;
done:
	if (snap != NULL) {
		unlink(snap);
		interrupt_unguard(snap);
		free(snap);
	}
	aout_abort(b.out);
	free(path);
	sb_release(&b.manifest);
	aout_tree_release(&b.tree);
	eraser_free(er);
	live_close(live);
	return rc;
}
