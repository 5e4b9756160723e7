/* eeprom — pieeprom.bin: section chain, in-place file replacement, timestamp, version, .sig.
 * Follows rpi-eeprom-config byte for byte (spec eeprom-otp.md §1.2–1.8, VERIFIED there). */
#include "core/pi/eeprom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"

#define SEC_HDR 8u
#define FILE_NAME_LEN 12u
#define FILE_HDR_TOOL 20u /* what the official tool calls the file header (the quirk in §1.3) */
#define FILE_CONTENT_OFF 24u

static int fail(struct eeprom_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct eeprom_image *img, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(img->err, sizeof(img->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void add_section(struct eeprom_image *img, size_t off, uint32_t magic, uint32_t len,
			size_t *cap)
{
	if (img->n_sections == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		img->sections = xrealloc(img->sections, *cap * sizeof(*img->sections));
	}
	struct eeprom_section *s = &img->sections[img->n_sections++];
	memset(s, 0, sizeof(*s));
	s->offset = off;
	s->magic = magic;
	s->length = len;
	if (magic == EEPROM_FILE_MAGIC && off + SEC_HDR + FILE_NAME_LEN <= img->size) {
		memcpy(s->name, img->data + off + SEC_HDR, FILE_NAME_LEN);
		for (size_t i = 0; i < FILE_NAME_LEN; i++)
			if (s->name[i] && (s->name[i] < 0x20 || s->name[i] > 0x7e))
				s->name[i] = '?';
		if (strcmp(s->name, "bootsys") == 0)
			img->ab = true;
	}
}

/* Walks the chain from offset 0 (§1.2). */
static int walk(struct eeprom_image *img)
{
	size_t off = 0, cap = 0;
	while (off + SEC_HDR <= img->size) {
		uint32_t magic = be32_at(img->data + off), len = be32_at(img->data + off + 4);
		if (magic == 0 || magic == 0xffffffffu)
			break; /* erased flash: the end of the chain */
		if ((magic & EEPROM_MAGIC_MASK) != EEPROM_MAGIC)
			return fail(img,
				    "corrupt image: the section at 0x%06zx has magic 0x%08x (every "
				    "section starts with 0x55aaf_0f)",
				    off, magic);
		if ((uint64_t)off + SEC_HDR + len > img->size)
			return fail(img,
				    "corrupt image: the section at 0x%06zx claims %u bytes, past the "
				    "end of the image (0x%zx)",
				    off, len, img->size);
		if (magic == EEPROM_FILE_MAGIC && len < FILE_NAME_LEN + 4)
			return fail(img, "corrupt image: the file section at 0x%06zx is only %u bytes",
				    off, len);
		add_section(img, off, magic, len, &cap);
		off = (off + SEC_HDR + len + 7) & ~(size_t)7;
	}
	if (img->n_sections == 0)
		return fail(img, "not a bootloader image: no section at offset 0");
	return 0;
}

/* The family the bootloader code names itself (its SDRAM and AVS drivers carry the SoC in
 * their names), or NULL when it names none. */
static const char *family_in_code(const struct eeprom_image *img)
{
	static const char *const mark2711[] = {"sdram_init_2711"};
	static const char *const mark2712[] = {"avs_2712", "sdram_init_2712"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(mark2712); i++)
		if (memmem(img->data, img->size, mark2712[i], strlen(mark2712[i])))
			return "2712";
	for (size_t i = 0; i < PNB_ARRAY_LEN(mark2711); i++)
		if (memmem(img->data, img->size, mark2711[i], strlen(mark2711[i])))
			return "2711";
	return NULL;
}

/* Identify by content, not by size: a Pi 4 bootloader padded or repeated to 2 MiB is not a Pi
 * 5 image (L7). When the code names no SoC, the size decides (older images: uncertain). */
static int check_family(struct eeprom_image *img)
{
	const char *by_size = img->size == EEPROM_SIZE_2712 ? "2712" : "2711";
	const char *by_code = family_in_code(img);
	if (by_code && strcmp(by_code, by_size) != 0)
		return fail(img,
			    "holds a BCM%s bootloader (%s) but is %zu bytes, the size of a BCM%s "
			    "image: not a bootloader image of either family",
			    by_code, strcmp(by_code, "2712") ? "Pi 4 family" : "Pi 5 family", img->size,
			    by_size);
	return 0;
}

int eeprom_load_buffer(struct eeprom_image *img, const uint8_t *data, size_t size)
{
	memset(img, 0, sizeof(*img));
	if (size != EEPROM_SIZE_2711 && size != EEPROM_SIZE_2712)
		return fail(img,
			    "is %zu bytes; a bootloader image is 524288 (Pi 4 family) or 2097152 "
			    "(Pi 5 family) bytes",
			    size);
	img->data = xmalloc(size);
	memcpy(img->data, data, size);
	img->size = size;
	if (walk(img) < 0)
		return -1;
	return check_family(img);
}

int eeprom_load_file(struct eeprom_image *img, const char *path)
{
	memset(img, 0, sizeof(*img));
	int fd = fs_open_regular(path); /* a FIFO or device never hangs it (L10) */
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return fail(img, "%s: %s", path, fs_strerror(e));
	}
	if (!S_ISREG(st.st_mode) ||
	    ((size_t)st.st_size != EEPROM_SIZE_2711 && (size_t)st.st_size != EEPROM_SIZE_2712)) {
		close(fd);
		return fail(img,
			    "%s: is %lld bytes; a bootloader image is 524288 (Pi 4 family) or "
			    "2097152 (Pi 5 family) bytes",
			    path, (long long)st.st_size);
	}
	size_t size = (size_t)st.st_size, got = 0;
	uint8_t *buf = xmalloc(size);
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			close(fd);
			free(buf);
			return fail(img, "%s: read: %s", path, strerror(e));
		}
		got += (size_t)r;
	}
	close(fd);
	int rc = eeprom_load_buffer(img, buf, size);
	free(buf);
	if (rc < 0) {
		char *e = xstrdup(img->err);
		fail(img, "%s: %.200s", path, e);
		free(e);
	}
	return rc;
}

