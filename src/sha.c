/*
 * sha.c: SHA-256 through OpenSSL: streams through EVP, short one-shot
 * digests through the low-level interface, which spares them EVP's
 * per-call provider work (a subject id is hashed per row read).
 */
#include <stdio.h>
#include <stdlib.h>

#define OPENSSL_SUPPRESS_DEPRECATED
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

	sha_raw(p, n, md);
	hex_encode(md, sizeof(md), hex);
}

void
sha_raw(const void *p, size_t n, unsigned char *md)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(md, &c);
}
