/*
 * files.c: per-subject paths in file trees.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "hashset.h"
#include "ident.h"
#include "log.h"
#include "sha.h"
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
		    const char *sid, const char *ids)
{
	char hex[HASH_HEX], item[HASH_HEX + 64];

	if (strcmp(p->placeholder, "subject") == 0)
		return sid != NULL && strcmp(value, sid) == 0;
	if (ids == NULL || ident_hash_value(k, p->placeholder, value,
					    (int)cfg->calling_code, hex) != 0)
		return 0;
	snprintf(item, sizeof(item), "%s:%s", p->placeholder, hex);
	return strstr(ids, item) != NULL;
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

/* erase_rule: remove the per-subject paths of one rule. */
static int
erase_rule(const struct config *cfg, const struct key *k,
	   const struct files_rule *f, const char *sid, const char *ids,
	   int dry)
{
	struct fpattern p;
	DIR *d = NULL;
	struct dirent *de;
	char *dir = NULL, *path = NULL, *slash;
	const char *base;
	int removed = 0, r, rc = -1;

	if (fpattern_parse(f->path, &p) != 0)
		return 0;
	slash = strrchr(p.prefix, '/');
	base = slash ? slash + 1 : p.prefix;
	dir = slash ? xasprintf("%s/%.*s", cfg->dir, (int)(slash - p.prefix),
				p.prefix)
		    : xstrdup(cfg->dir);
	if (strcmp(p.placeholder, "subject") == 0) {
		if (sid == NULL || strchr(sid, '/') != NULL ||
		    strcmp(sid, "..") == 0 || strcmp(sid, ".") == 0) {
			rc = 0;
			goto done;
		}
		path = xasprintf("%s/%s%s%s", dir, base, sid, p.suffix);
		rc = remove_path(path, f, &p, dry);
		goto done;
	}
	d = opendir(dir);
	if (d == NULL) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
		if (rc != 0)
			log_errno("cannot read folder '%s'", dir);
		goto done;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		char *value = name_value(de->d_name, base, p.suffix);

		if (value == NULL || !files_subject_match(cfg, k, &p, value,
							  sid, ids)) {
			free(value);
			continue;
		}
		free(value);
		free(path);
		path = xasprintf("%s/%s", dir, de->d_name);
		r = remove_path(path, f, &p, dry);
		if (r < 0)
			goto done;
		removed += r;
	}
	if (errno != 0) {
		log_errno("cannot read folder '%s'", dir);
		goto done;
	}
	rc = removed;
done:
	if (d != NULL)
		closedir(d);
	free(path);
	free(dir);
	fpattern_release(&p);
	return rc;
}

int
files_erase(const struct config *cfg, const struct key *k, const char *sid,
	    const char *ids, int dry)
{
	int i, n, total = 0;

	for (i = 0; i < cfg->nfiles; i++) {
		if (cfg->files[i].format != FMT_NONE)
			continue;
		n = erase_rule(cfg, k, &cfg->files[i], sid, ids, dry);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/* What a walk for nested per-subject folders looks for. */
struct nested {
	const struct files_rule *f;
	const struct fpattern *p;
	const char *base;		/* the name's part before the id */
	struct hashset *sids;		/* the batch's subject ids */
	int dry;
	int removed;
};

/*
 * walk_nested: in folder dir (depth levels below the rule's folder),
 * remove the folders named after a subject of n->sids, and look into the
 * others; never into a symlink.  Returns 0, or -1 after reporting.
 */
static int
walk_nested(struct nested *n, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		       (log_errno("cannot read folder '%s'", dir), -1);
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char *path, *value;
		unsigned char key[32];
		struct stat st;
		int r;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN ||
					     lstat(path, &st) != 0 ||
					     !S_ISDIR(st.st_mode))) {
			free(path);
			continue;
		}
		value = depth > 0 ? name_value(de->d_name, n->base,
					       n->p->suffix) : NULL;
		if (value != NULL)
			sha_raw(value, strlen(value), key);
		if (value != NULL && hashset_get(n->sids, key, NULL)) {
			r = remove_path(path, n->f, n->p, n->dry);
			if (r < 0)
				rc = -1;
			n->removed += r > 0;
		} else if (depth < 16) {
			rc = walk_nested(n, path, depth + 1);
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
 * erase_nested: for rule f, a per-subject folder by subject id, remove
 * the folders of the batch's subjects found deeper in the rule's folder
 * than the pattern says ("attachments/2026/ID/" for
 * "attachments/{subject}/"), as a restore drops them.
 */
static int
erase_nested(const struct config *cfg, const struct files_rule *f,
	     struct hashset *sids, int dry)
{
	struct fpattern p;
	struct nested n;
	char *dir, *slash;
	int rc;

	if (f->format != FMT_NONE || fpattern_parse(f->path, &p) != 0)
		return 0;
	if (!p.dir || strcmp(p.placeholder, "subject") != 0) {
		fpattern_release(&p);
		return 0;
	}
	slash = strrchr(p.prefix, '/');
	dir = slash ? xasprintf("%s/%.*s", cfg->dir, (int)(slash - p.prefix),
				p.prefix)
		    : xstrdup(cfg->dir);
	memset(&n, 0, sizeof(n));
	n.f = f;
	n.p = &p;
	n.base = slash ? slash + 1 : p.prefix;
	n.sids = sids;
	n.dry = dry;
	/* depth 0: the rule's own level, which erase_rule looked at */
	rc = walk_nested(&n, dir, 0);
	free(dir);
	fpattern_release(&p);
	return rc < 0 ? -1 : n.removed;
}

int
files_erase_batch(const struct config *cfg, const struct key *k, int n,
		  char *const *sids, char *const *ids, int dry)
{
	struct hashset *set = hashset_new();
	unsigned char key[32];
	int i, r, total = 0, any = 0;

	for (i = 0; i < n && total >= 0; i++) {
		r = files_erase(cfg, k, sids[i], ids[i], dry);
		total = r < 0 ? -1 : total + r;
		if (sids[i] != NULL) {
			sha_raw(sids[i], strlen(sids[i]), key);
			hashset_put(set, key, 1);
			any = 1;
		}
	}
	for (i = 0; any && total >= 0 && i < cfg->nfiles; i++) {
		r = erase_nested(cfg, &cfg->files[i], set, dry);
		total = r < 0 ? -1 : total + r;
	}
	hashset_free(set);
	return total;
}
