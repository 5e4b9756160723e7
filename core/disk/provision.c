/* provision — backing file, grown root, TFTP directory. */
#include "core/disk/provision.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/disk/customize.h"
#include "core/disk/ext2tree.h"
#include "core/disk/rootident.h"
#include "core/disk/parttable.h"
#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/server/bootfiles.h"
#include "core/server/initramfs.h"
#include "core/disk/drives.h"
#include "core/site/tftp_dir.h"

char *provision_tftp_dir(const struct site *s, const struct pi *p, char *err, size_t errlen)
{
	char *dir = pi_tftp_dir_path(s, p);
	if (!dir)
		snprintf(err, errlen, "[pi \"%s\"] needs a %s for its TFTP directory (tftp_prefix)",
			 p->name,
			 pi_tftp_prefix_word(p->prefix));
	return dir;
}

int provision_ext_uuid(const char *path, uint64_t offset, char out[40])
{
	char opts[64];
	snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)offset);
	ext2_filsys fs = NULL;
	if (ext2fs_open2(path, opts, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs) != 0)
		return -1;
	const uint8_t *u = fs->super->s_uuid;
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	ext2fs_close_free(&fs);
	return 0;
}


/* The size of path when it is a block device (0 = it is one); -1 for anything else. */
static int block_size(const char *path, uint64_t *size)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = ioctl(fd, BLKGETSIZE64, size) == 0 ? 0 : -1;
	close(fd);
	return rc;
}

/* Grows the last partition to the end of the file and its ext filesystem to fill it. */
static int grow_root(const char *backing, struct provision_result *r, char *err, size_t errlen)
{
	struct part_table pt;
	if (part_table_read_path(backing, &pt) < 0 || pt.n == 0) {
		snprintf(err, errlen, "%s has no partition table to grow", backing);
		return -1;
	}
	const struct disk_part *last = &pt.parts[0];
	for (int i = 1; i < pt.n; i++)
		if (pt.parts[i].start > last->start)
			last = &pt.parts[i];
	r->root_part = last->number;
	if (last->fs.kind != FS_EXT) {
		snprintf(err, errlen, "partition %d of %s is not ext2/3/4; cannot grow it", last->number, backing);
		return -1;
	}
	uint64_t old = last->size, off = last->start;
	if (pt.kind == PT_GPT) { /* the backup GPT header must move to the new end first */
		char *rel[] = {"sfdisk", "--relocate", "gpt-bak-std", (char *)backing, NULL};
		if (runcmd_err(rel, NULL, err, errlen) != 0)
			return -1;
	}
	char *tmp = fs_temp_file("sfdisk", ", +\n", 4);
	if (!tmp) {
		snprintf(err, errlen, "cannot write a temporary file in %s: %s", fs_tmpdir(),
			 strerror(errno));
		return -1;
	}
	char num[16];
	snprintf(num, sizeof(num), "%d", last->number);
	char *sf[] = {"sfdisk", "--no-reread", "--no-tell-kernel", "-N", num, (char *)backing, NULL};
	int rc = runcmd_err(sf, tmp, err, errlen);
	unlink(tmp);
	free(tmp);
	if (rc != 0 || part_table_read_path(backing, &pt) < 0)
		return -1;
	uint64_t len = 0;
	for (int i = 0; i < pt.n; i++)
		if (pt.parts[i].number == r->root_part)
			len = pt.parts[i].size;
	/* resize2fs on a regular file truncates it to the filesystem's end (ignoring ?offset=),
	 * cutting off the grown partition's tail: give it a loop device over the partition. */
	char offs[32], lens[32], loopdev[64] = "";
	snprintf(offs, sizeof(offs), "%llu", (unsigned long long)off);
	snprintf(lens, sizeof(lens), "%llu", (unsigned long long)len);
	char *lo[] = {"losetup", "--find", "--show", "--offset", offs, "--sizelimit", lens,
		      (char *)backing, NULL};
	if (runcmd_split(lo, loopdev, sizeof(loopdev), NULL, 0) != 0 || !*str_trim(loopdev)) {
		snprintf(err, errlen, "growing the filesystem needs a loop device (losetup, as root): "
				      "partition %d was grown, its filesystem not", r->root_part);
		return -1;
	}
	char *dev = loopdev;
	char *fsck[] = {"e2fsck", "-fy", dev, NULL};
	char *rs[] = {"resize2fs", dev, NULL};
	char out[2048];
	rc = runcmd(fsck, NULL, out, sizeof(out));
	if (rc > 1) { /* 1 = errors corrected, which a fresh image should not have but is fine */
		snprintf(err, errlen, "e2fsck of partition %d failed (exit %d): %s", r->root_part, rc, str_trim(out));
		rc = -1;
	} else {
		rc = runcmd_err(rs, NULL, err, errlen) ? -1 : 0;
	}
	char *det[] = {"losetup", "-d", dev, NULL};
	runcmd(det, NULL, NULL, 0);
	if (rc == 0)
		snprintf(r->note, sizeof(r->note), "partition %d grown from %llu MiB to %llu MiB", r->root_part,
			 (unsigned long long)(old >> 20), (unsigned long long)(len >> 20));
	if (rc == 0 && provision_ext_uuid(backing, off, r->root_uuid) < 0) {
		snprintf(err, errlen, "cannot read the grown filesystem of partition %d", r->root_part);
		rc = -1;
	}
	return rc;
}

