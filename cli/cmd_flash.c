/* flash — write an image or a directory to a device or a file, with the safety checks, the
 * confirmation, a progress line, and optional boot-partition customisation. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/flash_progress.h"
#include "cli/site_arg.h"
#include "core/disk/customize.h"
#include "core/disk/fatcard.h"
#include "core/disk/drives.h"
#include "core/base/fsutil.h"
#include "core/base/place.h"
#include "core/disk/flash.h"
#include "core/disk/image.h"
#include "core/site/profile.h"
#include "core/base/util.h"

static atomic_bool cancel_flag;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_flag, true);
}

struct flash_cli {
	const char *image, *target, *sha256, *site, *pi, *ssh_key, *user, *password_file;
	struct cliopt_list config; /* --config lines */
	bool yes, verify, force;
	struct cli_progress prog;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct flash_cli, FIELD)
static const struct cli_opt cmd_flash_opts[] = {
    {"yes", 'y', NULL, "do not ask before overwriting a disk", TO(SET, yes)},
    {"no-verify", 0, NULL, "skip reading the target back", TO(CLEAR, verify)},
    {"sha256", 0, "HEX", "expected SHA-256 of IMAGE (default: IMAGE.sha256 when present)",
     TO(STR, sha256)},
    {"customize", 0, "SITE",
     "edit the boot partition for a Pi of this site profile (with --pi): ssh on, host name "
     "(firstrun.sh at /boot or /boot/firmware, as the image's OS has it), cmdline.txt for the "
     "network root",
     TO(STR, site)},
    CLI_OPT_SITE("the same as --customize SITE", TO(STR, site)),
    CLI_OPT_PI("the Pi of SITE", TO(STR, pi)),
    {"ssh-key", 0, "FILE", "authorized public key to install (with or without --customize)",
     TO(STR, ssh_key)},
    {"user", 0, "NAME", "first-boot user (userconf.txt); password from --password-file",
     TO(STR, user)},
    {"password-file", 0, "FILE", "file whose first line is the user's password",
     TO(STR, password_file)},
    {"config", 0, "LINE",
     "a line config.txt must contain (repeatable), e.g. --config program_usb_boot_mode=1",
     CLIOPT_TO_LIST(struct flash_cli, config, 64, "too many --config lines")},
    {"force", 0, NULL, "write even to a disk that is a system disk, mounted or read-only",
     TO(SET, force)},
    {0}};

const struct cli_cmd cmd_flash_spec = {
    .name = "flash",
    .summary = "write an image (or a directory) to an SD card, USB disk or file",
    .run = cmd_flash,
    .usage = "Usage: pinetboot flash IMAGE TARGET [OPTIONS]\n"
        "       pinetboot flash DIR TARGET [OPTIONS]\n"
        "Writes IMAGE (.img, .img.xz, .img.gz, .img.zst, .img.bz2, or a .zip holding an .img) to\n"
        "TARGET: a whole disk (/dev/sdX, /dev/mmcblkN, a loop device) or a regular file (an iSCSI\n"
        "backing store, written sparse). Only the blocks the image's filesystems use are written\n"
        "to a disk; the partition table goes last; everything written is read back and checked.\n"
        "With a directory DIR, TARGET becomes a FAT32 card holding exactly DIR's files.\n",
    .opts = cmd_flash_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot devices\n"
        "  pinetboot flash raspios-lite.img.xz /dev/sdb\n"
        "  pinetboot flash raspios-lite.img.xz /srv/iscsi/kitchen.img --customize site.conf --pi "
        "kitchen\n"
        "  pinetboot flash bootstrap-card/ /dev/mmcblk0 --yes\n"
        "\n"
        "Exit status: 0 written and verified; 1 refused, failed or verification mismatch (the\n"
        "message says what state the target is in); 2 usage or input error.\n",
    .operand = "file",
};

static bool confirm(const struct drive *d, const char *target)
{
	char size[24];
	size_format(d ? d->size : 0, size);
	fprintf(stderr, "About to overwrite %s", target);
	if (d)
		fprintf(stderr, " (%s %s %s, %s, serial %s)", size, d->vendor, d->model,
			drive_bus_names[d->bus], *d->serial ? d->serial : "-");
	fprintf(stderr, ". Everything on it will be lost.\nType 'yes' to continue: ");
	char line[32] = "";
	FILE *tty = fopen("/dev/tty", "r");
	if (!tty || !fgets(line, sizeof(line), tty)) {
		if (tty)
			fclose(tty);
		return false;
	}
	fclose(tty);
	return !strcmp(str_trim(line), "yes");
}

