/* ext2tree — an ext2/3/4 filesystem inside an image file copied out into a directory with
 * libext2fs, nothing mounted: what provision does for an NFS root. Kept: owners, modes (setuid
 * and friends), timestamps, symlinks, hard links, device nodes, FIFOs, sockets and extended
 * attributes (ACLs and file capabilities included). */
#ifndef PNB_CORE_EXT2TREE_H
#define PNB_CORE_EXT2TREE_H

#include <stddef.h>
#include <stdint.h>

struct ext2tree_stats {
	uint64_t files, dirs, links, specials, bytes;
};

/* Copies the filesystem at byte offset of image into dest, which must not exist yet or be an
 * empty directory; every entry is created new (O_EXCL, never through a link) beneath it.
 * Returns 0, or -1 with err naming the entry that failed (what was copied stays). */
int ext2tree_copy(const char *image, uint64_t offset, const char *dest, struct ext2tree_stats *st,
		  char *err, size_t errlen);

#endif
