/*
 * key.c: the ledger key file and HMAC-SHA256.
 *
 * HMAC is computed with two SHA-256 contexts primed with the padded key
 * once, so hashing millions of identifiers costs two short digests each.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the low-level SHA-256 interface: an HMAC here is two compressions and
 * two struct copies, with none of EVP's per-call provider work */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "hashset.h"
#include "key.h"
#include "log.h"
#include "osrandom.h"
#include "util.h"
#include "banned.h"

struct key {
	unsigned char bytes[KEY_BYTES];
	SHA256_CTX inner;	/* SHA-256 after key ^ ipad */
	SHA256_CTX outer;	/* SHA-256 after key ^ opad */
};

int
key_create(const char *path)
{
	unsigned char buf[KEY_BYTES];
	int fd = -1, rc = -1;

	if (os_random(buf, sizeof(buf)) != 0)
		goto done;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_errno("cannot create key file '%s'", path);
		goto done;
	}
	if (fchmod(fd, 0600) != 0 ||
	    write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    fsync(fd) != 0) {
		log_errno("cannot write key file '%s'", path);
		unlink(path);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		log_errno("cannot write key file '%s'", path);
		rc = -1;
	}
	wipe(buf, sizeof(buf));
	return rc;
}

struct key *
key_from_bytes(const unsigned char bytes[KEY_BYTES])
{
	struct key *k = xcalloc(1, sizeof(*k));
	unsigned char pad[64];
	int i;

	memcpy(k->bytes, bytes, KEY_BYTES);
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < KEY_BYTES; i++)
		pad[i] ^= k->bytes[i];
	SHA256_Init(&k->inner);
	SHA256_Update(&k->inner, pad, sizeof(pad));
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < KEY_BYTES; i++)
		pad[i] ^= k->bytes[i];
	SHA256_Init(&k->outer);
	SHA256_Update(&k->outer, pad, sizeof(pad));
	wipe(pad, sizeof(pad));
	return k;
}

/*
 * stat_ok: whether st (of the key file at path) is a regular file that
 * group and others cannot access, and, when size is set, of exactly
 * KEY_BYTES.  Returns 0, or -1 after reporting with where's prefix.
 */
static int
stat_ok(const struct stat *st, const char *path, const char *where,
	int size)
{
	const char *pre = where ? where : "", *sep = where ? ": " : "";

	if (S_ISLNK(st->st_mode)) {
		log_err("%s%skey file '%s' is a symbolic link; name the key "
			"file itself", pre, sep, path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		log_err("%s%skey file '%s' is not a regular file", pre, sep,
			path);
		return -1;
	}
	if (st->st_mode & 077) {
		log_err("%s%skey file '%s' is accessible by group or others "
			"(mode %04o); run: chmod 600 '%s'",
			pre, sep, path, (unsigned)(st->st_mode & 07777), path);
		return -1;
	}
	if (size && st->st_size != KEY_BYTES) {
		log_err("%s%skey file '%s' must hold exactly %d bytes", pre,
			sep, path, KEY_BYTES);
		return -1;
	}
	return 0;
}

int
key_check_at(const char *path, const char *where)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 1;
	return stat_ok(&st, path, where, 1);
}

struct key *
key_load(const char *path)
{
	return key_load_at(path, NULL);
}

struct key *
key_load_at(const char *path, const char *where)
{
	const char *pre = where ? where : "", *sep = where ? ": " : "";
	unsigned char buf[KEY_BYTES + 1];
	struct key *k = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	/* a symbolic link, said as such */
	if (fd < 0 && errno == ELOOP && key_check_at(path, where) < 0)
		return NULL;
	if (fd < 0) {
		log_errno("%s%scannot open key file '%s'", pre, sep, path);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		log_errno("%s%scannot stat key file '%s'", pre, sep, path);
		goto done;
	}
	/* its size is checked by reading it: it may be growing */
	if (stat_ok(&st, path, where, 0) != 0)
		goto done;
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		log_errno("%s%scannot read key file '%s'", pre, sep, path);
		goto done;
	}
	if (n != KEY_BYTES) {
		log_err("%s%skey file '%s' must hold exactly %d bytes", pre,
			sep, path, KEY_BYTES);
		goto done;
	}
	k = key_from_bytes(buf);
done:
	wipe(buf, sizeof(buf));
	close(fd);
	return k;
}

void
key_free(struct key *k)
{
	if (k == NULL)
		return;
	wipe(k, sizeof(*k));
	free(k);
}

void
key_hmac_raw(const struct key *k, const void *msg, size_t len,
	     unsigned char *out)
{
	SHA256_CTX c;
	unsigned char ih[32];

	c = k->inner;
	SHA256_Update(&c, msg, len);
	SHA256_Final(ih, &c);
	c = k->outer;
	SHA256_Update(&c, ih, sizeof(ih));
	SHA256_Final(out, &c);
}

void
key_hmac(const struct key *k, const void *msg, size_t len, char *hex)
{
	unsigned char oh[32];

	key_hmac_raw(k, msg, len, oh);
	hex_encode(oh, sizeof(oh), hex);
}

void
key_id(const struct key *k, char *hex)
{
	static const char label[] = "lethe key id v1";

	key_hmac(k, label, sizeof(label) - 1, hex);
}
