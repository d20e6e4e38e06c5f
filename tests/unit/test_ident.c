/*
 * test_ident.c: identifiers normalised and hashed; the key file.
 *
 * The expected HMAC values were computed once with
 *   printf '%s' MSG | openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY
 * and are hard-coded here.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "ident.h"
#include "key.h"
#include "util.h"

/* key 00 01 02 .. 1f */
#define SEQ_KEY "000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

static char dir[PATH_MAX];
static char norm[IDENT_MAX];

static const char *
n(const char *type, const char *value, int cc)
{
	if (ident_normalise(type, value, cc, norm) != 0)
		return "(invalid)";
	return norm;
}

/* the UTF-8 coder the email lower-casing and the JSON escapes share */
static void
test_utf8(void)
{
	char buf[4];
	unsigned cp;

	CHECK(utf8_decode("\xc3\xa9", &cp) == 2 && cp == 0xe9,
	      "utf8_decode: a 2-byte sequence");
	CHECK(utf8_decode("\xf0\x9f\x98\x80", &cp) == 4 && cp == 0x1f600,
	      "utf8_decode: a 4-byte sequence");
	CHECK(utf8_decode("\xe0\x81\x81", &cp) == 0,
	      "utf8_decode: an overlong form is refused");
	CHECK(utf8_decode("\xed\xa0\x80", &cp) == 0,
	      "utf8_decode: a surrogate is refused");
	CHECK(utf8_decode("\xc3", &cp) == 0, "utf8_decode: a cut sequence");
	CHECK(utf8_encode(0xe9, buf) == 2 && memcmp(buf, "\xc3\xa9", 2) == 0,
	      "utf8_encode: 2 bytes");
	CHECK(utf8_encode(0x1f600, buf) == 4 &&
		  memcmp(buf, "\xf0\x9f\x98\x80", 4) == 0,
	      "utf8_encode: 4 bytes");
	CHECK(utf8_valid("caf\xc3\xa9") && !utf8_valid("caf\xc3"),
	      "utf8_valid");
}

