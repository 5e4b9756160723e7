/* model — the one table of Raspberry Pi models and what network boot needs on each.
 * Used by profile validation, the config generator, the monitor and the readiness check.
 * Facts: shared/spec/eeprom-otp.md §3.4, §4.1, §5 and netboot-servers-and-failures.md §3. */
#ifndef PNB_CORE_MODEL_H
#define PNB_CORE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

enum pi_model {
	PI_MODEL_UNKNOWN = 0,
	PI_2B,     /* 2B v1.2 (BCM2837) */
	PI_3B,
	PI_3BPLUS,
	PI_3APLUS,
	PI_CM3,
	PI_CM3PLUS,
	PI_4B,
	PI_400,
	PI_CM4,
	PI_5,
	PI_500,
	PI_CM5,
	PI_MODEL_COUNT
};

/* How network boot gets switched on for a model. */
enum netboot_enable {
	NETBOOT_NEVER,   /* no Ethernet / no ROM support */
	NETBOOT_OTP,     /* program_usb_boot_mode=1 once (OTP row 17 bit 29) */
	NETBOOT_FACTORY, /* on from the factory (3B+) */
	NETBOOT_EEPROM,  /* BOOT_ORDER with nibble 2 in the bootloader EEPROM */
};

/* How the Pi names its per-device TFTP directory by default. */
enum tftp_prefix_kind {
	TFTP_PREFIX_SERIAL = 0, /* EEPROM TFTP_PREFIX=0 / Pi 3 bootcode.bin serial probe */
	TFTP_PREFIX_STRING = 1, /* TFTP_PREFIX=1 with TFTP_PREFIX_STR */
	TFTP_PREFIX_MAC = 2,    /* TFTP_PREFIX=2, dc-a6-32-01-36-c2/ */
	TFTP_PREFIX_NONE = 3,   /* flat: TFTP_PREFIX=1 with an empty TFTP_PREFIX_STR; a Pi 3 with
	                         * no serial directory */
};

struct pi_model_info {
	enum pi_model model;
	const char *name;      /* profile spelling: "4B", "3B+", "CM4" */
	const char *long_name; /* "Raspberry Pi 4 Model B" */
	const char *soc;       /* "BCM2711" */
	uint8_t rev_type;      /* new-style revision code type field */
	enum netboot_enable enable;
	bool ethernet;             /* onboard Ethernet (CM3: only via a carrier LAN951x) */
	bool rom_dhcp_no_request;  /* Pi 3 ROM boots from the OFFER, never REQUESTs */
	bool needs_menu_spaces;    /* "Raspberry Pi Boot   " (3 trailing spaces) required */
	bool proxy_reply_delay;    /* dnsmasq proxy needs dhcp-reply-delay (Pi 3 ROM loop) */
	bool tftp_onlink_only;     /* TFTP server must be on the Pi's subnet (3B ROM) */
	bool fetches_bootcode;     /* asks for bootcode.bin from the TFTP root first */
	bool tftp_prefix_settable; /* EEPROM TFTP_PREFIX exists (Pi 4/5) */
	const char *eeprom_family; /* "2711", "2712", or NULL */
	const char *bootconf_filter; /* "pi4", "pi5", ... or NULL */
	const char *firmware;      /* space-separated firmware files asked for under the prefix */
	const char *dtb;           /* device tree the firmware asks for */
	const char *kernel;        /* default 64-bit kernel name */
	const char *dhcp_guid_fourcc; /* "RPi4" / "RPi5" in option 97, NULL if not used */
	int discover_retries;      /* DISCOVERs before the ROM gives up (0: keeps going) */
	int discover_interval_ms;
};

/* Returns the entry for m (PI_MODEL_UNKNOWN has an entry too). Never NULL. */
const struct pi_model_info *model_info(enum pi_model m);
/* Case-insensitive lookup of a profile spelling ("4b", "3B+", "3bplus", "pi4", "cm4").
 * Returns PI_MODEL_UNKNOWN when the name is not a model. */
enum pi_model model_from_name(const char *name);
/* "2B, 3B, 3B+, 3A+, CM3, CM3+, 4B, 400, CM4, 5, 500, CM5" — for error messages. */
const char *model_names_list(void);
/* Pi 3 family: BCM2837 ROM boot (2B v1.2, 3B, 3B+, 3A+, CM3, CM3+). */
bool model_is_pi3_family(enum pi_model m);
bool model_uses_eeprom(enum pi_model m);

/* ---- Revision codes (spec eeprom-otp.md §4.1) ---------------------------------------------- */

/* One decoded revision code, new style (bit 23 set) or old style (0002–0015, with an optional
 * over-voltage "1000" prefix). Plain data; the strings point at static tables. */
struct pi_revision {
	uint32_t code;
	bool new_style;
	enum pi_model model;      /* the model-table entry; PI_MODEL_UNKNOWN for boards outside it */
	uint8_t type;             /* new-style type field; 0xff for old style */
	const char *board;        /* "4B", "Zero W", "B", "CM4S", … ("unknown type 0x2a") */
	unsigned ram_mb;          /* 0 when not known */
	const char *soc;          /* "BCM2711"; "BCM2835" for every old-style board */
	const char *manufacturer; /* "Sony UK", "Embest", … */
	char pcb_revision[8];     /* "1.4" */
	bool overvoltage_disallowed, otp_program_disallowed, otp_read_disallowed;
	bool warranty_voided;     /* new style bit 25, or the old-style 1000 prefix */
};

/* Decodes a revision code. Returns false (and fills what it can) for old-style codes outside
 * 0002–0015 or new-style codes whose memory/maker/processor field is out of range. */
bool revision_decode(uint32_t code, struct pi_revision *out);
/* Parses the text form from /proc/cpuinfo ("c03111", "000e", "1000002", optionally "0x…"):
 * 4–8 hex digits. Returns false for anything else. */
bool revision_parse(const char *text, uint32_t *code);
/* The model-table entry whose new-style type field is type (2B only with a BCM2837). */
enum pi_model model_from_rev_type(uint8_t type, unsigned processor);

#endif
