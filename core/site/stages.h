/* stages — the eight boot stages of a network-booting Pi (DESIGN.md's table), one vocabulary
 * for everyone who speaks of them: the monitor's diagnosis, the virtual Pi and iscsi-check of
 * the lab, and both faces. Data only; includes nothing of the project. */
#ifndef PNB_CORE_SITE_STAGES_H
#define PNB_CORE_SITE_STAGES_H

enum boot_stage {
	STAGE_NONE = 0,
	STAGE_DISCOVER = 1,     /* ROM DHCP discover */
	STAGE_OFFER = 2,        /* boot offer with option 43 + TFTP server */
	STAGE_BOUND = 3,        /* REQUEST/ACK (Pi 3 ROM: the usable offer) */
	STAGE_TFTP_FIRMWARE = 4,
	STAGE_TFTP_KERNEL = 5,
	STAGE_KERNEL_NET = 6,   /* kernel/initramfs DHCP */
	STAGE_ROOT_LOGIN = 7,   /* iSCSI login accepted / NFS MOUNT ok */
	STAGE_ROOT_IN_USE = 8,  /* SCSI reads / NFS reads flowing */
	STAGE_COUNT = 9
};

enum stage_state { STATE_NOT_SEEN, STATE_IN_PROGRESS, STATE_DONE, STATE_FAILED };

extern const char *const boot_stage_names[STAGE_COUNT]; /* "ROM DHCP discover", … */
/* What completes each stage on the wire (DESIGN.md's table), one sentence each. */
extern const char *const boot_stage_help[STAGE_COUNT];

#endif
