/* cli_render — profile → secrets → rendered files, with the problems printed. */
#include "cli/cli_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/server/export.h"

int cli_render_site(const char *cmd, const char *profile, const struct render_opts *o,
		    bool write_secrets, struct site *s, struct render_set *rs)
{
	struct problems ps;
	problems_init(&ps);
	int rc = export_site(profile, o, write_secrets, NULL, s, rs, &ps);
	problems_print(&ps, stderr);
	if (rc != 0)
		cli_error(cmd, "%s: %zu problem(s); nothing was written", profile,
			  problems_count(&ps, PROBLEM_ERROR));
	problems_done(&ps);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
