/* drives — whole disks a user could flash, found with libudev: vendor/model/serial, size, bus,
 * removable, read-only, partitions and holders (dm/LVM/md), whether any of them is mounted
 * (/proc/self/mountinfo) or backs the running system (/, /boot, /usr, swap, …), and a
 * classification that the CLI and the wizard use to refuse unsafe targets. A udev monitor gives
 * an fd for a poll loop so lists update as cards come and go.
 *
 * Test hooks: PNB_MOUNTINFO and PNB_SWAPS name files read instead of /proc/self/mountinfo and
 * /proc/swaps (umockdev fakes /sys and /dev, not /proc). */
#ifndef PNB_CORE_DRIVES_H
#define PNB_CORE_DRIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DRIVE_BUSES(X)                                                                             \
	X(BUS_UNKNOWN, "unknown") X(BUS_USB, "usb") X(BUS_MMC, "mmc") X(BUS_SDIO, "sdio")           \
	X(BUS_NVME, "nvme") X(BUS_ATA, "ata") X(BUS_SCSI, "scsi") X(BUS_VIRTIO, "virtio")           \
	X(BUS_LOOP, "loop")
#define DRIVE_ENUM(id, name) id,
enum drive_bus { DRIVE_BUSES(DRIVE_ENUM) BUS_COUNT };
#undef DRIVE_ENUM
extern const char *const drive_bus_names[BUS_COUNT];

enum drive_class { DRIVE_SAFE, DRIVE_SYSTEM, DRIVE_READONLY, DRIVE_MOUNTED, DRIVE_TOO_SMALL };
extern const char *const drive_class_names[]; /* "safe", "system", "read-only", "mounted", "too small" */

struct drive {
	char *name;     /* "sda" */
	char *devnode;  /* "/dev/sda" */
	char *vendor, *model, *serial; /* "" when unknown, never NULL */
	uint64_t size;  /* bytes */
	enum drive_bus bus;
	bool removable, readonly;
	dev_t devnum;
	char **parts;   /* partition names ("sda1"); n_parts */
	size_t n_parts;
	char **holders; /* dm/md/LVM devices stacked on it, recursively ("dm-0") */
	size_t n_holders;
	char **mounts;  /* "sda1 on /media/card", one per mount of the disk, a partition or holder */
	size_t n_mounts;
	bool mounted;
	bool system;
	char *system_why; /* e.g. "sda2 holds /" or NULL; a mount of / wins over others, swap last */
	int system_rank;  /* how strong system_why is (internal) */
	char *backing;    /* loop devices: the backing file, else NULL */
};

struct drive_list {
	struct drive *d;
	size_t n;
};

/* Enumerates whole disks (skipping ram, zram, empty loop devices, CD drives, eMMC boot areas
 * and dm/md devices, which show up as holders instead). Returns 0, or -1 with err set. The
 * caller releases out with drive_list_done. */
int drives_scan(struct drive_list *out, char *err, size_t errlen);
void drive_list_done(struct drive_list *l);
/* The drive whose devnode is path (symlinks such as /dev/disk/by-id/… resolved), or NULL. */
const struct drive *drive_list_find(const struct drive_list *l, const char *path);

/* The first reason to refuse d as a target for an image of image_size bytes (0 = unknown), in
 * the order system, read-only, mounted, too small; DRIVE_SAFE otherwise. */
enum drive_class drive_classify(const struct drive *d, uint64_t image_size);
/* One-line reason for the class, e.g. "sda2 is mounted on /media/x"; heap string, caller frees. */
char *drive_class_reason(const struct drive *d, uint64_t image_size);

/* The one drive-safety rule both faces (flash, the wizard's Flash step) and provision follow. */
enum drive_verdict {
	DRIVE_CONFIRM,	/* safe: write after the operator confirms */
	DRIVE_OVERRIDE, /* unsafe (system, read-only, mounted, not a whole disk): only an explicit
			 * override (--force, the wizard's "Override") writes */
	DRIVE_REFUSE,	/* never: the image does not fit, or the drives cannot be read */
};
/* The verdict on d (NULL: the path named no whole disk) for an image of image_size bytes
 * (0 = unknown), with the reason in *why (heap string, caller frees; "safe" for CONFIRM). */
enum drive_verdict drive_verdict(const struct drive *d, uint64_t image_size, char **why);
/* The same for the block device at path: scans the drives and finds it first. */
enum drive_verdict drive_verdict_path(const char *path, uint64_t image_size, char **why);

/* The same rule for any target path a writer (flash, provision) is given: a block device gets
 * drive_verdict_path; a regular file is CONFIRM, but OVERRIDE when it is a symbolic link or has
 * other names (hard links: writing it changes them too); a directory, FIFO, socket or
 * character device is REFUSE. *holds_data says whether writing destroys something (a disk, a
 * non-empty file), so the caller asks or wants --yes/--force. why as drive_verdict. */
enum drive_verdict drive_verdict_target(const char *path, uint64_t image_size, bool *holds_data,
					char **why);

/* Hotplug monitor over udev block events. */
struct drive_monitor;
enum drive_event_kind { DRIVE_EVENT_ADD, DRIVE_EVENT_REMOVE, DRIVE_EVENT_CHANGE };
struct drive_event {
	enum drive_event_kind kind;
	char name[64];
};
/* Returns a monitor the caller frees with drive_monitor_free, or NULL with err set. */
struct drive_monitor *drive_monitor_new(char *err, size_t errlen);
void drive_monitor_free(struct drive_monitor *m);
/* An fd that becomes readable when events wait (for poll). */
int drive_monitor_fd(const struct drive_monitor *m);
/* Takes one pending whole-disk event; returns 1 with ev filled, 0 when none is pending. */
int drive_monitor_next(struct drive_monitor *m, struct drive_event *ev);

/* The drive list and a monitor of its changes, in the order that loses no drive: the monitor
 * listens before the drives are enumerated, so a drive that comes or goes meanwhile leaves an
 * event waiting. The same drive may then be both in out and in an early event: callers rescan
 * on events and compare the new list with the last one, which reports it neither twice nor as
 * removed. Returns the monitor (caller frees it with drive_monitor_free, and out with
 * drive_list_done), or NULL with err set and out empty. */
struct drive_monitor *drive_watch_start(struct drive_list *out, char *err, size_t errlen);

#endif
