/* eeprom — the Pi 4/5 bootloader image pieeprom.bin (spec eeprom-otp.md §1): walk its section
 * chain, read and replace bootconf.txt in place exactly as rpi-eeprom-config does (§1.7), the
 * update timestamp (§1.8), version strings (§1.9) and the .sig file (§1.11). */
#ifndef PNB_CORE_EEPROM_H
#define PNB_CORE_EEPROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EEPROM_SIZE_2711 (512u * 1024u)
#define EEPROM_SIZE_2712 (2048u * 1024u)
#define EEPROM_RESERVED 4096u            /* the last 4 KiB: bootloader scratch, never touched */
#define EEPROM_MAX_FILE 4076u            /* 4096 - the tool's 20-byte "file header" */
#define EEPROM_AB_RO_SIZE 0x10000u       /* A/B images: read-only area */
#define EEPROM_AB_PART_SIZE (988u * 1024u) /* A/B images: one partition */

#define EEPROM_MAGIC_MASK 0xfffff00fu
#define EEPROM_MAGIC 0x55aaf00fu
#define EEPROM_FILE_MAGIC 0x55aaf11fu
#define EEPROM_PAD_MAGIC 0x55aafeefu

struct eeprom_section {
	size_t offset;   /* of the 8-byte header */
	uint32_t magic;
	uint32_t length; /* payload bytes after the header */
	char name[13];   /* FILE sections: the 12-byte name, NUL-terminated; else "" */
};

struct eeprom_image {
	uint8_t *data;
	size_t size;
	struct eeprom_section *sections;
	size_t n_sections;
	bool ab;           /* A/B image (a FILE named bootsys) */
	char err[256];     /* why the last call failed */
};

/* Takes a copy of size bytes and walks the chain. Returns 0, or -1 with img->err saying why
 * (wrong size: only 524288 and 2097152 are images; a corrupt section header). The image is
 * initialised either way; release it with eeprom_done. */
int eeprom_load_buffer(struct eeprom_image *img, const uint8_t *data, size_t size);
/* Reads path and calls eeprom_load_buffer. */
int eeprom_load_file(struct eeprom_image *img, const char *path);
void eeprom_done(struct eeprom_image *img);

/* "2711" or "2712" by size. */
const char *eeprom_family(const struct eeprom_image *img);
/* Magic as a word: "bootcode", "file", "pad", "code/data". */
const char *eeprom_magic_name(uint32_t magic);

/* The first FILE section named name (inside the edit window on A/B images), or NULL. */
const struct eeprom_section *eeprom_find_file(const struct eeprom_image *img, const char *name);
/* Content of a FILE section: pointer into img->data and its length (bounds-checked; NULL when
 * the section's length is impossible). */
const uint8_t *eeprom_file_content(const struct eeprom_image *img, const struct eeprom_section *s,
				   size_t *len);

/* Replaces the content of FILE section name (bootconf.txt) in place (§1.7). Returns 0, or -1
 * with img->err set (not found, too large, no space); the image is unchanged on failure. */
int eeprom_replace_file(struct eeprom_image *img, const char *name, const uint8_t *content,
			size_t len);

/* The update timestamp (§1.8): from the RO-area updatetime file, else the last 8 bytes.
 * Returns false when unset (ts 0xffffffff) or the pair is inconsistent. */
bool eeprom_get_timestamp(const struct eeprom_image *img, uint32_t *ts);
void eeprom_set_timestamp(struct eeprom_image *img, uint32_t ts);

/* Version strings (§1.9) found in the image; absent ones are 0 / "". */
struct eeprom_version {
	int64_t build_timestamp;
	char version[16];
	int mfg_ver; /* -1 when absent */
};
void eeprom_get_version(const struct eeprom_image *img, struct eeprom_version *v);

/* The .sig text for data (§1.11): sha256 hex, "ts: N", and "target-soc: SOC" when soc is not
 * NULL. Heap string, caller frees. */
char *eeprom_sig_text(const uint8_t *data, size_t size, int64_t ts, const char *soc);
/* The ts of a .sig: given when >= 0, else $SOURCE_DATE_EPOCH, else now (rpi-eeprom-digest's
 * rule, so a rebuilt .sig is reproducible). */
int64_t eeprom_sig_timestamp(long long given);
/* Parses unix seconds 0..4294967294 into *out; -1 when s is not that. */
int eeprom_parse_timestamp(const char *s, long long *out);
/* Lowercase hex SHA-256 of data into out[65] (OpenSSL EVP). Returns 0 or -1. */
int eeprom_sha256_hex(const uint8_t *data, size_t size, char out[65]);

#endif
