/* customize — edits the FAT boot partition of an image file, a backing file or a flashed device
 * without mounting it: the partition table is parsed (fsmap) and mtools reads and writes the
 * FAT at that offset (`-i target@@offset`). It turns on ssh, writes a first-boot user
 * (userconf.txt with a crypt(3) hash), an authorized key and host name (firstrun.sh, run once by
 * systemd as rpi-imager does), config.txt lines, and cmdline.txt for the site's network root.
 * Also: build a FAT32 card image from a directory (the bootstrap card of `eeprom bootstrap`). */
#ifndef PNB_CORE_CUSTOMIZE_H
#define PNB_CORE_CUSTOMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/site/profile.h"

struct customize {
	bool ssh;              /* create the empty `ssh` file */
	char *hostname;        /* NULL = leave */
	char *user;            /* userconf.txt user, with password_hash */
	char *password_hash;   /* crypt(3) hash */
	char *authorized_key;  /* one public key line, NULL = none */
	char **config_lines;   /* lines config.txt must contain (added under [all] when missing) */
	size_t n_config;
	char *cmdline;         /* the whole new cmdline.txt line, NULL = leave */
	/* set by customize_apply: */
	const char *boot_dir;  /* where the image's OS mounts the boot partition (static string) */
	char note[320];        /* the OS found and what that means, for the operator */
};

void customize_init(struct customize *c);
void customize_done(struct customize *c);
void customize_add_config(struct customize *c, const char *line);
/* Hashes password with crypt(3) (yescrypt when libcrypt has it, else SHA-512) into
 * c->password_hash; returns 0 or -1. */
int customize_set_password(struct customize *c, const char *user, const char *password);

/* The kernel command line for a Pi whose root is on the site's iSCSI target or NFS export:
 * the console= and other options of old (may be NULL) kept, root=, rootfstype, init=, ip= and
 * any iSCSI/NFS words replaced by render_root_args (the export's own builder). root_uuid names
 * the root filesystem (NULL: the profile's root_uuid, else the iSCSI by-path device).
 * Heap string, caller frees. */
char *customize_network_cmdline(const struct site *s, const struct pi *p, const char *old,
				const char *root_uuid);

/* Where the boot FAT is: offset of the first FAT partition (or 0 for a bare FAT). Returns 0
 * or -1 with err set. */
int customize_find_boot(const char *target, uint64_t *offset, char *err, size_t errlen);

/* Applies c to the boot FAT of target, naming the boot partition as the OS in target's root
 * filesystem mounts it (imageos: /boot before Bookworm, /boot/firmware since), and fills
 * c->boot_dir and c->note. Host name, key and user are validated first. Returns 0, or -1 with
 * err naming the step that failed. */
int customize_apply(const char *target, struct customize *c, char *err, size_t errlen);

/* An RFC 1123 host label (1 to 63 of a-z, A-Z, 0-9, '-', no '-' at either end). */
bool customize_hostname_ok(const char *s);

/* config.txt text with each of lines present: missing ones are appended, after an [all]
 * header when the file ends inside a conditional section. Heap string, caller frees. */
char *customize_config_edit(const char *old, char *const *lines, size_t n);

/* Reads one file of the boot FAT into a heap string (caller frees), or NULL when missing. */
char *customize_read_file(const char *target, uint64_t offset, const char *name);
/* Writes data as file name in the boot FAT (replacing it). Returns 0 or -1. */
int customize_write_file(const char *target, uint64_t offset, const char *name, const char *data,
			 size_t len, char *err, size_t errlen);

/* The mtools image spec for the FAT at byte offset off of target ("IMG@@OFF"; heap string,
 * caller frees); also tells mtools not to check floppy geometry. */
char *customize_mtools_spec(const char *target, uint64_t off);

#endif
