/*
 * cmd_restore.c: `lethe restore ARCHIVE|- --to DIR [--dry-run]
 * [--taken-at TIME] [--drop-residue]`.
 *
 * The archive is streamed into a staging folder beside DIR, the ledger is
 * replayed onto it, and only then does the staging folder replace DIR,
 * with one rename (or, when DIR cannot be replaced, e.g. a mount point,
 * by moving its entries in).  On any failure DIR is untouched.  A dry run
 * stages in $TMPDIR and writes nothing beside DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "fault.h"
#include "filter.h"
#include "fsutil.h"
#include "interrupt.h"
#include "ident.h"
#include "lethe.h"
#include "log.h"
#include "opt.h"
#include "stage.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* target_state: 0 missing, 1 an empty folder, -1 anything else. */
static int
target_state(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return -1;
	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty ? 1 : -1;
}

/*
 * target_path: --to as a path whose last component names the folder:
 * trailing slashes dropped, and "." or ".." (or a path ending so)
 * resolved to an absolute path.  The caller frees it.
 */
static char *
target_path(const char *to)
{
	char *p = xstrdup(to), buf[PATH_MAX];
	size_t n = strlen(p);
	const char *base;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
	if ((strcmp(base, ".") == 0 || strcmp(base, "..") == 0) &&
	    realpath(p, buf) != NULL) {
		free(p);
		p = xstrdup(buf);
	}
	return p;
}

/* is_cwd: whether folder dir is the current folder. */
static int
is_cwd(const char *dir)
{
	return same_file(dir, ".");
}

/* move_in: move every entry of staging into the folder dir. */
static int
move_in(const char *staging, const char *dir)
{
	DIR *d = opendir(staging);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		log_errno("cannot read '%s'", staging);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *from, *to;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		from = xasprintf("%s/%s", staging, de->d_name);
		to = xasprintf("%s/%s", dir, de->d_name);
		if (rename(from, to) != 0) {
			log_errno("cannot move '%s' into '%s'", from, dir);
			rc = -1;
		}
		free(from);
		free(to);
		if (rc != 0)
			break;
	}
	closedir(d);
	return rc;
}

/* mount_point: whether folder dir is on another file system than parent. */
static int
mount_point(const char *dir, const char *parent)
{
	struct stat a, b;

	return stat(dir, &a) == 0 && stat(parent, &b) == 0 &&
	       a.st_dev != b.st_dev;
}

/*
 * move_inside: the target is a mount point and the staging folder sits in
 * it: move the staging folder's entries up into the target, durably.
 */
static int
move_inside(const char *staging, const char *dir)
{
	int fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || syncfs(fd) != 0) {
		log_errno("cannot sync '%s'", staging);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (move_in(staging, dir) != 0)
		return -1;
	if (rmdir(staging) != 0)
		log_errno("cannot remove '%s'", staging);
	return fsync_dir(dir);
}

/* put_in_place: make the filtered staging folder the target, durably. */
static int
put_in_place(const char *staging, const char *dir, int existed)
{
	char *parent = dir_of(dir);
	struct stat st;
	int fd, rc = -1;

	fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0) {
		log_errno("cannot sync '%s'", staging);
		if (fd >= 0)
			close(fd);
		goto done;
	}
	close(fd);
	/* an existing folder keeps the mode and owner the operator gave it */
	if (existed && stat(dir, &st) == 0) {
		if (chmod(staging, st.st_mode & 07777) != 0 ||
		    (lchown(staging, st.st_uid, st.st_gid) != 0 &&
		     errno != EPERM)) {
			log_errno("cannot set the mode of '%s'", staging);
			goto done;
		}
	} else if (chmod(staging, (mode_t)mode_of_new()) != 0) {
		/* a new folder: as mkdir would make it */
		log_errno("cannot set the mode of '%s'", staging);
		goto done;
	}
	/* over the empty target in one step: on failure it stays as it
	 * was (removing it first would leave none after a crash) */
	if (rename(staging, dir) != 0) {
		int e = errno;

		if (!existed || (e != EBUSY && e != EPERM && e != EACCES)) {
			errno = e;
			log_errno("cannot move the restored tree to '%s'", dir);
			goto done;
		}
		/* a mount point or the like: move the entries in */
		if (move_in(staging, dir) != 0 || fsync_dir(dir) != 0)
			goto done;
		rmdir(staging);
	}
	rc = fsync_dir(parent);
done:
	free(parent);
	return rc;
}

static int
record(struct ctx *c, const struct staged *s, const struct filter *f,
       const char *dir)
{
	struct strbuf data = STRBUF_INIT;
	struct event ev;
	char *shown;
	int rc = -1;

	stage_event_data(s, f, &data);
	sb_adds(&data, ",\"target\":");
	shown = ident_mask_path(dir, (int)c->cfg->calling_code);
	sb_add_json(&data, shown);
	free(shown);
	sb_addc(&data, '}');
	memset(&ev, 0, sizeof(ev));
	ev.type = "restore";
	ev.data = data.buf;
	if (ledger_begin(c->ledger) == 0) {
		if (filter_append_holds(f, c->ledger) == 0 &&
		    ledger_append(c->ledger, &ev) > 0)
			rc = ledger_commit(c->ledger);
		else
			ledger_rollback(c->ledger);
	}
	sb_release(&data);
	return rc;
}

/*
 * list_kept: print "would restore PATH" for each entry of the staging
 * folder the filter f keeps, in path order (a folder with a '/' after
 * it).  Only for an archive without residue: what is kept then names no
 * one erased (per-subject paths of erased people go; a path naming one is
 * residue).  Returns 0, or -1 after reporting.
 */
