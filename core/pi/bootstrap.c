/* bootstrap — write the files of a bootstrap SD card for one Pi. */
#include "core/site/tftp_dir.h"
#include "core/pi/bootstrap.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/pi/bootconf.h"
#include "core/pi/eeprom.h"
#include "core/base/fsutil.h"
#include "core/base/util.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len,
		      struct bootstrap_result *res, struct problems *ps)
{
	char *path = xasprintf("%s/%s", dir, name);
	if (fs_write_atomic(path, data, len, 0644) < 0) {
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot write: %s",
			     strerror(errno));
		free(path);
		return -1;
	}
	if (res->n < PNB_ARRAY_LEN(res->files)) {
		res->sizes[res->n] = len;
		res->files[res->n++] = path;
	} else
		free(path);
	return 0;
}

static char *glob_last(const char *pattern)
{
	glob_t g;
	char *found = NULL;
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		found = xstrdup(g.gl_pathv[g.gl_pathc - 1]); /* sorted: newest date last */
	globfree(&g);
	return found;
}

/* default/ first, then critical/, latest/, stable/, any other release directory, and the test
 * data's firmware-27xx/ layout; the un-suffixed old bootloader/ directory for 2711. */
char *bootstrap_find_image(const char *root, const char *family)
{
	if (!root)
		root = getenv("PINETBOOT_FIRMWARE_DIR");
	if (!root || !*root)
		root = "/lib/firmware/raspberrypi";
	static const char *const patterns[] = {"%s/bootloader-%s/default/pieeprom-*.bin",
					       "%s/bootloader-%s/critical/pieeprom-*.bin",
					       "%s/bootloader-%s/latest/pieeprom-*.bin",
					       "%s/bootloader-%s/stable/pieeprom-*.bin",
					       "%s/bootloader-%s/*/pieeprom-*.bin",
					       "%s/firmware-%s/pieeprom-*.bin",
					       "%s/firmware-%s/*/pieeprom-*.bin"};
	char *found = NULL;
	for (size_t i = 0; i < PNB_ARRAY_LEN(patterns) && !found; i++) {
		char *pat = xasprintf(patterns[i], root, family);
		found = glob_last(pat);
		free(pat);
	}
	if (!found && strcmp(family, "2711") == 0) {
		char *pat = xasprintf("%s/bootloader/*/pieeprom-*.bin", root);
		found = glob_last(pat);
		free(pat);
	}
	return found;
}
static int bootstrap_otp(const struct bootstrap_opts *o, const struct pi_model_info *mi,
			 struct bootstrap_result *res, struct problems *ps)
{
	static const char config[] =
		"# pinetboot bootstrap: switch on USB host (network) boot in the OTP, once.\n"
		"# Remove this line after the first boot: the OTP bit is permanent.\n"
		"program_usb_boot_mode=1\n";
	char *readme = xasprintf(
		"Network boot bootstrap for a %s\n\n"
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
	int rc = write_file(o->out_dir, "config.txt", config, strlen(config), res, ps);
	if (rc == 0)
		rc = write_file(o->out_dir, "README.txt", readme, strlen(readme), res, ps);
	free(readme);
	return rc;
}

/* KEY=VALUE edits for the Pi: network in BOOT_ORDER and its profile's TFTP prefix. */
static size_t config_edits(const struct pi *p, char *edits[3])
{
	size_t n = 0;
	edits[n++] = xstrdup("BOOT_ORDER=0xf21");
	if (!p)
		return n;
	edits[n++] = xasprintf("TFTP_PREFIX=%d", pi_tftp_prefix_setting(p->prefix));
	char *str = pi_tftp_prefix_str_setting(p, NULL);
	if (str)
		edits[n++] = xasprintf("TFTP_PREFIX_STR=%s", str);
	free(str);
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

/* Reads image and recovery.bin and makes the new config; problems go to ps. */
static int prepare(const struct bootstrap_opts *o, const struct pi_model_info *mi,
		   const char *image, struct eeprom_image *img, char **rec, size_t *rec_len,
		   char **text, struct problems *ps)
{
	char *rec_path = sibling(image, "recovery.bin");
	char *edits[3] = {NULL, NULL, NULL};
	size_t n_edits = config_edits(o->pi, edits), conf_len;
	const struct eeprom_section *s;
	const uint8_t *conf = NULL;
	int rc = -1;
	if (eeprom_load_file(img, image) < 0)
		problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, NULL, "%s", img->err);
	else if (strcmp(eeprom_family(img), mi->eeprom_family) != 0)
		problems_add(ps, PROBLEM_ERROR, image, 0, NULL, NULL,
			     "is a BCM%s image; a %s needs a BCM%s one", eeprom_family(img),
			     mi->long_name, mi->eeprom_family);
	else if (!(*rec = fs_read_file_max(rec_path, 1 << 20, rec_len)))
		problems_add(ps, PROBLEM_ERROR, rec_path, 0, NULL, NULL,
			     "%s (recovery.bin must sit next to the image)", strerror(errno));
	else if (!(s = eeprom_find_file(img, "bootconf.txt")) ||
		 !(conf = eeprom_file_content(img, s, &conf_len)))
		problems_add(ps, PROBLEM_ERROR, image, 0, NULL, NULL, "has no bootconf.txt section");
	else if ((*text = bootconf_edit((const char *)conf, conf_len, edits, n_edits, ps)))
		rc = 0;
	for (size_t i = 0; i < n_edits; i++)
		free(edits[i]);
	free(rec_path);
	return rc;
}

static int bootstrap_eeprom(const struct bootstrap_opts *o, const struct pi_model_info *mi,
			    struct bootstrap_result *res, struct problems *ps)
{
	char *image = o->eeprom ? xstrdup(o->eeprom)
				: bootstrap_find_image(o->firmware_dir, mi->eeprom_family);
	if (!image) {
		problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, NULL,
			     "no pieeprom.bin for BCM%s found under /lib/firmware/raspberrypi/"
			     "bootloader-%s/ (install rpi-eeprom, or give the image with --eeprom FILE)",
			     mi->eeprom_family, mi->eeprom_family);
		return -1;
	}
	struct eeprom_image img;
	char *rec = NULL, *text = NULL;
	size_t rec_len = 0;
	int rc = prepare(o, mi, image, &img, &rec, &rec_len, &text, ps);
	if (rc == 0 && eeprom_replace_file(&img, "bootconf.txt", (uint8_t *)text, strlen(text)) < 0) {
		problems_add(ps, PROBLEM_ERROR, image, 0, NULL, NULL, "%s", img.err);
		rc = -1;
	}
	if (rc == 0) {
		eeprom_set_timestamp(&img, (uint32_t)o->timestamp);
		char *sig = eeprom_sig_text(img.data, img.size, o->timestamp, eeprom_family(&img));
		char *readme = readme_eeprom(mi, image, text);
		if (write_file(o->out_dir, "recovery.bin", rec, rec_len, res, ps) < 0 ||
		    write_file(o->out_dir, "pieeprom.upd", img.data, img.size, res, ps) < 0 ||
		    write_file(o->out_dir, "pieeprom.sig", sig, strlen(sig), res, ps) < 0 ||
		    write_file(o->out_dir, "README.txt", readme, strlen(readme), res, ps) < 0)
			rc = -1;
		free(sig);
		free(readme);
	}
	eeprom_done(&img);
	free(text);
	free(rec);
	free(image);
	return rc;
}

