/* site_arg — every way a command gets its site profile: SITE or --site, loading it with its
 * secrets, picking --pi NAME. */
#include "cli/site_arg.h"

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/base/problems.h"
#include "core/site/secrets.h"
#include "core/base/util.h"

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *opts, const char **site,
	      bool site_required)
{
	int rc = cliopt_parse(cmd, argc, argv, opts);
	if (rc != CLIOPT_DONE)
		return rc;
	bool from_opt = site && *site;
	/* SITE as an operand, as every command takes it */
	rc = cliopt_operand(cmd->name, argc, argv, site,
			    from_opt ? " (the site profile is --site's)" : NULL);
	if (rc == CLIOPT_DONE && site_required && !*site)
		return cli_usage_error(cmd->name, "which site profile? (expected SITE or --site SITE, "
						  "e.g. site.conf)");
	return rc;
}

/* The profile, then its CHAP secrets: created when create is set, else read when there. Returns
 * 0, -1 (the profile is invalid) or -2 (the secrets are); the problems are in ps. */
static int profile_and_secrets(const char *path, struct site *s, bool create, struct problems *ps)
{
	if (profile_load(path, s, ps) < 0)
		return -1;
	char *sp = secrets_path_for(path);
	int r = create ? secrets_ensure(s, sp, true, ps) : secrets_load(s, sp, ps);
	free(sp);
	return r < 0 ? -2 : 0;
}

int cli_load_site(const char *cmd, const char *profile, struct site *s)
{
	struct problems ps;
	problems_init(&ps);
	int r = profile_and_secrets(profile, s, true, &ps);
	cli_problems(cmd, &ps);
	problems_done(&ps);
	if (r < 0) {
		cli_error(cmd, "%s is not usable; nothing was written", profile);
		site_done(s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_site_read(const char *cmd, const char *path, struct site *s)
{
	struct problems ps;
	problems_init(&ps);
	int r = profile_and_secrets(path, s, false, &ps);
	if (r < 0) {
		cli_problems(cmd, &ps);
		/* the Pis' CHAP credentials live in SITE.secrets beside the profile (export) */
		cli_error(cmd,
			  r == -1 ? "%s is not a valid site profile (see above)"
				  : "the secrets file beside %s cannot be used (see above)",
			  path);
		site_done(s);
	}
	problems_done(&ps);
	return r < 0 ? -1 : 0;
}

const struct pi *cli_site_pi(const char *cmd, const char *path, const struct site *s,
			     const char *name)
{
	const struct pi *p = site_find_pi(s, name);
	if (p)
		return p;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < s->n_pis; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", s->pis[i].name);
	cli_error(cmd, "%s has no [pi \"%s\"] (it has: %s)", path, name,
		  b.buf ? b.buf : "none");
	sbuf_done(&b);
	return NULL;
}

const struct pi *cli_load_site_pi(const char *cmd, const char *path, const char *name,
				  struct site *s)
{
	if (cli_site_read(cmd, path, s) < 0)
		return NULL;
	const struct pi *p = cli_site_pi(cmd, path, s, name);
	if (!p)
		site_done(s);
	return p;
}

const struct pi *cli_profile_pi(const char *cmd, const char *path, const char *name,
				struct site *s)
{
	struct problems ps;
	problems_init(&ps);
	const struct pi *p = NULL;
	if (profile_load(path, s, &ps) < 0)
		cli_problems(cmd, &ps);
	else
		p = cli_site_pi(cmd, path, s, name);
	problems_done(&ps);
	if (!p)
		site_done(s);
	return p;
}

char *cli_read_secret(const char *cmd, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error(cmd, "cannot read the secret file %s: %s", path, strerror(errno));
		return NULL;
	}
	char buf[512];
	char *line = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!line || !*str_trim(buf)) {
		cli_error(cmd, "the secret file %s is empty (expected the secret on its first line)",
			  path);
		return NULL;
	}
	return xstrdup(buf);
}
