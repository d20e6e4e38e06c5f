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
