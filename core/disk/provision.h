/* provision — the server side of one Pi from its OS image: the iSCSI backing file written sparse
 * (core/flash), grown to the profile's size with the last partition and its ext4 grown to fill
 * it (sfdisk, e2fsck, resize2fs at an offset; the filesystem UUID is kept), and the Pi's TFTP
 * directory filled from the image's boot partition with mtools (no mounting), with cmdline.txt
 * pointing at the network root and config.txt loading the initramfs. */
#ifndef PNB_CORE_PROVISION_H
#define PNB_CORE_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/disk/flash.h"
#include "core/site/profile.h"

struct provision_result {
	char *backing;      /* the backing file written */
	uint64_t size;      /* its size */
	int root_part;      /* partition grown (the last one) */
	char root_uuid[40]; /* filesystem UUID of that partition */
	char *tftp_dir;     /* the Pi's TFTP directory */
	size_t tftp_files;  /* files copied there */
	struct flash_result flash;
	char note[512];     /* e.g. "partition 2 grown from 1.7 GiB to 15.7 GiB" */
	char boot_note[768]; /* what the boot files say: bootcode.bin copied to the TFTP root,
			      * the initramfs config.txt loads and whether it can reach the root */
};

/* The Pi's TFTP directory under the site's tftp_root ("511e57f7", "dc-a6-32-1c-6a-2a", or the
 * prefix string). Heap string, caller frees. NULL (with err) when the profile lacks the serial
 * or MAC the prefix needs. */
char *provision_tftp_dir(const struct site *s, const struct pi *p, char *err, size_t errlen);

/* Does it all for p. tftp_root overrides s->tftp_root when not NULL (tests, staging). The
 * backing passes drive_verdict_target first: one that holds data (a disk, an earlier root) or
 * is unsafe (a system or mounted disk, a link, a hard-linked file) is written only with force.
 * Returns 0, or -1 with err saying which step failed and what was left behind. The caller
 * releases r with provision_result_done. */
int provision_pi(const struct site *s, const struct pi *p, const char *tftp_root, bool force,
		 flash_progress_fn progress, void *ud, struct provision_result *r, char *err,
		 size_t errlen);
void provision_result_done(struct provision_result *r);

/* The UUID of the ext filesystem at offset in path, as text into out[40]. Returns 0 or -1. */
int provision_ext_uuid(const char *path, uint64_t offset, char out[40]);

#endif