static size_t count_files(const char *dir)
{
	char *argv[] = {"find", (char *)dir, "-type", "f", NULL};
	char out[65536];
	if (runcmd(argv, NULL, out, sizeof(out)) != 0)
		return 0;
	size_t n = 0;
	for (char *p = out; *p; p++)
		n += *p == '\n';
	return n;
}

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
	if (fs_write_atomic(path, text, strlen(text), 0644) == 0)
		return 0;
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return -1;
}

static void note_add(struct provision_result *r, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(r->boot_note);
	snprintf(r->boot_note + n, sizeof(r->boot_note) - n, fmt, n ? "; " : "", a, b);
}

/* A Pi 3's ROM asks for bootcode.bin in the TFTP root before its own directory: copied there
 * from the image unless one is there already. Then the initramfs config.txt loads, looked
 * into (an iSCSI root needs one that can log in). */
static void boot_files_note(const struct site *s, const struct pi *p, const char *dir,
			    struct provision_result *r)
{
	const char *top = s->tftp_root;
	if (model_info(p->model)->fetches_bootcode && top) {
		char *want = xasprintf("%s/bootcode.bin", top), *have = xasprintf("%s/bootcode.bin", dir);
		size_t len;
		char *data = access(want, F_OK) != 0 ? fs_read_file(have, &len) : NULL;
		if (data && fs_write_atomic(want, data, len, 0644) == 0)
			note_add(r, "%scopied %s to %s", "bootcode.bin", top);
		free(data);
		free(want);
		free(have);
	}
	if (s->root != ROOT_ISCSI || p->initramfs_none)
		return;
	char *cfgpath = xasprintf("%s/config.txt", dir);
	size_t len;
	char *cfg = fs_read_file(cfgpath, &len);
	struct config_board b = {p->model, p->has_serial ? p->serial : NULL};
	struct config_txt ct;
	config_txt_parse(cfg ? cfg : "", &b, &ct);
	const char *k[4];
	size_t nk = config_txt_kernels(&ct, p->model, k), i = 0;
	for (; i < nk; i++) { /* the kernel the firmware takes: the first that is there */
		char *kp = xasprintf("%s/%s", dir, k[i]);
		bool there = access(kp, F_OK) == 0;
		free(kp);
		if (there)
			break;
	}
	bool automatic;
	char *ird = config_txt_initramfs(&ct, k[i < nk ? i : 0], &automatic);
	if (!ird) {
		note_add(r, "%sconfig.txt loads no initramfs%s%s: the kernel cannot log in to iSCSI "
			    "(build one with open-iscsi on the Pi and set [pi] initramfs = FILE)",
			 "", "");
	} else {
		char *path = xasprintf("%s/%s", dir, ird), err[256];
		struct initramfs_info in;
		if (initramfs_inspect_file(path, &in, err, sizeof(err)) < 0) {
			note_add(r, "%sinitramfs %s: %s", ird, err);
		} else if (!in.iscsi) {
			char *gap = initramfs_iscsi_gap(&in);
			note_add(r, "%sinitramfs %s cannot log in to iSCSI: %s", ird, gap);
			note_add(r, "%sfix: %s%s", initramfs_iscsi_fix(&in), "");
			free(gap);
		} else {
			note_add(r, "%sinitramfs %s can log in to iSCSI%s", ird, "");
		}
		free(path);
	}
	free(ird);
	config_txt_done(&ct);
	free(cfg);
	free(cfgpath);
}

