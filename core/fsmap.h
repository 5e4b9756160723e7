/* fsmap — what of a disk image matters: its partition table (MBR or GPT) and, inside each
 * partition, the blocks its filesystem uses (ext2/3/4 block bitmaps read with libext2fs, FAT
 * allocation tables). Flashing writes only these ranges to a device (bmaptool's idea without a
 * .bmap file); customisation and provisioning use the partition table to find the boot FAT and
 * the root filesystem by offset, without mounting. Reading goes through a callback, so the
 * "image" can be a file, a device, or a device whose unwritten ranges read as zeros. */
#ifndef PNB_CORE_FSMAP_H
#define PNB_CORE_FSMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum part_fs { PART_FS_UNKNOWN, PART_FS_FAT, PART_FS_EXT };
extern const char *const part_fs_names[]; /* "unknown", "fat", "ext" */

struct part {
	int number;        /* 1-based, as the kernel numbers them */
	uint64_t offset;   /* bytes from the start of the disk */
	uint64_t length;   /* bytes */
	unsigned mbr_type; /* MBR type byte, 0 for GPT */
	enum part_fs fs;
};

struct part_table {
	bool gpt;
	uint32_t mbr_id;  /* MBR disk identifier (PARTUUID prefix), 0 for GPT */
	struct part parts[16];
	int n;
};

/* Reads len bytes at off into buf; returns 0 or -1. */
typedef int (*fsmap_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/* Parses the partition table of a disk of disk_size bytes. Returns 0 (a disk without a table
 * gives n = 0) or -1 when reading fails. Each partition's fs is detected from its magic. */
int part_table_read(fsmap_read_fn rd, void *ctx, uint64_t disk_size, struct part_table *pt);
/* Same, over a file or device path. */
int part_table_read_path(const char *path, struct part_table *pt);

/* A growable list of byte ranges, kept sorted and merged by range_list_normalise. */
struct range {
	uint64_t off, len;
};
struct range_list {
	struct range *r;
	size_t n, cap;
};
void range_list_add(struct range_list *l, uint64_t off, uint64_t len);
void range_list_normalise(struct range_list *l);
void range_list_done(struct range_list *l);
uint64_t range_list_bytes(const struct range_list *l);

/* The ranges of a disk image that must hold the image's bytes: the first MiB and everything
 * outside partitions, the used blocks of FAT and ext partitions, and all of every other
 * partition. Appends to out (not normalised). note (may be NULL) receives a one-line summary
 * such as "p1 fat 12 MiB used, p2 ext 690 MiB used". Returns 0 or -1 on a read error. */
int fsmap_needed(fsmap_read_fn rd, void *ctx, uint64_t disk_size, struct range_list *out,
		 char *note, size_t notelen);

#endif
