/* site_arg — every way a command gets its site profile: SITE or --site, loading it with its
 * secrets, picking --pi NAME. */
#include "cli/site_arg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/base/problems.h"
#include "core/site/secrets.h"
#include "core/base/util.h"

const char *cli_site_arg(const char *cmd, const char *site_opt, int argc, char **argv)
{
	const char *site = site_opt;
	if (!site && optind < argc)
		site = argv[optind++];
	if (!site) {
		cli_usage_error(cmd, "which site profile? (expected SITE or --site SITE, e.g. "
				     "site.conf)");
		return NULL;
	}
	if (optind < argc) {
		cli_usage_error(cmd, "unexpected argument '%s'%s", argv[optind],
				site_opt ? " (the site profile is --site's)" : "");
		return NULL;
	}
	return site;
}

int cli_load_site(const char *cmd, const char *profile, struct site *s)
{
	struct problems ps;
	problems_init(&ps);
	int r = profile_load(profile, s, &ps);
	if (r == 0) {
		char *sp = secrets_path_for(profile);
		r = secrets_ensure(s, sp, true, &ps);
		free(sp);
	}
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
	int rc = profile_load(path, s, &ps);
	if (rc < 0) {
		cli_problems(cmd, &ps);
		cli_error(cmd, "%s is not a valid site profile (see above)", path);
		problems_done(&ps);
		site_done(s);
		return -1;
	}
	/* the Pis' CHAP credentials live in SITE.secrets beside the profile (pinetboot export) */
	char *sec = secrets_path_for(path);
	rc = secrets_load(s, sec, &ps);
	free(sec);
	if (rc < 0) {
		cli_problems(cmd, &ps);
		cli_error(cmd, "the secrets file beside %s cannot be used (see above)", path);
		problems_done(&ps);
		site_done(s);
		return -1;
	}
	problems_done(&ps);
	return 0;
}

const struct pi *cli_load_site_pi(const char *cmd, const char *path, const char *name,
				  struct site *s)
{
	if (cli_site_read(cmd, path, s) < 0)
		return NULL;
	const struct pi *p = site_find_pi(s, name);
	if (p)
		return p;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < s->n_pis; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", s->pis[i].name);
	cli_error(cmd, "%s has no Pi called \"%s\" (it has: %s)", path, name,
		  b.buf ? b.buf : "none");
	sbuf_done(&b);
	site_done(s);
	return NULL;
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
