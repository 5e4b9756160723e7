/* ext2io — open an ext2/3/4 filesystem with libext2fs when the disk is reachable only through a
 * read callback (an image being flashed, an iSCSI LUN): an io_manager of our own turns block
 * reads into callback reads. Read-only: every write is refused. */
#ifndef PNB_CORE_EXT2IO_H
#define PNB_CORE_EXT2IO_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>
#include <stdint.h>

#include "core/disk/diskread.h"

struct ext2io_src {
	disk_read_fn rd;
	void *ctx;
	uint64_t off;  /* where the filesystem starts on the disk */
	uint64_t size; /* bytes the filesystem may span; reads past it fail (0 = no limit) */
};

/* Opens the filesystem read-only (EXT2_FLAG_64BITS). src must stay valid until *fs is closed
 * with ext2fs_close_free, which the caller owns. Returns 0 or a libext2fs error code. */
errcode_t ext2io_open(struct ext2io_src *src, ext2_filsys *fs);

#endif
