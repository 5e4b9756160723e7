/* provision — one Pi's server side from its image: backing file and TFTP directory. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/flash_progress.h"
#include "cli/site_arg.h"
#include "core/site/profile.h"
#include "core/disk/provision.h"

struct provision_opts {
	const char *site, *pi, *tftp_root;
	bool force;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct provision_opts, FIELD)
static const struct cli_opt cmd_provision_opts[] = {
    CLI_OPT_SITE(CLI_SITE_OPERAND, TO(STR, site)),
    CLI_OPT_PI("the Pi (required)", TO(STR, pi)),
    {"tftp-root", 0, "DIR", "write the TFTP directory under DIR instead of the profile's tftp_root",
     TO(STR, tftp_root)},
    {"force", 0, NULL,
     "overwrite a backing that holds data (an earlier root, a disk) or is unsafe (a system or "
     "mounted disk, a link, a hard-linked file)",
     TO(SET, force)},
    {0}};

const struct cli_cmd cmd_provision_spec = {
    .name = "provision",
    .summary = "make one Pi's iSCSI backing file and TFTP directory",
    .run = cmd_provision,
    .usage = "Usage: pinetboot provision [--site] SITE --pi NAME [--tftp-root DIR] [--force]\n"
        "Makes the server side of one Pi from the image named in its [pi] section:\n"
        "  - the iSCSI backing file (backing =), written sparse, grown to size = with the last\n"
        "    partition and its ext4 grown to fill it (the filesystem UUID is kept);\n"
        "  - the Pi's TFTP directory (tftp_root/<serial|mac|prefix>/) filled from the image's\n"
        "    boot partition without mounting, with cmdline.txt pointing at the network root\n"
        "    (root=UUID=… and the iSCSI or NFS parameters) and config.txt loading the initramfs;\n"
        "  - root = nfs: the image's root tree copied into nfs_path, with the Pi's host name and\n"
        "    without the image's ssh host keys (the Pi makes its own at first boot).\n",
    .opts = cmd_provision_opts,
    .after = "\n"
        "Exit status: 0 done, 1 a step failed (the message says what was left behind),\n"
        "2 usage error or invalid profile.\n",
    .operand = "file",
};

int cmd_provision(int argc, char **argv)
{
	struct provision_opts o = {0};
	int rc = cli_parse(&cmd_provision_spec, argc, argv, &o, &o.site, true);
	if (rc != CLIOPT_DONE)
		return rc;
	const char *site = o.site, *name = o.pi;
	if (!name)
		return cli_usage_error("provision", "--pi NAME is required");
	struct site s;
	if (cli_load_site("provision", site, &s) != EXIT_OK)
		return EXIT_USAGE;
	const struct pi *p = cli_site_pi("provision", site, &s, name);
	if (!p) {
		site_done(&s);
		return EXIT_USAGE;
	}
	struct cli_progress cp;
	cli_progress_init(&cp);
	struct provision_result pr;
	char err[640];
	rc = EXIT_OK;
	if (provision_pi(&s, p, o.tftp_root, o.force, cli_progress_cb, &cp, &pr, err, sizeof(err)) < 0) {
		if (cp.tty)
			fputc('\n', stderr);
		cli_error("provision", "%s", err);
		rc = EXIT_PROBLEMS;
	} else {
		char w[16];
		cli_human_bytes(pr.flash.written, w);
		if (s.root == ROOT_NFS)
			printf("%s: image unpacked (%s written, verified); %s\n", p->name, w, pr.note);
		else
			printf("%s: backing file %s (%s written, verified), %s; root UUID %s\n",
			       p->name, pr.backing, w, pr.note,
			       pr.root_uuid[0] ? pr.root_uuid : "unknown");
		printf("%s: TFTP directory %s (%zu files; cmdline.txt set for the %s root)\n", p->name,
		       pr.tftp_dir, pr.tftp_files, root_kind_names[s.root]);
		if (pr.boot_note[0])
			printf("%s: boot files: %s\n", p->name, pr.boot_note);
	}
	provision_result_done(&pr);
	site_done(&s);
	return rc;
}
