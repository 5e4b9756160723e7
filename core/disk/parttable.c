/* parttable — MBR and GPT partition tables and each partition's filesystem signature. */
#include "core/disk/parttable.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "core/base/util.h"

#define GPT_HDR_MIN 92          /* UEFI: the header fields end at byte 92 */
#define GPT_ARRAY_MAX (1u << 20) /* 128 entries of 128 bytes is usual; 1 MiB is plenty */
#define FS_PROBE 2048           /* FAT boot sector and ext superblock both lie in here */

static const char *const fs_names[] = {"unknown", "fat", "ext"};

const char *part_fs_name(enum fs_kind kind)
{
	return (unsigned)kind < PNB_ARRAY_LEN(fs_names) ? fs_names[kind] : "unknown";
}

/* Copies a space/NUL padded on-disk text field, trimmed. */
static void copy_label(char *out, size_t outlen, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outlen && p[i]; i++)
		out[o++] = isprint(p[i]) ? (char)p[i] : '?';
	out[o] = '\0';
	str_trim(out);
}

/* GUIDs store their first three groups little-endian (UEFI spec, EFI_GUID). */
static void format_guid(const uint8_t *g, char out[40])
{
	snprintf(out, 40, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32_at(g),
		 le16_at(g + 4), le16_at(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14],
		 g[15]);
}

/* A FAT boot sector: a sane BIOS parameter block and either an extended boot signature (which
 * carries the volume id and label) or the "FAT.." type string of older formatters. */
bool part_fs_parse_fat(const uint8_t *buf, size_t len, struct disk_fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (len < 512 || buf[510] != 0x55 || buf[511] != 0xaa)
		return false;
	uint16_t bps = le16_at(buf + 11);
	uint8_t spc = buf[13];
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || spc == 0 || (spc & (spc - 1)))
		return false;
	/* FAT32 has no 16-bit FAT size; its extended BPB starts 28 bytes later. */
	size_t ext = le16_at(buf + 22) == 0 ? 0x40 : 0x24;
	bool sig = buf[ext + 2] == 0x29 || buf[ext + 2] == 0x28;
	if (!sig && memcmp(buf + 54, "FAT", 3) != 0 && memcmp(buf + 82, "FAT32", 5) != 0)
		return false;
	fs->kind = FS_FAT;
	strcpy(fs->type, "vfat");
	if (sig) {
		uint32_t id = le32_at(buf + ext + 3);
		snprintf(fs->uuid, sizeof(fs->uuid), "%04X-%04X", id >> 16, id & 0xffff);
	}
	if (buf[ext + 2] == 0x29)
		copy_label(fs->label, sizeof(fs->label), buf + ext + 7, 11);
	if (strcmp(fs->label, "NO NAME") == 0)
		fs->label[0] = '\0';
	return true;
}

