/* adopt_copy — steps 3 and 4: the root copied to the backing (through a disk image and the flash
 * engine with its verify) or into the NFS root, and the boot files into the TFTP directory with
 * the cmdline.txt, config.txt and fstab the export's renderer writes for the new root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/disk/customize.h"
#include "core/disk/flash.h"
#include "core/disk/provision.h"
#include "core/disk/rootcopy.h"
#include "core/pi/adopt_int.h"
#include "core/pi/adopt_net.h"
#include "core/pi/adopt_verify.h"
#include "core/server/render.h"
#include "core/site/tftp_dir.h"

/* How the root is read (tar, and the manifest of adopt_verify.c, leave out the same: swap).
 * Exit 1 of GNU tar is "a file changed as it was read" (a live root's logs): the verify after
 * the copy tells those from real differences. */
#define TAR_ROOT                                                                                   \
	"tar --one-file-system --numeric-owner --xattrs --xattrs-include=\"*\" --acls "             \
	"--exclude=./var/swap --exclude=./swapfile -cpf - . || [ $? -eq 1 ]"

/* The script that streams the Pi's root: for an iSCSI root through the overlay of step 2 (the
 * Pi's root with open-iscsi and the marker added), else the root itself; either way the Pi's
 * clock at the start goes to ADOPT_PI_DIR/copy-start for the verify. Heap string. */
char *adopt_root_script(const struct adopt *a, const char *what)
{
	if (a->s.root == ROOT_ISCSI)
		return xasprintf("%sunshare -m --propagation unchanged sh -ec '" ADOPT_OVL_PRIVATE
				 ADOPT_OVL_MOUNT "cd $D/merged; %s'",
				 adopt_sudo(a), what);
	return xasprintf("%ssh -ec 'D=" ADOPT_PI_DIR "; cd /; %s'", adopt_sudo(a), what);
}

static char *tar_root_script(const struct adopt *a)
{
	return adopt_root_script(a, "mkdir -p -m 0700 $D; date +%s >$D/copy-start; " TAR_ROOT);
}

/* Whether the overlay of step 2 is still on the Pi (a reboot empties /run): 1 yes, 0 no, -1
 * ssh failed. */
static int overlay_present(struct adopt *a)
{
	char *t = xasprintf("%ssh -c '[ -d " ADOPT_PI_DIR "/upper ] && echo yes || echo no'",
			    adopt_sudo(a));
	char *out = NULL;
	int rc = adopt_remote(a, t, NULL, &out);
	int r = rc != 0 ? -1 : a->o->dry_run || (out && !strncmp(out, "yes", 3)) ? 1 : 0;
	free(out);
	free(t);
	return r;
}

/* ---- room on the server, before the copy ---- */

/* statvfs of path or of its nearest parent that exists (the backing, the NFS root or adopt's
 * own directory may not be there yet). 0, or -1. */
static int place_of(const char *path, struct adopt_place *pl)
{
	char *p = xstrdup(path);
	struct statvfs sv;
	struct stat st;
	int rc = -1;
	for (;;) {
		if (statvfs(p, &sv) == 0 && stat(p, &st) == 0) {
			pl->dev = (uint64_t)st.st_dev;
			pl->avail = (uint64_t)sv.f_bavail * sv.f_frsize;
			rc = 0;
			break;
		}
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return rc;
}

/* The Pi's root (what df said it uses) has room where it goes: iSCSI, the staged tree and the
 * disk image in adopt's directory and the backing; NFS, the NFS root. 0, or 2 (said why). */
static int room_for_copy(struct adopt *a)
{
	struct adopt_place pl[2];
	size_t n = 0;
	if (a->s.root == ROOT_ISCSI) {
		pl[n++] = (struct adopt_place){"the backing's", a->p->backing, 0, 0, 1};
		pl[n++] = (struct adopt_place){"adopt's staging", a->dir, 0, 0, 2};
	} else
		pl[n++] = (struct adopt_place){"the NFS root's", a->p->nfs_path, 0, 0, 1};
	for (size_t i = 0; i < n; i++)
		if (place_of(pl[i].path, &pl[i]) < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "%s file system (%s) cannot be measured", pl[i].what,
				   pl[i].path);
			return 2;
		}
	if (!a->root_used) {
		adopt_emit(a, ADOPT_EV_INFO, "the Pi did not say how much its root uses: the room for "
					     "the copy is not checked");
		return 0;
	}
	char *why = adopt_space_check(a->root_used, pl, n);
	if (why) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", why);
		free(why);
		return 2;
	}
	char used[24];
	adopt_space_format(a->root_used, used);
	for (size_t i = 0; i < n; i++) {
		char fr[24], nd[24];
		adopt_space_format(pl[i].avail, fr);
		adopt_space_format(adopt_space_one(a->root_used) * pl[i].copies, nd);
		adopt_emit(a, ADOPT_EV_INFO, "room: %s file system (%s) has %s free, the copy needs %s "
					     "(the Pi's root uses %s)",
			   pl[i].what, pl[i].path, fr, nd, used);
	}
	return 0;
}

