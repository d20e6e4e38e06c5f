/*
 * files.c: per-subject paths in file trees.
 */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "fsutil.h"
#include "hashset.h"
#include "ident.h"
#include "log.h"
#include "util.h"
#include "banned.h"

int
fpattern_parse(const char *pattern, struct fpattern *p)
{
	const char *open = strchr(pattern, '{');
	const char *close = open ? strchr(open, '}') : NULL;
	const char *rest;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (open == NULL || close == NULL)
		return -1;
	p->prefix = xstrndup(pattern, (size_t)(open - pattern));
	p->placeholder = xstrndup(open + 1, (size_t)(close - open - 1));
	rest = close + 1;
	n = strcspn(rest, "/");
	p->suffix = xstrndup(rest, n);
	p->dir = rest[n] == '/';
	return 0;
}

void
fpattern_release(struct fpattern *p)
{
	free(p->prefix);
	free(p->placeholder);
	free(p->suffix);
	memset(p, 0, sizeof(*p));
}

char *
fpattern_value(const struct fpattern *p, const char *path, size_t *end)
{
	size_t plen = strlen(p->prefix), slen = strlen(p->suffix);
	const char *at = path;

	while (at != NULL && *at) {
		if (strncmp(at, p->prefix, plen) == 0) {
			const char *v = at + plen;
			size_t vlen = strcspn(v, "/");

			if (vlen > slen && (slen == 0 ||
					    strncmp(v + vlen - slen, p->suffix,
						    slen) == 0)) {
				*end = (size_t)(v - path) + vlen;
				return xstrndup(v, vlen - slen);
			}
		}
		at = strchr(at, '/');
		if (at != NULL)
			at++;
	}
	return NULL;
}

int
files_subject_match(const struct config *cfg, const struct key *k,
		    const struct fpattern *p, const char *value,
		    const struct hashset *sids, const struct hashset *hashes)
{
	unsigned char key[32];
	char hex[HASH_HEX];

	if (strcmp(p->placeholder, "subject") == 0)
		return hashset_has_text(sids, value);
	return ident_hash_value(k, p->placeholder, value,
				(int)cfg->calling_code, hex) == 0 &&
	       hex_key(hex, 64, key) == 0 && hashset_get(hashes, key, NULL);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0) {
		log_errno("cannot remove '%s'", path);
		return -1;
	}
	return 0;
}

int
rm_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0) {
			log_errno("cannot remove '%s'", path);
			return -1;
		}
		return 0;
	}
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* name_value: the placeholder's value if name is base VALUE suffix. */
static char *
name_value(const char *name, const char *base, const char *suffix)
{
	size_t n = strlen(name), b = strlen(base), s = strlen(suffix);

	if (n <= b + s || strncmp(name, base, b) != 0 ||
	    strcmp(name + n - s, suffix) != 0)
		return NULL;
	return xstrndup(name + b, n - b - s);
}

/*
 * remove_path: remove (or, dry, report) one per-subject path.  The path is
 * named only when its placeholder is a subject id: an identifier in a
 * path (mail/{email}/) would put the person in the log.
 */
static int
remove_path(const char *path, const struct files_rule *f,
	    const struct fpattern *p, int dry)
{
	const char *shown = strcmp(p->placeholder, "subject") == 0
				    ? path : "a path named by an identifier";
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	if (dry) {
		log_notice("would remove %s%s%s ([files %s])",
			   shown == path ? "'" : "", shown,
			   shown == path ? "'" : "", f->name);
		return 1;
	}
	if (rm_tree(path) != 0)
		return -1;
	log_notice("removed %s%s%s ([files %s])", shown == path ? "'" : "",
		   shown, shown == path ? "'" : "", f->name);
	return 1;
}

/*
 * rule_dir: the folder a rule's per-subject names are in (under the
 * config's folder; the caller frees it), and in *base the part of the
 * names before the placeholder.
 */
static char *
rule_dir(const struct config *cfg, const struct fpattern *p,
	 const char **base)
{
	const char *slash = strrchr(p->prefix, '/');

	*base = slash ? slash + 1 : p->prefix;
	return slash ? xasprintf("%s/%.*s", cfg->dir,
				 (int)(slash - p->prefix), p->prefix)
		     : xstrdup(cfg->dir);
}

/*
 * erase_rule: remove subject sid's folder or file of rule f (pattern p,
 * its names in folder dir with base before the placeholder) where the
 * pattern puts it, spelt as the id is and, for a UUID, in small letters
 * or in capitals, bare or in braces (the same UUID, as restore reads it;
 * other ids are told apart by case); rules by identifier are
 * walk_nested's.  Returns
 * the number removed, or -1 after reporting.
 */
