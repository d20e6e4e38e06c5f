/*
 * scan.h: finding email addresses and phone numbers in free text.
 *
 * Used for residue (law 11): every restored file is scanned, and any
 * identifier whose hash belongs to an erasure newer than the backup is
 * residue.  The scanner is generous (it offers every plausible reading of
 * a run of digits), since a candidate that is not an erased person's
 * identifier costs only a hash.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

/*
 * scan_fn: called for each candidate with its identifier type ("email"
 * or "phone"), its normalised form, and where it lies in the text.
 * Returns 0 to go on, non-zero to stop the scan (scan_text returns it).
 */
typedef int (*scan_fn)(void *arg, const char *type, const char *norm,
		       size_t off, size_t len);

/*
 * scan_text: call fn for every email-like and phone-like candidate in
 * text[0..n).  Candidates may overlap.  Returns 0 or what fn returned.
 */
int scan_text(const char *text, size_t n, int calling_code, scan_fn fn,
	      void *arg);

/* A candidate found in a text, tagged by whoever collected it. */
struct span {
	size_t off;
	size_t len;
	int tag;
};

/* Spans found in one text. */
struct spans {
	struct span *v;
	int n, cap;
};

/* spans_add: append a span.  spans_release: free and empty sp. */
void spans_add(struct spans *sp, size_t off, size_t len, int tag);
void spans_release(struct spans *sp);

/*
 * spans_merge: sort sp and merge spans that overlap or touch into one
 * (their union).  Returns the number left, sp->n.
 */
int spans_merge(struct spans *sp);

/*
 * spans_replace: text[0..n) with every span of sp replaced by "[erased]"
 * (spans that overlap or touch as one: their union), as a new string the
 * caller frees.  Merges sp (spans_merge): sp->n is then the number of
 * places replaced.
 */
char *spans_replace(const char *text, size_t n, struct spans *sp);

/*
 * spans_replace_n: spans_replace for bytes that may hold NULs (a blob):
 * the result's length into *len (when not NULL).
 */
char *spans_replace_n(const char *text, size_t n, struct spans *sp,
		      size_t *len);

#endif