static void
test_email(void)
{
	CHECK_STR(n("email", "alice@example.com", 44), "alice@example.com",
		  "a plain email");
	CHECK_STR(n("email", "Alice@Example.COM", 44), "alice@example.com",
		  "email lower-cased");
	CHECK_STR(n("email", "Zoë.Ünïcode@Exämple.com", 44),
		  "zoë.ünïcode@exämple.com",
		  "letters beyond ASCII lower-cased too");
	CHECK_STR(n("email", "JOSÉ@EXAMPLE.COM", 44), "josé@example.com",
		  "an accented capital");
	CHECK_STR(n("email", "ΣΟΦΙΑ@EXAMPLE.GR", 44), "σοφια@example.gr",
		  "Greek capitals");
	CHECK_STR(n("email", "A\xe0\x81\x81" "B@Example.com", 44),
		  "a\xe0\x81\x81" "b@example.com",
		  "an overlong form is no letter to lower");
	CHECK_STR(n("email", "A\xff\xc3@Example.com", 44),
		  "a\xff\xc3@example.com", "bytes that are not UTF-8 kept");
	CHECK_STR(n("email", "  alice@example.com\t\n", 44),
		  "alice@example.com", "email trimmed");
	CHECK_STR(n("email", " A.B+tag@Sub.Example.org ", 44),
		  "a.b+tag@sub.example.org", "dots and plus kept");
	CHECK_STR(n("email", "alice.example.com", 44), "(invalid)",
		  "email without @");
	CHECK_STR(n("email", "a@b@example.com", 44), "(invalid)",
		  "email with two @");
	CHECK_STR(n("email", "ali ce@example.com", 44), "(invalid)",
		  "email with a blank inside");
	CHECK_STR(n("email", "alice@exa\tmple.com", 44), "(invalid)",
		  "email with a tab inside");
	CHECK_STR(n("email", "@example.com", 44), "(invalid)",
		  "email with an empty local part");
	CHECK_STR(n("email", "alice@", 44), "(invalid)",
		  "email with an empty domain");
	CHECK_STR(n("email", " @ ", 44), "(invalid)", "email of just @");
	CHECK_STR(n("email", "", 44), "(invalid)", "empty email");
	CHECK_STR(n("email", "   ", 44), "(invalid)", "blank email");
	CHECK_STR(n("email", "a\001b@example.com", 44), "(invalid)",
		  "email with a control character");
	CHECK(ident_normalise("email", NULL, 44, norm) != 0, "NULL email");
	/* the address as a list or prose holds it */
	CHECK_STR(n("email", "<Alice@example.com>", 44), "alice@example.com",
		  "email in angle brackets");
	CHECK_STR(n("email", "\"alice@example.com\"", 44), "alice@example.com",
		  "email in double quotes");
	CHECK_STR(n("email", "'alice@example.com'", 44), "alice@example.com",
		  "email in single quotes");
	CHECK_STR(n("email", "\"alice@example.com", 44), "(invalid)",
		  "email with one double quote");
	CHECK_STR(n("email", "alice@example.com\xc2\xa0", 44),
		  "alice@example.com", "a trailing no-break space");
	CHECK_STR(n("email",
		    "\xef\xbb\xbf\xe2\x80\x83" "alice@example.com", 44),
		  "alice@example.com", "a byte order mark and an em space");
	CHECK_STR(n("email", "p@Example.Com, ", 44), "p@example.com",
		  "a trailing comma and blank");
	CHECK_STR(n("email", "<alice@example.com>;", 44), "alice@example.com",
		  "angle brackets and a semicolon");
	CHECK_STR(n("email", "p@example.com; q@example.com", 44), "(invalid)",
		  "two addresses");
	CHECK_STR(n("email", " Alice B <alice@example.com> ", 44),
		  "alice@example.com", "email with a display name");
	CHECK_STR(n("email", "Alice <alice@example.com> x", 44), "(invalid)",
		  "email with text after the address");
	CHECK_STR(n("email", "alice@example.com>", 44), "(invalid)",
		  "email with a '>' and no '<'");
	CHECK_STR(n("email", "<mailto:alice@example.com>", 44),
		  "alice@example.com", "a mailto: URI in angle brackets");
	CHECK_STR(n("email", "alice@example.com.", 44), "alice@example.com",
		  "email with a trailing dot");
	CHECK_STR(n("email", "alice@example.com,", 44), "alice@example.com",
		  "email with a trailing comma");
	CHECK_STR(n("email", "alice@.", 44), "(invalid)",
		  "a domain of just a dot");
	CHECK_STR(n("email", "alice@.example.com", 44), "(invalid)",
		  "email whose domain starts with a dot");
	CHECK_STR(n("email", "MAILTO:Alice@Example.com", 44),
		  "alice@example.com", "a mailto: URI");
	CHECK_STR(n("email", "o'brien+x@example.com", 44),
		  "o'brien+x@example.com", "RFC 5322 atext in the local part");
	CHECK_STR(n("email", "j\xc3\xb6rg@b\xc3\xbc" "cher.example", 44),
		  "j\xc3\xb6rg@b\xc3\xbc" "cher.example", "UTF-8 address");
}

