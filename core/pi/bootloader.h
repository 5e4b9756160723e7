/* bootloader — the running Pi 4/5 bootloader's version (`vcgencmd bootloader_version`, spec
 * eeprom-otp.md §1.10) and the minimum releases for network boot features (§2.7). */
#ifndef PNB_CORE_BOOTLOADER_H
#define PNB_CORE_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pi/bootconf.h"
#include "core/base/problems.h"

#define BOOTLOADER_FIRST_VERSION 1557513636 /* first production release, printed as 0 */

struct bootloader_version {
	char date[24];        /* "2023/01/11 17:40:52" */
	char hash[48];        /* git hash */
	int64_t timestamp;    /* BUILD_TIMESTAMP; 0 = unknown */
	int64_t update_time;  /* -1 = not given */
	bool has_caps;
	uint32_t capabilities;
};
#define BOOTLOADER_CAP_NETWORK 0x2u

/* Parses the output of `vcgencmd bootloader_version`. Returns 0 when a timestamp was found,
 * -1 (with a problem naming file) otherwise. */
int bootloader_version_parse(const char *text, size_t len, const char *file,
			     struct bootloader_version *bv, struct problems *ps);

/* For each network feature the effective config for t uses (BOOT_ORDER nibbles 2/7, TFTP_PREFIX,
 * static IP, MAC_ADDRESS_OTP, USE_IPV6, self-update …) adds a problem when build_ts predates
 * the first release with it for family ("2711"/"2712"), a warning when it predates the
 * recommended one. build_ts 0 = unknown (nothing checked). Returns the number of errors. */
int bootloader_check_features(const struct bootconf *bc, const struct bootconf_target *t,
			      const char *family, int64_t build_ts, const char *file,
			      struct problems *ps);
/* "2020-04-16" for a unix time (UTC), into out[11]. */
void bootloader_date(int64_t ts, char out[11]);

#endif
