/* site_arg — every way a command gets its site profile: the SITE operand or --site SITE (both
 * are accepted by every command that takes one), loading it with its CHAP secrets, and picking
 * --pi NAME. */
#ifndef PNB_CLI_SITE_ARG_H
#define PNB_CLI_SITE_ARG_H

#include <stdbool.h>

#include "core/base/cliopt.h"
#include "core/site/profile.h"

/* A command's options (cliopt_parse into opts), then its operands: none when site is NULL, else
 * the site profile when --site did not give it (*site is opts' --site field; site_required: one
 * of the two must). Returns CLIOPT_DONE, or the exit status (0 after --help; a usage error is
 * printed). */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *opts, const char **site,
	      bool site_required);

/* Loads and validates profile into s (initialised here; the caller site_done()s it) and its
 * CHAP secrets (created beside it, as `pinetboot export` does, when a Pi with chap = yes has
 * none). Prints problems; returns EXIT_OK, or EXIT_USAGE with s already released. */
int cli_load_site(const char *cmd, const char *profile, struct site *s);

/* Loads path into s and the CHAP credentials from SITE.secrets beside it (read only; unlike
 * cli_load_site it creates no secrets). Returns 0 (the caller
 * site_done()s s) or -1 after printing the problems to stderr, with s released. */
int cli_site_read(const char *cmd, const char *path, struct site *s);

/* Loads path into s (and the CHAP credentials from SITE.secrets beside it, when there is one)
 * and returns the Pi called name (owned by s). On an invalid profile or an
 * unknown Pi it prints the problems (or the Pi names there are) to stderr, leaves s released
 * and returns NULL: the caller exits with EXIT_USAGE. On success the caller site_done()s s. */
const struct pi *cli_load_site_pi(const char *cmd, const char *path, const char *name,
				  struct site *s);

/* The Pi called name in s, or NULL after printing "PATH has no [pi \"NAME\"] (it has: ...)". */
const struct pi *cli_site_pi(const char *cmd, const char *path, const struct site *s,
			     const char *name);

/* Loads path into s without its secrets (a Pi's own facts need none) and returns the Pi called
 * name (owned by s; the caller site_done()s s), or NULL after printing the profile's problems or
 * the Pi names there are, with s released. */
const struct pi *cli_profile_pi(const char *cmd, const char *path, const char *name,
				struct site *s);

/* Reads the first line of a secret file (trailing newline removed). Returns a heap string the
 * caller frees, or NULL after printing why to stderr. */
char *cli_read_secret(const char *cmd, const char *path);

#endif