bool part_fs_parse_ext(const uint8_t *sb, size_t len, struct disk_fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (len < 0x88 || le16_at(sb + 0x38) != 0xef53)
		return false;
	uint32_t compat = le32_at(sb + 0x5c), incompat = le32_at(sb + 0x60);
	fs->kind = FS_EXT;
	/* extents / 64bit / flex_bg mean ext4; a journal without them ext3. */
	if (incompat & (0x40 | 0x80 | 0x200))
		strcpy(fs->type, "ext4");
	else if (compat & 0x4)
		strcpy(fs->type, "ext3");
	else
		strcpy(fs->type, "ext2");
	const uint8_t *u = sb + 0x68;
	snprintf(fs->uuid, sizeof(fs->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	copy_label(fs->label, sizeof(fs->label), sb + 0x78, 16);
	return true;
}

int part_fs_read(disk_read_fn rd, void *ctx, uint64_t off, struct disk_fs *fs)
{
	uint8_t buf[FS_PROBE];
	memset(fs, 0, sizeof(*fs));
	if (rd(ctx, off, buf, sizeof(buf)) < 0)
		return -1;
	if (!part_fs_parse_ext(buf + 1024, 1024, fs))
		part_fs_parse_fat(buf, sizeof(buf), fs);
	return 0;
}

/* Adds a partition of the table; start and size in bytes. */
static struct disk_part *add_part(struct part_table *pt, int number, uint64_t start,
				  uint64_t size)
{
	struct disk_part *p = &pt->parts[pt->n++];
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->start = start;
	p->size = size;
	p->past_end = start > pt->size || size > pt->size - start;
	return p;
}

static void read_mbr(const uint8_t *mbr, struct part_table *pt)
{
	pt->kind = PT_MBR;
	pt->mbr_id = le32_at(mbr + 440);
	snprintf(pt->disk_id, sizeof(pt->disk_id), "%08x", pt->mbr_id);
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = mbr + 446 + 16 * i;
		uint32_t first = le32_at(e + 8), count = le32_at(e + 12);
		if (e[4] == 0 || count == 0)
			continue; /* an empty slot */
		struct disk_part *p =
		    add_part(pt, i + 1, (uint64_t)first * pt->sector, (uint64_t)count * pt->sector);
		p->mbr_type = e[4];
		snprintf(p->partuuid, sizeof(p->partuuid), "%08x-%02d", pt->mbr_id, i + 1);
	}
}

/* A GPT header read from LBA lba, checked against the UEFI rules that matter for reading it:
 * signature, size, CRC32, its own LBA, an entry array that fits on the disk. */
struct gpt_hdr {
	uint64_t lba, array_lba;
	uint32_t n, esz, array_crc;
	uint8_t disk_guid[16];
	char why[96]; /* set when the header is not usable */
};

static bool gpt_bad(struct gpt_hdr *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool gpt_bad(struct gpt_hdr *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	return false;
}

static bool gpt_check_header(const uint8_t *h, size_t hlen, const struct part_table *pt,
			     struct gpt_hdr *g)
{
	unsigned long long lba = g->lba;
	if (memcmp(h, "EFI PART", 8) != 0)
		return gpt_bad(g, "no GPT header at LBA %llu", lba);
	uint32_t hsz = le32_at(h + 12);
	if (hsz < GPT_HDR_MIN || hsz > hlen)
		return gpt_bad(g, "the GPT header at LBA %llu claims %u bytes", lba, hsz);
	uint8_t copy[4096];
	memcpy(copy, h, hsz);
	memset(copy + 16, 0, 4); /* the CRC is computed with its own field zeroed */
	if (crc32(0, copy, hsz) != le32_at(h + 16))
		return gpt_bad(g, "the GPT header at LBA %llu fails its CRC", lba);
	if (le64_at(h + 24) != g->lba)
		return gpt_bad(g, "the GPT header at LBA %llu says it is at LBA %llu", lba,
			       (unsigned long long)le64_at(h + 24));
	memcpy(g->disk_guid, h + 56, 16);
	g->array_lba = le64_at(h + 72);
	g->n = le32_at(h + 80);
	g->esz = le32_at(h + 84);
	g->array_crc = le32_at(h + 88);
	uint64_t bytes = (uint64_t)g->n * g->esz, sectors = pt->size / pt->sector;
	if (g->esz < 128 || g->esz > 4096 || (g->esz & (g->esz - 1)) || bytes > GPT_ARRAY_MAX)
		return gpt_bad(g, "the GPT header at LBA %llu lists %u entries of %u bytes", lba,
			       g->n, g->esz);
	if (g->array_lba < 2 || g->array_lba >= sectors ||
	    bytes > (sectors - g->array_lba) * pt->sector)
		return gpt_bad(g, "the GPT entry array of LBA %llu lies past the end of the disk",
			       lba);
	return true;
}

/* Reads the header at g->lba and its entry array. Returns 1 with *arr (heap, caller frees)
 * when both are good, 0 when not (g->why says why), -1 when a read failed. */
static int gpt_load(disk_read_fn rd, void *ctx, const struct part_table *pt, struct gpt_hdr *g,
		    uint8_t **arr)
{
	uint8_t h[4096];
	size_t hlen = pt->sector < sizeof(h) ? pt->sector : sizeof(h);
	*arr = NULL;
	if (g->lba >= pt->size / pt->sector)
		return gpt_bad(g, "the disk ends before LBA %llu", (unsigned long long)g->lba);
	if (rd(ctx, g->lba * pt->sector, h, hlen) < 0)
		return -1;
	if (!gpt_check_header(h, hlen, pt, g))
		return 0;
	size_t bytes = (size_t)g->n * g->esz;
	uint8_t *a = xmalloc(bytes ? bytes : 1);
	if (rd(ctx, g->array_lba * pt->sector, a, bytes) < 0) {
		free(a);
		return -1;
	}
	if (crc32(0, a, (uInt)bytes) != g->array_crc) {
		free(a);
		return gpt_bad(g, "the GPT entry array of LBA %llu fails its CRC",
			       (unsigned long long)g->lba);
	}
	*arr = a;
	return 1;
}

static void gpt_entries(const uint8_t *arr, const struct gpt_hdr *g, struct part_table *pt)
{
	static const uint8_t zero[16];
	for (uint32_t i = 0; i < g->n && pt->n < PART_TABLE_MAX; i++) {
		const uint8_t *e = arr + (size_t)i * g->esz;
		uint64_t first = le64_at(e + 32), last = le64_at(e + 40);
		if (memcmp(e, zero, 16) == 0)
			continue; /* unused entry */
		if (last < first || last >= UINT64_MAX / pt->sector)
			continue; /* nonsense: no partition the kernel would use either */
		struct disk_part *p =
		    add_part(pt, (int)i + 1, first * pt->sector, (last - first + 1) * pt->sector);
		format_guid(e + 16, p->partuuid);
	}
}

/* The primary GPT, or the backup at the last LBA when the primary is damaged (as the kernel
 * and fdisk do). Returns 0 or -1 when a read failed. */
static int read_gpt(disk_read_fn rd, void *ctx, struct part_table *pt)
{
	struct gpt_hdr prim = {.lba = 1}, back = {.lba = pt->size / pt->sector - 1};
	const struct gpt_hdr *g = &prim;
	uint8_t *arr = NULL;
	int r = gpt_load(rd, ctx, pt, &prim, &arr);
	if (r == 0 && back.lba > 1) {
		r = gpt_load(rd, ctx, pt, &back, &arr);
		g = &back;
	}
	if (r < 0)
		return -1;
	if (r == 0) {
		snprintf(pt->error, sizeof(pt->error), "protective MBR but no usable GPT: %s",
			 prim.why);
		return 0;
	}
	if (g == &back)
		snprintf(pt->error, sizeof(pt->error), "%s; the backup GPT at LBA %llu is used",
			 prim.why, (unsigned long long)back.lba);
	pt->kind = PT_GPT;
	format_guid(g->disk_guid, pt->disk_id);
	gpt_entries(arr, g, pt);
	free(arr);
	return 0;
}

static bool mbr_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

int part_table_read(disk_read_fn rd, void *ctx, uint64_t size, uint32_t sector,
		    struct part_table *pt)
{
	uint8_t mbr[512];
	memset(pt, 0, sizeof(*pt));
	pt->size = size;
	pt->sector = sector ? sector : 512;
	if (pt->sector < 512 || pt->sector > 65536 || (pt->sector & (pt->sector - 1))) {
		snprintf(pt->error, sizeof(pt->error), "a %u-byte sector is not a disk's", sector);
		return -1;
	}
	if (size < sizeof(mbr) || rd(ctx, 0, mbr, sizeof(mbr)) < 0) {
		snprintf(pt->error, sizeof(pt->error), "could not read the first sector");
		return -1;
	}
	struct disk_fs whole;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa) {
		snprintf(pt->error, sizeof(pt->error), "no partition table (no 55 AA signature)");
		return 0;
	}
	/* A FAT filesystem written straight onto the disk also ends in 55 AA. */
	if ((mbr[0] == 0xeb || mbr[0] == 0xe9) && part_fs_parse_fat(mbr, sizeof(mbr), &whole)) {
		snprintf(pt->error, sizeof(pt->error),
			 "no partition table: the disk starts with a FAT filesystem");
		return 0;
	}
	if (mbr[446 + 4] == 0xee) {
		if (read_gpt(rd, ctx, pt) < 0) {
			snprintf(pt->error, sizeof(pt->error), "could not read the GPT");
			return -1;
		}
	} else {
		read_mbr(mbr, pt);
	}
	for (int i = 0; i < pt->n; i++) {
		struct disk_part *p = &pt->parts[i];
		if (mbr_extended(p->mbr_type) || p->start > size || size - p->start < FS_PROBE)
			continue;
		if (part_fs_read(rd, ctx, p->start, &p->fs) < 0) {
			snprintf(pt->error, sizeof(pt->error),
				 "could not read partition %d at byte %llu", p->number,
				 (unsigned long long)p->start);
			return -1;
		}
	}
	return 0;
}

void part_table_drop_past_end(struct part_table *pt)
{
	int w = 0;
	for (int i = 0; i < pt->n; i++)
		if (!pt->parts[i].past_end)
			pt->parts[w++] = pt->parts[i];
	pt->n = w;
}

int part_table_read_path(const char *path, struct part_table *pt)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		memset(pt, 0, sizeof(*pt));
		snprintf(pt->error, sizeof(pt->error), "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	int r = part_table_read(disk_fd_read, &fd, disk_fd_size(fd), 512, pt);
	close(fd);
	part_table_drop_past_end(pt);
	return r;
}

const struct disk_part *part_table_find(const struct part_table *pt, const char *spec)
{
	enum { BY_UUID, BY_PARTUUID, BY_LABEL } by;
	const char *v;
	if (strncasecmp(spec, "UUID=", 5) == 0)
		by = BY_UUID, v = spec + 5;
	else if (strncasecmp(spec, "PARTUUID=", 9) == 0)
		by = BY_PARTUUID, v = spec + 9;
	else if (strncasecmp(spec, "LABEL=", 6) == 0)
		by = BY_LABEL, v = spec + 6;
	else
		return NULL;
	for (int i = 0; i < pt->n; i++) {
		const struct disk_part *p = &pt->parts[i];
		if (by == BY_UUID && p->fs.uuid[0] && strcasecmp(p->fs.uuid, v) == 0)
			return p;
		if (by == BY_PARTUUID && p->partuuid[0] && strcasecmp(p->partuuid, v) == 0)
			return p;
		if (by == BY_LABEL && p->fs.label[0] && strcmp(p->fs.label, v) == 0)
			return p;
	}
	return NULL;
}
