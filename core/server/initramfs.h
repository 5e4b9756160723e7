/* initramfs — what is inside the initramfs a Pi will load, and whether it can reach a network
 * root: log in to iSCSI, mount NFS. The image is what the kernel unpacks: one or more cpio
 * (newc) archives one after another, each plain or compressed (gzip, xz, zstd, lz4, bzip2,
 * lzma), e.g. a plain microcode cpio followed by a compressed main one. Read with libarchive.
 *
 * What counts (facts from open-iscsi's initramfs-tools hook and script, and dracut's iscsi and
 * nfs modules):
 *   initramfs-tools  iSCSI: iscsistart (sbin/ or usr/sbin/) and scripts/local-top/iscsi; the
 *                    hook copies etc/iscsi.initramfs only when /etc/iscsi/iscsi.initramfs
 *                    existed on the Pi (older hooks copy nothing at all without it).
 *                    NFS: scripts/nfs and klibc's nfsmount.
 *   dracut           iSCSI: its iscsi module (sbin/iscsiroot, iscsistart); NFS: its nfs module
 *                    (sbin/nfsroot). usr/lib/dracut/modules.txt lists the modules when present.
 * Used by lint --root, provision, simulate and the wizard's readiness step. */
#ifndef PNB_CORE_INITRAMFS_H
#define PNB_CORE_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>

struct initramfs_info {
	int segments;             /* cpio archives found */
	char compression[48];     /* "none+gzip": each segment's compression, in order */
	const char *generator;    /* "initramfs-tools", "dracut" or "unknown" (static) */
	size_t files;             /* entries over all segments */
	bool iscsistart;          /* sbin/iscsistart or usr/sbin/iscsistart */
	bool iscsi_script;        /* initramfs-tools scripts/local-top/iscsi */
	bool iscsi_marker;        /* etc/iscsi.initramfs (what the hook copies from the marker) */
	bool initiatorname;       /* etc/initiatorname.iscsi */
	bool dracut_iscsi;        /* dracut's iscsi module (sbin/iscsiroot or modules.txt) */
	bool iscsi_tcp_module;    /* lib/modules/…/iscsi_tcp.ko* (absent: built in, or missing) */
	bool has_modules;         /* lib/modules/ holds any module at all */
	bool nfs;                 /* can mount an NFS root (scripts/nfs + nfsmount, or dracut nfs) */
	bool iscsi;               /* can log in to an iSCSI root */
};

/* Inspects the initramfs image in data[0..len). Returns 0, or -1 with err set when it is not
 * an initramfs (no cpio archive could be read; e.g. a file of random bytes). */
int initramfs_inspect(const void *data, size_t len, struct initramfs_info *out, char *err,
		      size_t errlen);
/* The same for a file (read whole, at most 512 MiB). */
int initramfs_inspect_file(const char *path, struct initramfs_info *out, char *err,
			   size_t errlen);

/* One sentence saying why it cannot log in to iSCSI ("it has no iscsistart and no
 * scripts/local-top/iscsi: it was built without open-iscsi's hook …"), or NULL when it can.
 * Heap string, caller frees. */
char *initramfs_iscsi_gap(const struct initramfs_info *in);
/* The fix for that gap, for the initramfs' generator. Static string. */
const char *initramfs_iscsi_fix(const struct initramfs_info *in);

#endif
