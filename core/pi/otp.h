/* otp — `vcgencmd otp_dump` text (spec eeprom-otp.md §3): rows 8–66 as "NN:xxxxxxxx". The
 * parser is tolerant (extra lines, blanks, CRLF, spaces, upper-case hex) and reports garbage and
 * truncation as problems; the verdicts answer "can this Pi 3 network boot?" and "is the serial
 * intact?". */
#ifndef PNB_CORE_OTP_H
#define PNB_CORE_OTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/problems.h"

#define OTP_ROWS 67 /* rows 0..66; otp_dump prints 8..66 */
#define OTP_ROW17_USB_HOST_BOOT 0x20000000u
#define OTP_ROW17_FACTORY 0x1020000au
#define OTP_ROW17_NETBOOT 0x3020000au

struct otp_dump {
	bool have[OTP_ROWS];
	uint32_t row[OTP_ROWS];
	int line[OTP_ROWS]; /* where each row was read, for messages */
	size_t n_rows;      /* rows read */
};

/* Parses text (len bytes, need not be NUL-terminated) into d. `file` names the input in
 * problems. Returns 0 when the dump has rows 17, 28 and 29 (usable), -1 otherwise; every bad
 * line, duplicate and missing row is added to ps. */
int otp_parse(const char *text, size_t len, const char *file, struct otp_dump *d,
	      struct problems *ps);

enum otp_boot_verdict {
	OTP_BOOT_UNKNOWN,     /* row 17 missing */
	OTP_BOOT_ENABLED,     /* bit 29 set in row 17 */
	OTP_BOOT_NOT_ENABLED, /* bit 29 clear: program_usb_boot_mode=1 needed */
};

struct otp_verdict {
	enum otp_boot_verdict boot;
	uint32_t row17;
	bool row18_mismatch;     /* row 18 present and != row 17 */
	bool has_serial;
	uint32_t serial;         /* row 28 */
	bool serial_ok;          /* row 29 == ~row 28 */
	bool has_revision;
	uint32_t revision;       /* row 30 */
};

/* Evaluates the rows in d. Adds findings (with file and line) to ps: row 17 not enabled,
 * 17/18 disagree, serial/complement mismatch. */
void otp_evaluate(const struct otp_dump *d, const char *file, struct otp_verdict *v,
		  struct problems *ps);

#endif
