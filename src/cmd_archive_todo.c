/*
 * cmd_archive_todo.c: placeholder for backup, restore, scrub and inspect
 * while they are written (issue 3).  Removed when they land.
 */
#include "cmd.h"
#include "lethe.h"
#include "log.h"
#include "banned.h"

static int
todo(const char *name)
{
	log_err("%s: not implemented yet", name);
	return EX_USAGE;
}

int
cmd_backup(struct ctx *c)
{
	(void)c;
	return todo("backup");
}

int
cmd_restore(struct ctx *c)
{
	(void)c;
	return todo("restore");
}

int
cmd_scrub(struct ctx *c)
{
	(void)c;
	return todo("scrub");
}

int
cmd_inspect(struct ctx *c)
{
	(void)c;
	return todo("inspect");
}
