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
#include "core/server/initramfs.h"
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

/* The files the model's loaders fetch from its directory, kernel stage included, as the
 * firmware picks them from config.txt. */
struct pi_files {
	char *start, *fixup; /* NULL on a Pi 5 (firmware in the EEPROM) */
	const char *dtb;
	struct config_txt ct;
	const char *kernels[4]; /* the names the firmware tries, best first */
	size_t n_kernels;
	const char *kernel;     /* the first of them that is there (else the first) */
	char *initramfs;
	bool config; /* config.txt is required (Pi 5: it decides the prefix) */
	bool auto_initramfs; /* initramfs is the one auto_initramfs=1 names after the kernel */
};

static void pi_files_init(struct pi_files *f, const struct pi *p, const char *dir)
{
	const struct pi_model_info *mi = model_info(p->model);
	memset(f, 0, sizeof(*f));
	char *path = xasprintf("%s/config.txt", dir);
	size_t len;
	char *text = fs_read_file_max(path, 1 << 20, &len);
	free(path);
	struct config_board b = {p->model, p->has_serial ? p->serial : NULL};
	config_txt_parse(text ? text : "", &b, &f->ct);
	free(text);
	char fw[64];
	snprintf(fw, sizeof(fw), "%s", mi->firmware ? mi->firmware : "");
	char *save = NULL, *start = strtok_r(fw, " ", &save), *fixup = strtok_r(NULL, " ", &save);
	if (start)
		f->start = xstrdup(f->ct.start_file ? f->ct.start_file : start);
	if (fixup)
		f->fixup = xstrdup(fixup);
	f->config = !start;
	f->dtb = mi->dtb;
	f->n_kernels = config_txt_kernels(&f->ct, p->model, f->kernels);
	f->kernel = f->kernels[0];
	for (size_t i = 0; i < f->n_kernels; i++)
		if (has_file(dir, f->kernels[i])) {
			f->kernel = f->kernels[i];
			break;
		}
	f->initramfs = config_txt_initramfs(&f->ct, f->kernel, &f->auto_initramfs);
}

static void pi_files_done(struct pi_files *f)
{
	free(f->start);
	free(f->fixup);
	free(f->initramfs);
	config_txt_done(&f->ct);
}

static bool has_kernel(const char *dir, const struct pi_files *f)
{
	for (size_t i = 0; i < f->n_kernels; i++)
		if (has_file(dir, f->kernels[i]))
			return true;
	return false;
}

/* Boot files copied from an image are there (not only what apply renders). */
static bool provisioned(const char *dir, const struct pi_files *f)
{
	return (f->start && has_file(dir, f->start)) || has_file(dir, f->dtb) ||
	       has_kernel(dir, f);
}

/* The kernel: the message names every file the firmware would take, and why. */
static void missing_kernel(struct problems *ps, const char *dir, const char *section,
			   const struct pi_files *f)
{
	char *names = config_txt_kernel_list(f->kernels, f->n_kernels);
	const char *why = f->ct.kernel		  ? "config.txt's kernel= line"
			  : f->ct.arm_64bit == 1 ? "arm_64bit=1 in config.txt"
			  : f->ct.arm_64bit == 0 ? "arm_64bit=0 in config.txt"
						 : "the model, with no kernel= or arm_64bit= in config.txt";
	problems_add(ps, PROBLEM_ERROR, dir, 0, section, "kernel",
		     "the Pi's TFTP directory has no %s, the kernel %s names: the boot stops "
		     "there (fix: copy it from the image's boot partition, or set kernel= in "
		     "config.txt)",
		     names, why);
	free(names);
}

/* A Pi 4 told neither kernel= nor arm_64bit= takes kernel8.img or a 32-bit kernel by the age
 * of its start4.elf: firmware of 2019-2022 preferred the 32-bit kernel when present
 * (raspberrypi/firmware#1193), firmware since early 2023 defaults arm_64bit to 1 on Pi 4s
 * (raspberrypi/documentation#2881). pinetboot cannot date the firmware file, so it says both. */
static void kernel_uncertain(struct problems *ps, const char *dir, const char *section,
			     const struct pi *p, const struct pi_files *f)
{
	if (strcmp(model_info(p->model)->soc, "BCM2711") != 0 || f->ct.kernel ||
	    f->ct.arm_64bit >= 0 || !has_file(dir, "kernel8.img"))
		return;
	const char *k32 = has_file(dir, "kernel7l.img") ? "kernel7l.img"
			  : has_file(dir, "kernel7.img") ? "kernel7.img"
							 : NULL;
	if (!k32)
		return;
	problems_add(ps, PROBLEM_WARNING, dir, 0, section, "arm_64bit",
		     "uncertain which kernel the Pi starts: config.txt has no arm_64bit= or "
		     "kernel= line and the directory holds both kernel8.img and %s; a Pi 4's "
		     "firmware (start4.elf) from before 2023 starts %s, later firmware "
		     "kernel8.img%s; pinetboot checks kernel8.img (fix: arm_64bit=1 or "
		     "arm_64bit=0 in config.txt)",
		     k32, k32, f->auto_initramfs ? " (and auto_initramfs loads the initramfs "
						   "named after the kernel it took)"
						 : "");
}