enum bootstrap_status bootstrap_card(const struct bootstrap_opts *o, struct bootstrap_result *res,
				     struct problems *ps)
{
	memset(res, 0, sizeof(*res));
	const struct pi_model_info *mi = model_info(o->model);
	if (mi->enable == NETBOOT_NEVER) {
		res->message = xasprintf("a %s cannot network boot (no Ethernet the boot ROM can use)",
					 mi->long_name);
		return BOOTSTRAP_IMPOSSIBLE;
	}
	if (mi->enable == NETBOOT_FACTORY) {
		res->message = xasprintf("a %s network boots from the factory: no bootstrap card "
					 "is needed",
					 mi->long_name);
		return BOOTSTRAP_NOT_NEEDED;
	}
	if (fs_mkdir_p(o->out_dir, 0755) < 0) {
		problems_add(ps, PROBLEM_ERROR, o->out_dir, 0, NULL, NULL, "%s", strerror(errno));
		return BOOTSTRAP_FAILED;
	}
	int rc = mi->enable == NETBOOT_OTP ? bootstrap_otp(o, mi, res, ps)
					   : bootstrap_eeprom(o, mi, res, ps);
	if (rc < 0)
		return BOOTSTRAP_FAILED;
	res->message = xasprintf("bootstrap card files for a %s are in %s", mi->long_name,
				 o->out_dir);
	return BOOTSTRAP_WRITTEN;
}

void bootstrap_result_done(struct bootstrap_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		free(res->files[i]);
	free(res->message);
	memset(res, 0, sizeof(*res));
}