static void
test_phone(void)
{
	CHECK_STR(n("phone", "+44 20 7946 0958", 44), "442079460958",
		  "+44 with blanks");
	CHECK_STR(n("phone", "0044 20 7946 0958", 44), "442079460958",
		  "0044 international prefix");
	CHECK_STR(n("phone", "020 7946 0958", 44), "442079460958",
		  "national number with calling code 44");
	CHECK_STR(n("phone", "(020) 7946-0958", 44), "442079460958",
		  "parentheses and a dash");
	CHECK_STR(n("phone", " +44.20.7946.0958 ", 44), "442079460958",
		  "dots, trimmed");
	CHECK_STR(n("phone", "+44/20/7946/0958", 44), "442079460958",
		  "slashes");
	CHECK_STR(n("phone", "442079460958", 44), "442079460958",
		  "already E.164 digits");
	CHECK_STR(n("phone", "01 23 45 67 89", 33), "33123456789",
		  "national number with calling code 33");
	CHECK_STR(n("phone", "+1 (555) 010-9999", 44), "15550109999",
		  "another country's number is kept");
	CHECK_STR(n("phone", "(+44) 7700 900001", 44), "447700900001",
		  "a code in parentheses");
	CHECK_STR(n("phone", "+44 07700 900902", 44), "447700900902",
		  "the trunk 0 after the code");
	CHECK_STR(n("phone", "0044 07700 900902", 33), "447700900902",
		  "the trunk 0 after 0044");
	CHECK_STR(n("phone", "+33 01 23 45 67 89", 44), "33123456789",
		  "a trunk 0 after +33");
	CHECK_STR(n("phone", "+39 06 1234 5678", 44), "390612345678",
		  "Italy dials its 0 from abroad");
	CHECK_STR(n("phone", "06 1234 5678", 39), "390612345678",
		  "so a national Italian number keeps it");
	CHECK_STR(n("phone", "+225 07 12 34 56 78", 44), "2250712345678",
		  "as does Cote d'Ivoire");
	CHECK_STR(n("phone", "+1 415 555 0132", 44), "14155550132",
		  "a one-digit code");
	CHECK_STR(n("phone", "tel:+447700900003", 44), "447700900003",
		  "a tel: URI");
	CHECK_STR(n("phone", "TEL: 07700 900003", 44), "447700900003",
		  "a tel: prefix, national number");
	CHECK_STR(n("phone", "+44 123", 44), "(invalid)",
		  "too short (5 digits)");
	CHECK_STR(n("phone", "123456", 44), "(invalid)", "6 digits");
	CHECK_STR(n("phone", "1234567", 44), "1234567", "7 digits");
	CHECK_STR(n("phone", "+123456789012345", 44), "123456789012345",
		  "15 digits");
	CHECK_STR(n("phone", "+1234567890123456", 44), "(invalid)",
		  "16 digits is too long");
	CHECK_STR(n("phone", "+44 20 7946 0958 1234 5678", 44), "(invalid)",
		  "far too long");
	CHECK_STR(n("phone", "020 7946 CALL", 44), "(invalid)",
		  "letters");
	CHECK_STR(n("phone", "020 7946 0958 x12", 44), "(invalid)",
		  "an extension with a letter");
	CHECK_STR(n("phone", "44+2079460958", 44), "(invalid)",
		  "a '+' inside");
	CHECK_STR(n("phone", "020_7946_0958", 44), "(invalid)",
		  "an underscore separator");
	CHECK_STR(n("phone", "+", 44), "(invalid)", "just '+'");
	CHECK_STR(n("phone", "", 44), "(invalid)", "empty phone");
	CHECK_STR(n("phone", "alice@example.com", 44), "(invalid)",
		  "an email is not a phone");
}

static void
test_other(void)
{
	CHECK_STR(n("customer_no", "  AB-123 ", 44), "ab-123",
		  "another type: trimmed and lower-cased");
	CHECK_STR(n("customer_no", "  ", 44), "(invalid)",
		  "another type: blank");
}

