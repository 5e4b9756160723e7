/* lint_tftp — the TFTP tree as the Pis will read it: each Pi's directory under the profile's
 * prefix, the files its model asks for there (firmware, device tree, cmdline.txt, kernel, the
 * initramfs config.txt names) and bootcode.bin in the root for the Pi 3 family. A directory
 * holding none of the boot files yet is only a note (apply writes cmdline.txt and config.txt;
 * provision copies the boot partition). Facts: spec/eeprom-otp.md §5.4–5.7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/server/bootfiles.h"
#include "core/base/fsutil.h"
#include "core/server/lint.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* The files the model's loaders fetch from its directory, kernel stage included. */
struct pi_files {
	char *start, *fixup; /* NULL on a Pi 5 (firmware in the EEPROM) */
	const char *dtb;
	char *kernel, *alt_kernel, *initramfs;
	bool config; /* config.txt is required (Pi 5: it decides the prefix) */
	bool auto_initramfs; /* initramfs is the one auto_initramfs=1 names after the kernel */
};

static void pi_files_init(struct pi_files *f, const struct pi_model_info *mi, const char *dir)
{
	memset(f, 0, sizeof(*f));
	char *path = xasprintf("%s/config.txt", dir);
	size_t len;
	char *text = fs_read_file_max(path, 1 << 20, &len);
	free(path);
	struct config_txt ct;
	config_txt_parse(text ? text : "", mi->bootconf_filter ? mi->bootconf_filter : "pi3", &ct);
	free(text);
	char fw[64];
	snprintf(fw, sizeof(fw), "%s", mi->firmware ? mi->firmware : "");
	char *save = NULL, *start = strtok_r(fw, " ", &save), *fixup = strtok_r(NULL, " ", &save);
	if (start)
		f->start = xstrdup(ct.start_file ? ct.start_file : start);
	if (fixup)
		f->fixup = xstrdup(fixup);
	f->config = !start;
	f->dtb = mi->dtb;
	f->kernel = xstrdup(ct.kernel ? ct.kernel : mi->kernel);
	if (!ct.kernel && !strcmp(mi->kernel, "kernel_2712.img"))
		f->alt_kernel = xstrdup("kernel8.img"); /* the Pi 5 falls back to it */
	f->initramfs = ct.initramfs ? xstrdup(ct.initramfs) : NULL;
	if (!f->initramfs && ct.auto_initramfs) {
		/* kernel8.img → initramfs8, kernel_2712.img → initramfs_2712 */
		const char *rest = strncmp(f->kernel, "kernel", 6) ? f->kernel : f->kernel + 6;
		f->initramfs = xasprintf("initramfs%.*s", (int)strcspn(rest, "."), rest);
		f->auto_initramfs = true;
	}
	config_txt_done(&ct);
}

static void pi_files_done(struct pi_files *f)
{
	free(f->start);
	free(f->fixup);
	free(f->kernel);
	free(f->alt_kernel);
	free(f->initramfs);
}

/* Boot files copied from an image are there (not only what apply renders). */
static bool provisioned(const char *dir, const struct pi_files *f)
{
	return (f->start && has_file(dir, f->start)) || has_file(dir, f->dtb) ||
	       has_file(dir, f->kernel) || (f->alt_kernel && has_file(dir, f->alt_kernel));
}

static void missing(struct problems *ps, const char *dir, const char *section, const char *name,
		    const char *who)
{
	problems_add(ps, PROBLEM_ERROR, dir, 0, section, name,
		     "the Pi's TFTP directory has no %s, which %s asks for: the boot stops there "
		     "(fix: copy it from the image's boot partition, e.g. pinetboot provision)",
		     name, who);
}

/* The initramfs config.txt names must be there (the firmware stops without it); the one
 * auto_initramfs=1 names after the kernel only matters to an iSCSI root (the firmware boots
 * the kernel alone, which has no iSCSI initiator). */
static void check_initramfs(const struct site *s, const struct pi_files *f, const char *dir,
			    const char *section, struct problems *ps)
{
	if (!f->initramfs || has_file(dir, f->initramfs) ||
	    (f->auto_initramfs && s->root != ROOT_ISCSI))
		return;
	char *cfg = xasprintf("%s/config.txt", dir);
	if (f->auto_initramfs)
		problems_add(ps, PROBLEM_ERROR, cfg, 0, section, "auto_initramfs",
			     "config.txt has auto_initramfs=1 but there is no %s next to %s: the "
			     "kernel starts without an initramfs and cannot log in to its iSCSI root "
			     "(fix: build it with the iSCSI hooks, update-initramfs -u, and copy it "
			     "there)",
			     f->initramfs, f->kernel);
	else
		problems_add(ps, PROBLEM_ERROR, cfg, 0, section, "initramfs",
			     "config.txt names initramfs %s, which is not there: the firmware stops "
			     "before the kernel starts (fix: build it with update-initramfs and copy "
			     "it next to the kernel, or fix the initramfs line)",
			     f->initramfs);
	free(cfg);
}

