/* site_arg — every way a command gets its site profile: the SITE operand or --site SITE (both
 * are accepted by every command that takes one), loading it with its CHAP secrets, and picking
 * --pi NAME. */
#ifndef PNB_CLI_SITE_ARG_H
#define PNB_CLI_SITE_ARG_H

#include "core/base/cliopt.h"
#include "core/site/profile.h"

/* The site profile: site_opt (--site) or else the next operand (argv[optind], consumed). Prints
 * a usage error and returns NULL when there is none, or when operands are left over. */
const char *cli_site_arg(const char *cmd, const char *site_opt, int argc, char **argv);

/* A command's options (cliopt_parse into opts), then its site profile as cli_site_arg takes it,
 * *site_opt being the --site field of opts. Returns the profile, or NULL with *rc the exit
 * status (0 after --help; a usage error is printed). */
const char *cli_parse_site(const struct cli_cmd *cmd, int argc, char **argv, void *opts,
			   const char *const *site_opt, int *rc);

/* A command's options (cliopt_parse into opts), then at most one operand: the site profile when
 * --site did not give it (*site, the --site field of opts; NULL: the command takes no operand).
 * Returns CLIOPT_DONE, or the exit status (0 after --help; a usage error is printed). */
int cli_parse_opt_site(const struct cli_cmd *cmd, int argc, char **argv, void *opts,
		       const char **site);

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
