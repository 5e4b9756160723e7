/* eeprom bootstrap — the files of an SD card that switches one Pi to network boot:
 * Pi 4/5 families: recovery.bin + pieeprom.upd + pieeprom.sig (spec eeprom-otp.md §1.12);
 * Pi 3B/2B/CM3: config.txt with program_usb_boot_mode=1 (§3.4). */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_eeprom.h"
#include "core/bootconf.h"
#include "core/eeprom.h"
#include "core/fileio.h"
#include "core/profile.h"
#include "core/util.h"

#define CMD "eeprom bootstrap"

struct bs_opts {
	const char *model, *site, *pi, *eeprom, *out;
	long long timestamp;
};

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = fileio_write_atomic(path, data, len, 0644);
	if (rc < 0)
		cli_error(CMD, "%s: %s", path, strerror(errno));
	else
		printf("wrote %s (%zu bytes)\n", path, len);
	free(path);
	return rc;
}

/* The newest pieeprom-*.bin for family under the firmware roots: default/ first, then latest/,
 * then any other directory (the test data's firmware-27xx/ layout too). Heap path or NULL. */
static char *find_image(const char *family)
{
	const char *root = getenv("PINETBOOT_FIRMWARE_DIR");
	if (!root || !*root)
		root = "/lib/firmware/raspberrypi";
	const char *patterns[] = {"%s/bootloader-%s/default/pieeprom-*.bin",
				  "%s/bootloader-%s/critical/pieeprom-*.bin",
				  "%s/bootloader-%s/latest/pieeprom-*.bin",
				  "%s/bootloader-%s/stable/pieeprom-*.bin",
				  "%s/bootloader-%s/*/pieeprom-*.bin",
				  "%s/firmware-%s/pieeprom-*.bin",
				  "%s/firmware-%s/*/pieeprom-*.bin"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(patterns); i++) {
		char *pat = xasprintf(patterns[i], root, family);
		glob_t g;
		char *found = NULL;
		if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0)
			found = xstrdup(g.gl_pathv[g.gl_pathc - 1]); /* sorted: newest date last */
		globfree(&g);
		free(pat);
		if (found)
			return found;
	}
	if (strcmp(family, "2711") == 0) {
		glob_t g;
		char *found = NULL;
		char *pat = xasprintf("%s/bootloader/*/pieeprom-*.bin", root);
		if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0)
			found = xstrdup(g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		free(pat);
		return found;
	}
	return NULL;
}

static int bootstrap_otp(const struct bs_opts *o, const struct pi_model_info *mi)
{
	static const char config[] =
		"# pinetboot bootstrap: switch on USB host (network) boot in the OTP, once.\n"
		"# Remove this line after the first boot: the OTP bit is permanent.\n"
		"program_usb_boot_mode=1\n";
	char *readme = xasprintf(
		"Network boot bootstrap for a Raspberry Pi %s\n\n"
		"1. Put a Raspberry Pi OS SD card in this computer and add the line\n"
		"      program_usb_boot_mode=1\n"
		"   to the end of config.txt on its boot partition (the config.txt here has it).\n"
		"2. Boot the Pi from that card once. Check with: vcgencmd otp_dump | grep ^17:\n"
		"   It must say 17:3020000a (bit 29 set). Or run: pinetboot check\n"
		"3. Remove the line from config.txt again. The OTP bit is permanent; leaving the\n"
		"   line in only makes every boot try to program it again.\n"
		"4. Take the SD card out: with no card the Pi now boots from the network.\n"
		"%s",
		mi->long_name,
		mi->model == PI_CM3 || mi->model == PI_CM3PLUS
			? "\nCompute Module 3: network boot needs a LAN951x USB Ethernet chip on the "
			  "carrier board.\nProgramming the bit disables rpiboot device mode when "
			  "OTGID is grounded.\n"
			: "");
	int rc = write_file(o->out, "config.txt", config, strlen(config));
	if (rc == 0)
		rc = write_file(o->out, "README.txt", readme, strlen(readme));
	free(readme);
	return rc < 0 ? EXIT_USAGE : EXIT_OK;
}