/* The boot FAT's files into dir, then cmdline.txt/config.txt edited for the network root. */
static int fill_tftp(const struct site *s, const struct pi *p, const char *backing, const char *dir,
		     struct provision_result *r, char *err, size_t errlen)
{
	uint64_t off;
	if (customize_find_boot(backing, &off, err, errlen) < 0)
		return -1;
	if (fs_mkdir_p(dir, 0755) < 0) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	/* mcopy writes through whatever it finds: it fills a fresh directory beside dir, whose
	 * files are then renamed into dir, replacing (never following) a link planted there (H5) */
	char *stage = xasprintf("%s.pinetboot-XXXXXX", dir);
	if (!mkdtemp(stage)) {
		snprintf(err, errlen, "cannot make a directory beside %s: %s", dir, strerror(errno));
		free(stage);
		return -1;
	}
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	char *spec = xasprintf("%s@@%llu", backing, (unsigned long long)off);
	char *cp[] = {"mcopy", "-s", "-n", "-m", "-i", spec, "::/*", stage, NULL};
	int rc = runcmd_err(cp, NULL, err, errlen);
	free(spec);
	if (rc == 0 && (chmod(stage, 0755) != 0 || fs_move_tree(stage, dir) != 0)) {
		snprintf(err, errlen, "cannot put the boot files into %s: %s", dir,
			 fs_strerror(errno));
		rc = -1;
	}
	fs_remove_tree(stage);
	free(stage);
	if (rc != 0)
		return -1;
	char *cmdpath = xasprintf("%s/cmdline.txt", dir), *cfgpath = xasprintf("%s/config.txt", dir);
	size_t len;
	char *old = fs_read_file(cmdpath, &len);
	char *line = customize_network_cmdline(s, p, old, r->root_uuid);
	char *withnl = xasprintf("%s\n", line);
	rc = write_text(cmdpath, withnl, err, errlen);
	free(old);
	free(line);
	free(withnl);
	if (rc == 0) {
		/* the OS's config.txt decides the kernel and initramfs; the profile's lines (the
		 * same export and apply add) go where the firmware applies them to this Pi */
		char *cfg = fs_read_file(cfgpath, &len);
		char *add = config_txt_profile_lines(p);
		size_t n;
		char *merged = config_txt_merge(cfg ? cfg : "", cfg ? len : 0, add, &n);
		if (cfg ? n != len || memcmp(merged, cfg, n) != 0 : n > 0)
			rc = write_text(cfgpath, merged, err, errlen);
		free(merged);
		free(add);
		free(cfg);
	}
	free(cmdpath);
	free(cfgpath);
	r->tftp_files = count_files(dir);
	if (rc == 0)
		boot_files_note(s, p, dir, r);
	return rc;
}

/* The copied tree becomes this Pi's: its host name, and no ssh host keys shared with every
 * other Pi provisioned from the image. */
static int ident_nfs_root(const struct pi *p, struct provision_result *r, char *err, size_t errlen)
{
	struct rootident_result ri;
	const char *host = p->hostname ? p->hostname : p->name;
	if (rootident_apply(p->nfs_path, host, &ri, err, errlen) != 0)
		return -1;
	size_t n = strlen(r->note);
	if (ri.regen)
		snprintf(r->note + n, sizeof(r->note) - n,
			 "; host name %s; %d ssh host key file%s removed (regenerate_ssh_host_keys "
			 "makes the Pi's own at first boot)",
			 host, ri.keys_removed, ri.keys_removed == 1 ? "" : "s");
	else
		snprintf(r->note + n, sizeof(r->note) - n,
			 "; host name %s; ssh host keys kept (no regenerate_ssh_host_keys service in "
			 "the image: every Pi from it shares them)",
			 host);
	return 0;
}

/* root = nfs: the image is written to a sparse scratch file beside the Pi's NFS root, its ext
 * root filesystem copied into nfs_path with libext2fs (owners, modes, links, devices and
 * xattrs kept; nothing mounted), its boot partition into the TFTP directory; then the scratch
 * file goes. */
static int provision_nfs(const struct site *s, const struct pi *p, flash_progress_fn progress,
			 void *ud, struct provision_result *r, char *err, size_t errlen)
{
	if (!p->nfs_path) {
		snprintf(err, errlen, "[pi \"%s\"] has no nfs_path", p->name);
		return -1;
	}
	char *scratch = xasprintf("%s.pinetboot-image", p->nfs_path);
	r->backing = xstrdup(p->nfs_path);
	struct flash_opts fo = {p->image, scratch, true, NULL, progress, ud, NULL};
	int rc = -1;
	struct part_table pt;
	if (flash_run(&fo, &r->flash) < 0) {
		snprintf(err, errlen, "%s", r->flash.message);
	} else if (part_table_read_path(scratch, &pt) < 0) {
		snprintf(err, errlen, "%s has no partition table", p->image);
	} else {
		r->size = r->flash.image_size;
		const struct disk_part *root = NULL;
		for (int i = 0; i < pt.n; i++)
			if (pt.parts[i].fs.kind == FS_EXT)
				root = &pt.parts[i];
		struct ext2tree_stats st;
		if (!root) {
			snprintf(err, errlen, "%s has no ext2/3/4 root partition", p->image);
		} else if (ext2tree_copy(scratch, root->start, p->nfs_path, &st, err, errlen) == 0) {
			r->root_part = root->number;
			provision_ext_uuid(scratch, root->start, r->root_uuid);
			snprintf(r->note, sizeof(r->note),
				 "root tree copied into %s: %llu files, %llu directories, %llu hard "
				 "links, %llu special files, %llu MiB",
				 p->nfs_path, (unsigned long long)st.files, (unsigned long long)st.dirs,
				 (unsigned long long)st.links, (unsigned long long)st.specials,
				 (unsigned long long)(st.bytes >> 20));
			rc = ident_nfs_root(p, r, err, errlen);
			if (rc == 0)
				rc = fill_tftp(s, p, scratch, r->tftp_dir, r, err, errlen);
		}
	}
	unlink(scratch);
	free(scratch);
	return rc;
}

