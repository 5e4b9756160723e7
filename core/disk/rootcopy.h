/* rootcopy — a running Pi's root filesystem brought to the server: a tar stream (from the Pi,
 * over ssh) unpacked with libarchive into a directory, owners, modes, links, ACLs and xattrs
 * kept, nothing written outside that directory; and a Raspberry Pi OS–shaped disk image made
 * from such a directory and the boot files (MBR, FAT boot partition, ext4 root with a chosen
 * UUID), which core/disk/flash then writes to the iSCSI backing with its verify. */
#ifndef PNB_CORE_ROOTCOPY_H
#define PNB_CORE_ROOTCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called now and then with the bytes read from the stream and entries unpacked so far. */
typedef void (*rootcopy_progress_fn)(uint64_t bytes, uint64_t entries, void *ud);

/* Unpacks the tar stream on fd into dir (created if missing), as root keeps numeric owners.
 * Refuses entries that climb out of dir (.., absolute paths, through symlinks); with plain_only
 * (boot files: a FAT has nothing else, and the TFTP server would follow a link anywhere) also
 * anything that is not a regular file or a directory. Returns 0, or -1 with err saying which
 * entry failed. Reads fd to its end either way. */
int rootcopy_untar(int fd, const char *dir, bool plain_only, rootcopy_progress_fn progress,
		   void *ud, char *err, size_t errlen);

/* Bytes the files under dir use (du's apparent size rounded to 4 KiB blocks), or 0. */
uint64_t rootcopy_tree_bytes(const char *dir);

struct rootcopy_image {
	const char *path;     /* image file written (created or replaced) */
	uint64_t size;        /* total bytes; the root partition takes what the boot one leaves */
	const char *boot_dir; /* files of the boot partition */
	const char *root_dir; /* the root tree */
	const char *uuid;     /* ext4 UUID of the root */
	uint32_t disk_id;     /* MBR disk identifier */
};

/* Writes the image: MBR with p1 FAT (at 1 MiB, sized for boot_dir with room to spare, label
 * bootfs) and p2 ext4 (label rootfs, populated from root_dir by mke2fs -d, which keeps owners,
 * modes, hard links and xattrs). Sparse. Returns 0, or -1 with err naming the tool that failed.
 * *root_off gets the byte offset of p2. */
int rootcopy_make_image(const struct rootcopy_image *im, uint64_t *root_off, char *err,
			size_t errlen);

/* The smallest image size that holds boot_dir and root_dir with room to spare (bytes, MiB
 * aligned): what a profile without size = gets. */
uint64_t rootcopy_min_size(const char *boot_dir, const char *root_dir);

#endif
