/*
 * aout_tree.c: adding file trees to an archive (backup and scrub).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aout.h"
#include "hashset.h"
#include "log.h"
#include "manifest.h"
#include "sha.h"
#include "util.h"
#include "banned.h"

#define MAX_DEPTH 64

void
aout_tree_init(struct aout_tree *t, struct aout *out, struct strbuf *manifest)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->manifest = manifest;
	t->seen = hashset_new();
	aout_tree_never(t, aout_temp_path(out));
}

void
aout_tree_release(struct aout_tree *t)
{
	hashset_free(t->seen);
	memset(t, 0, sizeof(*t));
}

void
aout_tree_never(struct aout_tree *t, const char *path)
{
	struct stat st;

	if (path != NULL && t->nnever < AOUT_NEVER && stat(path, &st) == 0)
		t->never[t->nnever++] = st;
}

static int
never(const struct aout_tree *t, const struct stat *st)
{
	int i;

	for (i = 0; i < t->nnever; i++)
		if (t->never[i].st_dev == st->st_dev &&
		    t->never[i].st_ino == st->st_ino)
			return 1;
	return 0;
}

/* first_time: whether name has not been added yet (and mark it). */
static int
first_time(struct aout_tree *t, const char *name)
{
	unsigned char key[32];
	char hex[65];

	sha_hex(name, strlen(name), hex);
	hex_key(hex, 64, key);
	if (hashset_get(t->seen, key, NULL))
		return 0;
	hashset_put(t->seen, key, 1);
	return 1;
}

int
aout_tree_file(struct aout_tree *t, const char *name, const char *path,
	       const struct stat *st)
{
	char sha[65];

	if (!first_time(t, name))
		return 0;
	if (aout_add_file(t->out, name, path, st, sha) != 0)
		return -1;
	if (t->manifest != NULL)
		manifest_entry(t->manifest, name, sha, (int64_t)st->st_size);
	t->entries++;
	t->bytes += (int64_t)st->st_size;
	return 0;
}

/*
 * escapes: whether symlink `name` (an archive path) -> target leaves the
 * archive's root, read lexically (an absolute target always does).
 */
static int
escapes(const char *name, const char *target)
{
	const char *p;
	int depth = 0;

	if (target[0] == '/')
		return 1;
	for (p = name; *p; p++)
		if (*p == '/')
			depth++;
	for (p = target; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int
add(struct aout_tree *t, const char *name, const char *path, int depth)
{
	struct stat st;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	int n = 0, i, rc = -1;

	/* a tree's own folder may be a link to where the data lives (as
	 * run, which erases there, follows it); below it, links are kept */
	if ((depth == 0 ? stat(path, &st) : lstat(path, &st)) != 0) {
		if (errno == ENOENT && depth == 0)
			return 0;
		log_errno("cannot read '%s'", path);
		return -1;
	}
	if (never(t, &st))
		return 0;
	if (S_ISREG(st.st_mode))
		return aout_tree_file(t, name, path, &st);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t len = readlink(path, target, sizeof(target) - 1);

		if (len < 0) {
			log_errno("cannot read symlink '%s'", path);
			return -1;
		}
		target[len] = '\0';
		if (escapes(name, target)) {
			log_warn("skipping symlink '%s' -> '%s': it points "
				 "outside the backed-up tree, and a restore "
				 "refuses such links", path, target);
			return 0;
		}
		if (!first_time(t, name))
			return 0;
		t->entries++;
		return aout_add_symlink(t->out, name, target, &st);
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warn("skipping '%s': not a file, folder or symlink", path);
		return 0;
	}
	if (depth > MAX_DEPTH) {
		log_err("'%s': folders nested too deep", path);
		return -1;
	}
	if (*name && first_time(t, name) &&
	    aout_add_dir(t->out, name, &st) != 0)
		return -1;
	d = opendir(path);
	if (d == NULL) {
		log_errno("cannot read folder '%s'", path);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		names = xrealloc(names, sizeof(*names) * (size_t)(n + 1));
		names[n++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		log_errno("cannot read folder '%s'", path);
		goto done;
	}
	if (n > 1)
		qsort(names, (size_t)n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		char *cname = *name ? xasprintf("%s/%s", name, names[i])
				    : xstrdup(names[i]);
		char *cpath = xasprintf("%s/%s", path, names[i]);
		int r = add(t, cname, cpath, depth + 1);

		free(cname);
		free(cpath);
		if (r != 0)
			goto done;
	}
	rc = 0;
done:
	free_list(names, n);
	closedir(d);
	return rc;
}

int
aout_tree_add(struct aout_tree *t, const char *name, const char *path)
{
	return add(t, name, path, 0);
}
