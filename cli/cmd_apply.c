/* apply — installs the rendered files of a site where they belong and reloads the daemons
 * whose files changed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_render.h"
#include "cli/site_arg.h"
#include "core/server/apply.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

struct apply_opts {
	const char *site, *root;
	bool dry, no_edit;
};

static const struct cli_opt cmd_apply_opts[] = {
    CLI_OPT_SITE(CLI_SITE_FIRST, CLIOPT_TO(STR, struct apply_opts, site)),
    {"root", 'r', "DIR",
     "install under DIR instead of / (daemons are then never reloaded; the reload commands are "
     "only printed)",
     CLIOPT_TO(STR, struct apply_opts, root)},
    {"dry-run", 'n', NULL, "print what would change and the reload commands; write nothing",
     CLIOPT_TO(SET, struct apply_opts, dry)},
    {"no-edit", 'E', NULL,
     "install only pinetboot's own files: leave files it would add to (dhcpd.conf's include, "
     "LIO's saveconfig.json) alone; lint then names the missing line",
     CLIOPT_TO(SET, struct apply_opts, no_edit)},
    {0}};

const struct cli_cmd cmd_apply_spec = {
    .name = "apply",
    .summary = "install the rendered files and reload the changed daemons",
    .run = cmd_apply,
    .usage = "Usage: pinetboot apply SITE [--root DIR] [--dry-run] [--no-edit]\n"
        "Installs the files `pinetboot export SITE` renders at their system paths (dnsmasq,\n"
        "DHCP, TFTP, iSCSI target or NFS exports, the Pis' cmdline.txt and config.txt lines),\n"
        "keeps every file it replaces as FILE.pinetboot-YYYYmmddHHMMSS, prints what changed,\n"
        "and reloads only the daemons whose files changed (tgt/LIO, exportfs, tftpd-hpa,\n"
        "dnsmasq, isc-dhcp-server, kea-dhcp4-server). Applying an unchanged profile again\n"
        "changes nothing. Files it installed for a Pi that has left the profile are moved\n"
        "aside the same way (the list is /var/lib/pinetboot/SITE.installed under the root).\n"
        "LIO: before `targetctl restore` (which clears what runs) the running configuration\n"
        "is read; a target or backstore that runs but is not in saveconfig.json stops apply\n"
        "before anything is written (save it with `targetcli saveconfig`, or remove it).\n",
    .opts = cmd_apply_opts,
    .after = "\n"
        "Examples:\n"
        "  sudo pinetboot apply site.conf\n"
        "  pinetboot apply site.conf --dry-run\n"
        "  pinetboot apply site.conf --root /tmp/staging\n"
        "\n"
        "Exit status: 0 installed (or nothing to do), 1 a reload command failed,\n"
        "2 usage error, invalid profile, or a file could not be installed.\n",
    .operand = "file",
};

static void report(const struct apply_plan *plan, bool dry)
{
	size_t same = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct apply_item *it = &plan->items[i];
		if (it->change == APPLY_SAME) {
			same++;
			continue;
		}
		const char *what = it->change == APPLY_NEW	 ? "new"
				   : it->change == APPLY_REMOVED ? "removed"
								 : "changed";
		if (dry && it->change == APPLY_REMOVED)
			printf("would remove %s (its Pi left the profile)\n", it->target);
		else if (dry)
			printf("would install (%s) %s\n", what, it->target);
		else if (it->backup)
			printf("%-8s %s (old file kept as %s)\n", what, it->target, it->backup);
		else
			printf("%-8s %s\n", what, it->target);
	}
	printf("%zu file(s) changed, %zu unchanged\n", plan->n - same, same);
}

static int reload(const struct apply_plan *plan, bool dry, bool real_root)
{
	int rc = EXIT_OK;
	for (size_t i = 0; i < plan->n_daemons; i++) {
		const char *cmd = render_daemon_reload(plan->daemons[i]);
		if (dry || !real_root) {
			printf("%s: %s\n", dry ? "would run" : "not run (--root)", cmd);
			continue;
		}
		printf("reload %s: %s\n", plan->daemons[i], cmd);
		char **argv = apply_reload_argv(plan->daemons[i]);
		int st = runcmd_inherit(argv, NULL, APPLY_RELOAD_TIMEOUT);
		if (st == 127)
			cli_error("apply", "cannot run %s: %s", argv[0], strerror(errno));
		apply_argv_free(argv);
		if (st == -1) {
			cli_error("apply", "'%s' did not finish within %d s: it was stopped", cmd,
				  APPLY_RELOAD_TIMEOUT);
			rc = EXIT_PROBLEMS;
		} else if (st != 0) {
			cli_error("apply", "'%s' failed (exit %d)", cmd, st);
			rc = EXIT_PROBLEMS;
		}
	}
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_opts o = {.root = "/"};
	int rc = cli_parse(&cmd_apply_spec, argc, argv, &o, &o.site, true);
	if (rc != CLIOPT_DONE)
		return rc;
	const char *root = o.root, *site = o.site;
	bool dry = o.dry;
	struct stat st;
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_usage_error("apply", "--root %s is not a directory", root);
	char *rootc = realpath(root, NULL);
	bool real_root = rootc && strcmp(rootc, "/") == 0;
	struct render_opts ro = {.format = RENDER_FILES};
	struct site s;
	struct render_set rs;
	rc = cli_render_site("apply", site, &ro, !dry, &s, &rs);
	if (rc != EXIT_OK) {
		free(rootc);
		return rc;
	}
	if (o.no_edit) /* the admin's own files stay as they are */
		for (size_t i = 0; i < rs.n; i++)
			if (rs.files[i].merge_include || rs.files[i].lio_iqn_base) {
				free(rs.files[i].install_path);
				rs.files[i].install_path = NULL;
			}
	struct problems ps;
	problems_init(&ps);
	struct apply_plan plan;
	char stamp[32];
	apply_stamp_now(stamp);
	const char *base = strrchr(site, '/') ? strrchr(site, '/') + 1 : site;
	bool planned = apply_plan(&rs, rootc, base, &plan, &ps) == 0;
	bool ran = planned && (dry || apply_run(&plan, stamp, &ps) == 0);
	cli_problems("apply", &ps);
	if (!ran) {
		/* apply_run put back whatever it had done: say only what happened */
		rc = EXIT_USAGE;
		cli_error("apply", "nothing was changed%s",
			  planned && !dry ? " (what had been installed was put back)" : "");
	} else {
		report(&plan, dry);
	}
	if (rc == EXIT_OK)
		rc = reload(&plan, dry, real_root);
	apply_plan_done(&plan);
	problems_done(&ps);
	render_set_done(&rs);
	site_done(&s);
	free(rootc);
	return rc;
}
