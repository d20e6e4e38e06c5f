/*
 * strbuf.h: a growable string, always NUL-terminated.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;		/* "" until something is added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

/* sb_init: an empty buffer.  sb_release: free it and make it empty. */
void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);

/* sb_str: the string held; "" when nothing was added.  Owned by sb. */
const char *sb_str(const struct strbuf *sb);

/* sb_detach: the string held, now owned by the caller; sb is emptied. */
char *sb_detach(struct strbuf *sb);

/* sb_reset: make the buffer empty, keeping its memory. */
void sb_reset(struct strbuf *sb);

/* sb_add, sb_adds, sb_addc, sb_addf: append bytes, a string, a
 * character, formatted text. */
void sb_add(struct strbuf *sb, const void *p, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sb_add_json: append s as a JSON string with quotes; NULL as null. */
void sb_add_json(struct strbuf *sb, const char *s);

/* sb_add_csv: append s as a CSV field, quoted when it needs to be. */
void sb_add_csv(struct strbuf *sb, const char *s);

/* sb_add_sqlstr: append s as a quoted SQL string literal ('it''s'). */
void sb_add_sqlstr(struct strbuf *sb, const char *s);

/* sb_add_ident: append name as a quoted SQL identifier ("a""b"). */
void sb_add_ident(struct strbuf *sb, const char *name);

#endif