static void missing(struct problems *ps, const char *dir, const char *section, const char *name,
		    const char *who)
{
	problems_add(ps, PROBLEM_ERROR, dir, 0, section, name,
		     "the Pi's TFTP directory has no %s, which %s asks for: the boot stops there "
		     "(fix: copy it from the image's boot partition, e.g. pinetboot provision)",
		     name, who);
}

/* What the initramfs the Pi will load can do: log in to the iSCSI root, or mount the NFS one. */
static void check_initramfs_content(const struct site *s, const struct pi_files *f,
				    const char *dir, const char *section, struct problems *ps)
{
	char *path = xasprintf("%s/%s", dir, f->initramfs), err[256];
	struct initramfs_info in;
	if (initramfs_inspect_file(path, &in, err, sizeof(err)) < 0) {
		problems_add(ps, PROBLEM_ERROR, path, 0, section, "initramfs",
			     "the initramfs config.txt loads is unreadable as one (%s): the kernel "
			     "cannot unpack it (fix: rebuild it with update-initramfs or dracut and "
			     "copy it again)",
			     err);
	} else if (s->root == ROOT_ISCSI && !in.iscsi) {
		char *gap = initramfs_iscsi_gap(&in);
		problems_add(ps, PROBLEM_ERROR, path, 0, section, "initramfs",
			     "the initramfs config.txt loads cannot log in to the iSCSI root: %s; "
			     "the boot stops at stage 7 (fix: %s)",
			     gap, initramfs_iscsi_fix(&in));
		free(gap);
	} else if (s->root == ROOT_NFS && !in.nfs) {
		problems_add(ps, PROBLEM_WARNING, path, 0, section, "initramfs",
			     "the initramfs config.txt loads has no NFS root support (initramfs-tools' "
			     "scripts/nfs and nfsmount, or dracut's nfs module): the root may not "
			     "mount (fix: rebuild it with NFS support, or boot without an initramfs: "
			     "initramfs = none and no initramfs line)");
	}
	free(path);
}

/* The initramfs config.txt names must be there (the firmware stops without it); the one
 * auto_initramfs=1 names after the kernel only matters to an iSCSI root (the firmware boots
 * the kernel alone, which has no iSCSI initiator). */
static void check_initramfs(const struct site *s, const struct pi *p, const struct pi_files *f,
			    const char *dir, const char *section, struct problems *ps)
{
	if (!f->initramfs && s->root == ROOT_ISCSI && !p->initramfs_none) {
		char *cfg = xasprintf("%s/config.txt", dir);
		problems_add(ps, PROBLEM_WARNING, cfg, 0, section, "initramfs",
			     "config.txt loads no initramfs with %s: the kernel reaches its iSCSI "
			     "root only if it carries an initiator of its own (fix: build an "
			     "initramfs with the iSCSI hooks and name it in config.txt or with "
			     "[pi] initramfs = FILE; initramfs = none says the kernel needs none)",
			     f->kernel);
		free(cfg);
		return;
	}
	if (f->initramfs && has_file(dir, f->initramfs)) {
		check_initramfs_content(s, f, dir, section, ps);
		return;
	}
	if (!f->initramfs || (f->auto_initramfs && s->root != ROOT_ISCSI))
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
	if (model_is_pi3_family(p->model) && p->prefix == TFTP_PREFIX_NONE)
		return true; /* flat: bootcode.bin finds no serial directory and reads the root */
	if (model_is_pi3_family(p->model) && p->prefix != TFTP_PREFIX_SERIAL)
		return false; /* bootcode.bin only ever probes the serial directory */
	char name[PI_TFTP_DIR_MAX];
	if (!pi_tftp_dir_name(p, name))
		return false;
	bool ready = true;
	char *dir = xasprintf("%s%s%s", top, *name ? "/" : "", name);
	char *section = xasprintf("[pi \"%s\"]", p->name);
	struct pi_files f;
	pi_files_init(&f, p, dir);
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
		if (!has_kernel(dir, &f))
			missing_kernel(ps, dir, section, &f);
		else
			kernel_uncertain(ps, dir, section, p, &f);
		check_initramfs(s, p, &f, dir, section, ps);
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
	char *dir = xasprintf("%s%s%s", top, *name ? "/" : "", name);
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

void lint_initramfs(const struct site *s, const char *root, struct problems *ps)
{
	if (!s->tftp_root)
		return;
	char *top = lint_under_root(root, s->tftp_root);
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		char name[PI_TFTP_DIR_MAX];
		if (!pi_tftp_dir_name(p, name))
			continue;
		char *dir = xasprintf("%s%s%s", top, *name ? "/" : "", name);
		char *section = xasprintf("[pi \"%s\"]", p->name);
		struct pi_files f;
		pi_files_init(&f, p, dir);
		if (is_dir(dir) && has_kernel(dir, &f))
			check_initramfs(s, p, &f, dir, section, ps);
		pi_files_done(&f);
		free(section);
		free(dir);
	}
	free(top);
}
