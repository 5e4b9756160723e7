/* cmd_lint — `pinetboot lint SITE [--root DIR] [--json]`: the profile's own validation plus the
 * rules of the trade, on the profile and on the server files installed under --root. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/site_arg.h"
#include "cli/cli_json.h"
#include "core/server/lint.h"
#include "core/site/profile.h"
#include "core/site/secrets.h"

struct lint_opts {
	const char *site, *root;
	bool json;
};

static const struct cli_opt lint_opts[] = {
    CLI_OPT_SITE(CLI_SITE_FIRST, CLIOPT_TO(STR, struct lint_opts, site)),
    {"root", 'r', "DIR", "where the installed files are (default /)",
     CLIOPT_TO(STR, struct lint_opts, root)},
    CLI_OPT_JSON("one JSON object per problem and line: file, line, severity, section, key, message",
		 CLIOPT_TO(SET, struct lint_opts, json)),
    {0}};

const struct cli_cmd cmd_lint_spec = {
    .name = "lint",
    .summary = "validate a site profile and the installed server files",
    .run = cmd_lint,
    .usage = "Usage: pinetboot lint SITE [--root DIR] [--json]\n"
        "Validates the site profile SITE and lists every problem as FILE:LINE: [section] key:\n"
        "what is wrong (what is accepted, or the fix). Then applies the rules of the trade:\n"
        "proxy DHCP with a Pi 3 and no reply delay, a Pi 3B whose TFTP server may be off its\n"
        "subnet, Pi 5 serial collisions, NFS root needs; and checks the server files installed\n"
        "under DIR: dnsmasq and dhcpd (\"Raspberry Pi Boot   \" text, dhcp-reply-delay, option 67,\n"
        "enable-tftp, tftp-root), /etc/exports (root_squash, '*'), tgt (LUN 0), tftpd-hpa, each\n"
        "Pi's cmdline.txt (nfsroot vers=3, iSCSI LUN, SD-card root) and NFS-root fstab, and the\n"
        "TFTP tree (each Pi's directory with its model's firmware, device tree, kernel,\n"
        "cmdline.txt and initramfs; bootcode.bin for a Pi 3). Files that are not there are\n"
        "skipped. When the profile itself has errors, lint lists them and stops there.\n",
    .opts = lint_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot lint site.conf\n"
        "  pinetboot lint site.conf --root /mnt/server --json\n"
        "\n"
        "Exit status: 0 no errors (warnings and notes allowed), 1 errors found (in the profile\n"
        "or the installed files), 2 usage error or SITE cannot be read.\n",
    .operand = "file",
};

/* One problem object per line (the other commands' --json put them in an array). */
static void print_json(const struct problems *ps, FILE *f)
{
	for (size_t i = 0; i < ps->n; i++) {
		cli_json_problem(f, &ps->items[i]);
		fputc('\n', f);
	}
}

int cmd_lint(int argc, char **argv)
{
	struct lint_opts o = {.root = "/"};
	int rc = cli_parse(&cmd_lint_spec, argc, argv, &o, &o.site, true);
	if (rc != CLIOPT_DONE)
		return rc;
	const char *path = o.site;
	struct stat st;
	if (access(path, R_OK) != 0 || stat(path, &st) != 0) {
		cli_error("lint", "%s: cannot be read: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error("lint", "%s: is a directory (expected a site profile file)", path);
		return EXIT_USAGE;
	}
	struct site s;
	struct problems ps;
	problems_init(&ps);
	rc = profile_load(path, &s, &ps);
	/* the secrets file beside it is read (never written) with the same checks export makes:
	 * lint and export judge the same input the same way */
	char *spath = secrets_path_for(path);
	if (secrets_load(&s, spath, &ps) != 0)
		rc = -1;
	free(spath);
	if (rc == 0) {
		lint_site(&s, &ps);
		lint_installed(&s, o.root, &ps);
	}
	if (o.json)
		print_json(&ps, stdout);
	else
		problems_print(&ps, stdout);
	int status = problems_has_errors(&ps) ? EXIT_PROBLEMS : EXIT_OK;
	if (!o.json && status == EXIT_PROBLEMS)
		fprintf(stderr, "pinetboot lint: %zu error(s), %zu warning(s) in %s\n",
			problems_count(&ps, PROBLEM_ERROR), problems_count(&ps, PROBLEM_WARNING), path);
	site_done(&s);
	problems_done(&ps);
	return status;
}