/* Checks one Pi's directory; returns true when the Pi needs bootcode.bin in the root (a Pi 3
 * whose files are there, or whose directory is missing). */
static bool check_pi_dir(const struct site *s, const struct pi *p, const char *top,
			 struct problems *ps)
{
	const struct pi_model_info *mi = model_info(p->model);
	if (model_is_pi3_family(p->model) && p->prefix != TFTP_PREFIX_SERIAL)
		return false; /* bootcode.bin only ever probes the serial directory */
	char name[PI_TFTP_DIR_MAX];
	if (!pi_tftp_dir_name(p, name))
		return false;
	bool ready = true;
	char *dir = xasprintf("%s/%s", top, name);
	char *section = xasprintf("[pi \"%s\"]", p->name);
	struct pi_files f;
	pi_files_init(&f, mi, dir);
	if (!is_dir(dir)) {
		bool shared = f.start ? has_file(top, f.start) : has_file(top, "config.txt");
		problems_add(ps, shared ? PROBLEM_WARNING : PROBLEM_ERROR, top, 0, section,
			     "tftp_prefix",
			     "its TFTP directory %s/ is missing, so the Pi finds no %s under its "
			     "prefix and %s (fix: pinetboot apply and provision, or copy the boot "
			     "partition to %s)",
			     name, f.start ? f.start : "config.txt",
			     shared ? "boots the shared files of the TFTP root" : "stops at stage 4",
			     dir);
	} else if (!provisioned(dir, &f)) {
		ready = false;
		problems_add(ps, PROBLEM_NOTE, dir, 0, section, NULL,
			     "holds no boot files yet (firmware, device tree, kernel): the Pi cannot "
			     "boot until they are copied (pinetboot provision, or the image's boot "
			     "partition)");
	} else {
		const char *fw = mi->fetches_bootcode ? "bootcode.bin" : "the bootloader";
		if (f.start && !has_file(dir, f.start))
			missing(ps, dir, section, f.start, fw);
		if (f.fixup && !has_file(dir, f.fixup))
			missing(ps, dir, section, f.fixup, fw);
		if (f.config && !has_file(dir, "config.txt"))
			missing(ps, dir, section, "config.txt", fw);
		if (!has_file(dir, f.dtb))
			missing(ps, dir, section, f.dtb, "the firmware");
		if (!has_file(dir, "cmdline.txt"))
			missing(ps, dir, section, "cmdline.txt", "the firmware");
		if (!has_file(dir, f.kernel) && !(f.alt_kernel && has_file(dir, f.alt_kernel)))
			missing(ps, dir, section, f.kernel, "the firmware");
		check_initramfs(s, &f, dir, section, ps);
	}
	pi_files_done(&f);
	free(section);
	free(dir);
	return ready && mi->fetches_bootcode;
}

/* The Pi 3 ROM asks for bootcode.bin in the TFTP root before anything else (§5.4). */
static void check_bootcode(const struct pi *p, const char *top, struct problems *ps)
{
	if (has_file(top, "bootcode.bin"))
		return;
	char name[PI_TFTP_DIR_MAX];
	bool named = pi_tftp_dir_name(p, name);
	char *dir = xasprintf("%s/%s", top, name);
	problems_add(ps, PROBLEM_ERROR, top, 0, NULL, "bootcode.bin",
		     "there is no bootcode.bin in the TFTP root, which the %s ROM ([pi \"%s\"]) asks "
		     "for first, before its own directory (fix: copy %s from the boot partition to "
		     "%s)",
		     model_info(p->model)->long_name, p->name,
		     named && has_file(dir, "bootcode.bin") ? "its directory's bootcode.bin"
							    : "bootcode.bin",
		     top);
	free(dir);
}

void lint_tftp_tree(const struct site *s, const char *root, struct problems *ps)
{
	if (!s->tftp_root)
		return;
	char *top = lint_under_root(root, s->tftp_root);
	size_t n = strlen(top);
	while (n > 1 && top[n - 1] == '/')
		top[--n] = '\0';
	const struct pi *pi3 = NULL;
	for (size_t i = 0; is_dir(top) && i < s->n_pis; i++)
		if (check_pi_dir(s, &s->pis[i], top, ps) && !pi3)
			pi3 = &s->pis[i];
	if (pi3)
		check_bootcode(pi3, top, ps);
	free(top);
}
