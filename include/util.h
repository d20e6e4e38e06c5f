/*
 * util.h: memory, number parsing and small string helpers.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * xmalloc, xcalloc, xrealloc, xstrdup, xstrndup: allocate or print
 * "out of memory" and abort.  Running out of memory is the one failure
 * lethe does not try to unwind from.  The caller owns the result.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * xasprintf: a newly allocated string formatted like printf; the caller
 * frees it.
 */
char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * uuid_shaped: whether the n bytes at s are a UUID's text: 8-4-4-4-12
 * hexadecimal digits (n must be 36).
 */
int uuid_shaped(const char *s, size_t n);

/*
 * parse_int: parse all of decimal string s (no sign other than '-', no
 * spaces, no trailing text) into *out if it lies in [min, max].
 * Returns 0, or -1 when s is not such a number; *out is then unchanged.
 */
int parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/*
 * env_int: the environment variable name as parse_int reads it within
 * [min, max], or dflt when it is unset or not such a number (test seams).
 */
int64_t env_int(const char *name, int64_t min, int64_t max, int64_t dflt);

/*
 * trim: s without leading and trailing blanks, changed in place.
 */
char *trim(char *s);

/*
 * split_list: split s at commas into trimmed, non-empty, newly allocated
 * items.  Returns the count; *out (freed with free_list) holds them.
 * Returns -1 when an item is empty ("a,,b").
 */
int split_list(const char *s, char ***out);

/*
 * free_list: free a list made by split_list; n items.  NULL is a no-op.
 */
void free_list(char **list, int n);

/*
 * utf8_valid: whether s is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
int utf8_valid(const char *s);

/*
 * utf8_decode: the code point of the UTF-8 sequence at s into *cp;
 * returns its length (1 to 4), or 0 when it is not well-formed (no
 * overlong forms, no surrogates; NUL is a sequence of 1).
 */
int utf8_decode(const char *s, unsigned *cp);

/* utf8_encode: code point cp (at most 0x10ffff) as UTF-8 into out (4
 * bytes of room); returns how many bytes. */
size_t utf8_encode(unsigned cp, char *out);

/*
 * wipe: overwrite n bytes at p with zeros in a way the compiler keeps.
 */
void wipe(void *p, size_t n);

#endif
