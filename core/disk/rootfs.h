/* rootfs — files inside the Pi's root filesystem (ext2/3/4, via libext2fs), read through the
 * same callback as parttable, so a LUN can be inspected without mounting or attaching it. */
#ifndef PNB_CORE_ROOTFS_H
#define PNB_CORE_ROOTFS_H

#include <stddef.h>
#include <stdint.h>

#include "core/disk/diskread.h"

/* Reads up to max bytes of path (absolute, symlinks followed) from the ext filesystem of `size`
 * bytes at byte offset off. Returns a NUL-terminated heap string the caller frees, or NULL with
 * a heap message in *err (caller frees) such as "/etc/fstab: Ext2 file not found". */
char *rootfs_read_file(disk_read_fn rd, void *ctx, uint64_t off, uint64_t size, const char *path,
		       size_t max, char **err);

#endif