/* Safety before touching a device: the drive's class, with the reason when refused. */
static int check_device(struct flash_cli *fc, uint64_t image_size)
{
	struct drive_list l;
	char err[256];
	if (drives_scan(&l, err, sizeof(err)) < 0) {
		cli_error("flash", "%s", err);
		return EXIT_PROBLEMS;
	}
	const struct drive *d = drive_list_find(&l, fc->target);
	int rc = EXIT_OK;
	char *why;
	enum drive_verdict v = drive_verdict(d, image_size, &why);
	if (v == DRIVE_REFUSE || (v == DRIVE_OVERRIDE && !fc->force)) {
		cli_error("flash", "refusing %s: %s%s", fc->target, why,
			  v == DRIVE_OVERRIDE ? " (--force overrides)" : "");
		rc = EXIT_PROBLEMS;
	} else if (v == DRIVE_OVERRIDE) {
		cli_error("flash", "warning: %s is %s; writing anyway (--force)", fc->target, why);
	}
	free(why);
	if (rc == EXIT_OK && !fc->yes) {
		if (!isatty(0) && access("/dev/tty", R_OK) != 0) {
			cli_error("flash", "no terminal to confirm on; pass --yes to overwrite %s", fc->target);
			rc = EXIT_PROBLEMS;
		} else if (!confirm(d, fc->target)) {
			cli_error("flash", "not confirmed; %s was not changed", fc->target);
			rc = EXIT_PROBLEMS;
		}
	}
	drive_list_done(&l);
	return rc;
}

/* A file target follows the same verdict (core/disk/drives): a link or a hard-linked file
 * only with --force (L5), a file holding data only after a confirmation or --yes. */
static int check_file(struct flash_cli *fc, uint64_t image_size)
{
	if (fs_same_file(fc->image, fc->target))
		return EXIT_OK; /* flash_run says "is the image itself" */
	bool data;
	char *why;
	enum drive_verdict v = drive_verdict_target(fc->target, image_size, &data, &why);
	int rc = EXIT_OK;
	if (v == DRIVE_REFUSE || (v == DRIVE_OVERRIDE && !fc->force)) {
		cli_error("flash", "refusing %s: %s%s; it was not changed", fc->target, why,
			  v == DRIVE_OVERRIDE ? " (--force overrides)" : "");
		rc = EXIT_PROBLEMS;
	} else if (data && !fc->yes) {
		cli_error("flash", "%s is %s; pass --yes to overwrite it (it was not changed)",
			  fc->target, why);
		rc = EXIT_PROBLEMS;
	}
	free(why);
	return rc;
}

static char *read_first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	char *r = NULL;
	if (f && fgets(line, sizeof(line), f))
		r = xstrdup(str_trim(line));
	if (f)
		fclose(f);
	return r;
}