/* ---- the copy compared with the Pi, after it ---- */

#define FIND_PRUNE "find . -xdev \\( -path ./var/swap -o -path ./swapfile \\) -prune -o "

/* The Pi lists the tree step 3 copied (the same view, the same members left out) with each
 * file's SHA-256, and the copy under root is compared with it. 0 matched, 2 it did not or the
 * manifest could not be made (said why). */
static int verify_copy(struct adopt *a, const char *root)
{
	char *script = adopt_root_script(
		a, "cat $D/copy-start; " FIND_PRUNE "\\( -type f -o -type d -o -type l \\) "
		   "-printf \"%y %m %U %G %s %C@ %p\\0%l\\0\"; printf \"@@pnb sha256\\0\"; " FIND_PRUNE
		   "-type f -print0 | xargs -0 -r sha256sum -z");
	char *path = xasprintf("%s/manifest", a->dir);
	int rc = adopt_remote(a, script, path, NULL);
	free(script);
	if (a->o->dry_run) {
		adopt_emit(a, ADOPT_EV_INFO, "would compare every file, directory and link of the copy "
					     "with that list (type, mode, owner, size, SHA-256)");
		free(path);
		return 0;
	}
	size_t len = 0;
	char *m = rc == 0 ? fs_read_file_max(path, (size_t)1 << 31, &len) : NULL;
	unlink(path);
	free(path);
	if (!m) {
		adopt_emit(a, ADOPT_EV_FAIL, "the Pi could not list its root to compare the copy with");
		return 2;
	}
	struct adopt_verify v;
	char err[256];
	rc = adopt_verify_tree(m, len, root, &v, err, sizeof(err));
	free(m);
	if (rc < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", err);
		return 2;
	}
	if (v.live)
		adopt_emit(a, ADOPT_EV_INFO, "%zu file%s changed on the Pi while it was copied (the copy "
					     "has them as they were read):\n%s",
			   v.live, v.live == 1 ? "" : "s", v.live_text);
	if (v.bad)
		adopt_emit(a, ADOPT_EV_FAIL, "the copy differs from the Pi in %zu place%s (nothing is "
					     "written for the boot; run adopt again):\n%s",
			   v.bad, v.bad == 1 ? "" : "s", v.bad_text);
	else
		adopt_emit(a, ADOPT_EV_INFO, "the copy matches the Pi: %zu files (%llu MiB, SHA-256), "
					     "%zu directories, %zu links",
			   v.files, (unsigned long long)(v.bytes >> 20), v.dirs, v.links);
	rc = v.bad ? 2 : 0;
	adopt_verify_done(&v);
	return rc;
}

/* The copy is whole: what step 2 and 3 kept in the Pi's RAM goes (a failure only said). */
static void pi_cleanup(struct adopt *a)
{
	char *t = xasprintf("%srm -rf " ADOPT_PI_DIR, adopt_sudo(a));
	if (adopt_remote(a, t, NULL, NULL) != 0)
		adopt_emit(a, ADOPT_EV_INFO, "%s stays on the Pi until it restarts", ADOPT_PI_DIR);
	free(t);
}

static bool dir_empty(const char *path)
{
	char *argv[] = {"find", (char *)path, "-mindepth", "1", "-maxdepth", "1", "-print", "-quit", NULL};
	char out[256];
	return runcmd(argv, NULL, out, sizeof(out)) == 0 && !*str_trim(out);
}

