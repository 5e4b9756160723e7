/* bootconf — the Pi 4/5 bootloader configuration text (bootconf.txt, `vcgencmd
 * bootloader_config`; spec eeprom-otp.md §2): parse, validate keys/types/ranges, section filters,
 * BOOT_ORDER in words, and the effective configuration for one Pi. */
#ifndef PNB_CORE_BOOTCONF_H
#define PNB_CORE_BOOTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/site/model.h"
#include "core/base/problems.h"

#define BOOTCONF_LINE_MAX 98 /* characters past this are ignored by the bootloader */

/* The filter state in force for a line: filters of one kind replace each other, different kinds
 * combine (AND), [all] resets everything. */
struct bootconf_filter {
	bool none;            /* [none] */
	char model[8];        /* "pi4", "pi400", "cm4", "cm4s", "pi5", "cm5", "pi500" or "" */
	int board_type;       /* [board-type=0xNN], -1 = any */
	bool has_serial;
	uint32_t serial;      /* [0x12345678] */
	bool runtime;         /* [gpioN=x], [tryboot], [partition=N], [boot_partition=N] */
	bool unsupported;     /* [EDID=…] or a filter the bootloader does not know */
	char text[40];        /* the last filter line, for messages: "[pi4]" */
};

struct bootconf_entry {
	char *key;
	char *value;
	int line;
	bool known; /* in the key table */
	struct bootconf_filter filter;
};

struct bootconf {
	char *file;
	struct bootconf_entry *entries;
	size_t n, cap;
	int config_txt_line; /* line of a [config.txt] section (0 = none): the rest is config.txt */
};

/* Parses and validates text (len bytes) as bootconf.txt; file names it in problems (may be
 * NULL). bc is initialised here; release it with bootconf_done. Returns 0 when there are no
 * errors (warnings allowed), -1 otherwise. */
int bootconf_parse(const char *text, size_t len, const char *file, struct bootconf *bc,
		   struct problems *ps);
void bootconf_done(struct bootconf *bc);

/* The Pi a configuration is evaluated for. */
struct bootconf_target {
	enum pi_model model;
	int board_type;   /* revision type field; -1: take it from the model table */
	bool has_serial;
	uint32_t serial;
};

/* The entry that takes effect for key on target (the last matching line), or NULL: then the
 * bootloader's default applies. */
const struct bootconf_entry *bootconf_lookup(const struct bootconf *bc,
					     const struct bootconf_target *t, const char *key);
/* True when the line's filters select target (runtime filters count as not selected). */
bool bootconf_filter_matches(const struct bootconf_filter *f, const struct bootconf_target *t);

/* BOOT_ORDER: "0xf21" → 0xf21 and the digits as written (right to left = order tried). */
struct boot_order {
	uint32_t value;
	char digits[9]; /* lowercase hex digits as written, without 0x */
};
bool boot_order_parse(const char *s, struct boot_order *bo);
/* "SD card, then network, then restart". Heap string, caller frees. */
char *boot_order_describe(const struct boot_order *bo);
/* Whether the network nibble (2) is reached: it appears before a mode that never returns
 * (stop, restart loops back, rpiboot waits forever, SD card detect waits). */
bool boot_order_reaches(const struct boot_order *bo, unsigned mode);
/* Name of one mode nibble: "network", "SD card", … */
const char *boot_order_mode_name(unsigned nibble);
/* The built-in default when BOOT_ORDER is absent or empty: 0xf41. */
#define BOOT_ORDER_DEFAULT "0xf41"

/* Checks one KEY=value the way the parser does. Returns NULL when fine, else a heap message
 * (caller frees): unknown key, or what the value should look like. */
char *bootconf_check_value(const char *key, const char *value);

/* Sets KEY=value pairs (assign[i] = "KEY=value") in the text of a bootconf.txt: the last
 * unfiltered (or [all]) line of each key is rewritten in place; a missing key is added at the
 * end of the unfiltered part (before the first other filter). Comments, order and the other
 * lines are kept. Returns a heap string (caller frees), or NULL with a problem in ps for an
 * unknown key or a bad value. */
char *bootconf_edit(const char *text, size_t len, char *const *assign, size_t n,
		    struct problems *ps);

#endif
