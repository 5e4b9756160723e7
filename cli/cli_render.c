/* cli_render — profile → secrets → rendered files, with the problems printed. */
#include "cli/cli_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/site/secrets.h"

int cli_render_site(const char *cmd, const char *profile, const struct render_opts *o,
		    bool write_secrets, struct site *s, struct render_set *rs)
{
	struct problems ps;
	problems_init(&ps);
	memset(rs, 0, sizeof(*rs));
	int rc = profile_load(profile, s, &ps);
	if (rc == 0) {
		char *sec = secrets_path_for(profile);
		rc = secrets_ensure(s, sec, write_secrets, &ps);
		free(sec);
	}
	if (rc == 0)
		rc = render_site(s, o, rs, &ps);
	problems_print(&ps, stderr);
	if (rc != 0) {
		cli_error(cmd, "%s: %zu problem(s); nothing was written", profile,
			  problems_count(&ps, PROBLEM_ERROR));
		site_done(s);
		render_set_done(rs);
	}
	problems_done(&ps);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
