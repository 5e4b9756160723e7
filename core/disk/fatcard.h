/* fatcard — a FAT32 card image made from a directory (for cards whose boot files are a
 * directory, e.g. an unpacked firmware tree). */
#ifndef PNB_CORE_DISK_FATCARD_H
#define PNB_CORE_DISK_FATCARD_H

#include <stddef.h>

/* Builds img_path: an MBR disk image with one FAT32 partition (at 4 MiB) holding exactly the
 * files under dir (mkfs.vfat --offset + mcopy). Returns 0 or -1 with err. */
int fatcard_build(const char *dir, const char *img_path, char *err, size_t errlen);

#endif
