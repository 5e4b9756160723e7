/* diskinfo — what a Pi's firmware and initramfs see on a root disk: the partition table (MBR or
 * GPT), partition 1's FAT volume id and label, partition 2's filesystem UUID and label. Reads
 * through a callback so the same code inspects an iSCSI LUN (iscsi_check), an image file or a
 * loop device. Only the few bytes each structure needs are read; every field is bounds-checked
 * against the buffer it was read into.
 * Facts: MBR/GPT (UEFI 2.x §5), FAT boot sector (Microsoft FAT spec), ext4 superblock (kernel
 * Documentation/filesystems/ext4/super.rst). */
#ifndef PNB_CORE_DISKINFO_H
#define PNB_CORE_DISKINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads len bytes at byte offset off into buf; returns 0 or -1 (with an error left for the
 * caller of diskinfo_read to fetch from its own context). */
typedef int (*disk_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

enum part_table { PT_NONE, PT_MBR, PT_GPT };
enum fs_kind { FS_UNKNOWN, FS_FAT, FS_EXT };

#define DISKINFO_MAX_PARTS 8

struct disk_fs {
	enum fs_kind kind;
	char type[16];     /* "vfat", "ext4", "ext3", "ext2", "" */
	char uuid[40];     /* FAT: "1234-ABCD" (the volume id, as blkid prints it); ext: 8-4-4-4-12 */
	char label[24];    /* trimmed; "" when none */
};

struct disk_part {
	int number;        /* 1-based */
	uint64_t start;    /* bytes */
	uint64_t size;     /* bytes */
	uint8_t mbr_type;  /* MBR partition type byte, 0 for GPT */
	char partuuid[40]; /* MBR: "1a2b3c4d-02"; GPT: the unique partition GUID, lowercase */
	struct disk_fs fs;
};

struct disk_info {
	uint64_t size;              /* bytes, as given by the caller */
	uint32_t sector;            /* logical block size */
	enum part_table table;
	char disk_id[40];           /* MBR signature "1a2b3c4d" or GPT disk GUID */
	struct disk_part parts[DISKINFO_MAX_PARTS];
	int n_parts;
	char error[160];            /* why the read stopped, when diskinfo_read returned -1 */
};

/* Reads the partition table of a disk of `size` bytes with logical block `sector`, and the
 * filesystem signature of each partition. Returns 0 (even when there is no table: table ==
 * PT_NONE), or -1 when a read failed (info->error says which). */
int diskinfo_read(disk_read_fn rd, void *ctx, uint64_t size, uint32_t sector,
		  struct disk_info *info);

/* Filesystem signature at byte offset off (FAT boot sector or ext superblock); fills fs.
 * Returns 0 or -1 when a read failed. An unknown filesystem is not an error (kind FS_UNKNOWN). */
int diskinfo_read_fs(disk_read_fn rd, void *ctx, uint64_t off, struct disk_fs *fs);

/* Decoders over bytes already read, exposed for unit tests and fuzzing. buf holds the boot
 * sector (≥ 512 bytes) or the 1024-byte ext superblock. */
bool diskinfo_parse_fat(const uint8_t *buf, size_t len, struct disk_fs *fs);
bool diskinfo_parse_ext(const uint8_t *sb, size_t len, struct disk_fs *fs);

/* The partition whose filesystem UUID, label or PARTUUID matches a root= spec such as
 * "UUID=…", "PARTUUID=…", "LABEL=…" (case-insensitive for the hex forms). NULL if none, or if
 * spec is not one of those forms. */
const struct disk_part *diskinfo_find(const struct disk_info *info, const char *spec);

#endif
