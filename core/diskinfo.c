/* diskinfo — partition table and filesystem signatures of a Pi root disk. */
#include "core/diskinfo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
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
	snprintf(out, 40, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g), le16(g + 4),
		 le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

bool diskinfo_parse_fat(const uint8_t *buf, size_t len, struct disk_fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (len < 512 || buf[510] != 0x55 || buf[511] != 0xaa)
		return false;
	uint16_t bps = le16(buf + 11);
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || buf[13] == 0)
		return false;
	/* FAT32 has no 16-bit FAT size; its extended BPB starts 28 bytes later. */
	size_t ext = le16(buf + 22) == 0 ? 0x40 : 0x24;
	if (buf[ext + 2] != 0x29 && buf[ext + 2] != 0x28)
		return false;
	fs->kind = FS_FAT;
	strcpy(fs->type, "vfat");
	uint32_t id = le32(buf + ext + 3);
	snprintf(fs->uuid, sizeof(fs->uuid), "%04X-%04X", id >> 16, id & 0xffff);
	if (buf[ext + 2] == 0x29)
		copy_label(fs->label, sizeof(fs->label), buf + ext + 7, 11);
	if (strcmp(fs->label, "NO NAME") == 0)
		fs->label[0] = '\0';
	return true;
}

bool diskinfo_parse_ext(const uint8_t *sb, size_t len, struct disk_fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (len < 0x88 || le16(sb + 0x38) != 0xef53)
		return false;
	uint32_t compat = le32(sb + 0x5c), incompat = le32(sb + 0x60);
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

int diskinfo_read_fs(disk_read_fn rd, void *ctx, uint64_t off, struct disk_fs *fs)
{
	uint8_t buf[1024];
	memset(fs, 0, sizeof(*fs));
	if (rd(ctx, off + 1024, buf, sizeof(buf)) < 0)
		return -1;
	if (diskinfo_parse_ext(buf, sizeof(buf), fs))
		return 0;
	if (rd(ctx, off, buf, 512) < 0)
		return -1;
	diskinfo_parse_fat(buf, 512, fs);
	return 0;
}

static void read_mbr(const uint8_t *mbr, struct disk_info *info)
{
	uint32_t sig = le32(mbr + 0x1b8);
	snprintf(info->disk_id, sizeof(info->disk_id), "%08x", sig);
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = mbr + 0x1be + 16 * i;
		if (e[4] == 0 || le32(e + 12) == 0)
			continue;
		struct disk_part *p = &info->parts[info->n_parts++];
		p->number = i + 1;
		p->mbr_type = e[4];
		p->start = (uint64_t)le32(e + 8) * info->sector;
		p->size = (uint64_t)le32(e + 12) * info->sector;
		snprintf(p->partuuid, sizeof(p->partuuid), "%08x-%02d", sig, i + 1);
	}
}

static int read_gpt(disk_read_fn rd, void *ctx, struct disk_info *info)
{
	uint8_t hdr[512], ent[128];
	if (rd(ctx, info->sector, hdr, sizeof(hdr)) < 0)
		return -1;
	if (memcmp(hdr, "EFI PART", 8) != 0) {
		snprintf(info->error, sizeof(info->error),
			 "protective MBR but no GPT header at LBA 1");
		return 0;
	}
	info->table = PT_GPT;
	format_guid(hdr + 56, info->disk_id);
	uint64_t lba = le64(hdr + 72);
	uint32_t n = le32(hdr + 80), esz = le32(hdr + 84);
	if (esz < 128 || esz > 4096 || n > 1024)
		return 0;
	for (uint32_t i = 0; i < n && info->n_parts < DISKINFO_MAX_PARTS; i++) {
		if (rd(ctx, lba * info->sector + (uint64_t)i * esz, ent, sizeof(ent)) < 0)
			return -1;
		static const uint8_t zero[16];
		if (memcmp(ent, zero, 16) == 0)
			continue;
		struct disk_part *p = &info->parts[info->n_parts++];
		p->number = (int)i + 1;
		p->start = le64(ent + 32) * info->sector;
		p->size = (le64(ent + 40) - le64(ent + 32) + 1) * info->sector;
		format_guid(ent + 16, p->partuuid);
	}
	return 0;
}

int diskinfo_read(disk_read_fn rd, void *ctx, uint64_t size, uint32_t sector,
		  struct disk_info *info)
{
	uint8_t mbr[512];
	memset(info, 0, sizeof(*info));
	info->size = size;
	info->sector = sector ? sector : 512;
	if (rd(ctx, 0, mbr, sizeof(mbr)) < 0) {
		snprintf(info->error, sizeof(info->error), "could not read the first sector");
		return -1;
	}
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return 0;
	/* A FAT filesystem written straight onto the disk also ends in 55 AA. */
	struct disk_fs whole;
	if (diskinfo_parse_fat(mbr, sizeof(mbr), &whole) && mbr[0] == 0xeb)
		return 0;
	if (mbr[0x1be + 4] == 0xee) {
		if (read_gpt(rd, ctx, info) < 0) {
			snprintf(info->error, sizeof(info->error), "could not read the GPT");
			return -1;
		}
	} else {
		info->table = PT_MBR;
		read_mbr(mbr, info);
	}
	for (int i = 0; i < info->n_parts; i++) {
		struct disk_part *p = &info->parts[i];
		if (p->start + 2048 > size)
			continue; /* past the end of the LUN: the table is for a bigger disk */
		if (diskinfo_read_fs(rd, ctx, p->start, &p->fs) < 0) {
			snprintf(info->error, sizeof(info->error),
				 "could not read partition %d at byte %llu", p->number,
				 (unsigned long long)p->start);
			return -1;
		}
	}
	return 0;
}

const struct disk_part *diskinfo_find(const struct disk_info *info, const char *spec)
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
	for (int i = 0; i < info->n_parts; i++) {
		const struct disk_part *p = &info->parts[i];
		if (by == BY_UUID && p->fs.kind != FS_UNKNOWN && strcasecmp(p->fs.uuid, v) == 0)
			return p;
		if (by == BY_PARTUUID && strcasecmp(p->partuuid, v) == 0)
			return p;
		if (by == BY_LABEL && p->fs.label[0] && strcmp(p->fs.label, v) == 0)
			return p;
	}
	return NULL;
}
