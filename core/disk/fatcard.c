/* fatcard — a FAT32 card image made from a directory: an MBR with one FAT32 partition at
 * 4 MiB, sized for the files, formatted by mkfs.vfat and filled by mcopy (the tools made for
 * it, through runcmd). */
#include "core/disk/fatcard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/base/fsutil.h"
#include "core/disk/customize.h"

/* The bytes the files and directories under dir take, each rounded up by a 4 KiB cluster:
 * fts(3) walks without a callback, so the sum stays local; mcopy reports what it cannot read
 * below. Returns -1 when dir itself cannot be read, or when it holds something other than files
 * and directories (*odd: its path, heap, caller frees). */
static int64_t dir_bytes(const char *dir, char **odd)
{
	char *paths[] = {(char *)dir, NULL};
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return -1;
	uint64_t sum = 0;
	bool bad = false;
	FTSENT *e;
	while ((e = fts_read(fts))) {
		if (e->fts_info == FTS_DP)
			continue;
		bool unreadable = e->fts_info == FTS_DNR || e->fts_info == FTS_ERR ||
				  e->fts_info == FTS_NS;
		if (unreadable && e->fts_level == FTS_ROOTLEVEL) {
			errno = e->fts_errno;
			bad = true;
			break;
		}
		/* a link would put its target on the card (mcopy follows it), a FIFO would hang
		 * mcopy: only files and directories are copied (L16, L10) */
		if (e->fts_info == FTS_SL || e->fts_info == FTS_SLNONE || e->fts_info == FTS_DEFAULT) {
			*odd = xstrdup(e->fts_path);
			errno = e->fts_info == FTS_DEFAULT ? FS_ENOTREG : ELOOP;
			bad = true;
			break;
		}
		sum += (e->fts_info == FTS_F ? (uint64_t)e->fts_statp->st_size : 0) + 4096;
	}
	int saved = errno;
	fts_close(fts);
	errno = saved;
	return bad ? -1 : (int64_t)sum;
}

static int write_mbr(int fd, uint64_t start_lba, uint64_t sectors)
{
	uint8_t mbr[512] = {0};
	uint32_t id;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint32_t)getpid();
	memcpy(mbr + 440, &id, 4);
	uint8_t *e = mbr + 446;
	e[1] = 0xfe, e[2] = 0xff, e[3] = 0xff, e[5] = 0xfe, e[6] = 0xff, e[7] = 0xff; /* LBA-only CHS */
	e[4] = 0x0c; /* FAT32 LBA */
	for (int i = 0; i < 4; i++) {
		e[8 + i] = (uint8_t)(start_lba >> (8 * i));
		e[12 + i] = (uint8_t)(sectors >> (8 * i));
	}
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	return pwrite(fd, mbr, sizeof(mbr), 0) == sizeof(mbr) ? 0 : -1;
}

static int copy_entries(const char *dir, const char *spec, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	char **argv = xcalloc(8, sizeof(char *));
	size_t n = 0, cap = 8;
	const char *head[] = {"mcopy", "-s", "-Q", "-i", spec};
	for (size_t i = 0; i < PNB_ARRAY_LEN(head); i++)
		argv[n++] = xstrdup(head[i]);
	size_t files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n + 3 > cap)
			argv = xrealloc(argv, (cap *= 2) * sizeof(char *));
		argv[n++] = xasprintf("%s/%s", dir, e->d_name);
		files++;
	}
	closedir(d);
	argv[n++] = xstrdup("::/");
	argv[n] = NULL;
	int r = 0;
	char out[1024];
	if (files && runcmd(argv, NULL, out, sizeof(out)) != 0) {
		snprintf(err, errlen, "mcopy into the card image failed: %s", str_trim(out));
		r = -1;
	}
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return r;
}

int fatcard_build(const char *dir, const char *img, char *err, size_t errlen)
{
	char *odd = NULL;
	int64_t bytes = dir_bytes(dir, &odd);
	if (bytes < 0) {
		if (odd)
			snprintf(err, errlen, "%s: %s; only files and directories are put on the card",
				 odd, fs_strerror(errno));
		else
			snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		free(odd);
		return -1;
	}
	const uint64_t start = 4u << 20;
	uint64_t used = (uint64_t)bytes;
	uint64_t fat = (used + used / 4 + (16u << 20)) & ~((1ull << 20) - 1);
	if (fat < (64u << 20))
		fat = 64u << 20; /* FAT32 needs 65525 clusters */
	int fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)(start + fat)) < 0 || write_mbr(fd, start / 512, fat / 512) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", img, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	/* FAT32 by the cluster count (what mtools and the firmware go by) needs > 65524 clusters:
	 * mkfs.vfat's default cluster size can fall below that for 128–512 MiB */
	unsigned spc = 8;
	while (spc > 1 && fat / 512 / spc < 70000)
		spc /= 2;
	char off[32], blocks[32], cl[16], out[1024];
	snprintf(off, sizeof(off), "%llu", (unsigned long long)(start / 512));
	snprintf(blocks, sizeof(blocks), "%llu", (unsigned long long)(fat / 1024));
	snprintf(cl, sizeof(cl), "%u", spc);
	char *mk[] = {"mkfs.vfat", "-F", "32", "-s", cl, "-n", "BOOT", "--offset", off, (char *)img, blocks, NULL};
	if (runcmd(mk, NULL, out, sizeof(out)) != 0) {
		snprintf(err, errlen, "mkfs.vfat failed: %s", str_trim(out));
		return -1;
	}
	char *spec = customize_mtools_spec(img, start);
	int r = copy_entries(dir, spec, err, errlen);
	free(spec);
	return r;
}