static bool new_uuid(char out[40])
{
	size_t len;
	char *t = fs_read_file_max("/proc/sys/kernel/random/uuid", 64, &len);
	if (!t)
		return false;
	snprintf(out, 40, "%s", str_trim(t));
	free(t);
	return strlen(out) == 36;
}

/* The fstab `export` renders for this Pi (with the copy's UUID set in the profile). */
static char *render_fstab(struct adopt *a)
{
	struct render_opts ro = {RENDER_FILES, NULL};
	struct render_set rs;
	struct problems ps;
	problems_init(&ps);
	char *r = NULL;
	if (render_site(&a->s, &ro, &rs, &ps) == 0) {
		char name[PI_TFTP_DIR_MAX];
		/* a flat Pi's (tftp_prefix = none) files are rendered straight under tftp/ */
		char *want = pi_tftp_dir_name(a->p, name)
				 ? xasprintf("tftp/%s%sfstab", name, *name ? "/" : "")
				 : xstrdup("");
		char *alt = xasprintf("pis/%s/fstab", a->p->name);
		const struct rendered_file *f = render_set_find(&rs, want);
		if (!f)
			f = render_set_find(&rs, alt);
		if (f)
			r = xstrdup(f->content);
		free(want);
		free(alt);
		render_set_done(&rs);
	}
	problems_done(&ps);
	return r;
}

/* Under dry_run: what edit_tree would change for the network managers step 1 found. */
static void net_plan(struct adopt *a)
{
	struct sbuf b;
	sbuf_init(&b);
	char *list = xstrdup(a->netcfg), *save = NULL;
	for (char *m = strtok_r(list, ", ", &save); m; m = strtok_r(NULL, ", ", &save)) {
		const char *c = adopt_net_change(m);
		if (c)
			sbuf_printf(&b, "%s%s: %s", b.len ? "; " : "", m, c);
	}
	free(list);
	if (b.len)
		adopt_emit(a, ADOPT_EV_INFO, "would make the copy keep eth0 (the Pi's own files stay): %s", b.buf);
	sbuf_done(&b);
}

static void net_say(void *ud, bool warn, const char *text)
{
	adopt_emit(ud, ADOPT_EV_INFO, "%s%s", warn ? "warning: " : "", text);
}

/* Edits in the copy only (the SD card keeps its own): the OS's network managers keep eth0,
 * which the initramfs configured and the root's connection runs over (adopt_net); fstab is
 * the rendered one. */
static int edit_tree(struct adopt *a, const char *root)
{
	adopt_net_keep_eth0(root, net_say, a);
	char *fstab = render_fstab(a);
	if (!fstab) {
		adopt_emit(a, ADOPT_EV_FAIL, "the export's fstab for [pi \"%s\"] could not be rendered", a->p->name);
		return -1;
	}
	int rc = fs_write_beneath(root, "etc/fstab", fstab, strlen(fstab), 0644);
	free(fstab);
	if (rc < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "cannot write %s/etc/fstab: %s", root, strerror(errno));
		return -1;
	}
	adopt_emit(a, ADOPT_EV_INFO, "/etc/fstab of the copy is the one `pinetboot export` renders");
	return 0;
}

static void flash_cb(const struct flash_progress *fp, void *ud)
{
	adopt_progress(ud, fp->phase == FLASH_VERIFY ? fp->verified : fp->written, fp->total);
}

