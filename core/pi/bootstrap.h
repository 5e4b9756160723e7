/* bootstrap — the files of an SD card that switches one Pi to network boot (spec eeprom-otp.md
 * §1.12, §3.4): Pi 4/5 families: recovery.bin + pieeprom.upd (BOOT_ORDER=0xf21 and the profile's
 * TFTP prefix) + pieeprom.sig + README.txt; Pi 3B/2B/CM3: config.txt with
 * program_usb_boot_mode=1 + README.txt. Used by `pinetboot eeprom bootstrap` and the wizard. */
#ifndef PNB_CORE_BOOTSTRAP_H
#define PNB_CORE_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/site/model.h"
#include "core/base/problems.h"
#include "core/site/profile.h"

struct bootstrap_opts {
	enum pi_model model;
	const struct pi *pi;      /* may be NULL: then no TFTP prefix is set */
	const char *eeprom;       /* the image, or NULL to search the firmware directory */
	const char *firmware_dir; /* NULL: $PINETBOOT_FIRMWARE_DIR or /lib/firmware/raspberrypi */
	int64_t timestamp;        /* update timestamp and .sig ts */
	const char *out_dir;      /* created when missing */
};

enum bootstrap_status {
	BOOTSTRAP_WRITTEN,     /* files written (listed in the result) */
	BOOTSTRAP_NOT_NEEDED,  /* 3B+: from the factory */
	BOOTSTRAP_IMPOSSIBLE,  /* no network boot on this model */
	BOOTSTRAP_FAILED,      /* see the problems */
};

struct bootstrap_result {
	char *files[6]; /* paths written, heap */
	size_t sizes[6];
	size_t n;
	char *message;  /* one line for the user, heap */
};

/* Writes the card files. Problems (no image, wrong family, unreadable recovery.bin, a write
 * error) go to ps. The result is filled in every case; release it with bootstrap_result_done. */
enum bootstrap_status bootstrap_card(const struct bootstrap_opts *o, struct bootstrap_result *res,
				     struct problems *ps);
void bootstrap_result_done(struct bootstrap_result *res);
/* The newest pieeprom-*.bin for family ("2711"/"2712") under dir (NULL = the default). Heap
 * path or NULL. */
char *bootstrap_find_image(const char *dir, const char *family);

#endif