static int
erase_rule(const struct files_rule *f, const struct fpattern *p,
	   const char *dir, const char *base, const char *sid, int dry)
{
	char low[37], up[37], blow[39], bup[39];
	const char *spelt[5] = { NULL, NULL, NULL, NULL, NULL };
	int i, j, r, rc = 0;

	if (strcmp(p->placeholder, "subject") != 0 || sid == NULL ||
	    strchr(sid, '/') != NULL || strcmp(sid, "..") == 0 ||
	    strcmp(sid, ".") == 0)
		return 0;
	spelt[0] = sid;
	if (uuid_shaped(sid, strlen(sid))) {
		for (i = 0; i <= 36; i++) {
			low[i] = (char)tolower((unsigned char)sid[i]);
			up[i] = (char)toupper((unsigned char)sid[i]);
		}
		snprintf(blow, sizeof(blow), "{%s}", low);
		snprintf(bup, sizeof(bup), "{%s}", up);
		spelt[1] = low;
		spelt[2] = up;
		spelt[3] = blow;
		spelt[4] = bup;
	}
	for (i = 0; i < 5 && spelt[i] != NULL && rc >= 0; i++) {
		char *path;

		for (j = 0; j < i && strcmp(spelt[j], spelt[i]) != 0; j++)
			;
		if (j < i)
			continue;	/* that spelling was tried */
		path = xasprintf("%s/%s%s%s", dir, base, spelt[i], p->suffix);
		r = remove_path(path, f, p, dry);
		rc = r < 0 ? -1 : rc + r;
		free(path);
	}
	return rc;
}

/* What a walk for per-subject paths looks for. */
struct nested {
	const struct config *cfg;
	const struct key *key;
	const struct files_rule *f;
	const struct fpattern *p;
	const char *base;		/* the name's part before the value */
	int from;			/* the depth names are matched from */
	int deepest;			/* the depth looked into last */
	struct hashset *sids;		/* the batch's subject ids */
	struct hashset *hashes;		/* the batch's identifier hashes */
	int dry;
	int removed;
};

/*
 * walk_nested: in folder dir (open as fd, which is closed here; depth
 * levels below the rule's folder), remove the paths named after a
 * subject of the batch (folders for a folder rule, files for a file
 * rule, symlinks for both: a link named after the person names her too),
 * and look into the other folders down to n->deepest, never through a
 * symlink.  A folder below the rule's that cannot be read is passed over
 * with a warning (an unrelated lost+found must not stop every run).
 * Returns 0, or -1 after reporting.
 */
static int
walk_nested(struct nested *n, int fd, const char *dir, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		close(fd);
		return (log_errno("cannot read folder '%s'", dir), -1);
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char *path, *value;
		struct stat st;
		int r, sub, kind;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		kind = de->d_type == DT_DIR ? 'd' : de->d_type == DT_LNK ? 'l' :
		       de->d_type == DT_REG ? 'f' : 0;
		if (de->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
			kind = S_ISDIR(st.st_mode) ? 'd' :
			       S_ISLNK(st.st_mode) ? 'l' :
			       S_ISREG(st.st_mode) ? 'f' : 0;
		if (kind == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		value = depth >= n->from &&
			(kind == 'l' || kind == (n->p->dir ? 'd' : 'f'))
			? name_value(de->d_name, n->base, n->p->suffix) : NULL;
		if (value != NULL &&
		    files_subject_match(n->cfg, n->key, n->p, value, n->sids,
					n->hashes)) {
			r = remove_path(path, n->f, n->p, n->dry);
			if (r < 0)
				rc = -1;
			n->removed += r > 0;
		} else if (kind == 'd' && depth < n->deepest) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
				     O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				rc = walk_nested(n, sub, path, depth + 1);
			else if (errno != ENOENT && errno != ENOTDIR &&
				 errno != ELOOP)
				log_warn("cannot read folder '%s' (%s): an "
					 "erased subject's folder in it would "
					 "stay", path, strerror(errno));
		}
		free(value);
		free(path);
	}
	if (rc == 0 && errno != 0)
		rc = (log_errno("cannot read folder '%s'", dir), -1);
	closedir(d);
	return rc;
}