static int copy_iscsi(struct adopt *a)
{
	char *root = xasprintf("%s/root", a->dir), *boot = xasprintf("%s/boot", a->dir);
	char *img = xasprintf("%s/root.img", a->dir);
	char err[1024] = "";
	int rc = 2;
	const char *S = adopt_sudo(a);
	char *tar_root = tar_root_script(a);
	char *tar_boot = xasprintf("%star -C %s -cf - .", S, a->bootdir);
	if (a->staged && !a->o->dry_run) {
		/* an earlier run copied it all and was stopped later: build from that copy */
		adopt_emit(a, ADOPT_EV_INFO, "the copy of an earlier run is complete: %s", root);
	} else {
		if (!a->o->dry_run) {
			fs_remove_tree(root);
			fs_remove_tree(boot);
		}
		if (room_for_copy(a) != 0)
			goto out;
		/* the overlay of step 2 lives in the Pi's RAM: after a reboot, step 2 again */
		int ov = overlay_present(a);
		if (ov == 0) {
			adopt_emit(a, ADOPT_EV_INFO, "the overlay of step 2 is gone from the Pi (it restarted?): "
						     "step 2 again");
			ov = adopt_step_client(a) == 0 ? 1 : -1;
		}
		if (ov < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "the Pi's root with the iSCSI client cannot be read");
			goto out;
		}
		if (adopt_remote_untar(a, tar_root, root, false, err, sizeof(err)) < 0 ||
		    adopt_remote_untar(a, tar_boot, boot, true, err, sizeof(err)) < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "copying from the Pi: %s", err);
			goto out;
		}
		if (verify_copy(a, root) != 0)
			goto out;
		if (!a->o->dry_run) {
			a->staged = true;
			if (adopt_state_save(a) < 0)
				goto out;
		}
	}
	if (a->o->dry_run) {
		net_plan(a);
		adopt_emit(a, ADOPT_EV_INFO, "would build a disk image (boot FAT + ext4 root, UUID %s) "
					     "and write it to %s with the flash engine's verify",
			   a->p->root_uuid ? a->p->root_uuid : "new", a->p->backing);
		rc = 0;
		goto out;
	}
	adopt_test_kill("root-copied");
	if (edit_tree(a, root) < 0)
		goto out;
	uint64_t need = rootcopy_min_size(boot, root), size = a->p->size ? a->p->size : need;
	char have[24], want[24];
	size_format(need, want);
	size_format(size, have);
	if (size < need) {
		adopt_emit(a, ADOPT_EV_FAIL, "the copy needs %s; [pi \"%s\"] size = %s is too small", want,
			   a->p->name, have);
		goto out;
	}
	struct rootcopy_image im = {img, size, boot, root, a->uuid, 0};
	im.disk_id = (uint32_t)strtoul(a->uuid, NULL, 16);
	uint64_t off;
	adopt_emit(a, ADOPT_EV_COMMAND, "sfdisk, mkfs.vfat, mcopy, mkfs.ext4 -U %s -d %s %s (%s)",
		   a->uuid, root, img, have);
	if (rootcopy_make_image(&im, &off, err, sizeof(err)) < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "building the disk image: %s", err);
		goto out;
	}
	adopt_emit(a, ADOPT_EV_COMMAND, "pinetboot flash %s %s (verify)", img, a->p->backing);
	struct flash_opts fo = {img, a->p->backing, true, NULL, flash_cb, a, NULL};
	struct flash_result fr;
	if (flash_run(&fo, &fr) < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", fr.message);
		goto out;
	}
	char back[40] = "";
	if (provision_ext_uuid(a->p->backing, off, back) < 0 || strcmp(back, a->uuid) != 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "the root read back from %s has UUID %s, not %s",
			   a->p->backing, *back ? back : "(none)", a->uuid);
		goto out;
	}
	snprintf(a->root_off, sizeof(a->root_off), "%llu", (unsigned long long)off);
	adopt_emit(a, ADOPT_EV_INFO, "%s: %llu MiB written, %llu MiB read back and matched; root "
				     "UUID %s (read back)",
		   a->p->backing, (unsigned long long)(fr.written >> 20),
		   (unsigned long long)(fr.verified >> 20), back);
	/* the staged root and image are a second copy of the Pi: gone once the backing holds it */
	unlink(img);
	fs_remove_tree(root);
	a->staged = false;
	pi_cleanup(a);
	rc = 0;
out:
	free(tar_root);
	free(tar_boot);
	free(root);
	free(boot);
	free(img);
	return rc;
}