/* KEY=VALUE edits for the Pi: network in BOOT_ORDER and its profile's TFTP prefix. */
static size_t config_edits(const struct pi *p, char *edits[3])
{
	size_t n = 0;
	edits[n++] = xstrdup("BOOT_ORDER=0xf21");
	if (!p)
		return n;
	edits[n++] = xasprintf("TFTP_PREFIX=%d", (int)p->prefix);
	if (p->prefix == TFTP_PREFIX_STRING)
		edits[n++] = xasprintf("TFTP_PREFIX_STR=%s/", p->prefix_str ? p->prefix_str : "");
	return n;
}

static char *sibling(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - path), path, name);
}

static char *readme_eeprom(const struct pi_model_info *mi, const char *image, const char *conf)
{
	return xasprintf(
		"Network boot bootstrap for a %s\n\n"
		"Copy recovery.bin, pieeprom.upd and pieeprom.sig to the root of a FAT32-formatted\n"
		"SD card (under 32 GB), put it in the Pi and power on. recovery.bin writes the new\n"
		"bootloader, renames itself to recovery.000 and reboots. Then take the card out:\n"
		"the Pi tries the SD card, then the network, then starts again (BOOT_ORDER=0xf21).\n"
		"Check afterwards on the Pi with: pinetboot check\n\n"
		"Compute Modules with eMMC cannot load recovery.bin from eMMC: use rpiboot (usbboot)\n"
		"with these files instead (recovery.bin is bootcode%s.bin there, the image\n"
		"pieeprom.bin).\n\n"
		"Made from %s with this bootconf.txt:\n\n%s",
		mi->long_name, mi->eeprom_family && strcmp(mi->eeprom_family, "2712") == 0 ? "5" : "4",
		image, conf);
}

static int bootstrap_eeprom(const struct bs_opts *o, const struct pi_model_info *mi,
			    const struct pi *p)
{
	char *image = o->eeprom ? xstrdup(o->eeprom) : find_image(mi->eeprom_family);
	if (!image) {
		cli_error(CMD, "no pieeprom.bin for BCM%s found under /lib/firmware/raspberrypi/"
			       "bootloader-%s/ (install rpi-eeprom, or give --eeprom FILE)",
			  mi->eeprom_family, mi->eeprom_family);
		return EXIT_USAGE;
	}
	struct eeprom_image img;
	int rc = EXIT_USAGE;
	size_t rec_len = 0, conf_len, len;
	char *rec_path = sibling(image, "recovery.bin"), *rec = NULL, *text = NULL;
	char *edits[3] = {NULL, NULL, NULL};
	size_t n_edits = config_edits(p, edits);
	struct problems ps;
	problems_init(&ps);
	const uint8_t *conf;
	if (eeprom_load_file(&img, image) < 0)
		cli_error(CMD, "%s", img.err);
	else if (strcmp(eeprom_family(&img), mi->eeprom_family) != 0)
		cli_error(CMD, "%s is a BCM%s image; a %s needs a BCM%s one", image,
			  eeprom_family(&img), mi->long_name, mi->eeprom_family);
	else if (!(rec = fileio_read(rec_path, 1 << 20, &rec_len)))
		cli_error(CMD, "%s: %s (recovery.bin must sit next to the image)", rec_path,
			  strerror(errno));
	else if (!eeprom_find_file(&img, "bootconf.txt") ||
		 !(conf = eeprom_file_content(&img, eeprom_find_file(&img, "bootconf.txt"),
					      &conf_len)))
		cli_error(CMD, "%s: no bootconf.txt section", image);
	else if (!(text = bootconf_edit((const char *)conf, conf_len, edits, n_edits, &ps)))
		problems_print(&ps, stderr);
	else if (eeprom_replace_file(&img, "bootconf.txt", (uint8_t *)text, len = strlen(text)) < 0)
		cli_error(CMD, "%s", img.err);
	else {
		int64_t ts = eeprom_cli_sig_ts(o->timestamp);
		eeprom_set_timestamp(&img, (uint32_t)ts);
		char *sig = eeprom_sig_text(img.data, img.size, ts, eeprom_family(&img));
		char *readme = readme_eeprom(mi, image, text);
		if (write_file(o->out, "recovery.bin", rec, rec_len) == 0 &&
		    write_file(o->out, "pieeprom.upd", img.data, img.size) == 0 &&
		    write_file(o->out, "pieeprom.sig", sig, strlen(sig)) == 0 &&
		    write_file(o->out, "README.txt", readme, strlen(readme)) == 0)
			rc = EXIT_OK;
		free(sig);
		free(readme);
	}
	for (size_t i = 0; i < n_edits; i++)
		free(edits[i]);
	problems_done(&ps);
	eeprom_done(&img);
	free(text);
	free(rec);
	free(rec_path);
	free(image);
	return rc;
}

