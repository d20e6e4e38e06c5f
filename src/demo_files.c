/*
 * demo_files.c: the files of a demo installation besides live.db:
 * attachments/<subject-id>/, exports/contacts.csv and lethe.ini.
 *
 * Every file is created with O_EXCL, so a demo never overwrites anything.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_priv.h"
#include "fsutil.h"
#include "log.h"
#include "strbuf.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

/* Keep in step with DEMO_SCHEMA and the files below. */
static const char demo_ini[] =
	"; lethe demo configuration, written by `lethe init --demo`.\n"
	"; Relative paths are resolved against this file's folder.\n"
	"[lethe]\n"
	"live_store = live.db\n"
	"ledger     = ledger.db\n"
	"key_file   = ledger.key\n"
	"backup_dir = backups\n"
	"\n"
	"[policy]\n"
	"lead_expiry          = 12 months\n"
	"erasure_deadline     = 7 days\n"
	"require_approval     = no\n"
	"default_calling_code = 44\n"
	"\n"
	"[subjects]\n"
	"table         = subjects\n"
	"id            = id\n"
	"kind          = kind\n"
	"lead_kind     = lead\n"
	"last_activity = last_contact_at\n"
	"identifiers   = email:email, phone:phone\n"
	"date_format   = iso\n"
	"\n"
	"[table communications]\n"
	"subject  = subject_id\n"
	"on_erase = delete\n"
	"redact   = body\n"
	"\n"
	"[table tickets]\n"
	"subject  = subject_id\n"
	"on_erase = delete\n"
	"\n"
	"[table invoices]\n"
	"subject    = subject_id\n"
	"on_erase   = retain\n"
	"retain_for = 6 years\n"
	"date       = issued_at\n"
	"after_hold = delete\n"
	"\n"
	"[table orders]\n"
	"subject  = customer_email\n"
	"match    = email\n"
	"on_erase = mask\n"
	"mask     = customer_name, delivery_address\n"
	"\n"
	"[purge web_log]\n"
	"date = at\n"
	"keep = 30 days\n"
	"\n"
	"[files attachments]\n"
	"path = attachments/{subject}/\n"
	"\n"
	"[files exports]\n"
	"path   = exports/*.csv\n"
	"format = csv\n"
	"match  = email:email, phone:phone_number\n";

/* refuse_existing: -2 after reporting when dir/name exists, -1 when dir
 * cannot be examined, else 0. */
static int
refuse_existing(const char *dir, const char *name)
{
	struct stat st;
	char *path = xasprintf("%s/%s", dir, name);
	int rc = 0;

	if (lstat(path, &st) == 0) {
		log_err("cannot create demo in '%s': %s already exists (a "
			"demo never overwrites anything: name a new folder)",
			dir, name);
		rc = -2;
	} else if (errno != ENOENT && errno != ENOTDIR) {
		log_errno("cannot create demo in '%s'", dir);
		rc = -1;
	}
	free(path);
	return rc;
}

/* demo_check_dir: no lethe.ini, no live.db; contract in demo_priv.h. */
int
demo_check_dir(const char *dir)
{
	int rc = refuse_existing(dir, "lethe.ini");

	return rc != 0 ? rc : refuse_existing(dir, "live.db");
}

/* demo_write_file: a new file, never replacing one; see demo_priv.h. */
int
demo_write_file(const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd, closed;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd == -1)
		goto fail;
	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		data += n;
		len -= (size_t)n;
	}
	closed = close(fd);
	fd = -1;
	if (closed == -1)
		goto fail;
	return 0;
fail:
	log_errno("cannot write '%s'", path);
	if (fd != -1)
		close(fd);
	return -1;
}

/* write_attachments: contract.txt, and notes.txt as a second file. */
static int
write_attachments(const char *dir, const struct demo_person *p)
{
	struct strbuf sb = STRBUF_INIT;
	char *folder = NULL, *path = NULL, day[TIME_BUFSZ];
	int k, rc = -1;

	folder = xasprintf("%s/attachments/%s", dir, p->id);
	if (mkdir_p(folder, 0755) == -1)
		goto done;
	sb_addf(&sb, "Service agreement\n\n"
		"Between: Example Home Supplies Ltd\n"
		"And:     %s\n"
		"Address: %s\n\n"
		"Invoices under this agreement:\n", p->name, p->address);
	for (k = 0; k < p->ninvoices; k++)
		sb_addf(&sb, "  %s  %.10s\n", p->invoice[k],
			time_format(p->invoice_at[k], day));
	path = xasprintf("%s/contract.txt", folder);
	if (demo_write_file(path, sb_str(&sb), sb.len) == -1)
		goto done;
	if (p->attachments > 1) {
		sb_reset(&sb);
		sb_addf(&sb, "Notes on %s\n\nPrefers to be contacted on %s.\n",
			p->name, p->phone[0] != '\0' ? p->phone : p->email);
		free(path);
		path = xasprintf("%s/notes.txt", folder);
		if (demo_write_file(path, sb_str(&sb), sb.len) == -1)
			goto done;
	}
	rc = 0;
done:
	free(path);
	free(folder);
	sb_release(&sb);
	return rc;
}

/* write_contacts: exports/contacts.csv, one row per lead and client. */
static int
write_contacts(const char *dir, const struct demo_person *people, int n)
{
	struct strbuf sb = STRBUF_INIT;
	char *folder = NULL, *path = NULL;
	int i, rc = -1;

	folder = xasprintf("%s/exports", dir);
	if (mkdir_p(folder, 0755) == -1)
		goto done;
	sb_adds(&sb, "email,name,phone_number\n");
	for (i = 0; i < n; i++) {
		if (strcmp(people[i].kind, "supplier") == 0)
			continue;
		sb_add_csv(&sb, people[i].email);
		sb_addc(&sb, ',');
		sb_add_csv(&sb, people[i].name);
		sb_addc(&sb, ',');
		sb_add_csv(&sb, people[i].phone);
		sb_addc(&sb, '\n');
	}
	path = xasprintf("%s/contacts.csv", folder);
	if (demo_write_file(path, sb_str(&sb), sb.len) == -1)
		goto done;
	rc = 0;
done:
	free(path);
	free(folder);
	sb_release(&sb);
	return rc;
}

/* demo_write_files: attachments and exports; contract in demo_priv.h. */
int
demo_write_files(const char *dir, const struct demo_person *people, int n)
{
	char *folder = xasprintf("%s/attachments", dir);
	int i, rc = -1;

	if (mkdir_p(folder, 0755) == -1)
		goto done;
	for (i = 0; i < n; i++)
		if (people[i].attachments > 0 &&
		    write_attachments(dir, &people[i]) == -1)
			goto done;
	if (write_contacts(dir, people, n) == -1)
		goto done;
	rc = 0;
done:
	free(folder);
	return rc;
}

/* demo_write_ini: dir/lethe.ini; contract in demo_priv.h. */
int
demo_write_ini(const char *dir)
{
	char *path = xasprintf("%s/lethe.ini", dir);
	int rc;

	rc = demo_write_file(path, demo_ini, sizeof(demo_ini) - 1);
	free(path);
	return rc;
}
