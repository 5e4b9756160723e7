/* bootfiles — the boot files a Pi reads from its TFTP directory, as its firmware and
 * initramfs read them: what cmdline.txt tells the kernel and initramfs (the root device, the
 * iSCSI login parameters in any of the three flavours the initramfs understands:
 * initramfs-tools iscsi_*=, dracut rd.iscsi.* / netroot=iscsi:, RFC 4173 root=iscsi:; NFS root,
 * ip=) and config.txt's kernel/initramfs lines.
 * Facts: shared/spec/netboot-servers-and-failures.md §3.6 and §5. */
#ifndef PNB_CORE_BOOTFILES_H
#define PNB_CORE_BOOTFILES_H

#include <stdbool.h>

struct boot_params {
	char *root;       /* root= that names the filesystem ("UUID=…", "/dev/nfs"); NULL if none */
	bool iscsi;       /* iSCSI parameters present */
	const char *flavour; /* "initramfs-tools", "dracut", "rfc4173" (static strings) */
	char *initiator;  /* NULL: the initramfs would use /etc/initiatorname.iscsi */
	char *target;
	char *portal;     /* server address as written */
	int port;         /* 3260 when not given */
	int lun;          /* -1: not given (initramfs-tools logs into every LUN) */
	char *chap_user, *chap_password;
	char *nfsroot;    /* nfsroot= value */
	char *ip;         /* ip= value */
};

/* Parses a kernel command line. Returns 0, or -1 with *err set to a heap message (caller frees)
 * naming the word that is malformed. bp is filled as far as it could be and must be
 * bootparams_done()'d either way. */
int bootparams_parse(const char *cmdline, struct boot_params *bp, char **err);
void bootparams_done(struct boot_params *bp);

/* A udev by-path name of an iSCSI disk, as open-iscsi's udev rules make it:
 * /dev/disk/by-path/ip-PORTAL:PORT-iscsi-TARGET-IQN-lun-N[-partM]. */
struct iscsi_by_path {
	char portal[64];  /* "10.0.0.1:3260" */
	char target[224];
	int lun;
	int part;         /* 0 when the whole disk is named */
};
/* Parses path; false when it is not such a name. */
bool bootparams_by_path(const char *path, struct iscsi_by_path *bp);

/* The LUN the initramfs will take the root from: -1 (any LUN of the target: udev finds the
 * filesystem) when root= names a filesystem by UUID/PARTUUID/LABEL, the LUN in a by-path root=,
 * otherwise the LUN of the iscsi: root path (0 when not given: the Debian and dracut default,
 * while tgt starts at 1). */
int bootparams_root_lun(const struct boot_params *bp);

/* Parses an RFC 4173 / dracut iscsi: root path ("iscsi:[user:pass@]server:proto:port:[…:]lun:
 * target", the "iscsi:" already removed) into bp. Returns 0 or -1 when it is malformed. */
int bootparams_parse_iscsi_path(const char *path, struct boot_params *bp);

struct config_txt {
	char *kernel;     /* kernel= (NULL: the model's default) */
	char *initramfs;  /* initramfs FILE [followkernel|ADDR] */
	char *start_file; /* start_file= */
	bool auto_initramfs; /* auto_initramfs=1: the initramfs named after the kernel */
};

/* Parses config.txt text (conditional [sections] are applied naively: [all], [pi4], [pi5] …
 * matching filter, others skipped). filter is the model's section name ("pi4") or NULL. The
 * caller owns ct and releases it with config_txt_done. */
void config_txt_parse(const char *text, const char *filter, struct config_txt *ct);
void config_txt_done(struct config_txt *ct);

#endif