/*
 * erase_nested: for rule f (pattern p, its names in folder dir with base
 * before the placeholder), remove the batch's per-subject paths found in
 * the rule's folder: by identifier where the pattern puts them, and for
 * a folder rule at any depth; by subject id (a folder rule) deeper than
 * the pattern says ("attachments/2026/ID/" for "attachments/{subject}/";
 * erase_rule took the one where it says), as a restore drops them.
 * Returns the number removed, or -1.
 */
static int
erase_nested(const struct config *cfg, const struct key *k,
	     const struct files_rule *f, const struct fpattern *p,
	     const char *dir, const char *base, struct hashset *sids,
	     struct hashset *hashes, int dry)
{
	struct nested n;
	int rc, by_id, fd;

	by_id = strcmp(p->placeholder, "subject") == 0;
	/* a file by subject id is only where the pattern puts it */
	if ((by_id && !p->dir) || hashset_count(by_id ? sids : hashes) == 0)
		return 0;
	memset(&n, 0, sizeof(n));
	n.cfg = cfg;
	n.key = k;
	n.f = f;
	n.p = p;
	n.base = base;
	n.from = by_id ? 1 : 0;
	n.deepest = p->dir ? 16 : 0;
	n.sids = sids;
	n.hashes = hashes;
	n.dry = dry;
	/* the rule's own folder: by identifier, one that is there but
	 * cannot be read fails the step (a path it names may be in it); by
	 * subject id, erase_rule has removed the path it names */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		rc = 0;
	else if (fd < 0 && by_id)
		rc = (log_warn("cannot read folder '%s' (%s): an erased "
			       "subject's folder deeper in it would stay",
			       dir, strerror(errno)), 0);
	else if (fd < 0)
		rc = (log_errno("cannot read folder '%s'", dir), -1);
	else
		rc = walk_nested(&n, fd, dir, 0);
	return rc < 0 ? -1 : n.removed;
}

int
files_structured(const struct config *cfg,
		 int (*fn)(void *arg, const char *rel, const char *full,
			   const struct files_rule *rule),
		 void *arg)
{
	size_t dlen = strlen(cfg->dir);
	glob_t g;
	int i, rc = 0;
	size_t j;

	for (i = 0; i < cfg->nfiles && rc == 0; i++) {
		char *pattern;

		if (cfg->files[i].format == FMT_NONE)
			continue;
		pattern = xasprintf("%s/%s", cfg->dir, cfg->files[i].path);
		if (glob(pattern, 0, NULL, &g) == 0) {
			for (j = 0; j < g.gl_pathc && rc == 0; j++)
				rc = fn(arg, g.gl_pathv[j] + dlen + 1,
					g.gl_pathv[j], &cfg->files[i]);
			globfree(&g);
		}
		free(pattern);
	}
	return rc;
}

/* leftovers_of: a files_structured callback: remove_tmp_of(full). */
static int
leftovers_of(void *arg, const char *rel, const char *full,
	     const struct files_rule *rule)
{
	(void)arg;
	(void)rel;
	(void)rule;
	return remove_tmp_of(full);
}

int
files_remove_leftovers(const struct config *cfg)
{
	return files_structured(cfg, leftovers_of, NULL);
}

int
files_erase_batch(const struct config *cfg, const struct key *k, int n,
		  char *const *sids, char *const *ids, int dry)
{
	struct hashset *set = hashset_new(), *hashes = hashset_new();
	struct ids_item it;
	int i, j, r, total = 0;

	for (i = 0; i < n; i++) {
		const char *p = ids[i];

		if (sids[i] != NULL)
			hashset_put_text(set, sids[i]);
		while (p != NULL && ids_next(&p, &it))
			if (it.has_key)
				hashset_put(hashes, it.key, 1);
	}
	for (j = 0; j < cfg->nfiles && total >= 0; j++) {
		const struct files_rule *f = &cfg->files[j];
		struct fpattern p;
		const char *base;
		char *dir;

		if (f->format != FMT_NONE || fpattern_parse(f->path, &p) != 0)
			continue;
		dir = rule_dir(cfg, &p, &base);
		for (i = 0; i < n && total >= 0; i++) {
			r = erase_rule(f, &p, dir, base, sids[i], dry);
			total = r < 0 ? -1 : total + r;
		}
		if (total >= 0) {
			r = erase_nested(cfg, k, f, &p, dir, base, set, hashes,
					 dry);
			total = r < 0 ? -1 : total + r;
		}
		free(dir);
		fpattern_release(&p);
	}
	hashset_free(set);
	hashset_free(hashes);
	return total;
}
