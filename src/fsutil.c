/*
 * fsutil.c: durable replacement (temp file, fsync, rename, fsync folder).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "fsutil.h"
#include "interrupt.h"
#include "leftover.h"
#include "log.h"
#include "sha.h"
#include "util.h"
#include "banned.h"

static char tag[9] = "0";	/* the installation's tag */

void
fsutil_set_tag(const char *ledger_path)
{
	char hex[65];

	sha_hex(ledger_path, strlen(ledger_path), hex);
	snprintf(tag, sizeof(tag), "%.8s", hex);
}

char *
staging_name(const char *parent)
{
	leftover_note(parent);
	return xasprintf("%s/" STAGING_PREFIX "%s-%ld-XXXXXX", parent, tag,
			 (long)getpid());
}

/* owner_gone: whether the process named in a staging folder's name
 * ("...-TAG-PID-XXXXXX") no longer runs. */
static int
owner_gone(const char *name, size_t prefix)
{
	char num[24];
	const char *p = name + prefix;
	size_t n = strcspn(p, "-");
	int64_t pid;

	if (n == 0 || n >= sizeof(num))
		return 0;
	memcpy(num, p, n);
	num[n] = '\0';
	if (parse_int(num, 1, INT32_MAX, &pid) != 0)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* not_lethe: whether process pid runs another program than this one
 * (its pid was reused); 0 when that cannot be told. */
static int
not_lethe(const char *name, size_t prefix)
{
	char num[24], *exe;
	const char *p = name + prefix;
	size_t n = strcspn(p, "-");
	struct stat a, b;
	int r;

	if (n == 0 || n >= sizeof(num))
		return 0;
	memcpy(num, p, n);
	num[n] = '\0';
	exe = xasprintf("/proc/%s/exe", num);
	r = stat(exe, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	    (a.st_dev != b.st_dev || a.st_ino != b.st_ino);
	free(exe);
	return r;
}

int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *
base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int
tmpfile_beside(const char *path, char **tmp)
{
	char *dir = dir_of(path);
	int fd;

	*tmp = xasprintf("%s/" TMP_PREFIX "%s-%s.XXXXXX", dir, tag,
			 base_of(path));
	free(dir);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		log_errno("cannot create a file beside '%s'", path);
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

int
remove_tmp_of(const char *path)
{
	char *dir = dir_of(path);
	char *prefix = xasprintf(TMP_PREFIX "%s-%s.", tag, base_of(path));
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	int rc = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		/* the name tmpfile_beside gives: PREFIX and six characters */
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    strlen(de->d_name) != plen + 6 ||
		    fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) != 0) {
			log_errno("cannot remove '%s/%s'", dir, de->d_name);
			rc = -1;
		} else {
			log_notice("removed '%s/%s', left by an interrupted "
				   "lethe", dir, de->d_name);
		}
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
	return rc;
}

int
tmpfile_noted(const char *path, char **tmp)
{
	char *dir = dir_of(path);
	int fd;

	leftover_note(dir);
	free(dir);
	fd = tmpfile_beside(path, tmp);
	if (fd >= 0)
		interrupt_guard(*tmp);
	return fd;
}

int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		log_errno("cannot sync folder '%s'", dir);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
rename_durable(const char *from, const char *to)
{
	char *dir;
	int rc;

	if (rename(from, to) != 0) {
		log_errno("cannot rename '%s' to '%s'", from, to);
		return -1;
	}
	dir = dir_of(to);
	rc = fsync_dir(dir);
	free(dir);
	return rc;
}

int
file_is_sqlite(const char *path)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return -1;
	return n == 16 && memcmp(head, "SQLite format 3", 16) == 0;
}

int
mkdir_p(const char *path, int mode)
{
	char *copy = xstrdup(path), *p;
	struct stat st;
	int rc = -1;

	for (p = *copy ? copy + 1 : copy; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			log_errno("cannot make folder '%s'", copy);
			goto done;
		}
		*p = '/';
	}
	if (*copy == '\0' ||
	    (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST)) {
		log_errno("cannot make folder '%s'", copy);
		goto done;
	}
	if (stat(copy, &st) != 0) {
		log_errno("cannot make folder '%s'", copy);
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		log_errno("cannot make folder '%s'", copy);
		goto done;
	}
	rc = 0;
done:
	free(copy);
	return rc;
}

int
remove_stale(const char *dir, int locked)
{
	char *mine_tmp = xasprintf(TMP_PREFIX "%s-", tag);
	char *mine_stage = xasprintf(STAGING_PREFIX "%s-", tag);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0, left = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char *path;

		int tmp = strncmp(de->d_name, mine_tmp, strlen(mine_tmp)) == 0;
		int stage = strncmp(de->d_name, mine_stage,
				    strlen(mine_stage)) == 0;

		/* a staging folder of a lethe that runs is a reader's
		 * (inspect, restore --dry-run), which takes no lock */
		if (!(tmp && locked) &&
		    !(stage && (owner_gone(de->d_name, strlen(mine_stage)) ||
				(locked && not_lethe(de->d_name,
						     strlen(mine_stage)))))) {
			left += tmp || stage;
			continue;
		}
		path = xasprintf("%s/%s", dir, de->d_name);
		if (rm_tree(path) != 0)
			rc = -1;
		else
			log_notice("removed '%s', left by an interrupted lethe",
				   path);
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(mine_tmp);
	free(mine_stage);
	return rc < 0 ? -1 : left;
}

int
place_new(const char *tmp, const char *path)
{
	char *dir;
	int rc;

	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			log_err("'%s' exists; lethe does not overwrite it",
				path);
		else
			log_errno("cannot create '%s'", path);
		return -1;
	}
	unlink(tmp);
	dir = dir_of(path);
	rc = fsync_dir(dir);
	free(dir);
	return rc;
}

unsigned
mode_of_new(void)
{
	mode_t mask = umask(022);

	umask(mask);
	return 0777 & ~mask;
}
