/* tftp_dir — the one rule for where a Pi looks on the TFTP server: the directory name its
 * bootloader forms from tftp_prefix (serial, MAC with dashes, or a string), and the default
 * TFTP root. Render, lint, provision, the iSCSI check, the diagnosis and the virtual Pi all ask
 * here, so they cannot disagree on an edge case. */
#ifndef PNB_CORE_SITE_TFTP_DIR_H
#define PNB_CORE_SITE_TFTP_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/site/profile.h"

/* The TFTP root when the profile names none. */
#define SITE_DEFAULT_TFTP_ROOT "/srv/tftp"

/* Longest directory name: a 31-character TFTP_PREFIX_STR, a MAC with dashes (17), a serial. */
#define PI_TFTP_DIR_MAX 40

/* The site's TFTP root: tftp_root, or SITE_DEFAULT_TFTP_ROOT. Never NULL. */
const char *site_tftp_root(const struct site *s);

/* The directory name (no slashes) the Pi p asks under when its prefix is kind with string str
 * (str is used for TFTP_PREFIX_STRING only; one trailing '/' is dropped). The Pi 3 family's
 * bootcode.bin has no TFTP_PREFIX and always asks under its serial, whatever kind says.
 * Returns false, with out = "", when the profile lacks what the prefix needs (no serial, no
 * MAC, or no string). */
bool pi_tftp_dir_name_as(const struct pi *p, enum tftp_prefix_kind kind, const char *str,
			 char out[PI_TFTP_DIR_MAX]);
/* TFTP_PREFIX_NONE (the flat layout) gives true with out = "" for every model: the files live
 * in the TFTP root itself. */
/* The same for the Pi's own tftp_prefix. */
bool pi_tftp_dir_name(const struct pi *p, char out[PI_TFTP_DIR_MAX]);
/* ROOT/NAME for the site's TFTP root (heap string, caller frees), or NULL when
 * pi_tftp_dir_name fails. */
char *pi_tftp_dir_path(const struct site *s, const struct pi *p);

/* The EEPROM TFTP_PREFIX value that makes a Pi 4/5 ask where kind lays it out (the flat layout
 * is TFTP_PREFIX=1 with an empty TFTP_PREFIX_STR). */
int pi_tftp_prefix_setting(enum tftp_prefix_kind kind);
/* The TFTP_PREFIX_STR value for p's layout ("NAME/", or "" when flat; fallback names the
 * directory when the profile has no string), or NULL when the layout needs no string.
 * Heap string, caller frees. */
char *pi_tftp_prefix_str_setting(const struct pi *p, const char *fallback);
/* The profile spelling of kind: "serial", "mac", "string" or "none". */
const char *pi_tftp_prefix_word(enum tftp_prefix_kind kind);

#endif
