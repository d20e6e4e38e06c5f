/*
 * files.h: the data map's file trees ([files NAME] sections).
 *
 * A per-subject path pattern such as "attachments/{subject}/" or
 * "mail/{email}/" splits into a literal prefix, a placeholder (subject, or
 * an identifier type) and a suffix; the per-subject path is the prefix,
 * the value and the suffix up to its first '/'.
 */
#ifndef FILES_H
#define FILES_H

#include <stddef.h>

#include "config.h"
#include "key.h"

struct fpattern {
	char *prefix;		/* "attachments/" */
	char *placeholder;	/* "subject", "email", ... or NULL */
	char *suffix;		/* the rest of the name, before any '/' */
	int dir;		/* the per-subject path is a folder */
};

/*
 * fpattern_parse: split pattern into p (release with fpattern_release).
 * Returns 0, or -1 when it has no placeholder.
 */
int fpattern_parse(const char *pattern, struct fpattern *p);
void fpattern_release(struct fpattern *p);

/*
 * fpattern_value: whether relative path `path` lies in a per-subject path
 * of p, at any depth (prefix matched at a component boundary).  If so,
 * returns the placeholder's value (newly allocated) and sets *end to the
 * length of the per-subject path within path; else NULL.
 */
char *fpattern_value(const struct fpattern *p, const char *path, size_t *end);

struct hashset;

/*
 * files_subject_match: whether value, found in the placeholder of p,
 * names a subject whose id is in sids or one of whose identifier hashes
 * is in hashes (sets of sha_raw of the id, and of the binary hashes).
 */
int files_subject_match(const struct config *cfg, const struct key *k,
			const struct fpattern *p, const char *value,
			const struct hashset *sids,
			const struct hashset *hashes);

/*
 * files_structured: call fn(arg, rel, full, rule) for each file a
 * structured [files] rule (format csv or jsonl) names in the live trees,
 * rel its path under the config's folder, full the whole path, until fn
 * returns nonzero.  Returns what fn last returned, or 0.
 */
int files_structured(const struct config *cfg,
		     int (*fn)(void *arg, const char *rel, const char *full,
			       const struct files_rule *rule),
		     void *arg);

/*
 * files_remove_leftovers: under the run lock, remove the new copies of
 * structured files that an interrupted run left beside them
 * (remove_tmp_of), also in a folder others may write in, which the sweep
 * of noted folders passes over.  Returns 0, or -1 after reporting.
 */
int files_remove_leftovers(const struct config *cfg);

/*
 * files_erase_batch: remove from the live file trees (under the config's
 * folder) the per-subject paths of n subjects (sids[i], or NULL, with
 * hashes ids[i]): where each rule's pattern puts them and, for a folder
 * rule, deeper in its folder ("attachments/2026/ID/" for
 * "attachments/{subject}/"; folders named by an identifier at any
 * depth), as a restore drops them; symlinks of those names are removed,
 * never followed.  Paths named by an identifier are never named in the
 * log.  With dry, only logs.  Returns the number of paths removed (or
 * that would be), or -1 after reporting.
 */
int files_erase_batch(const struct config *cfg, const struct key *k, int n,
		      char *const *sids, char *const *ids, int dry);

/*
 * rm_tree: remove path and, if it is a folder, everything below it,
 * without following symlinks.  Returns 0, or -1 after reporting.
 */
int rm_tree(const char *path);

#endif
