/* bootfiles — the boot files a Pi reads from its TFTP directory, as its firmware and
 * initramfs read them: what cmdline.txt tells the kernel and initramfs (the root device, the
 * iSCSI login parameters in any of the three flavours the initramfs understands:
 * initramfs-tools iscsi_*=, dracut rd.iscsi.* / netroot=iscsi:, RFC 4173 root=iscsi:; NFS root,
 * ip=) and config.txt's kernel/initramfs lines.
 * Facts: shared/spec/netboot-servers-and-failures.md §3.6 and §5. */
#ifndef PNB_CORE_BOOTFILES_H
#define PNB_CORE_BOOTFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/site/model.h"
#include "core/site/profile.h"

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

/* ---- config.txt, read the way the firmware reads it -------------------------------------------
 * Facts (Raspberry Pi config.txt documentation, firmware issue threads): the last value of a key
 * wins; conditional sections filter the lines after them: [all] ends every filter, [none] applies
 * nothing, model filters ([pi3] [pi3+] [pi4] [pi400] [cm4] [pi5] …) replace one another, a serial
 * filter [0x511e57f7] and the other kinds ([gpio…] [EDID=…] [HDMI:…] [tryboot]) are ANDed with
 * them until [all]. The kernel is kernel= when given, else chosen by arm_64bit and the model;
 * the initramfs is the `initramfs FILE …` line (or ramfsfile=), else with auto_initramfs=1 the
 * one named after the kernel (kernel8.img → initramfs8). */

/* The board that reads the file: its model decides the model filters, its serial (8 lowercase
 * hex digits, or NULL when unknown) the serial filter. */
struct config_board {
	enum pi_model model;
	const char *serial;
};

struct config_txt {
	char *kernel;     /* kernel= (NULL: the firmware's default for the board) */
	char *initramfs;  /* initramfs FILE [followkernel|ADDR], or ramfsfile= */
	char *start_file; /* start_file= */
	int arm_64bit;    /* arm_64bit=: 0 or 1, -1 when not set (the board's default applies) */
	bool auto_initramfs; /* auto_initramfs=1: the initramfs named after the kernel */
	bool ends_filtered;  /* a conditional section is still open at the end: a line appended
			      * there applies only where that filter matches */
};

/* Parses config.txt text for board b. The caller owns ct and releases it with
 * config_txt_done. */
void config_txt_parse(const char *text, const struct config_board *b, struct config_txt *ct);
void config_txt_done(struct config_txt *ct);

/* The kernel file names the firmware of model m looks for under ct, best first: kernel= alone
 * when set; else by arm_64bit (when it is not set, every name the model's firmware of any age
 * may pick: a Pi 4 prefers kernel8.img since 2023 and kernel7l.img before, a Pi 3 prefers
 * kernel7.img and takes kernel8.img when it is the only one). Fills out (pointers into ct or
 * static strings); returns the count (1..4). */
size_t config_txt_kernels(const struct config_txt *ct, enum pi_model m, const char *out[4]);
/* The initramfs the firmware loads with kernel: the one config.txt names, else the one
 * auto_initramfs=1 names after a kernel*.img kernel; NULL for none. *automatic says which.
 * Heap string, caller frees. */
char *config_txt_initramfs(const struct config_txt *ct, const char *kernel, bool *automatic);
/* "kernel8.img" or "kernel8.img, kernel7l.img or kernel7.img": the names for a message.
 * Heap string, caller frees. */
char *config_txt_kernel_list(const char *const names[], size_t n);

/* The lines pinetboot adds to the config.txt of Pi p: kernel= and the initramfs line when the
 * profile names them (kernel = FILE, initramfs = FILE), each after a comment saying why; ""
 * when the profile leaves both to the OS (auto, none). export, apply and provision all add
 * exactly these. Heap string, caller frees. */
char *config_txt_profile_lines(const struct pi *p);

/* The existing config.txt text old plus the lines of add it lacks, appended where the firmware
 * applies them to every board: after an [all] line when old ends inside a conditional section.
 * Comment lines of add are kept only when a setting is added with them. Heap string, caller
 * frees; *out_len is its length. */
char *config_txt_merge(const char *old, size_t old_len, const char *add, size_t *out_len);

#endif
