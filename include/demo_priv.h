/*
 * demo_priv.h: what demo.c (the people and live.db) and demo_files.c (the
 * files that go with them) share.  Not for the rest of lethe.
 */
#ifndef DEMO_PRIV_H
#define DEMO_PRIV_H

#include <stddef.h>
#include <stdint.h>

#define DEMO_MAX_INVOICES 6

/* One generated subject; demo.c fills it, demo_files.c reads it. */
struct demo_person {
	char id[37];			/* UUID, lower case */
	const char *kind;		/* "lead", "client" or "supplier" */
	char name[64];
	char email[80];
	char phone[24];			/* as stored; "" when none */
	char phone_say[24];		/* the number as a message says it */
	char address[96];
	int64_t created;		/* created_at */
	int64_t last;			/* last_contact_at */
	int ninvoices;			/* clients only */
	char invoice[DEMO_MAX_INVOICES][16];
	int64_t invoice_at[DEMO_MAX_INVOICES];
	int attachments;		/* files in attachments/<id>/: 0-2 */
	int referral;			/* person named in a message, or -1 */
};

/*
 * demo_check_dir: whether a demo may be written into dir: 0 when dir is
 * missing or holds neither lethe.ini nor live.db (of any file type), -2
 * after reporting "cannot create demo in 'DIR': lethe.ini already
 * exists", or -1 after reporting why dir cannot be examined.  Changes
 * nothing.
 */
int demo_check_dir(const char *dir);

/*
 * demo_write_file: create path, which must not exist (O_EXCL, never
 * through a symlink), mode 0644, holding the len bytes at data.  Returns
 * 0, or -1 after reporting "cannot write 'PATH'"; a file that was created
 * may then remain, incomplete.
 */
int demo_write_file(const char *path, const char *data, size_t len);

/*
 * demo_write_files: write attachments/<id>/ for the n people that have
 * attachments and exports/contacts.csv (every lead and client) under dir.
 * Returns 0, or -1 after reporting; files already written remain.
 */
int demo_write_files(const char *dir, const struct demo_person *people,
		     int n);

/*
 * demo_write_ini: write dir/lethe.ini, the configuration that matches
 * DEMO_SCHEMA and the files above.  Returns 0, or -1 after reporting.
 */
int demo_write_ini(const char *dir);

#endif