static int
list_kept(const struct staged *s, struct filter *f)
{
	sqlite3_stmt *st;
	struct stat sb;
	int r;

	st = db_prepare(s->x.index, "SELECT path FROM entries ORDER BY path");
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = db_text(st, 0);
		char *full = xasprintf("%s/%s", s->dir, path);

		if (lstat(full, &sb) == 0 && !filter_drops(f, path, &sb))
			printf("would restore %s%s\n", path,
			       S_ISDIR(sb.st_mode) ? "/" : "");
		free(full);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_fail(s->x.index, "list the archive's entries");
	return 0;
}

int
cmd_restore(struct ctx *c)
{
	const char *arg = NULL, *taken = NULL, *pos[1];
	struct staged s;
	struct filter f;
	struct stat sb;
	char *parent = NULL, *to = NULL;
	int dry = 0, drop = 0, npos, state, rc, inside = 0;
	int64_t t;
	const int64_t *taken_at;
	struct opt opts[] = {
		{ "--to", NULL, &arg, NULL },
		{ "--taken-at", NULL, &taken, NULL },
		{ "--dry-run", "-n", NULL, &dry },
		{ "--drop-residue", NULL, NULL, &drop },
		{ NULL, NULL, NULL, NULL },
	};

	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	if ((rc = ctx_opts(c, opts, pos, 1, &npos, "restore")) != CTX_GO)
		return rc;
	if (npos != 1 || arg == NULL || *arg == '\0') {
		log_err("restore: give an archive (or - for standard input) "
			"and --to DIR");
		return EX_USAGE;
	}
	if (stage_taken_at("restore", taken, &t, &taken_at) != 0)
		return EX_USAGE;
	to = target_path(arg);
	state = target_state(to);
	if (state < 0 && lstat(to, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		/* the target is replaced by a rename: never through a link */
		log_err("restore: target '%s' is a symbolic link; give the "
			"folder it points to", to);
		rc = EX_USAGE;
		goto done;
	}
	if (state < 0) {
		log_err("restore: target '%s' exists and is not an empty "
			"folder", to);
		rc = EX_USAGE;
		goto done;
	}
	if (strcmp(to, "/") == 0) {
		log_err("restore: the target cannot be '/'");
		rc = EX_USAGE;
		goto done;
	}
	parent = dir_of(to);
	if (state == 1 && (mount_point(to, parent) || is_cwd(to))) {
		/* the staging folder must share the target's file system;
		 * the current folder is filled, not replaced */
		free(parent);
		parent = xstrdup(to);
		inside = 1;
	}
	if (access(parent, W_OK) != 0) {
		log_errno("restore: cannot write in '%s'", parent);
		rc = EX_USAGE;
		goto done;
	}
	if ((rc = ctx_provide(c, dry)) != 0)
		goto done;
	if (target_state(to) != state) {
		/* checked before the lock, so usage errors come first */
		log_err("restore: target '%s' changed while lethe waited",
			to);
		rc = EX_USAGE;
		goto done;
	}
	if (dry) {
		/* a dry run writes nothing beside the target: it stages in
		 * the temporary folder, as inspect does */
		const char *tmp = getenv("TMPDIR");

		free(parent);
		parent = xstrdup(tmp != NULL && *tmp ? tmp : "/tmp");
	}
	if (remove_stale(parent, !dry) < 0) {
		rc = EX_IOERR;
		goto done;
	}
	if (filter_init(&f, c->ledger, c->cfg, c->key, c->now,
			dry ? FILTER_COUNT : FILTER_APPLY) != 0) {
		rc = EX_IOERR;
		goto done;
	}
	f.drop_residue = drop;
	if (stage_archive(c, pos[0], parent, taken_at, &f, &s) !=
	    0) {
		rc = s.error == STAGE_DATA ? EX_DATAERR : EX_IOERR;
		goto done;
	}
	fault_point("restore-staged");	/* unfiltered entries on disk */
	if (filter_tree(&f, s.dir, s.x.index) != 0) {
		rc = f.hostile ? EX_DATAERR : EX_IOERR;
		if (f.st.residue > 0)
			log_err("restore refused: residue in %" PRId64
				" place%s;"
				" nothing was restored (--drop-residue leaves "
				"out files other than the live store's "
				"database)", f.st.residue,
				f.st.residue == 1 ? "" : "s");
		goto done;
	}
	if (dry) {
		stage_summary(stdout, &s, &f, 1);
		if (f.st.residue == 0 && list_kept(&s, &f) != 0) {
			rc = EX_IOERR;
			goto done;
		}
		printf("dry run: nothing was written to '%s'\n", to);
		rc = f.st.residue > 0 ? EX_DATAERR : EXIT_DONE;
		goto done;
	}
	if (extract_apply_modes(&s.x, s.dir) != 0 ||
	    (inside ? move_inside(s.dir, to)
		    : put_in_place(s.dir, to, state == 1)) != 0) {
		rc = EX_IOERR;
		goto done;
	}
	interrupt_unguard(s.dir);	/* it is the target now */
	free(s.dir);
	s.dir = NULL;
	stage_summary(stdout, &s, &f, 0);
	printf("restored into %s\n", to);
	rc = record(c, &s, &f, to) == 0 ? EXIT_DONE : EX_IOERR;
done:
	stage_release(&s);
	filter_release(&f);
	free(parent);
	free(to);
	return rc;
}
