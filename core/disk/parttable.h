/* parttable — a disk's partition table (MBR or GPT) and the filesystem signature of each
 * partition: what a Pi's firmware and initramfs see on a root disk (iscsi_check, over a LUN),
 * and what flashing, customisation and provisioning need to find in an image (fsmap, customize,
 * provision, over a file or the bytes being written). Reads go through disk_read_fn and only
 * the few sectors each structure needs are read; every field is bounds-checked against the
 * buffer it was read into and every offset against the disk size, so a corrupt or truncated
 * table gives fewer partitions and a message, never a read out of bounds.
 * Facts: MBR and GPT (UEFI 2.x §5: header and entry-array CRC32, backup header at the last
 * LBA), FAT boot sector (Microsoft FAT spec), ext4 superblock (kernel
 * Documentation/filesystems/ext4/super.rst). Logical partitions inside an MBR extended
 * partition are not followed: the extended partition is listed as one, with no filesystem. */
#ifndef PNB_CORE_PARTTABLE_H
#define PNB_CORE_PARTTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/disk/diskread.h"

enum pt_kind { PT_NONE, PT_MBR, PT_GPT };
enum fs_kind { FS_UNKNOWN, FS_FAT, FS_EXT };

#define PART_TABLE_MAX 16

struct disk_fs {
	enum fs_kind kind;
	char type[16];  /* "vfat", "ext4", "ext3", "ext2", "" */
	char uuid[40];  /* FAT: "1234-ABCD" (the volume id, as blkid prints it); ext: 8-4-4-4-12 */
	char label[24]; /* trimmed; "" when none */
};

struct disk_part {
	int number;        /* 1-based, as the kernel numbers them */
	uint64_t start;    /* bytes from the start of the disk */
	uint64_t size;     /* bytes */
	uint8_t mbr_type;  /* MBR partition type byte, 0 for GPT */
	bool past_end;     /* ends beyond the disk: the table was written for a bigger one */
	char partuuid[40]; /* MBR: "1a2b3c4d-02"; GPT: the unique partition GUID, lowercase */
	struct disk_fs fs; /* read when the partition's first 2 KiB lie on the disk */
};

struct part_table {
	uint64_t size;   /* bytes, as given by the caller */
	uint32_t sector; /* logical block size */
	enum pt_kind kind;
	uint32_t mbr_id; /* MBR disk signature (the PARTUUID prefix); 0 for GPT */
	char disk_id[40]; /* MBR signature "1a2b3c4d" or GPT disk GUID */
	struct disk_part parts[PART_TABLE_MAX];
	int n;
	/* part_table_read returned -1: which read failed. Returned 0: why there is no table or
	 * what was wrong with it ("" when nothing was), e.g. a GPT header CRC mismatch. */
	char error[160];
};

/* Reads the partition table of a disk of `size` bytes with logical block `sector` (0 = 512)
 * and the filesystem signature of each partition. Returns 0 — also when there is no table
 * (kind PT_NONE, n 0) or the table is corrupt — or -1 when a read inside the disk failed. */
int part_table_read(disk_read_fn rd, void *ctx, uint64_t size, uint32_t sector,
		    struct part_table *pt);
/* Same over a file or block device (512-byte sectors); partitions that end past the end of it
 * are dropped. Returns -1 (pt->error says why) when it cannot be opened or read. */
int part_table_read_path(const char *path, struct part_table *pt);
/* Removes the partitions marked past_end. */
void part_table_drop_past_end(struct part_table *pt);

/* The partition whose filesystem UUID, label or PARTUUID matches a root= spec such as
 * "UUID=…", "PARTUUID=…", "LABEL=…" (case-insensitive for the hex forms). NULL if none, or if
 * spec is not one of those forms. */
const struct disk_part *part_table_find(const struct part_table *pt, const char *spec);

/* Filesystem signature of the partition starting at byte off (FAT boot sector or ext
 * superblock, both within its first 2 KiB). Returns 0 or -1 when the read failed; an unknown
 * filesystem is not an error (kind FS_UNKNOWN). */
int part_fs_read(disk_read_fn rd, void *ctx, uint64_t off, struct disk_fs *fs);
/* Decoders over bytes already read: buf holds the boot sector (≥ 512 bytes) or the 1024-byte
 * ext superblock. */
bool part_fs_parse_fat(const uint8_t *buf, size_t len, struct disk_fs *fs);
bool part_fs_parse_ext(const uint8_t *sb, size_t len, struct disk_fs *fs);
/* "unknown", "fat", "ext". */
const char *part_fs_name(enum fs_kind kind);

#endif
