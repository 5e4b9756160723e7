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

#include "core/disk/diskread.h"

/* The partition table itself: core/disk/parttable.h. */
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
int fsmap_needed(disk_read_fn rd, void *ctx, uint64_t disk_size, struct range_list *out,
		 char *note, size_t notelen);

#endif