static int copy_nfs(struct adopt *a)
{
	const char *dst = a->p->nfs_path;
	struct stat st;
	bool exists = stat(dst, &st) == 0;
	if (exists && !a->nfs_owned && !dir_empty(dst)) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s is not empty and adopt did not make it: move it away "
					     "(nothing of it is overwritten)",
			   dst);
		return 2;
	}
	if (!a->o->dry_run) {
		if (fs_mkdir_p(dst, 0755) < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "cannot make %s: %s", dst, strerror(errno));
			return 2;
		}
		a->nfs_owned = true;
		if (adopt_state_save(a) < 0)
			return 2;
	}
	if (room_for_copy(a) != 0)
		return 2;
	char err[1024] = "";
	const char *S = adopt_sudo(a);
	char *tar_root = tar_root_script(a);
	char *tar_boot = xasprintf("%star -C %s -cf - .", S, a->bootdir);
	char *boot = xasprintf("%s/boot", a->dir);
	int rc = 0;
	if (!a->o->dry_run)
		fs_remove_tree(boot);
	if (adopt_remote_untar(a, tar_root, dst, false, err, sizeof(err)) < 0 ||
	    adopt_remote_untar(a, tar_boot, boot, true, err, sizeof(err)) < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "copying from the Pi: %s", err);
		rc = 2;
	} else if (verify_copy(a, dst) != 0)
		rc = 2;
	else if (a->o->dry_run)
		net_plan(a);
	else {
		adopt_test_kill("root-copied");
		rc = edit_tree(a, dst) < 0 ? 2 : 0;
		if (rc == 0)
			pi_cleanup(a);
	}
	free(tar_root);
	free(tar_boot);
	free(boot);
	return rc;
}

int adopt_step_root(struct adopt *a)
{
	if (a->s.root == ROOT_ISCSI) {
		if (!*a->uuid) {
			/* the profile's root_uuid when it has one; else new (never the SD card's: with
			 * the card still in, root=UUID= could find the card's copy) */
			if (a->p->root_uuid)
				snprintf(a->uuid, sizeof(a->uuid), "%s", a->p->root_uuid);
			else if (!new_uuid(a->uuid)) {
				adopt_emit(a, ADOPT_EV_FAIL, "no UUID from the kernel");
				return 2;
			}
			if (adopt_state_save(a) < 0)
				return 2;
		}
		free(a->p->root_uuid);
		a->p->root_uuid = xstrdup(a->uuid);
		return copy_iscsi(a);
	}
	return copy_nfs(a);
}

/* The initramfs name config.txt makes the firmware load: `initramfs NAME`, else the one
 * auto_initramfs=1 names after the kernel. *added is set when config.txt must get
 * auto_initramfs=1. Heap string. */
static char *initramfs_name(struct adopt *a, const char *cfg, bool *added)
{
	*added = false;
	const char *kernel = NULL;
	bool autoi = false;
	char *r = NULL;
	char *copy = xstrdup(cfg ? cfg : ""), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l = str_trim(l);
		if (!strncmp(l, "initramfs ", 10) && !r) {
			char *n = str_trim(l + 10);
			n[strcspn(n, " \t")] = '\0';
			if (*n && !strchr(n, '/') && strcmp(n, ".."))
				r = xstrdup(n);
		} else if (!strncmp(l, "auto_initramfs=1", 16))
			autoi = true;
		else if (!strncmp(l, "kernel=", 7) && !kernel)
			kernel = l + 7;
	}
	if (!r) {
		*added = !autoi;
		const char *k = kernel && !strchr(kernel, '/') ? kernel
				: a->p->model == PI_5 || a->p->model == PI_500 || a->p->model == PI_CM5
					? "kernel_2712.img"
				: strstr(a->arch, "64") ? "kernel8.img"
				: model_uses_eeprom(a->p->model) ? "kernel7l.img" : "kernel7.img";
		const char *rest = strncmp(k, "kernel", 6) ? k : k + 6;
		r = xasprintf("initramfs%.*s", (int)strcspn(rest, "."), rest);
	}
	free(copy);
	return r;
}