static int
hex_to_key(const char *hex, unsigned char *out)
{
	int i;

	for (i = 0; i < KEY_BYTES; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return 0;
}

static struct key *
make_key(const char *hex)
{
	unsigned char b[KEY_BYTES];

	hex_to_key(hex, b);
	return key_from_bytes(b);
}

static void
test_hash(void)
{
	struct key *k = make_key(SEQ_KEY);
	struct key *k2 = make_key("ffffffffffffffffffffffffffffffff"
				  "ffffffffffffffffffffffffffffffff");
	struct key *k0b = make_key("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
				   "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
	char a[HASH_HEX], b[HASH_HEX], c[HASH_HEX];
	char big[200];
	const char *phones[] = { "+44 20 7946 0958", "0044 20 7946 0958",
				 "020 7946 0958", "(020) 7946-0958" };
	size_t i;
	int same;

	/* HMAC-SHA256 itself */
	key_hmac(k0b, "Hi There", 8, a);
	CHECK_STR(a, "198a607eb44bfbc69903a0f1cf2bbdc5"
		     "ba0aa3f3d9ae3c1c7a3b1696a0b68cf7",
		  "HMAC-SHA256, 32 bytes of 0x0b, 'Hi There'");
	key_hmac(k, "", 0, a);
	CHECK_STR(a, "d38b42096d80f45f826b44a9d5607de7"
		     "2496a415d3f4a1a8c88e3bb9da8dc1cb",
		  "HMAC-SHA256 of the empty message");
	memset(big, 'a', sizeof(big));
	key_hmac(k, big, sizeof(big), a);
	CHECK_STR(a, "70034faebea699a3b6a78ec372b97a83"
		     "906134874545455329c0dea5eccde6ee",
		  "HMAC-SHA256 of a message longer than a block");
	key_hmac(k0b, "Hi There", 8, b);
	CHECK_STR(b, "198a607eb44bfbc69903a0f1cf2bbdc5"
		     "ba0aa3f3d9ae3c1c7a3b1696a0b68cf7",
		  "the key can be used again");

	/* identifier hashes: HMAC of the normalised identifier (SPEC) */
	ident_hash(k, "email", "alice@example.com", a);
	CHECK_STR(a, "a59fc578d4cb46faab1d6eb348e7c74b"
		     "33b85122d6459fdb7bf5654b333acab4",
		  "email hash is HMAC('alice@example.com')");
	CHECK(ident_hash_value(k, "email", "  Alice@EXAMPLE.com ", 44, b) == 0,
	      "hash an email as written");
	CHECK_STR(b, a, "different spellings of an email hash equal");
	ident_hash(k2, "email", "alice@example.com", c);
	CHECK_STR(c, "e69a39e975c8da5cd961f9b8d2352505"
		     "4999fd434ba2d91a2a8e0622fbb7a005",
		  "the same email under another key");
	CHECK(strcmp(a, c) != 0, "different keys give different hashes");

	same = 1;
	for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		memset(b, 0, sizeof(b));
		if (ident_hash_value(k, "phone", phones[i], 44, b) != 0 ||
		    strcmp(b, "e36e9075fa6c4ee0d6d8bfcf8d4cb4a4"
			      "03919ab9089179984e953463b7a0b16e") != 0) {
			printf("# '%s' hashed to '%s'\n", phones[i], b);
			same = 0;
		}
	}
	CHECK(same, "four spellings of a phone hash to "
		    "HMAC('442079460958')");
	ident_hash(k, "email", "bob@example.com", b);
	CHECK(strcmp(a, b) != 0, "different emails hash differently");

	memset(c, 'z', sizeof(c));
	c[HASH_HEX - 1] = '\0';
	CHECK(ident_hash_value(k, "email", "not an email", 44, c) != 0 &&
		      c[0] == 'z',
	      "an invalid identifier is not hashed, output untouched");
	CHECK(ident_hash_value(k, "phone", "12", 44, c) != 0, "a short phone");

	key_id(k, a);
	key_id(k, b);
	key_id(k2, c);
	CHECK(strlen(a) == 64 && strcmp(a, b) == 0 && strcmp(a, c) != 0,
	      "key_id is stable and differs between keys");
	ident_hash(k, "email", "alice@example.com", b);
	CHECK(strcmp(a, b) != 0, "key_id is not an identifier hash");

	key_free(k);
	key_free(k2);
	key_free(k0b);
	key_free(NULL);
}

static void
test_looks_personal(void)
{
	CHECK(ident_looks_personal("alice@example.com", 44), "an email");
	CHECK(ident_looks_personal("mail from bob@example.org re refund", 44),
	      "an email in text");
	CHECK(ident_looks_personal("+44 7700 900123", 44), "an international "
							   "phone");
	CHECK(ident_looks_personal("07700 900123", 44), "a national phone");
	CHECK(ident_looks_personal("call 020 7946 0958 please", 44),
	      "a phone in text");
	CHECK(ident_looks_personal("447700900123", 44), "bare E.164 digits");
	CHECK(!ident_looks_personal("HD-1234", 44), "a helpdesk ticket");
	CHECK(!ident_looks_personal("lethe-20261122T010000Z.tar.zst", 44),
	      "a backup name whose time starts with 0");
	CHECK(!ident_looks_personal("room 012345", 44),
	      "six digits after a 0 are no phone");
	CHECK(ident_looks_personal("call 0161 4960", 44),
	      "seven digits after a 0 may be one");
	CHECK(!ident_looks_personal("TICKET-2026-11-22", 44),
	      "a ticket with a date");
	CHECK(!ident_looks_personal("ref 42", 44), "a short reference");
	CHECK(!ident_looks_personal("2026-11-22", 44), "a date");
	CHECK(!ident_looks_personal("", 44), "empty");
	CHECK(!ident_looks_personal("INV 2026/0042", 44), "an invoice number");
	CHECK(!ident_looks_personal("HD-2026-000123", 44), "a long ticket");
	CHECK(!ident_looks_personal("22.11.2026", 44), "a dotted date");
	CHECK(ident_looks_personal("44-7700-900123", 44), "dashed digits");
	CHECK(ident_looks_personal("7700-900-123", 44), "a dashed number");
	CHECK(ident_looks_personal("415.555.0132", 44), "a dotted number");
	CHECK(ident_looks_personal("1-800-555-0199", 44), "a toll-free one");
	CHECK(ident_looks_personal("44.20.7946.0958", 44), "dots, 12 digits");
	CHECK(ident_looks_personal("tel:7700/900/123", 44), "a tel: number");
	CHECK(ident_looks_personal("call 415-555-0132", 44), "one in text");
	CHECK(ident_looks_personal("alice(at)example.com", 44),
	      "an email spelled out");
	CHECK(ident_looks_personal("alice at example.com", 44),
	      "an email with 'at' in words and its domain as written");
	CHECK(ident_looks_personal("mail alice AT acme.co.uk.", 44),
	      "the same in capitals, a sentence's full stop after it");
	CHECK(ident_looks_personal("alice  at  example  dot  com", 44),
	      "an email in words with two spaces between them");
	CHECK(ident_looks_personal("seen  at desk; alice at example dot com",
				   44), "an email in words after another 'at'");
	CHECK(!ident_looks_personal("escalated at tier 2", 44),
	      "'at' before no domain");
	CHECK(!ident_looks_personal("T#42 reply at 10.30", 44),
	      "'at' before a time");
	CHECK(!ident_looks_personal("at example.com", 44),
	      "'at' with no word before it");
	CHECK(!ident_looks_personal("HD-7 cat example.com", 44),
	      "'at' inside a word");
}


static struct key *
load_quiet(const char *path)
{
	struct key *k;

	capture_begin();
	k = key_load(path);
	capture_end();
	return k;
}

static char *
at(const char *name)
{
	static char buf[4][2 * PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void
write_bytes(const char *path, const void *p, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, p, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	fchmod(fd, mode);
	close(fd);
}

static void
test_key_file(void)
{
	unsigned char bytes[KEY_BYTES + 1];
	struct key *k, *k2, *kb;
	struct stat st;
	char a[HASH_HEX], b[HASH_HEX];
	mode_t old;
	int i, r;

	old = umask(0);
	r = key_create(at("ledger.key"));
	umask(old);
	CHECK(r == 0, "key_create");
	CHECK(stat(at("ledger.key"), &st) == 0 && (st.st_mode & 07777) == 0600,
	      "a created key is mode 0600 (even with umask 0)");
	CHECK(st.st_size == KEY_BYTES && S_ISREG(st.st_mode),
	      "a created key is a regular file of 32 bytes");
	k = load_quiet(at("ledger.key"));
	CHECK(k != NULL, "key_load reads a created key");

	capture_begin();
	r = key_create(at("ledger.key"));
	capture_end();
	CHECK(r != 0 && strstr(errtext, "ledger.key") != NULL,
	      "key_create refuses an existing path");
	k2 = load_quiet(at("ledger.key"));
	key_hmac(k, "x", 1, a);
	if (k2 != NULL)
		key_hmac(k2, "x", 1, b);
	CHECK(k2 != NULL && strcmp(a, b) == 0,
	      "the refused key_create left the key as it was");
	key_free(k2);

	CHECK(key_create(at("other.key")) == 0, "a second key");
	k2 = load_quiet(at("other.key"));
	if (k2 != NULL)
		key_hmac(k2, "x", 1, b);
	CHECK(k2 != NULL && strcmp(a, b) != 0, "two created keys differ");
	key_free(k2);
	key_free(k);

	for (i = 0; i < KEY_BYTES + 1; i++)
		bytes[i] = (unsigned char)i;
	write_bytes(at("known.key"), bytes, KEY_BYTES, 0600);
	k = load_quiet(at("known.key"));
	kb = key_from_bytes(bytes);
	if (k != NULL) {
		key_hmac(k, "email:alice@example.com", 23, a);
		key_hmac(kb, "email:alice@example.com", 23, b);
	}
	CHECK(k != NULL && strcmp(a, b) == 0 &&
		      strcmp(a, "d2f50c440d4fde50e73eaf12d5bc7e67"
				"022c85e3fad2a755f90b08f79a3fe03d") == 0,
	      "key_load uses the file's 32 bytes as the key");
	key_free(k);
	key_free(kb);

	chmod(at("known.key"), 0640);
	k = load_quiet(at("known.key"));
	CHECK(k == NULL && strstr(errtext, "known.key") != NULL,
	      "key_load refuses mode 0640");
	key_free(k);
	chmod(at("known.key"), 0604);
	k = load_quiet(at("known.key"));
	CHECK(k == NULL, "key_load refuses mode 0604");
	key_free(k);
	chmod(at("known.key"), 0610);
	k = load_quiet(at("known.key"));
	CHECK(k == NULL, "key_load refuses mode 0610");
	key_free(k);
	chmod(at("known.key"), 0400);
	k = load_quiet(at("known.key"));
	CHECK(k != NULL, "key_load accepts mode 0400");
	key_free(k);

	write_bytes(at("short.key"), bytes, KEY_BYTES - 1, 0600);
	k = load_quiet(at("short.key"));
	CHECK(k == NULL && strstr(errtext, "short.key") != NULL,
	      "key_load refuses a 31-byte file");
	key_free(k);
	write_bytes(at("long.key"), bytes, KEY_BYTES + 1, 0600);
	k = load_quiet(at("long.key"));
	CHECK(k == NULL, "key_load refuses a 33-byte file");
	key_free(k);
	write_bytes(at("empty.key"), bytes, 0, 0600);
	k = load_quiet(at("empty.key"));
	CHECK(k == NULL, "key_load refuses an empty file");
	key_free(k);

	chmod(at("known.key"), 0600);
	if (symlink(at("known.key"), at("link.key")) != 0)
		perror("symlink");
	k = load_quiet(at("link.key"));
	CHECK(k == NULL && strstr(errtext, "link.key") != NULL,
	      "key_load refuses a symlink (to a good key)");
	key_free(k);
	mkdir(at("dir.key"), 0700);
	k = load_quiet(at("dir.key"));
	CHECK(k == NULL, "key_load refuses a folder");
	key_free(k);
	k = load_quiet(at("missing.key"));
	CHECK(k == NULL && strstr(errtext, "missing.key") != NULL,
	      "key_load of a missing file");
	key_free(k);

	capture_begin();
	r = key_create(at("link.key"));
	capture_end();
	CHECK(r != 0, "key_create refuses an existing symlink");
	if (symlink(at("target.key"), at("dangling.key")) != 0)
		perror("symlink");
	capture_begin();
	r = key_create(at("dangling.key"));
	capture_end();
	CHECK(r != 0 && access(at("target.key"), F_OK) != 0,
	      "key_create does not write through a dangling symlink");
}

/* ident_plausible: the command line's check, before any calling code */
static void
test_plausible(void)
{
	char out[IDENT_MAX];

	CHECK(ident_plausible("email", "A@Example.COM"), "an email");
	CHECK(!ident_plausible("email", "not-an-email"), "not an email");
	CHECK(ident_plausible("email", " Alice <a@mail.example.com> "),
	      "a name-addr with subdomains");
	CHECK(ident_plausible("email", "jos\xc3\xa9@ex\xc3\xa4mple.com"),
	      "an internationalised address");
	CHECK(!ident_plausible("email", "a@example..com"), "an empty label");
	CHECK(!ident_plausible("email", "a@.example.com"),
	      "an empty first label");
	CHECK(!ident_plausible("email", "a@-example.com"),
	      "a label starting with '-'");
	CHECK(!ident_plausible("email", "a@example-.com"),
	      "a label ending with '-'");
	CHECK(!ident_plausible("email", "\xff\xfe@example.com"),
	      "bytes that are not UTF-8");
	CHECK(ident_normalise("email", "a@example..com", 44, out) == 0,
	      "the live store's odd address is still normalised (and hashed)");
	CHECK(ident_plausible("phone", "+44 7700 900123"), "an E.164 phone");
	CHECK(ident_plausible("phone", "07700 900123"),
	      "a national number: valid under some calling code");
	CHECK(ident_plausible("phone", "012345"),
	      "five national digits: valid with a 3-digit calling code");
	CHECK(ident_plausible("phone", "012345678901234"),
	      "14 national digits: valid with a 1-digit calling code");
	CHECK(!ident_plausible("phone", "0123"), "too short for any code");
	CHECK(!ident_plausible("phone", "abc"), "letters");
	CHECK(!ident_plausible("phone", ""), "empty");
}

int
main(void)
{
	char tmpl[] = "/tmp/lethe-test-ident-XXXXXX";

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_utf8();
	test_email();
	test_phone();
	test_other();
	test_plausible();
	test_hash();
	test_looks_personal();
	test_key_file();
	if (tap_failed == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# kept %s\n", dir);
	return tap_done();
}
