/* site_arg — loading the --site profile and picking --pi NAME, shared by the commands that act
 * as one Pi (iscsi-check, simulate). */
#ifndef PNB_CLI_SITE_ARG_H
#define PNB_CLI_SITE_ARG_H

#include "core/site/profile.h"

/* Loads path into s and the CHAP credentials from SITE.secrets beside it (read only; unlike
 * flash_progress.h's cli_load_site it creates no secrets). Returns 0 (the caller
 * site_done()s s) or -1 after printing the problems to stderr, with s released. */
int cli_site_read(const char *cmd, const char *path, struct site *s);

/* Loads path into s (and the CHAP credentials from SITE.secrets beside it, when there is one)
 * and returns the Pi called name (owned by s). On an invalid profile or an
 * unknown Pi it prints the problems (or the Pi names there are) to stderr, leaves s released
 * and returns NULL: the caller exits with EXIT_USAGE. On success the caller site_done()s s. */
const struct pi *cli_load_site_pi(const char *cmd, const char *path, const char *name,
				  struct site *s);

/* Reads the first line of a secret file (trailing newline removed). Returns a heap string the
 * caller frees, or NULL after printing why to stderr. */
char *cli_read_secret(const char *cmd, const char *path);

#endif
