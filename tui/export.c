/* export — the wizard's export: the same steps as `pinetboot export SITE -o DIR` (load the
 * saved profile, load or create its CHAP secrets beside it, render, commit atomically), so the
 * two produce the same files. */
#include "tui/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/export.h"
#include "core/site/profile.h"
#include "core/server/render.h"
#include "core/site/secrets.h"

static void first_problem(const struct problems *ps, char *err, size_t errlen)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->items[i].severity == PROBLEM_ERROR) {
			char *m = problem_format(&ps->items[i]);
			snprintf(err, errlen, "%s", m);
			free(m);
			return;
		}
	snprintf(err, errlen, "unknown error");
}

int wiz_render(const char *site_path, const char *templates_dir, struct site *s,
	       struct render_set *rs, char *err, size_t errlen)
{
	struct render_opts o = {.format = RENDER_FILES, .templates_dir = templates_dir};
	struct problems ps;
	problems_init(&ps);
	memset(rs, 0, sizeof(*rs));
	int rc = profile_load(site_path, s, &ps);
	if (rc == 0) {
		char *sec = secrets_path_for(site_path);
		rc = secrets_ensure(s, sec, true, &ps);
		free(sec);
	}
	if (rc == 0)
		rc = render_site(s, &o, rs, &ps);
	if (rc != 0)
		first_problem(&ps, err, errlen);
	problems_done(&ps);
	return rc;
}

int wiz_export(const char *site_path, const char *out_dir, const char *templates_dir, size_t *n,
	       char *err, size_t errlen)
{
	struct site s;
	struct render_set rs;
	*n = 0;
	int rc = wiz_render(site_path, templates_dir, &s, &rs, err, errlen);
	if (rc == 0) {
		struct problems ps;
		problems_init(&ps);
		rc = export_commit(&rs, out_dir, &ps);
		if (rc == 0)
			*n = rs.n;
		else
			first_problem(&ps, err, errlen);
		problems_done(&ps);
	}
	render_set_done(&rs);
	site_done(&s);
	return rc;
}
