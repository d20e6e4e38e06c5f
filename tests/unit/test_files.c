/*
 * test_files.c: per-subject path patterns and removing file trees.
 */
#include <errno.h>
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
#include "config.h"
#include "files.h"
#include "sha.h"
#include "hashset.h"
#include "ident.h"
#include "key.h"
#include "strbuf.h"

static char dir[PATH_MAX];
static struct key *key;

static char *
at(const char *name)
{
	static char buf[8][2 * PATH_MAX];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int
exists(const char *name)
{
	struct stat st;

	return lstat(at(name), &st) == 0;
}

/* make: create file name (and its folders) under dir. */
static void
make(const char *name)
{
	char path[2 * PATH_MAX], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s", at(name));
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	if (path[strlen(path) - 1] == '/')
		return;
	fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fputs("data\n", fp);
	fclose(fp);
}

static void
link_to(const char *target, const char *name)
{
	if (symlink(target, at(name)) != 0) {
		perror(name);
		exit(2);
	}
}

/* value: fpattern_value of path under pattern, "(none)" if no match. */
static char got[256];
static size_t got_end;

static const char *
value(const char *pattern, const char *path)
{
	struct fpattern p;
	char *v;

	got_end = 0;
	if (fpattern_parse(pattern, &p) != 0)
		return "(bad pattern)";
	v = fpattern_value(&p, path, &got_end);
	snprintf(got, sizeof(got), "%s", v ? v : "(none)");
	free(v);
	fpattern_release(&p);
	return got;
}

static void
test_parse(void)
{
	struct fpattern p;

	CHECK(fpattern_parse("attachments/{subject}/", &p) == 0 &&
		      !strcmp(p.prefix, "attachments/") &&
		      !strcmp(p.placeholder, "subject") &&
		      !strcmp(p.suffix, "") && p.dir == 1,
	      "parse 'attachments/{subject}/'");
	fpattern_release(&p);
	CHECK(fpattern_parse("avatars/{subject}.png", &p) == 0 &&
		      !strcmp(p.prefix, "avatars/") &&
		      !strcmp(p.suffix, ".png") && p.dir == 0,
	      "parse 'avatars/{subject}.png'");
	fpattern_release(&p);
	CHECK(fpattern_parse("srv/mail/{email}/", &p) == 0 &&
		      !strcmp(p.prefix, "srv/mail/") &&
		      !strcmp(p.placeholder, "email") && p.dir == 1,
	      "parse 'srv/mail/{email}/'");
	fpattern_release(&p);
	CHECK(fpattern_parse("docs/{subject}.d/inner/x", &p) == 0 &&
		      !strcmp(p.suffix, ".d") && p.dir == 1,
	      "the suffix stops at the first '/'");
	fpattern_release(&p);
	CHECK(fpattern_parse("exports/*.csv", &p) != 0,
	      "a pattern without a placeholder is refused");
	fpattern_release(&p);
	CHECK(fpattern_parse("a/{subject", &p) != 0, "an unclosed '{'");
	fpattern_release(&p);
}

static void
test_value(void)
{
	const char *a = "attachments/{subject}/";

	CHECK_STR(value(a, "attachments/ID/x.pdf"), "ID",
		  "'attachments/ID/x.pdf'");
	CHECK(got_end == strlen("attachments/ID"),
	      "the per-subject path ends after the value");
	CHECK_STR(value(a, "srv/app/attachments/ID/x"), "ID",
		  "at any depth: 'srv/app/attachments/ID/x'");
	CHECK(got_end == strlen("srv/app/attachments/ID"),
	      "the per-subject path at depth");
	CHECK_STR(value(a, "myattachments/ID/x"), "(none)",
		  "not 'myattachments/ID/x'");
	CHECK_STR(value(a, "srv/myattachments/ID/x"), "(none)",
		  "not 'srv/myattachments/ID/x'");
	CHECK_STR(value(a, "attachments.old/ID/x"), "(none)",
		  "not 'attachments.old/ID/x'");
	CHECK_STR(value(a, "attachments/ID"), "ID",
		  "the per-subject folder itself");
	CHECK_STR(value(a, "attachments/"), "(none)", "no value");
	CHECK_STR(value(a, "attachments"), "(none)", "the parent only");
	CHECK_STR(value(a, "other/ID/x"), "(none)", "another tree");
	CHECK_STR(value(a, "attachments/6f1e0f4a-0d2b-4c38/a/b/c.pdf"),
		  "6f1e0f4a-0d2b-4c38", "a UUID value, deep file");
	CHECK_STR(value(a, "./attachments/ID/x"), "ID", "after './'");

	CHECK_STR(value("mail/{email}/", "mail/Alice@Example.com/1.eml"),
		  "Alice@Example.com", "an {email} placeholder");
	CHECK_STR(value("mail/{email}/", "backup/home/mail/bob@x.org/cur/1"),
		  "bob@x.org", "an {email} placeholder at depth");

	CHECK_STR(value("avatars/{subject}.png", "avatars/ID.png"), "ID",
		  "a suffix pattern");
	CHECK(got_end == strlen("avatars/ID.png"),
	      "a suffix pattern's per-subject path includes the suffix");
	CHECK_STR(value("avatars/{subject}.png", "www/static/avatars/ID.png"),
		  "ID", "a suffix pattern at depth");
	CHECK_STR(value("avatars/{subject}.png", "avatars/ID.jpg"), "(none)",
		  "another suffix");
	CHECK_STR(value("avatars/{subject}.png", "avatars/.png"), "(none)",
		  "a suffix with no value");
	CHECK_STR(value("avatars/{subject}.png", "myavatars/ID.png"), "(none)",
		  "a suffix pattern not inside a longer name");
	CHECK_STR(value("avatar-{subject}.png", "img/avatar-ID.png"), "ID",
		  "a prefix within the name");
	CHECK_STR(value("avatar-{subject}.png", "img/xavatar-ID.png"), "(none)",
		  "a prefix within the name, at a component boundary");
}

static void
test_subject_match(void)
{
	struct config cfg;
	struct fpattern subj, mail, phone;
	struct hashset *sids = hashset_new(), *hashes = hashset_new();
	struct hashset *none = hashset_new();
	unsigned char raw[32];
	char hex[HASH_HEX];

	memset(&cfg, 0, sizeof(cfg));
	cfg.calling_code = 44;
	fpattern_parse("attachments/{subject}/", &subj);
	fpattern_parse("mail/{email}/", &mail);
	fpattern_parse("calls/{phone}/", &phone);
	sha_raw("s1", 2, raw);
	hashset_put(sids, raw, 1);
	ident_hash_value(key, "email", "alice@example.com", 44, hex);
	hex_key(hex, 64, raw);
	hashset_put(hashes, raw, 1);
	ident_hash_value(key, "phone", "+44 20 7946 0958", 44, hex);
	hex_key(hex, 64, raw);
	hashset_put(hashes, raw, 1);

	CHECK(files_subject_match(&cfg, key, &subj, "s1", sids, none),
	      "a {subject} value matches its subject id");
	CHECK(!files_subject_match(&cfg, key, &subj, "s2", sids, none),
	      "a {subject} value does not match another id");
	CHECK(!files_subject_match(&cfg, key, &subj, "s1", none, hashes),
	      "a {subject} value does not match without an id");
	CHECK(!files_subject_match(&cfg, key, &subj, "s", sids, none),
	      "a {subject} value that is a prefix of the id does not match");
	CHECK(files_subject_match(&cfg, key, &mail, "Alice@Example.COM", none,
				  hashes),
	      "an {email} value matches its hash, in another spelling");
	CHECK(!files_subject_match(&cfg, key, &mail, "bob@example.com", sids,
				   hashes),
	      "another email does not match");
	CHECK(!files_subject_match(&cfg, key, &mail, "alice@example.com", sids,
				   none),
	      "an {email} value does not match without hashes");
	CHECK(!files_subject_match(&cfg, key, &mail, "not-an-email", sids,
				   hashes),
	      "an invalid email does not match");
	CHECK(files_subject_match(&cfg, key, &phone, "020 7946 0958", none,
				  hashes),
	      "a {phone} value matches a national spelling");
	CHECK(!files_subject_match(&cfg, key, &phone, "alice@example.com", none,
				   hashes),
	      "an email under {phone} does not match");
	fpattern_release(&subj);
	fpattern_release(&mail);
	fpattern_release(&phone);
	hashset_free(sids);
	hashset_free(hashes);
	hashset_free(none);
}

static void
test_rm_tree(void)
{
	make("outside/keep.txt");
	make("outside/sub/inner.txt");
	make("tree/a/b/c.txt");
	make("tree/d.txt");
	make("tree/empty/");
	make("tree/with space/f");
	link_to(at("outside"), "tree/link-dir");
	link_to("../../outside/keep.txt", "tree/a/link-file");
	link_to(at("nowhere"), "tree/dangling");

	CHECK(rm_tree(at("tree")) == 0, "rm_tree of a tree with symlinks");
	CHECK(!exists("tree"), "the tree is gone");
	CHECK(exists("outside/keep.txt") && exists("outside/sub/inner.txt"),
	      "symlink targets outside the tree survive");

	link_to(at("outside"), "link-to-dir");
	CHECK(rm_tree(at("link-to-dir")) == 0 && !exists("link-to-dir") &&
		      exists("outside/sub/inner.txt"),
	      "rm_tree of a symlink to a folder removes only the link");
	link_to(at("outside/keep.txt"), "link-to-file");
	CHECK(rm_tree(at("link-to-file")) == 0 && !exists("link-to-file") &&
		      exists("outside/keep.txt"),
	      "rm_tree of a symlink to a file removes only the link");
	make("single.txt");
	CHECK(rm_tree(at("single.txt")) == 0 && !exists("single.txt"),
	      "rm_tree of a file");
	CHECK(rm_tree(at("never-there")) == 0, "rm_tree of a missing path");
}

static int
write_config(const char *text)
{
	FILE *fp = fopen(at("lethe.ini"), "w");

	if (fp == NULL)
		return -1;
	fputs(text, fp);
	fclose(fp);
	return 0;
}

/* files_erase: files_erase_batch of one subject. */
static int
files_erase(const struct config *cfg, const struct key *k, const char *sid,
	    const char *ids, int dry)
{
	char *sids[1] = { (char *)sid }, *idl[1] = { (char *)ids };

	return files_erase_batch(cfg, k, 1, sids, idl, dry);
}

static void
test_files_erase(void)
{
	struct config *cfg;
	struct strbuf alice = STRBUF_INIT, bob = STRBUF_INIT;
	char hex[HASH_HEX];
	int n, saved;

	write_config("[lethe]\nlive_store = live.db\nledger = ledger.db\n"
		     "key_file = ledger.key\n[subjects]\n"
		     "identifiers = email:email, phone:phone\n"
		     "[files attachments]\npath = attachments/{subject}/\n"
		     "[files avatars]\npath = www/avatars/{subject}.png\n"
		     "[files mail]\npath = mail/{email}/\n"
		     "[files photos]\npath = photos/{email}.jpg\n"
		     "[files exports]\npath = exports/*.csv\nformat = csv\n"
		     "match = email:email\n");
	cfg = config_load(at("lethe.ini"));
	CHECK(cfg != NULL, "a config with [files] sections");
	if (cfg == NULL)
		return;
	ident_hash_value(key, "email", "alice@example.com", 44, hex);
	sb_addf(&alice, "email:%s", hex);
	ident_hash_value(key, "email", "bob@example.com", 44, hex);
	sb_addf(&bob, "email:%s", hex);

	make("attachments/s1/a.pdf");
	make("attachments/s1/deep/b.pdf");
	make("attachments/s2/c.pdf");
	make("www/avatars/s1.png");
	make("www/avatars/s2.png");
	make("mail/Alice@Example.com/1.eml");
	make("mail/bob@example.com/1.eml");
	make("photos/ALICE@example.com.jpg");
	make("photos/carol@example.com.jpg");
	make("exports/s1.csv");
	make("outside/keep.txt");
	link_to(at("outside"), "attachments/s3");

	/* files_erase logs each removal on stderr: keep it quiet */
	fflush(stderr);
	saved = dup(2);
	close(2);
	open("/dev/null", O_WRONLY);

	n = files_erase(cfg, key, "s1", sb_str(&alice), 1);
	CHECK(n == 4 && exists("photos/ALICE@example.com.jpg"),
	      "dry run: alice's photo (a file named by her email) counted");
	CHECK(n == 4 && exists("attachments/s1/a.pdf") &&
		      exists("www/avatars/s1.png") &&
		      exists("mail/Alice@Example.com/1.eml"),
	      "dry run: 3 paths counted, none removed (got %d)", n);
	n = files_erase(cfg, key, "s1", sb_str(&alice), 0);
	CHECK(n == 4, "files_erase of s1 removes 4 paths (got %d)", n);
	CHECK(!exists("photos/ALICE@example.com.jpg") &&
		      exists("photos/carol@example.com.jpg"),
	      "alice's photo gone, carol's kept");
	CHECK(!exists("attachments/s1") && !exists("www/avatars/s1.png") &&
		      !exists("mail/Alice@Example.com"),
	      "s1's folder, avatar and mail (found by its email hash) gone");
	CHECK(exists("attachments/s2/c.pdf") && exists("www/avatars/s2.png") &&
		      exists("mail/bob@example.com/1.eml") &&
		      exists("exports/s1.csv"),
	      "other subjects' paths and structured files untouched");
	n = files_erase(cfg, key, NULL, sb_str(&bob), 0);
	CHECK(n == 1 && !exists("mail/bob@example.com") &&
		      exists("attachments/s2/c.pdf"),
	      "identifier-only: bob's mail removed, nothing by id");
	n = files_erase(cfg, key, "s3", NULL, 0);
	CHECK(n == 1 && !exists("attachments/s3") &&
		      exists("outside/keep.txt"),
	      "a per-subject path that is a symlink: the link goes, its "
	      "target stays");
	n = files_erase(cfg, key, "../outside", NULL, 0);
	CHECK(n == 0 && exists("outside/keep.txt"),
	      "a subject id with '/' removes nothing");
	n = files_erase(cfg, key, "..", NULL, 0);
	CHECK(n == 0 && exists("attachments/s2/c.pdf"),
	      "a subject id '..' removes nothing");
	n = files_erase(cfg, key, "s9", NULL, 0);
	CHECK(n == 0, "a subject with no files: 0");

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	sb_release(&alice);
	sb_release(&bob);
	config_free(cfg);
}

int
main(void)
{
	char tmpl[] = "/tmp/lethe-test-files-XXXXXX";
	unsigned char b[KEY_BYTES];
	int i;

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < KEY_BYTES; i++)
		b[i] = (unsigned char)(255 - i);
	key = key_from_bytes(b);

	test_parse();
	test_value();
	test_subject_match();
	test_rm_tree();
	test_files_erase();

	key_free(key);
	if (tap_failed == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# kept %s\n", dir);
	return tap_done();
}
