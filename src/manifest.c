/*
 * manifest.c: writing, verifying and reading backup manifests.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "extract.h"
#include "lethe.h"
#include "log.h"
#include "manifest.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

#define LABEL "lethe-manifest-1\n"
#define HMAC_MEMBER ",\"hmac\":\""

void
manifest_begin(struct strbuf *sb, const char *backup_id, int64_t time,
	       int64_t seq, const char *head, const char *live)
{
	char t[TIME_BUFSZ];

	sb_adds(sb, "{\"format\":\"lethe-backup-1\",\"backup_id\":");
	sb_add_json(sb, backup_id);
	sb_addf(sb, ",\"time\":\"%s\",\"version\":\"%s\",\"ledger_seq\":%"
		    PRId64 ",\"ledger_head\":\"%s\",\"live_store\":",
		time_format(time, t), LETHE_VERSION, seq, head);
	sb_add_json(sb, live);
	sb_adds(sb, ",\"entries\":[");
}

void
manifest_entry(struct strbuf *sb, const char *path, const char *sha,
	       int64_t size)
{
	if (sb->buf[sb->len - 1] != '[')
		sb_addc(sb, ',');
	sb_adds(sb, "{\"path\":");
	sb_add_json(sb, path);
	sb_addf(sb, ",\"sha256\":\"%s\",\"size\":%" PRId64 "}", sha, size);
}

static void
mac(const struct key *k, const char *body, size_t len, char *hex)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, LABEL);
	sb_add(&sb, body, len);
	key_hmac(k, sb.buf, sb.len, hex);
	sb_release(&sb);
}

void
manifest_end(struct strbuf *sb, const struct key *k)
{
	char hex[HASH_HEX];

	sb_adds(sb, "]}");
	mac(k, sb->buf, sb->len, hex);
	sb->buf[--sb->len] = '\0';
	sb_addf(sb, HMAC_MEMBER "%s\"}\n", hex);
}

/*
 * split: the signed body of a manifest text and its HMAC (64 hex digits
 * at *hmac).  Today's manifests are one JSON object whose last member is
 * "hmac": the body is that object without it, rebuilt in sb.  Older ones
 * are two lines: the body, then the HMAC.  *body points into text or sb.
 * Returns 0, or -1 when text is neither.
 */
static int
split(const char *text, size_t len, struct strbuf *sb, const char **body,
      size_t *body_len, const char **hmac)
{
	size_t k = strlen(HMAC_MEMBER), end = len, cut;
	const char *nl;

	while (end > 0 && text[end - 1] == '\n')
		end--;
	if (end > k + 64 + 2 && memcmp(text + end - 2, "\"}", 2) == 0 &&
	    memcmp(text + end - 2 - 64 - k, HMAC_MEMBER, k) == 0) {
		cut = end - 2 - 64 - k;
		sb_reset(sb);
		sb_add(sb, text, cut);
		sb_addc(sb, '}');
		*body = sb->buf;
		*body_len = sb->len;
		*hmac = text + end - 2 - 64;
		return 0;
	}
	nl = memchr(text, '\n', len);
	if (nl == NULL || (size_t)(text + len - (nl + 1)) < 64)
		return -1;
	*body = text;
	*body_len = (size_t)(nl - text);
	*hmac = nl + 1;
	return 0;
}

int
manifest_parse(const char *text, size_t len, const struct key *k,
	       struct manifest *m, const char **why)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *hmac, *body;
	char hex[HASH_HEX];
	size_t n;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (split(text, len, &sb, &body, &n, &hmac) != 0) {
		*why = "not a lethe manifest";
		sb_release(&sb);
		return -1;
	}
	mac(k, body, n, hex);
	if (strncmp(hmac, hex, 64) != 0) {
		*why = "its HMAC does not verify under this ledger's key";
		sb_release(&sb);
		return -1;
	}
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		goto fail;
	st = db_prepare(db, "SELECT json_extract(?1, '$.backup_id'), "
			    "json_extract(?1, '$.time'), "
			    "json_extract(?1, '$.ledger_seq'), "
			    "json_extract(?1, '$.ledger_head'), "
			    "json_extract(?1, '$.live_store'), "
			    "json_extract(?1, '$.format')");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, body, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    strcmp(db_text(st, 5), "lethe-backup-1") != 0)
		goto fail;
	m->backup_id = db_dup(st, 0);
	m->time = db_dup(st, 1);
	m->seq = sqlite3_column_int64(st, 2);
	snprintf(m->head, sizeof(m->head), "%s", db_text(st, 3));
	m->live = db_dup(st, 4);
	rc = 0;
fail:
	if (rc != 0)
		*why = "a malformed lethe manifest";
	sqlite3_finalize(st);
	sqlite3_close(db);
	sb_release(&sb);
	return rc;
}

void
manifest_release(struct manifest *m)
{
	free(m->backup_id);
	free(m->time);
	free(m->live);
	memset(m, 0, sizeof(*m));
}

int
manifest_check_entries(const char *text, size_t len, sqlite3 *index,
		       const char *archive, int calling_code)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	const char *hmac, *body;
	size_t n;
	int r, rc = -1;

	if (split(text, len, &sb, &body, &n, &hmac) != 0)
		return -1;
	st = db_prepare(index, "CREATE TEMP TABLE IF NOT EXISTS listed(path "
			       "TEXT PRIMARY KEY, sha TEXT)");
	if (st == NULL || sqlite3_step(st) != SQLITE_DONE)
		goto done;
	sqlite3_finalize(st);
	st = db_prepare(index, "INSERT OR REPLACE INTO temp.listed SELECT "
			       "json_extract(value, '$.path'), "
			       "json_extract(value, '$.sha256') FROM "
			       "json_each(?1, '$.entries')");
	if (st == NULL)
		goto done;
	sqlite3_bind_text(st, 1, body, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(index, "read the manifest");
		goto done;
	}
	sqlite3_finalize(st);
	/* listed but missing or different, then present but unlisted */
	st = db_prepare(index,
			"SELECT l.path, 'is missing or differs from the "
			"manifest' FROM temp.listed l LEFT JOIN entries e ON "
			"e.path = l.path AND e.sha = l.sha WHERE e.path IS "
			"NULL UNION ALL SELECT e.path, 'is not in the "
			"manifest' FROM entries e WHERE e.type = 1 AND e.path "
			"!= '" MANIFEST_NAME "' AND e.path NOT IN (SELECT "
			"path FROM temp.listed) LIMIT 1");
	if (st == NULL)
		goto done;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		log_err("refusing archive '%s': entry '%s' %s", archive,
			entry_name(db_text(st, 0), calling_code),
			db_text(st, 1));
	else if (r == SQLITE_DONE)
		rc = 0;
	else
		db_fail(index, "check the manifest");
done:
	sqlite3_finalize(st);
	sb_release(&sb);
	return rc;
}