static int parse_opts(int argc, char **argv, struct bs_opts *o)
{
	static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
					     {"site", required_argument, NULL, 's'},
					     {"pi", required_argument, NULL, 'p'},
					     {"eeprom", required_argument, NULL, 'e'},
					     {"timestamp", required_argument, NULL, 't'},
					     {"out", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': o->model = optarg; break;
		case 's': o->site = optarg; break;
		case 'p': o->pi = optarg; break;
		case 'e': o->eeprom = optarg; break;
		case 'o': o->out = optarg; break;
		case 't':
			if (eeprom_cli_parse_ts(optarg, &o->timestamp) < 0)
				return cli_usage_error(CMD, "--timestamp \"%s\" is not unix seconds",
						       optarg);
			break;
		case 'h': fputs(eeprom_usage_text, stdout); return -1;
		default: return cli_usage_error(CMD, "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage_error(CMD, "unexpected argument \"%s\"", argv[optind]);
	if (!o->out)
		return cli_usage_error(CMD, "needs -o DIR");
	if (!o->model && !o->pi)
		return cli_usage_error(CMD, "needs --model M (%s) or --site SITE --pi NAME",
				       model_names_list());
	if (!!o->site != !!o->pi)
		return cli_usage_error(CMD, "--site and --pi go together");
	return 0;
}

static int run(const struct bs_opts *o, const struct pi *p)
{
	enum pi_model m = o->model ? model_from_name(o->model) : p->model;
	if (m == PI_MODEL_UNKNOWN)
		return cli_usage_error(CMD, "\"%s\" is not a model (%s)", o->model,
				       model_names_list());
	if (p && o->model && p->model != m)
		return cli_usage_error(CMD, "--model %s but the profile says Pi \"%s\" is a %s",
				       o->model, p->name, model_info(p->model)->name);
	const struct pi_model_info *mi = model_info(m);
	if (mi->enable == NETBOOT_NEVER) {
		cli_error(CMD, "a %s cannot network boot (no Ethernet the boot ROM can use)",
			  mi->long_name);
		return EXIT_PROBLEMS;
	}
	if (mi->enable == NETBOOT_FACTORY) {
		printf("A %s network boots from the factory: no bootstrap card is needed.\n",
		       mi->long_name);
		return EXIT_OK;
	}
	if (mkdir(o->out, 0755) < 0 && errno != EEXIST) {
		cli_error(CMD, "%s: %s", o->out, strerror(errno));
		return EXIT_USAGE;
	}
	return mi->enable == NETBOOT_OTP ? bootstrap_otp(o, mi) : bootstrap_eeprom(o, mi, p);
}

int eeprom_bootstrap_main(int argc, char **argv)
{
	struct bs_opts o = {.timestamp = -1};
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct site site;
	struct problems ps;
	problems_init(&ps);
	const struct pi *p = NULL;
	if (o.site) {
		if (profile_load(o.site, &site, &ps) < 0) {
			problems_print(&ps, stderr);
			site_done(&site);
			problems_done(&ps);
			return EXIT_USAGE;
		}
		if (!(p = site_find_pi(&site, o.pi))) {
			cli_error(CMD, "%s has no [pi \"%s\"]", o.site, o.pi);
			site_done(&site);
			problems_done(&ps);
			return EXIT_USAGE;
		}
	}
	rc = run(&o, p);
	if (o.site)
		site_done(&site);
	problems_done(&ps);
	return rc;
}
