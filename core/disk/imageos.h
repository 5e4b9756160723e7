/* imageos — which OS release an image (or a flashed card) carries, read from its ext root
 * filesystem with libext2fs (nothing mounted): /etc/os-release, else /etc/debian_version. It
 * decides where that OS mounts the boot partition (Bookworm and Ubuntu: /boot/firmware; Buster,
 * Bullseye and older Raspbian: /boot), which first-boot customisation must name. */
#ifndef PNB_CORE_IMAGEOS_H
#define PNB_CORE_IMAGEOS_H

#include <stdbool.h>

struct imageos {
	bool known;           /* a release was read from the root filesystem */
	int major;            /* Debian major version (10 buster, 11 bullseye, 12 bookworm), 0 = not Debian */
	char name[96];        /* PRETTY_NAME or "Debian N", printable ASCII only */
	const char *boot_dir; /* "/boot" or "/boot/firmware" (the latter when unknown) */
	bool userconf;        /* the OS reads userconf.txt (userconf-pi is installed, April 2022 on) */
};

/* Fills os from the first ext partition of target (image file or block device). Never fails:
 * an unreadable or missing root leaves known false and boot_dir "/boot/firmware". */
void imageos_probe(const char *target, struct imageos *os);

/* The same decision from the text of /etc/os-release and /etc/debian_version (either NULL). */
void imageos_parse(const char *os_release, const char *debian_version, struct imageos *os);

#endif
