/* fsmap — used-block maps of an image's partitions (ext via libext2fs through our own io
 * manager, FAT from its allocation table). */
#include "core/disk/fsmap.h"

#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/disk/ext2io.h"
#include "core/disk/parttable.h"
#include "core/base/util.h"

#define MIB (1ull << 20)

void range_list_add(struct range_list *l, uint64_t off, uint64_t len)
{
	if (len == 0)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->r = xrealloc(l->r, l->cap * sizeof(*l->r));
	}
	l->r[l->n++] = (struct range){off, len};
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

void range_list_normalise(struct range_list *l)
{
	if (l->n == 0)
		return;
	qsort(l->r, l->n, sizeof(*l->r), range_cmp);
	size_t w = 0;
	for (size_t i = 1; i < l->n; i++) {
		struct range *c = &l->r[w];
		if (l->r[i].off <= c->off + c->len) {
			uint64_t end = l->r[i].off + l->r[i].len;
			if (end > c->off + c->len)
				c->len = end - c->off;
		} else {
			l->r[++w] = l->r[i];
		}
	}
	l->n = w + 1;
}

void range_list_done(struct range_list *l)
{
	free(l->r);
	memset(l, 0, sizeof(*l));
}

uint64_t range_list_bytes(const struct range_list *l)
{
	uint64_t t = 0;
	for (size_t i = 0; i < l->n; i++)
		t += l->r[i].len;
	return t;
}

/* ---- FAT: reserved sectors, FATs and root directory, then every allocated cluster ---- */
static int fat_used(disk_read_fn rd, void *ctx, const struct disk_part *p, struct range_list *out,
		    uint64_t *used)
{
	uint8_t b[512];
	if (rd(ctx, p->start, b, sizeof(b)) < 0)
		return -1;
	uint32_t bps = le16_at(b + 11), spc = b[13], res = le16_at(b + 14), nfats = b[16];
	uint32_t root = le16_at(b + 17), tot = le16_at(b + 19) ? le16_at(b + 19) : le32_at(b + 32);
	uint32_t fatsz = le16_at(b + 22) ? le16_at(b + 22) : le32_at(b + 36);
	uint32_t rootsecs = (root * 32 + bps - 1) / bps;
	uint64_t data = res + (uint64_t)nfats * fatsz + rootsecs;
	if (spc == 0 || data >= tot || (uint64_t)tot * bps > p->size)
		return 1;
	uint64_t clusters = (tot - data) / spc;
	if (clusters < 4085) /* FAT12: small enough to write in full */
		return 1;
	bool fat32 = clusters >= 65525;
	size_t fatbytes = (size_t)fatsz * bps;
	uint8_t *fat = xmalloc(fatbytes);
	if (rd(ctx, p->start + (uint64_t)res * bps, fat, fatbytes) < 0) {
		free(fat);
		return -1;
	}
	range_list_add(out, p->start, data * bps);
	*used = data * bps;
	uint64_t csize = (uint64_t)spc * bps, run = 0, start = 0;
	for (uint64_t c = 2; c <= clusters + 2; c++) {
		uint32_t v = 0;
		if (c == clusters + 2)
			v = 0; /* flushes the last run */
		else if (fat32 && (c + 1) * 4 <= fatbytes)
			v = le32_at(fat + c * 4) & 0x0FFFFFFF;
		else if (!fat32 && (c + 1) * 2 <= fatbytes)
			v = le16_at(fat + c * 2);
		if (v) {
			if (run++ == 0)
				start = c;
		} else if (run) {
			range_list_add(out, p->start + data * bps + (start - 2) * csize, run * csize);
			*used += run * csize;
			run = 0;
		}
	}
	free(fat);
	return 0;
}

/* Inode-table blocks past a group's last used inode need not be written when the kernel will
 * zero them itself (group descriptor checksums on, INODE_ZEROED not yet set). */
