/*
 * ident.h: identifiers (email, phone, ...) normalised and hashed.
 *
 * An identifier hash is HMAC-SHA256 under the ledger key of the
 * normalised identifier (SPEC: "alice@example.com", "442079460958"): an
 * auditor holding the key can check a hash by hand.  The ledger stores
 * identifiers only as such hashes, written "TYPE:HEX" and separated by
 * spaces, so the type stays known beside the hash.
 */
#ifndef IDENT_H
#define IDENT_H

#include <stddef.h>

#include "key.h"

#define IDENT_MAX 256		/* longest normalised identifier, with NUL */

/*
 * ident_normalise: the canonical form of an identifier of the given type
 * into out (IDENT_MAX bytes).  email: trimmed and lower-cased, exactly one
 * '@' with text on both sides; of "Name <addr>" or "<addr>" the addr, and
 * a "mailto:" prefix dropped; refused when it holds a character an
 * address cannot hold outside quotes (blanks, '"', ':', ...) or its domain
 * starts or ends with a dot, since such a spelling would hash apart from
 * the address.  phone: E.164 digits with the
 * country code and no '+': "+44 20 7946 0958", "0044 20..." and, with
 * calling_code 44, "020 7946 0958" all become "442079460958"; 7 to 15
 * digits; only blanks, '-', '.', '/', '(' and ')' may separate digits.
 * Any other type: trimmed and lower-cased.  Returns 0, or -1 when value is
 * not a valid identifier of that type.
 */
int ident_normalise(const char *type, const char *value, int calling_code,
		    char *out);

/*
 * ident_plausible: whether value could be a valid identifier of type
 * under some default_calling_code (for an email, whether it is one, and
 * well-formed UTF-8 with a domain of non-empty labels that neither start
 * nor end with '-': stricter than ident_normalise, which must still hash
 * whatever the live store holds), so that a person's request or lookup
 * is checked before the config is read.  Returns 1 or 0.
 */
int ident_plausible(const char *type, const char *value);

/*
 * ident_hash: the hex identifier hash (HASH_HEX bytes) of an already
 * normalised identifier (of the given type, which does not enter the
 * hash).
 */
void ident_hash(const struct key *k, const char *type, const char *norm,
		char *hex);

/* ident_hash_raw: the same hash as 32 bytes into out. */
void ident_hash_raw(const struct key *k, const char *type, const char *norm,
		    unsigned char *out);

/*
 * ident_hash_value: normalise value and hash it.  Returns 0, or -1 if
 * value is not a valid identifier (hex untouched).
 */
int ident_hash_value(const struct key *k, const char *type, const char *value,
		     int calling_code, char *hex);

/* One item of a list of identifier hashes, "type:HEX". */
struct ids_item {
	const char *type;
	size_t type_len;
	const char *hex;
	size_t hex_len;
	unsigned char key[32];	/* the hash in binary */
	int has_key;		/* hex was 64 hex digits */
};

/*
 * ids_next: read the item at *p of a list "type:HEX type:HEX ..." (or
 * NULL) into it and advance *p.  Items without a ':' are skipped.
 * Returns 1, or 0 at the end of the list.
 */
int ids_next(const char **p, struct ids_item *it);

/*
 * ident_looks_personal: whether free text s looks like an email address
 * or a phone number (used to refuse such a request --ref).
 */
int ident_looks_personal(const char *s, int calling_code);

/*
 * ident_mask_path: path (made absolute when it exists) with every
 * '/'-separated part that looks like an email address or phone number
 * (ident_looks_personal) replaced by
 * "[identifier]", for the paths the ledger records (law 4: a restore to
 * "/srv/alice@example.com" must not name her there).  A new string the
 * caller frees.
 */
char *ident_mask_path(const char *path, int calling_code);

/*
 * ident_mask_name: the same for a name that is no path of this machine
 * (an archive's entry, for messages): as it is, parts masked.  A new
 * string the caller frees.
 */
char *ident_mask_name(const char *name, int calling_code);

#endif
