/*
 * sha.c: SHA-256 through OpenSSL's EVP interface.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "hashset.h"
#include "sha.h"
#include "util.h"
#include "banned.h"

struct sha {
	EVP_MD_CTX *ctx;
};

struct sha *
sha_new(void)
{
	struct sha *s = xmalloc(sizeof(*s));

	s->ctx = EVP_MD_CTX_new();
	if (s->ctx == NULL) {
		fputs("lethe: out of memory\n", stderr);
		abort();
	}
	EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL);
	return s;
}

void
sha_free(struct sha *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	free(s);
}

void
sha_update(struct sha *s, const void *p, size_t n)
{
	EVP_DigestUpdate(s->ctx, p, n);
}

void
sha_final_hex(struct sha *s, char *hex)
{
	unsigned char md[32];
	unsigned int n;

	EVP_DigestFinal_ex(s->ctx, md, &n);
	hex_encode(md, sizeof(md), hex);
	EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL);
}

void
sha_hex(const void *p, size_t n, char *hex)
{
	unsigned char md[32];

	SHA256(p, n, md);
	hex_encode(md, sizeof(md), hex);
}

void
sha_raw(const void *p, size_t n, unsigned char *md)
{
	SHA256(p, n, md);
}
