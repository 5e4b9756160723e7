/* rootident — a copied root tree made one Pi's own: its host name (/etc/hostname and the
 * 127.0.1.1 line of /etc/hosts) and no ssh host keys shared with every other copy of the image
 * (Raspberry Pi OS's regenerate_ssh_host_keys service makes new ones at first boot). Written
 * beneath the tree with core/base/fsutil (no link followed, nothing mounted): what provision
 * does after ext2tree_copy for an NFS root. */
#ifndef PNB_CORE_ROOTIDENT_H
#define PNB_CORE_ROOTIDENT_H

#include <stdbool.h>
#include <stddef.h>

struct rootident_result {
	int keys_removed; /* ssh_host_* files deleted from /etc/ssh */
	bool regen;       /* the tree has regenerate_ssh_host_keys (enabled here if it was not) */
};

/* Sets hostname (an RFC 1123 label, checked) in the tree at root and, when the tree has the
 * regenerate_ssh_host_keys service, removes /etc/ssh/ssh_host_* (without it they are kept:
 * sshd would have none). Returns 0, or -1 with err naming the file that failed. */
int rootident_apply(const char *root, const char *hostname, struct rootident_result *res,
		    char *err, size_t errlen);

#endif