int provision_pi(const struct site *s, const struct pi *p, const char *tftp_root, bool force,
		 flash_progress_fn progress, void *ud, struct provision_result *r, char *err,
		 size_t errlen)
{
	memset(r, 0, sizeof(*r));
	if (!p->image) {
		snprintf(err, errlen, "[pi \"%s\"] has no image = … to provision from", p->name);
		return -1;
	}
	struct site tmp = *s;
	if (tftp_root)
		tmp.tftp_root = (char *)tftp_root;
	r->tftp_dir = provision_tftp_dir(&tmp, p, err, errlen);
	if (!r->tftp_dir)
		return -1;
	if (s->root == ROOT_NFS)
		return provision_nfs(s, p, progress, ud, r, err, errlen);
	r->backing = xstrdup(p->backing);
	/* the drive-safety verdict flash follows: a system or mounted disk, a link or a hard-linked
	 * file is written only with force, and so is a backing that already holds a root (H4) */
	bool data;
	char *why;
	enum drive_verdict v = drive_verdict_target(p->backing, 0, &data, &why);
	if (v == DRIVE_REFUSE || ((v == DRIVE_OVERRIDE || data) && !force)) {
		/* a safe disk still holds whatever is on it */
		const char *what = strncmp(why, "safe", 4) ? why : "a disk";
		snprintf(err, errlen, "refusing %s: %s%s; nothing was written", p->backing, what,
			 v == DRIVE_REFUSE ? ""
			 : v == DRIVE_OVERRIDE ? " (--force overrides)"
					       : ", which provision would replace (--force overwrites it)");
		free(why);
		return -1;
	}
	free(why);
	struct flash_opts fo = {p->image, p->backing, true, NULL, progress, ud, NULL};
	if (flash_run(&fo, &r->flash) < 0) {
		snprintf(err, errlen, "%s", r->flash.message);
		return -1;
	}
	r->size = r->flash.image_size;
	uint64_t dev = 0;
	if (block_size(p->backing, &dev) == 0) {
		/* a block device (a ZFS zvol, an LVM volume): its size is set where it was made;
		 * truncate() cannot change it, so the root grows to its end */
		if (p->size > dev) {
			snprintf(err, errlen,
				 "%s holds %llu bytes, less than size = %llu: grow the volume first "
				 "(zfs set volsize=…, lvextend) or lower size",
				 p->backing, (unsigned long long)dev, (unsigned long long)p->size);
			return -1;
		}
		if (dev > r->size) {
			r->size = dev;
			if (grow_root(p->backing, r, err, errlen) < 0)
				return -1;
			return fill_tftp(s, p, p->backing, r->tftp_dir, r, err, errlen);
		}
	}
	if (p->size > r->size && dev == 0) {
		if (truncate(p->backing, (off_t)p->size) < 0) {
			snprintf(err, errlen, "cannot grow %s to %llu bytes: %s", p->backing,
				 (unsigned long long)p->size, strerror(errno));
			return -1;
		}
		r->size = p->size;
		if (grow_root(p->backing, r, err, errlen) < 0)
			return -1;
	} else {
		struct part_table pt;
		if (part_table_read_path(p->backing, &pt) == 0)
			for (int i = 0; i < pt.n; i++)
				if (pt.parts[i].fs.kind == FS_EXT && provision_ext_uuid(p->backing, pt.parts[i].start, r->root_uuid) == 0)
					r->root_part = pt.parts[i].number;
		snprintf(r->note, sizeof(r->note), "kept the image's size (profile size %s)",
			 p->size ? "is not larger" : "not set");
	}
	return fill_tftp(s, p, p->backing, r->tftp_dir, r, err, errlen);
}

void provision_result_done(struct provision_result *r)
{
	free(r->backing);
	free(r->tftp_dir);
	memset(r, 0, sizeof(*r));
}
