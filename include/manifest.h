/*
 * manifest.h: the manifest inside a lethe backup.
 *
 * One JSON object on one line (format, backup_id, time, version,
 * ledger_seq, ledger_head, live_store, entries [{path, sha256, size}],
 * hmac), where hmac, the last member, is the HMAC under the ledger key of
 * "lethe-manifest-1\n" + the object without it, in hex.  (Older backups
 * hold two lines: that object and its HMAC; they verify the same way.)  A
 * manifest that does not verify is ignored and its archive is foreign.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stdint.h>

#include <sqlite3.h>

#include "key.h"
#include "strbuf.h"

/* The manifest's path at the root of a lethe backup. */
#define MANIFEST_NAME "lethe-manifest.json"

struct manifest {
	char *backup_id;
	char *time;
	int64_t seq;
	char head[65];
	char *live;		/* the live store's path in the archive */
};

/*
 * manifest_begin: start a manifest body in sb (the caller then adds
 * entries with manifest_entry and ends with manifest_end).
 */
void manifest_begin(struct strbuf *sb, const char *backup_id, int64_t time,
		    int64_t seq, const char *head, const char *live);
void manifest_entry(struct strbuf *sb, const char *path, const char *sha,
		    int64_t size);

/* manifest_end: close the body, its HMAC as its last member "hmac". */
void manifest_end(struct strbuf *sb, const struct key *k);

/*
 * manifest_parse: verify text (len bytes) under k and read it into m
 * (release with manifest_release).  Returns 0, or -1 with *why saying
 * why it is not a valid lethe manifest.
 */
int manifest_parse(const char *text, size_t len, const struct key *k,
		   struct manifest *m, const char **why);
void manifest_release(struct manifest *m);

/*
 * manifest_check_entries: whether the entries of index (table entries:
 * path, type, sha) are exactly the files the manifest lists, with their
 * digests.  Returns 0, or -1 after reporting the first mismatch (its
 * entry named by entry_name with calling_code).
 */
int manifest_check_entries(const char *text, size_t len, sqlite3 *index,
			   const char *archive, int calling_code);

#endif