static void ext_skip_lazy_itables(ext2_filsys fs)
{
	if (!ext2fs_has_group_desc_csum(fs))
		return;
	unsigned isz = EXT2_INODE_SIZE(fs->super), bs = fs->blocksize;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		if (ext2fs_bg_flags_test(fs, g, EXT2_BG_INODE_ZEROED))
			continue;
		uint64_t used_inodes = fs->super->s_inodes_per_group - ext2fs_bg_itable_unused(fs, g);
		blk64_t keep = (used_inodes * isz + bs - 1) / bs;
		if (keep < fs->inode_blocks_per_group)
			ext2fs_unmark_block_bitmap_range2(fs->block_map, ext2fs_inode_table_loc(fs, g) + keep,
							  fs->inode_blocks_per_group - keep);
	}
}

static int ext_used(disk_read_fn rd, void *ctx, const struct disk_part *p, struct range_list *out,
		    uint64_t *used)
{
	struct ext2io_src x = {rd, ctx, p->start, 0};
	ext2_filsys fs = NULL;
	if (ext2io_open(&x, &fs) != 0)
		return 1;
	if (ext2fs_read_block_bitmap(fs) != 0 || (uint64_t)ext2fs_blocks_count(fs->super) * fs->blocksize > p->size) {
		ext2fs_close_free(&fs);
		return 1;
	}
	ext_skip_lazy_itables(fs);
	uint64_t bs = fs->blocksize;
	blk64_t end = ext2fs_blocks_count(fs->super) - 1, b = fs->super->s_first_data_block;
	range_list_add(out, p->start, 4096); /* boot block and primary superblock */
	*used = 0;
	while (b <= end) {
		blk64_t s, e;
		if (ext2fs_find_first_set_block_bitmap2(fs->block_map, b, end, &s) != 0)
			break;
		if (ext2fs_find_first_zero_block_bitmap2(fs->block_map, s, end, &e) != 0)
			e = end + 1;
		range_list_add(out, p->start + s * bs, (e - s) * bs);
		*used += (e - s) * bs;
		b = e;
	}
	ext2fs_close_free(&fs);
	return 0;
}

int fsmap_needed(disk_read_fn rd, void *ctx, uint64_t disk_size, struct range_list *out,
		 char *note, size_t notelen)
{
	struct part_table pt;
	if (part_table_read(rd, ctx, disk_size, 512, &pt) < 0)
		return -1;
	part_table_drop_past_end(&pt); /* their bytes are written in full, as outside partitions */
	struct sbuf s;
	sbuf_init(&s);
	/* outside partitions: the gaps between them, written in full */
	struct range_list inside = {0};
	for (int i = 0; i < pt.n; i++)
		range_list_add(&inside, pt.parts[i].start, pt.parts[i].size);
	range_list_normalise(&inside);
	uint64_t at = 0;
	for (size_t i = 0; i < inside.n; i++) {
		if (inside.r[i].off > at)
			range_list_add(out, at, inside.r[i].off - at);
		at = inside.r[i].off + inside.r[i].len;
	}
	if (at < disk_size)
		range_list_add(out, at, disk_size - at);
	range_list_done(&inside);
	range_list_add(out, 0, disk_size < MIB ? disk_size : MIB);
	for (int i = 0; i < pt.n; i++) {
		const struct disk_part *p = &pt.parts[i];
		uint64_t used = p->size;
		int r = 1;
		if (p->fs.kind == FS_FAT)
			r = fat_used(rd, ctx, p, out, &used);
		else if (p->fs.kind == FS_EXT)
			r = ext_used(rd, ctx, p, out, &used);
		if (r < 0) {
			sbuf_done(&s);
			return -1;
		}
		if (r > 0) {
			used = p->size;
			range_list_add(out, p->start, p->size);
		}
		sbuf_printf(&s, "%sp%d %s %llu MiB of %llu", s.len ? ", " : "", p->number,
			    r > 0 ? "written in full" : part_fs_name(p->fs.kind),
			    (unsigned long long)(used >> 20), (unsigned long long)(p->size >> 20));
	}
	if (note)
		snprintf(note, notelen, "%s", pt.n ? s.buf : "no partition table: written in full");
	sbuf_done(&s);
	return 0;
}