void eeprom_done(struct eeprom_image *img)
{
	free(img->data);
	free(img->sections);
	memset(img, 0, sizeof(*img));
}

const char *eeprom_family(const struct eeprom_image *img)
{
	return img->size == EEPROM_SIZE_2712 ? "2712" : "2711";
}

const char *eeprom_magic_name(uint32_t magic)
{
	switch (magic) {
	case EEPROM_MAGIC:
		return "bootcode";
	case EEPROM_FILE_MAGIC:
		return "file";
	case EEPROM_PAD_MAGIC:
		return "pad";
	default:
		return "code/data";
	}
}

static bool in_edit_window(size_t off)
{
	return off >= EEPROM_AB_RO_SIZE && off < EEPROM_AB_RO_SIZE + EEPROM_AB_PART_SIZE;
}

static ssize_t find_index(const struct eeprom_image *img, const char *name, bool edit)
{
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct eeprom_section *s = &img->sections[i];
		if (s->magic != EEPROM_FILE_MAGIC || strcmp(s->name, name) != 0)
			continue;
		/* The official tool edits only files in partition A's window (§1.6); on A/B images
		 * the RO area holds a second updatetime that must not be taken for it. */
		if (edit && img->ab && !in_edit_window(s->offset))
			continue;
		return (ssize_t)i;
	}
	return -1;
}

const struct eeprom_section *eeprom_find_file(const struct eeprom_image *img, const char *name)
{
	ssize_t i = find_index(img, name, true);
	return i < 0 ? NULL : &img->sections[i];
}

const uint8_t *eeprom_file_content(const struct eeprom_image *img, const struct eeprom_section *s,
				   size_t *len)
{
	if (s->magic != EEPROM_FILE_MAGIC || s->length < FILE_NAME_LEN + 4 ||
	    s->offset + FILE_CONTENT_OFF + (s->length - 16) > img->size)
		return NULL;
	*len = s->length - 16;
	return img->data + s->offset + FILE_CONTENT_OFF;
}

/* The limit a replaced file may grow to (§1.7 step 2). */
static size_t next_offset(const struct eeprom_image *img, size_t idx)
{
	size_t limit = img->size - EEPROM_RESERVED;
	if (img->ab && limit > EEPROM_AB_RO_SIZE + EEPROM_AB_PART_SIZE)
		limit = EEPROM_AB_RO_SIZE + EEPROM_AB_PART_SIZE;
	for (size_t j = idx + 1; j < img->n_sections; j++)
		if (img->sections[j].magic != EEPROM_PAD_MAGIC)
			return img->sections[j].offset;
	return limit;
}

