/* rootcopy — tar stream into a tree; tree into a Pi disk image. */
#include "core/disk/rootcopy.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

#define MIB (1024ull * 1024)

/* A member name the Pi sent: relative, no ".." component (the stream is not trusted). */
static bool member_ok(const char *p)
{
	if (!p || !*p || p[0] == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		while (*s == '/')
			s++;
	}
	return true;
}

int rootcopy_untar(int fd, const char *dir, bool plain_only, rootcopy_progress_fn progress,
		   void *ud, char *err, size_t errlen)
{
	err[0] = '\0';
	if (fs_mkdir_p(dir, 0755) < 0) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	/* a canonical prefix: SECURE_SYMLINKS must not trip over links above the tree */
	char *base = realpath(dir, NULL);
	if (!base) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	archive_read_support_format_tar(in);
	archive_read_support_format_cpio(in);
	archive_read_support_filter_all(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
						    ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
						    ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_UNLINK |
						    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						    ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	int rc = 0;
	uint64_t entries = 0;
	if (archive_read_open_fd(in, fd, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "not a tar stream: %s", archive_error_string(in));
		rc = -1;
	}
	struct archive_entry *e;
	while (rc == 0) {
		int r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			snprintf(err, errlen, "the stream broke off after %llu entries: %s",
				 (unsigned long long)entries, archive_error_string(in));
			rc = -1;
			break;
		}
		const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
		if (!member_ok(name) || (hl && !member_ok(hl))) {
			snprintf(err, errlen, "refused member \"%.200s\": it points outside the copy",
				 name ? name : "");
			rc = -1;
			break;
		}
		mode_t type = archive_entry_filetype(e);
		if (plain_only && (hl || (type != AE_IFREG && type != AE_IFDIR))) {
			snprintf(err, errlen, "refused \"%.200s\": boot files are plain files and "
					      "directories (a link would let TFTP serve what it points at)",
				 name);
			rc = -1;
			break;
		}
		char *full = xasprintf("%s/%s", base, name);
		archive_entry_set_pathname(e, full);
		free(full);
		if (hl) {
			char *hfull = xasprintf("%s/%s", base, hl);
			archive_entry_set_hardlink(e, hfull);
			free(hfull);
		}
		r = archive_write_header(out, e);
		if (r >= ARCHIVE_WARN && archive_entry_size(e) > 0) {
			const void *buf;
			size_t len;
			la_int64_t off;
			int d;
			while ((d = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
				if (archive_write_data_block(out, buf, len, off) < ARCHIVE_WARN) {
					d = ARCHIVE_FATAL;
					break;
				}
			if (d != ARCHIVE_EOF)
				r = ARCHIVE_FATAL;
		}
		if (r >= ARCHIVE_WARN)
			r = archive_write_finish_entry(out);
		if (r < ARCHIVE_WARN) {
			snprintf(err, errlen, "%.200s: %s", name,
				 archive_error_string(out) ? archive_error_string(out)
							   : archive_error_string(in));
			rc = -1;
			break;
		}
		if (progress && (++entries & 255) == 0)
			progress((uint64_t)archive_filter_bytes(in, -1), entries, ud);
	}
	if (progress && rc == 0)
		progress((uint64_t)archive_filter_bytes(in, -1), entries, ud);
	archive_read_free(in);
	archive_write_free(out);
	free(base);
	/* drain what is left so the writer (ssh) ends instead of blocking */
	char sink[65536];
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	return rc;
}

static uint64_t tree_sum;
static int tree_add(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)p, (void)flag, (void)f;
	tree_sum += (uint64_t)st->st_blocks * 512 + 256; /* + an inode's share */
	return 0;
}

uint64_t rootcopy_tree_bytes(const char *dir)
{
	tree_sum = 0;
	if (nftw(dir, tree_add, 32, FTW_PHYS) != 0)
		return 0;
	return tree_sum;
}

static uint64_t mib_up(uint64_t b)
{
	return (b + MIB - 1) / MIB * MIB;
}

/* The boot partition: room for the files twice over (a kernel update writes new ones beside
 * the old), at least 64 MiB. */
static uint64_t boot_size(const char *boot_dir)
{
	uint64_t b = mib_up(rootcopy_tree_bytes(boot_dir) * 2 + 16 * MIB);
	return b < 64 * MIB ? 64 * MIB : b;
}

uint64_t rootcopy_min_size(const char *boot_dir, const char *root_dir)
{
	uint64_t r = rootcopy_tree_bytes(root_dir);
	return MIB + boot_size(boot_dir) + mib_up(r + r / 4 + 64 * MIB);
}


/* mcopy -s of every entry of dir into the FAT at off of img. */
static int fill_fat(const char *img, uint64_t off, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size_t n = 0, cap = 16;
	char **argv = xmalloc(cap * sizeof(*argv));
	char *spec = xasprintf("%s@@%llu", img, (unsigned long long)off);
	argv[n++] = "mcopy";
	argv[n++] = "-s";
	argv[n++] = "-p";
	argv[n++] = "-m";
	argv[n++] = "-i";
	argv[n++] = spec;
	size_t first = n;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n + 3 > cap)
			argv = xrealloc(argv, (cap *= 2) * sizeof(*argv));
		argv[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	int rc = 0;
	if (n > first) {
		argv[n++] = "::/";
		argv[n] = NULL;
		setenv("MTOOLS_SKIP_CHECK", "1", 1);
		rc = runcmd_err(argv, NULL, err, errlen) ? -1 : 0;
		n--;
	}
	for (size_t i = first; i < n; i++)
		free(argv[i]);
	free(argv);
	free(spec);
	return rc;
}

int rootcopy_make_image(const struct rootcopy_image *im, uint64_t *root_off, char *err,
			size_t errlen)
{
	uint64_t bsize = boot_size(im->boot_dir), roff = MIB + bsize;
	if (im->size < roff + 64 * MIB) {
		snprintf(err, errlen, "%llu MiB is too small for the boot partition (%llu MiB) and a root",
			 (unsigned long long)(im->size / MIB), (unsigned long long)(bsize / MIB));
		return -1;
	}
	*root_off = roff;
	unlink(im->path);
	int fd = open(im->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(im->size / MIB * MIB)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", im->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	char table[256];
	int tl = snprintf(table, sizeof(table),
			  "label: dos\nlabel-id: 0x%08x\nstart=2048, size=%llu, type=c\n"
			  "start=%llu, type=83\n",
			  im->disk_id, (unsigned long long)(bsize / 512),
			  (unsigned long long)(roff / 512));
	char *tmp = fs_temp_file("sfdisk", table, (size_t)tl);
	if (!tmp) {
		snprintf(err, errlen, "cannot write a temporary file: %s", strerror(errno));
		return -1;
	}
	char *sf[] = {"sfdisk", "-q", "--no-reread", "--no-tell-kernel", (char *)im->path, NULL};
	int rc = runcmd_err(sf, tmp, err, errlen);
	unlink(tmp);
	free(tmp);
	if (rc != 0)
		return -1;
	char volid[16], offs[32], blocks[32], eoff[48], rsize[32];
	snprintf(volid, sizeof(volid), "%08X", im->disk_id);
	snprintf(offs, sizeof(offs), "%llu", (unsigned long long)(MIB / 512));
	snprintf(blocks, sizeof(blocks), "%llu", (unsigned long long)(bsize / 1024));
	/* FAT16 below 512 MiB: FAT32 wants more clusters than such a partition has */
	char *vf[] = {"mkfs.vfat", "-F", bsize < 512 * MIB ? "16" : "32", "-n", "bootfs", "-i", volid,
		      "--offset", offs, (char *)im->path, blocks, NULL};
	if (runcmd_err(vf, NULL, err, errlen) != 0 || fill_fat(im->path, MIB, im->boot_dir, err, errlen) < 0)
		return -1;
	snprintf(eoff, sizeof(eoff), "offset=%llu", (unsigned long long)roff);
	snprintf(rsize, sizeof(rsize), "%lluk", (unsigned long long)((im->size / MIB * MIB - roff) / 1024));
	char *mk[] = {"mkfs.ext4", "-q", "-F", "-U", (char *)im->uuid, "-L", "rootfs", "-d",
		      (char *)im->root_dir, "-E", eoff, (char *)im->path, rsize, NULL};
	return runcmd_err(mk, NULL, err, errlen) ? -1 : 0;
}
