/*
 * opt.c: command option parsing.
 */
#include <assert.h>
#include <string.h>

#include "log.h"
#include "opt.h"
#include "banned.h"

static const struct opt *
find(const struct opt *opts, const char *arg, size_t len)
{
	for (; opts->name != NULL; opts++) {
		if (strlen(opts->name) == len &&
		    strncmp(opts->name, arg, len) == 0)
			return opts;
		if (opts->alias != NULL && strlen(opts->alias) == len &&
		    strncmp(opts->alias, arg, len) == 0)
			return opts;
	}
	return NULL;
}

int
opt_parse(int argc, char **argv, const struct opt *opts, const char **pos,
	  int maxpos, int *npos, const char *cmd)
{
	unsigned char given[OPT_MAX];
	int i, only_pos = 0;

	memset(given, 0, sizeof(given));
	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o;
		const char *eq;
		size_t len;

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos) {
				log_err("%s: unexpected argument '%s'", cmd, a);
				return -1;
			}
			if (*a == '\0') {
				log_err("%s: an argument is empty", cmd);
				return -1;
			}
			pos[(*npos)++] = a;
			continue;
		}
		eq = strchr(a, '=');
		len = eq && a[1] == '-' ? (size_t)(eq - a) : strlen(a);
		o = find(opts, a, len);
		if (o == NULL && (strcmp(a, "--help") == 0 ||
				  strcmp(a, "-h") == 0))
			return 1;
		if (o == NULL) {
			log_err("%s: unknown option '%.*s'", cmd, (int)len, a);
			return -1;
		}
		if (o->flag != NULL) {
			if (eq && a[1] == '-') {
				log_err("%s: option '%s' takes no value", cmd,
					o->name);
				return -1;
			}
			*o->flag = 1;
			continue;
		}
		if (eq && a[1] == '-') {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			log_err("%s: option '%s' needs a value", cmd, o->name);
			return -1;
		}
		/* `--email a --email b` must not quietly drop a, nor an
		 * empty "$VAR" stand for a value */
		assert(o - opts < OPT_MAX);
		if (given[o - opts]++) {
			log_err("%s: option '%s' given twice", cmd, o->name);
			return -1;
		}
		if (**o->value == '\0') {
			log_err("%s: option '%s' needs a value, not an empty "
				"one", cmd, o->name);
			return -1;
		}
	}
	return 0;
}
