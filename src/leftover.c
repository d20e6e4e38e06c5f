/*
 * leftover.c: the folders lethe stages in, swept under the run lock.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "leftover.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

static char *list_path;		/* LEDGER.staging-dirs, or NULL */

void
leftover_setup(const char *ledger_path)
{
	free(list_path);
	list_path = xasprintf("%s.staging-dirs", ledger_path);
}

/* read_list: the list's lines into sb (empty when there is none). */
static void
read_list(struct strbuf *sb)
{
	FILE *fp = list_path ? fopen(list_path, "re") : NULL;
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_add(sb, buf, n);
	fclose(fp);
}

/* listed: whether line dir is in text. */
static int
listed(const char *text, const char *dir)
{
	size_t n = strlen(dir);
	const char *p = text;

	while ((p = strstr(p, dir)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

/*
 * safe_to_sweep: whether folder real may be swept under the run lock: it
 * is ours (owned by this user) and no one else may write in it, so no
 * one else can have put there what the sweep removes (not /tmp: what a
 * reader stages there its next run finds), and it is no folder inside a
 * staging folder, whose names come from an archive.
 */
static int
safe_to_sweep(const char *real)
{
	struct stat st;

	if (strstr(real, "/" STAGING_PREFIX) != NULL ||
	    strchr(real, '\n') != NULL || stat(real, &st) != 0)
		return 0;
	return S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & (S_IWGRP | S_IWOTH | S_ISVTX)) == 0;
}

void
leftover_note(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char real[PATH_MAX];
	FILE *fp;

	if (list_path == NULL || realpath(dir, real) == NULL ||
	    !safe_to_sweep(real))
		return;
	read_list(&sb);
	if (!listed(sb_str(&sb), real)) {
		fp = fopen(list_path, "ae");
		if (fp != NULL) {
			fprintf(fp, "%s\n", real);
			fclose(fp);
		}
	}
	sb_release(&sb);
}

void
leftover_sweep(void)
{
	struct strbuf sb = STRBUF_INIT, keep = STRBUF_INIT;
	const char *p;
	char *tmp = NULL;
	int fd, left;

	read_list(&sb);
	for (p = sb_str(&sb); *p;) {
		const char *nl = strchr(p, '\n');
		char *dir = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));

		/* checked again: the folder may have changed hands */
		left = *dir && safe_to_sweep(dir) ? remove_stale(dir, 1) : 0;
		if (left != 0)		/* a reader's, or not removed */
			sb_addf(&keep, "%s\n", dir);
		free(dir);
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (sb.len > 0 && strcmp(sb_str(&sb), sb_str(&keep)) != 0) {
		/* the list rewritten whole: a crash keeps the old one */
		fd = tmpfile_beside(list_path, &tmp);
		if (fd >= 0) {
			FILE *fp = fdopen(fd, "w");
			int ok = fp != NULL && fputs(sb_str(&keep), fp) >= 0;

			if (fp != NULL)
				ok = fclose(fp) == 0 && ok;
			else
				close(fd);
			if (!ok || rename_durable(tmp, list_path) != 0)
				unlink(tmp);
			free(tmp);
		}
	}
	sb_release(&sb);
	sb_release(&keep);
}