int eeprom_replace_file(struct eeprom_image *img, const char *name, const uint8_t *content,
			size_t len)
{
	ssize_t idx = find_index(img, name, true);
	if (idx < 0)
		return fail(img, "the image has no %s section to update", name);
	size_t off = img->sections[idx].offset, limit = next_offset(img, (size_t)idx);
	bool is_last = (size_t)idx == img->n_sections - 1;
	if (len > EEPROM_MAX_FILE)
		return fail(img, "%s is %zu bytes; at most %u fit in the image", name, len,
			    EEPROM_MAX_FILE);
	if (off + len + FILE_HDR_TOOL > img->size - EEPROM_RESERVED)
		return fail(img, "no space: %s (%zu bytes) would reach into the last 4 KiB", name,
			    len);
	if (off + len + FILE_HDR_TOOL > limit)
		return fail(img, "%s (%zu bytes) is larger than its section (%zu bytes up to 0x%06zx)",
			    name, len, limit - off - FILE_HDR_TOOL, limit);
	be32_store(img->data + off + 4, (uint32_t)(len + FILE_NAME_LEN + 4));
	memcpy(img->data + off + FILE_CONTENT_OFF, content, len);
	size_t pad_start = off + FILE_CONTENT_OFF + len;
	while (pad_start % 8)
		img->data[pad_start++] = 0xff;
	size_t pad = limit > pad_start ? limit - pad_start : 0;
	/* The tool writes a PAD header only when more than a header's worth follows and the
	 * file is not the last section; the last one is just erased up to the limit. */
	if (pad > SEC_HDR && !is_last) {
		pad -= SEC_HDR;
		be32_store(img->data + pad_start, EEPROM_PAD_MAGIC);
		be32_store(img->data + pad_start + 4, (uint32_t)pad);
		pad_start += SEC_HDR;
	}
	memset(img->data + pad_start, 0xff, pad);
	/* Re-walk so the section list matches the bytes. */
	free(img->sections);
	img->sections = NULL;
	img->n_sections = 0;
	img->ab = false;
	return walk(img);
}

/* The RO-area updatetime file (A/B images), or NULL. */
static const struct eeprom_section *ro_updatetime(const struct eeprom_image *img)
{
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct eeprom_section *s = &img->sections[i];
		if (s->offset >= EEPROM_AB_RO_SIZE)
			break;
		if (s->magic == EEPROM_FILE_MAGIC && strcmp(s->name, "updatetime") == 0 &&
		    s->length >= 16 + 8)
			return s;
	}
	return NULL;
}

bool eeprom_get_timestamp(const struct eeprom_image *img, uint32_t *ts)
{
	const struct eeprom_section *s = ro_updatetime(img);
	const uint8_t *p = s ? img->data + s->offset + FILE_CONTENT_OFF : img->data + img->size - 8;
	uint32_t inv = le32_at(p), v = le32_at(p + 4);
	if (v == 0xffffffffu || inv != (uint32_t)~v)
		return false;
	*ts = v;
	return true;
}

void eeprom_set_timestamp(struct eeprom_image *img, uint32_t ts)
{
	if (!ro_updatetime(img)) {
		le32_store(img->data + img->size - 8, ~ts);
		le32_store(img->data + img->size - 4, ts);
		return;
	}
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct eeprom_section *s = &img->sections[i];
		if (s->offset >= EEPROM_AB_RO_SIZE + EEPROM_AB_PART_SIZE)
			break; /* partition B is written by the bootloader's own A/B update */
		if (s->magic != EEPROM_FILE_MAGIC || strcmp(s->name, "updatetime") != 0 ||
		    s->length < 16 + 8)
			continue;
		le32_store(img->data + s->offset + FILE_CONTENT_OFF, ~ts);
		le32_store(img->data + s->offset + FILE_CONTENT_OFF + 4, ts);
	}
}

static const uint8_t *find_bytes(const struct eeprom_image *img, const char *needle)
{
	return memmem(img->data, img->size, needle, strlen(needle));
}

void eeprom_get_version(const struct eeprom_image *img, struct eeprom_version *v)
{
	memset(v, 0, sizeof(*v));
	v->mfg_ver = -1;
	const uint8_t *end = img->data + img->size, *p;
	if ((p = find_bytes(img, "BUILD_TIMESTAMP="))) {
		for (p += 16; p < end && *p >= '0' && *p <= '9'; p++)
			v->build_timestamp = v->build_timestamp * 10 + (*p - '0');
	}
	if ((p = find_bytes(img, "VERSION:"))) {
		size_t n = 0;
		for (p += 8; p < end && n < 8 && strchr("0123456789abcdef", *p) && *p; p++)
			v->version[n++] = (char)*p;
		v->version[n] = '\0';
	}
	if ((p = find_bytes(img, "MFG_VER: "))) {
		int x = 0, n = 0;
		for (p += 9; p < end && *p >= '0' && *p <= '9' && n < 6; p++, n++)
			x = x * 10 + (*p - '0');
		if (n)
			v->mfg_ver = x;
	}
}

int eeprom_sha256_hex(const uint8_t *data, size_t size, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(data, size, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

char *eeprom_sig_text(const uint8_t *data, size_t size, int64_t ts, const char *soc)
{
	char hex[65];
	if (eeprom_sha256_hex(data, size, hex) < 0)
		return NULL;
	if (soc)
		return xasprintf("%s\nts: %lld\ntarget-soc: %s\n", hex, (long long)ts, soc);
	return xasprintf("%s\nts: %lld\n", hex, (long long)ts);
}

int64_t eeprom_sig_timestamp(long long given)
{
	if (given >= 0)
		return given;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde)
		return strtoll(sde, NULL, 10);
	return (int64_t)time(NULL);
}

int eeprom_parse_timestamp(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0 || v > 0xfffffffeLL)
		return -1;
	*out = v;
	return 0;
}
