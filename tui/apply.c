/* apply — the wizard's Apply: render the saved profile as `pinetboot export` does, plan the
 * install with core/server/apply, show the plan with each item's diff, and run it. */
#include "tui/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/server/apply.h"
#include "core/server/export.h"

static const char *const change_names[] = {"same", "new", "changed", "removed"};

/* The plan for site_path under root; 0, or -1 with err. The caller frees all three. */
static int plan_for(const char *site_path, const char *root, const char *templates_dir,
		    struct site *s, struct render_set *rs, struct apply_plan *plan, char *err,
		    size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	struct render_opts o = {.format = RENDER_FILES, .templates_dir = templates_dir};
	struct problems eps;
	problems_init(&eps);
	if (export_site(site_path, &o, true, NULL, s, rs, &eps) != 0) {
		char *m = problems_first_text(&eps, "cannot render the profile");
		snprintf(err, errlen, "%s", m);
		free(m);
		problems_done(&eps);
		site_init(s);
		*rs = (struct render_set){0};
		return -1;
	}
	problems_done(&eps);
	char *rootc = realpath(root, NULL);
	if (!rootc) {
		snprintf(err, errlen, "root %s: not a directory", root);
		return -1;
	}
	struct problems ps;
	problems_init(&ps);
	const char *base = strrchr(site_path, '/') ? strrchr(site_path, '/') + 1 : site_path;
	int rc = apply_plan(rs, rootc, base, plan, &ps);
	if (rc != 0) {
		char *m = problems_first_text(&ps, "cannot plan the install");
		snprintf(err, errlen, "%s", m);
		free(m);
	}
	problems_done(&ps);
	free(rootc);
	return rc;
}

/* Appends s to the heap text *t of length *len. */
static void add(char **t, size_t *len, const char *s)
{
	size_t n = strlen(s);
	*t = xrealloc(*t, *len + n + 1);
	memcpy(*t + *len, s, n + 1);
	*len += n;
}

char *wiz_apply_preview(const char *site_path, const char *root, const char *templates_dir,
			size_t *changes, char *err, size_t errlen)
{
	struct site s;
	struct render_set rs = {0};
	struct apply_plan plan;
	*changes = 0;
	char *t = NULL;
	size_t len = 0;
	if (plan_for(site_path, root, templates_dir, &s, &rs, &plan, err, errlen) == 0) {
		add(&t, &len, "");
		for (size_t i = 0; i < plan.n; i++) {
			const struct apply_item *it = &plan.items[i];
			if (it->change == APPLY_SAME)
				continue;
			(*changes)++;
			char *line = xasprintf("%-8s %s\n", change_names[it->change], it->target);
			add(&t, &len, line);
			free(line);
			if (it->change == APPLY_REMOVED)
				continue;
			char *d = apply_item_diff(it);
			add(&t, &len, d);
			add(&t, &len, len && t[len - 1] == '\n' ? "\n" : "\n\n");
			free(d);
		}
		for (size_t i = 0; i < plan.n_daemons; i++) {
			char *line = xasprintf("would run: %s\n", render_daemon_reload(plan.daemons[i]));
			add(&t, &len, line);
			free(line);
		}
		char *sum = xasprintf("%zu file(s) would change, %zu unchanged.\n", *changes,
				      plan.n - *changes);
		add(&t, &len, sum);
		free(sum);
	}
	apply_plan_done(&plan);
	render_set_done(&rs);
	site_done(&s);
	return t;
}

int wiz_apply_run(const char *site_path, const char *root, const char *templates_dir, char *msg,
		  size_t msglen)
{
	struct site s;
	struct render_set rs = {0};
	struct apply_plan plan;
	if (plan_for(site_path, root, templates_dir, &s, &rs, &plan, msg, msglen) != 0) {
		apply_plan_done(&plan);
		render_set_done(&rs);
		site_done(&s);
		return -1;
	}
	char stamp[32];
	apply_stamp_now(stamp);
	struct problems ps;
	problems_init(&ps);
	int rc = apply_run(&plan, stamp, &ps);
	size_t changed = 0;
	for (size_t i = 0; i < plan.n; i++)
		changed += plan.items[i].change != APPLY_SAME;
	if (rc != 0) {
		char *m = problems_first_text(&ps, "the install failed");
		snprintf(msg, msglen, "apply: %s", m);
		free(m);
	} else {
		char *rootc = realpath(root, NULL);
		bool real = rootc && !strcmp(rootc, "/");
		free(rootc);
		snprintf(msg, msglen, "applied: %zu file(s) changed under %s", changed, root);
		for (size_t i = 0; i < plan.n_daemons; i++) {
			const char *cmd = render_daemon_reload(plan.daemons[i]);
			size_t l = strlen(msg);
			if (!real) {
				snprintf(msg + l, msglen - l, "; not run (root is not /): %s", cmd);
				continue;
			}
			char **argv = apply_reload_argv(plan.daemons[i]);
			char *out = NULL;
			size_t len;
			int st = runcmd_capture(argv, NULL, APPLY_RELOAD_TIMEOUT, &out, &len);
			free(out);
			apply_argv_free(argv);
			snprintf(msg + l, msglen - l, "; %s %s", cmd,
				 st == 0 ? "ok" : "FAILED (see its journal)");
			rc |= st != 0 ? -1 : 0;
		}
	}
	problems_done(&ps);
	apply_plan_done(&plan);
	render_set_done(&rs);
	site_done(&s);
	return rc;
}