/* Builds the customisation from the options and the site profile; 0 when there is none. */
static int build_customize(struct flash_cli *fc, struct site *site, struct customize *c, bool *any)
{
	*any = fc->site || fc->ssh_key || fc->user || fc->config.n;
	if (fc->site) {
		site_done(site); /* cli_load_site initialises it again */
		if (cli_load_site("flash", fc->site, site) != EXIT_OK) {
			site_init(site);
			return EXIT_USAGE;
		}
		const struct pi *p = cli_site_pi("flash", fc->site, site, fc->pi);
		if (!p)
			return EXIT_USAGE;
		c->ssh = true;
		c->hostname = xstrdup(p->hostname ? p->hostname : p->name);
	}
	if (fc->ssh_key && !(c->authorized_key = read_first_line(fc->ssh_key))) {
		cli_error("flash", "cannot read the public key %s: %s", fc->ssh_key, strerror(errno));
		return EXIT_USAGE;
	}
	/* userconf.txt holds "user:hash" and config.txt one setting per line: a line break in
	 * either would add a user or a setting of its own (L13) */
	if (fc->user && !place_username_ok(fc->user)) {
		cli_error("flash", "--user \"%s\" is not a user name (expected 1 to 32 of a-z, 0-9, "
				   "'_' and '-', starting with a letter or '_')",
			  fc->user);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < fc->config.n; i++)
		if (!place_line_ok(fc->config.v[i])) {
			cli_error("flash", "--config \"%s\" holds a line break or a control character "
					   "(expected one config.txt line per --config)",
				  fc->config.v[i]);
			return EXIT_USAGE;
		}
	if (fc->user) {
		char *pw = fc->password_file ? read_first_line(fc->password_file) : NULL;
		if (!pw) {
			cli_error("flash", "--user needs --password-file with the password on its first line");
			return EXIT_USAGE;
		}
		int r = customize_set_password(c, fc->user, pw);
		free(pw);
		if (r < 0) {
			cli_error("flash", "crypt(3) could not hash the password");
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < fc->config.n; i++)
		customize_add_config(c, fc->config.v[i]);
	return EXIT_OK;
}

static int apply_customize(struct flash_cli *fc, struct site *site, struct customize *c)
{
	char err[512];
	if (fc->site) {
		const struct pi *p = site_find_pi(site, fc->pi);
		uint64_t off;
		char *old = NULL;
		if (customize_find_boot(fc->target, &off, err, sizeof(err)) == 0)
			old = customize_read_file(fc->target, off, "cmdline.txt");
		c->cmdline = customize_network_cmdline(site, p, old, NULL);
		free(old);
	}
	if (customize_apply(fc->target, c, err, sizeof(err)) < 0) {
		cli_error("flash", "customising the boot partition failed: %s (the image itself was "
				   "written and verified)", err);
		return EXIT_PROBLEMS;
	}
	fprintf(stderr, "customised the boot partition of %s (%s)\n", fc->target, c->note);
	return EXIT_OK;
}

static int run_flash(struct flash_cli *fc)
{
	struct stat st;
	bool device = stat(fc->target, &st) == 0 && S_ISBLK(st.st_mode);
	char sha_arg[65];
	const char *sha = NULL; /* NULL: flash_run checks against IMAGE.sha256 when present */
	if (fc->sha256) {
		if (!image_sha256_parse(fc->sha256, sha_arg))
			return cli_usage_error("flash", "--sha256 wants 64 hex digits, got '%s'", fc->sha256);
		sha = sha_arg;
	}
	char err[300];
	struct image *im = image_open(fc->image, err, sizeof(err));
	if (!im) {
		cli_error("flash", "%s", err);
		return EXIT_USAGE;
	}
	uint64_t isize = image_size(im);
	image_free(im);
	struct site site;
	site_init(&site);
	struct customize c;
	customize_init(&c);
	bool any = false;
	int rc = build_customize(fc, &site, &c, &any);
	if (rc == EXIT_OK && device)
		rc = check_device(fc, isize);
	else if (rc == EXIT_OK)
		rc = check_file(fc, isize);
	if (rc != EXIT_OK)
		goto out;
	struct flash_opts o = {fc->image, fc->target, fc->verify, sha, cli_progress_cb, &fc->prog,
			       &cancel_flag};
	struct flash_result r;
	cli_progress_init(&fc->prog);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (flash_run(&o, &r) < 0) {
		if (fc->prog.tty)
			fputc('\n', stderr);
		cli_error("flash", "%s", r.message);
		rc = EXIT_PROBLEMS;
		goto out;
	}
	char w[16], v[16], sz[16];
	cli_human_bytes(r.written, w);
	cli_human_bytes(r.verified, v);
	cli_human_bytes(r.image_size, sz);
	printf("%s: %s image (%s, %s, %d decoder thread%s) → %s: wrote %s%s%s in %.1f s%s%s\n",
	       fc->target, sz, r.format, fc->image, r.threads, r.threads == 1 ? "" : "s",
	       r.device ? "disk" : "file", w, fc->verify ? ", verified " : "", fc->verify ? v : "",
	       r.seconds, r.sha256_checked ? ", SHA-256 matches" : "",
	       r.sha256_sidecar ? " its .sha256 file" : "");
	if (r.device && r.map_note[0])
		printf("  filesystems: %s; %llu MiB needed\n", r.map_note,
		       (unsigned long long)(r.mapped >> 20));
	if (fc->verify && r.verify_seconds > 0)
		printf("  read back %s in %.2f s (%.0f MiB/s)%s\n", v, r.verify_seconds,
		       (double)r.verified / (1 << 20) / r.verify_seconds, r.direct ? ", O_DIRECT" : "");
	if (!r.sha256_checked)
		printf("  source SHA-256 %s\n", r.sha256);
	if (any)
		rc = apply_customize(fc, &site, &c);
out:
	customize_done(&c);
	site_done(&site);
	return rc;
}

static int flash_dir(struct flash_cli *fc)
{
	char *tmpl = fs_temp_file("card", NULL, 0);
	if (!tmpl) {
		cli_error("flash", "cannot make a temporary file in %s: %s", fs_tmpdir(),
			  strerror(errno));
		return EXIT_PROBLEMS;
	}
	char err[512];
	if (fatcard_build(fc->image, tmpl, err, sizeof(err)) < 0) {
		unlink(tmpl);
		free(tmpl);
		cli_error("flash", "%s", err);
		return EXIT_USAGE;
	}
	fprintf(stderr, "made a FAT32 card image of %s\n", fc->image);
	const char *dir = fc->image;
	fc->image = tmpl;
	int rc = run_flash(fc);
	fc->image = dir;
	unlink(tmpl);
	free(tmpl);
	return rc;
}

/* IMAGE and TARGET, then the flash itself. */
static int flash_operands(struct flash_cli *fc, int argc, char **argv)
{
	if (argc - optind != 2)
		return cli_usage_error("flash", "expected IMAGE and TARGET, got %d argument%s",
				       argc - optind, argc - optind == 1 ? "" : "s");
	fc->image = argv[optind];
	fc->target = argv[optind + 1];
	if (!fc->site != !fc->pi)
		return cli_usage_error("flash", "--customize SITE and --pi NAME go together");
	struct stat st;
	if (stat(fc->image, &st) == 0 && S_ISDIR(st.st_mode))
		return flash_dir(fc);
	return run_flash(fc);
}

int cmd_flash(int argc, char **argv)
{
	struct flash_cli fc = {.verify = true};
	int rc = cliopt_parse(&cmd_flash_spec, argc, argv, &fc);
	if (rc == CLIOPT_DONE)
		rc = flash_operands(&fc, argc, argv);
	free(fc.config.v);
	return rc;
}

