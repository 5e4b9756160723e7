/* export — renders the server side of a site into a directory (plain files or an Ansible
 * inventory and playbook), atomically; --diff shows what would change instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_render.h"
#include "cli/site_arg.h"
#include "core/server/export.h"
#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

struct export_opts {
	const char *site, *out;
	struct render_opts ro;
	bool diff;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct export_opts, FIELD)
static const struct cli_opt cmd_export_opts[] = {
    CLI_OPT_SITE(CLI_SITE_FIRST, TO(STR, site)),
    {"output", 'o', "DIR", "where to write (required)", TO(STR, out)},
    {"format", 'f', "files|ansible", /* in enum render_format's order */
     "files (default) or ansible (inventory.yml, playbook.yml, and the files under files/)",
     CLIOPT_TO_CHOICE(struct export_opts, ro.format,
		      "--format %s is not a format (expected files or ansible)")},
    {"templates", 't', "DIR", "use DIR/NAME.tmpl instead of the built-in template NAME",
     TO(STR, ro.templates_dir)},
    {"diff", 'd', NULL, "print a unified diff against DIR and write nothing", TO(SET, diff)},
    {0}};

const struct cli_cmd cmd_export_spec = {
    .name = "export",
    .summary = "render the boot server's files for a site profile",
    .run = cmd_export,
    .usage = "Usage: pinetboot export SITE -o DIR [--format files|ansible] [--templates DIR] [--diff]\n"
        "Renders the boot server's configuration for the site profile SITE into DIR:\n"
        "dnsmasq, ISC dhcpd and Kea DHCP, tftpd-hpa, the iSCSI target (tgt, or LIO JSON) or\n"
        "NFS exports, and per Pi cmdline.txt, config.txt lines, fstab and bootconf.txt, with a\n"
        "README.txt saying where each file goes. CHAP secrets are generated once into\n"
        "SITE.secrets (site.conf -> site.secrets, mode 0600) and reused on every export, so\n"
        "an unchanged profile exports byte-identical files.\n"
        "\n"
        "DIR is replaced atomically (rendered beside it, synced, renamed); only an empty DIR or\n"
        "an earlier pinetboot export is replaced. An invalid profile writes nothing.\n",
    .opts = cmd_export_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot export site.conf -o out/\n"
        "  pinetboot export site.conf -o fleet/ --format ansible\n"
        "  pinetboot export site.conf -o out/ --diff\n"
        "\n"
        "Exit status: 0 written (or --diff: no differences), 1 --diff found differences,\n"
        "2 usage error, invalid profile or template, or DIR cannot be written.\n",
    .operand = "file",
};

/* Runs `diff -ruN a b` in work, where a is DIR (or an empty directory) and b the new export,
 * so the paths read a/… and b/…, and prints it with the secrets hidden. Returns diff's exit
 * status (0 same, 1 different). */
/* The diff as diff wrote it, with every CHAP secret of the site shown as <secret>: the
 * secrets file, tgt.conf, the LIO script and cmdline.txt hold them, and a --diff is read on
 * terminals and pasted into tickets. */
static void print_redacted(const char *out, size_t len, const struct site *s)
{
	for (size_t i = 0; i < len;) {
		size_t hit = 0;
		for (size_t k = 0; k < s->n_pis && !hit; k++) {
			const char *sec = s->pis[k].chap_secret;
			size_t n = sec ? strlen(sec) : 0;
			if (n && n <= len - i && memcmp(out + i, sec, n) == 0)
				hit = n;
		}
		if (hit) {
			fputs("<secret>", stdout);
			i += hit;
		} else {
			putchar(out[i++]);
		}
	}
	fflush(stdout);
}

static int run_diff(const char *work, const char *dir, const struct site *s)
{
	char *a = xasprintf("%s/a", work);
	struct stat st;
	char *abs = realpath(dir, NULL);
	int rc = (abs && stat(abs, &st) == 0) ? symlink(abs, a) : mkdir(a, 0700);
	free(abs);
	free(a);
	if (rc != 0)
		return 2;
	/* The export's own file list (export.h) is bookkeeping, not a file anyone installs. */
	char *argv[] = {"diff", "-ruN", "-x", ".pinetboot-files", "a", "b", NULL};
	char *out;
	size_t len;
	rc = runcmd_capture(argv, work, 600, &out, &len);
	if (rc == 127)
		fprintf(stderr, "pinetboot export: cannot run diff: %s\n", strerror(errno));
	else
		print_redacted(out, len, s);
	if (len >= RUNCMD_CAPTURE_MAX)
		fprintf(stderr, "pinetboot export: the diff is longer than %u bytes; only its start "
				"was shown\n",
			RUNCMD_CAPTURE_MAX);
	free(out);
	return rc == 0 || rc == 1 ? rc : 2;
}

static int do_diff(const struct render_set *rs, const char *dir, const struct site *s)
{
	char *work = xasprintf("%s/pinetboot-diff-XXXXXX", fs_tmpdir());
	if (!mkdtemp(work)) {
		cli_error("export", "cannot make a temporary directory: %s", strerror(errno));
		free(work);
		return EXIT_USAGE;
	}
	struct problems ps;
	problems_init(&ps);
	char *b = xasprintf("%s/b", work);
	int rc = export_write_tree(rs, b, false, &ps) == 0 ? run_diff(work, dir, s) : 2;
	cli_problems("export", &ps);
	problems_done(&ps);
	fs_remove_tree(work);
	free(b);
	free(work);
	return rc == 0 ? EXIT_OK : rc == 1 ? EXIT_PROBLEMS : EXIT_USAGE;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = {.ro = {.format = RENDER_FILES}};
	int rc = cli_parse(&cmd_export_spec, argc, argv, &o, &o.site, true);
	if (rc != CLIOPT_DONE)
		return rc;
	const char *site = o.site, *out = o.out;
	if (!out)
		return cli_usage_error("export", "where to? (expected -o DIR)");
	bool diff = o.diff;
	struct site s;
	struct render_set rs;
	rc = cli_render_site("export", site, &o.ro, !diff, &s, &rs);
	if (rc != EXIT_OK)
		return rc;
	if (diff) {
		rc = do_diff(&rs, out, &s);
	} else {
		struct problems ps;
		problems_init(&ps);
		if (export_commit(&rs, out, &ps) != 0) {
			cli_problems("export", &ps);
			rc = EXIT_USAGE;
		} else {
			printf("wrote %zu files for %zu Pi(s) to %s\n", rs.n, s.n_pis, out);
		}
		problems_done(&ps);
	}
	render_set_done(&rs);
	site_done(&s);
	return rc;
}