int adopt_step_boot(struct adopt *a)
{
	if (a->s.root == ROOT_ISCSI && *a->uuid) {
		free(a->p->root_uuid);
		a->p->root_uuid = xstrdup(a->uuid);
	}
	char err[512] = "";
	char *dir = provision_tftp_dir(&a->s, a->p, err, sizeof(err));
	if (!dir) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", err);
		return 2;
	}
	char *boot = xasprintf("%s/boot", a->dir), *from = xasprintf("%s/.", boot);
	int rc = 2;
	adopt_emit(a, ADOPT_EV_COMMAND, "cp -a %s %s", from, dir);
	if (a->o->dry_run) {
		adopt_emit(a, ADOPT_EV_INFO, "would write cmdline.txt (root on %s), config.txt (loads "
					     "the initramfs of step 2)%s",
			   root_kind_names[a->s.root], a->s.root == ROOT_ISCSI ? "; UUIDs read back from the backing" : "");
		rc = 0;
		goto out;
	}
	char *cp[] = {"cp", "-R", "--preserve=mode,timestamps", from, dir, NULL};
	char out[1024];
	if (fs_mkdir_p(dir, 0755) < 0 || runcmd(cp, NULL, out, sizeof(out)) != 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "copying the boot files to %s: %s", dir,
			   *out ? str_trim(out) : strerror(errno));
		goto out;
	}
	adopt_test_kill("boot");
	char *cfgp = xasprintf("%s/config.txt", dir), *cmdp = xasprintf("%s/cmdline.txt", dir);
	size_t len;
	char *cfg = fs_read_file(cfgp, &len), *old = fs_read_file(cmdp, &len);
	char *newcfg = NULL, *initramfs = NULL;
	const char *uuid = NULL;
	char back[40] = "";
	if (a->s.root == ROOT_ISCSI) {
		/* the UUID the cmdline names, read back from the backing itself */
		unsigned long long off = strtoull(a->root_off, NULL, 10);
		if (!off || provision_ext_uuid(a->p->backing, off, back) < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "no root filesystem at %s of %s: run step 3 again "
						     "(adopt --restart)",
				   a->root_off, a->p->backing);
			goto done;
		}
		uuid = back;
		bool add;
		initramfs = initramfs_name(a, cfg, &add);
		char *src = xasprintf("%s/initrd.img", a->dir), *dst = xasprintf("%s/%s", dir, initramfs);
		size_t n;
		char *data = fs_read_file(src, &n);
		int w = data ? fs_write_atomic(dst, data, n, 0644) : -1;
		free(data);
		free(src);
		free(dst);
		if (w < 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "cannot put the initramfs of step 2 at %s/%s", dir, initramfs);
			goto done;
		}
		adopt_emit(a, ADOPT_EV_INFO, "%s/%s is the initramfs with iSCSI that step 2 built", dir, initramfs);
		if (add) {
			char *want[] = {"auto_initramfs=1"};
			newcfg = customize_config_edit(cfg, want, 1);
			if (fs_write_atomic(cfgp, newcfg, strlen(newcfg), 0644) < 0) {
				adopt_emit(a, ADOPT_EV_FAIL, "cannot write %s: %s", cfgp, strerror(errno));
				goto done;
			}
			adopt_emit(a, ADOPT_EV_INFO, "config.txt: auto_initramfs=1 (the kernel needs the initramfs)");
		}
	}
	char *line = customize_network_cmdline(&a->s, a->p, old, uuid);
	char *withnl = xasprintf("%s\n", line);
	int w = fs_write_atomic(cmdp, withnl, strlen(withnl), 0644);
	if (w == 0 && a->s.root == ROOT_ISCSI) {
		/* the backing's own boot partition (mounted on /boot/firmware) says the same */
		const char *c = newcfg ? newcfg : cfg;
		w = customize_write_file(a->p->backing, 1024 * 1024, "cmdline.txt", withnl, strlen(withnl),
					 err, sizeof(err));
		if (w == 0 && c)
			w = customize_write_file(a->p->backing, 1024 * 1024, "config.txt", c, strlen(c), err,
						 sizeof(err));
	}
	if (w < 0)
		adopt_emit(a, ADOPT_EV_FAIL, "writing cmdline.txt: %s", *err ? err : strerror(errno));
	else {
		adopt_emit(a, ADOPT_EV_INFO, "cmdline.txt: %s", line);
		rc = 0;
	}
	/* a Pi 3's ROM asks for bootcode.bin in the TFTP root itself */
	if (rc == 0 && model_info(a->p->model)->fetches_bootcode) {
		char *bc = xasprintf("%s/bootcode.bin", boot);
		char *root_bc = xasprintf("%s/bootcode.bin", site_tftp_root(&a->s));
		size_t n;
		char *data = access(root_bc, F_OK) ? fs_read_file(bc, &n) : NULL;
		if (data && fs_write_atomic(root_bc, data, n, 0644) == 0)
			adopt_emit(a, ADOPT_EV_INFO, "%s copied from the Pi (a Pi 3 asks for it there)", root_bc);
		free(data);
		free(bc);
		free(root_bc);
	}
	free(line);
	free(withnl);
done:
	free(cfgp);
	free(cmdp);
	free(cfg);
	free(old);
	free(newcfg);
	free(initramfs);
out:
	free(boot);
	free(from);
	free(dir);
	return rc;
}
