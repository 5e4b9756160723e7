/* ext2io — a read-only libext2fs io_manager over a read callback. */
#include "core/disk/ext2io.h"

#include <stdio.h>
#include <string.h>

static errcode_t cb_open(const char *name, int flags, io_channel *channel);

static errcode_t cb_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	ext2fs_free_mem(&ch->name);
	ext2fs_free_mem(&ch);
	return 0;
}

static errcode_t cb_set_blksize(io_channel ch, int blksize)
{
	ch->block_size = blksize;
	return 0;
}

static errcode_t cb_read_blk64(io_channel ch, unsigned long long block, int count, void *data)
{
	const struct ext2io_src *s = ch->private_data;
	size_t len = count < 0 ? (size_t)-count : (size_t)count * (size_t)ch->block_size;
	uint64_t at = (uint64_t)block * (uint64_t)ch->block_size;
	if ((s->size && at + len > s->size) || s->rd(s->ctx, s->off + at, data, len) < 0)
		return EXT2_ET_SHORT_READ;
	return 0;
}

static errcode_t cb_read_blk(io_channel ch, unsigned long block, int count, void *data)
{
	return cb_read_blk64(ch, block, count, data);
}

static errcode_t cb_write_blk(io_channel ch, unsigned long block, int count, const void *data)
{
	(void)ch, (void)block, (void)count, (void)data;
	return EXT2_ET_RO_FILSYS;
}

static errcode_t cb_write_blk64(io_channel ch, unsigned long long block, int count,
				const void *data)
{
	(void)ch, (void)block, (void)count, (void)data;
	return EXT2_ET_RO_FILSYS;
}

static errcode_t cb_flush(io_channel ch)
{
	(void)ch;
	return 0;
}

static errcode_t cb_set_option(io_channel ch, const char *opt, const char *arg)
{
	(void)ch, (void)opt, (void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager cb_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "pinetboot callback I/O",
	.open = cb_open,
	.close = cb_close,
	.set_blksize = cb_set_blksize,
	.read_blk = cb_read_blk,
	.write_blk = cb_write_blk,
	.flush = cb_flush,
	.set_option = cb_set_option,
	.read_blk64 = cb_read_blk64,
	.write_blk64 = cb_write_blk64,
};

/* libext2fs hands the manager only a name: ours carries the source's address. */
static errcode_t cb_open(const char *name, int flags, io_channel *channel)
{
	void *p = NULL;
	if (!name || sscanf(name, "pnb:%p", &p) != 1 || !p)
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_FILSYS;
	io_channel ch;
	errcode_t e = ext2fs_get_memzero(sizeof(*ch), &ch);
	if (e)
		return e;
	e = ext2fs_get_mem(strlen(name) + 1, &ch->name);
	if (e) {
		ext2fs_free_mem(&ch);
		return e;
	}
	strcpy(ch->name, name);
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = &cb_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->private_data = p;
	*channel = ch;
	return 0;
}

errcode_t ext2io_open(struct ext2io_src *src, ext2_filsys *fs)
{
	char name[40];
	snprintf(name, sizeof(name), "pnb:%p", (void *)src);
	*fs = NULL;
	return ext2fs_open2(name, NULL, EXT2_FLAG_64BITS, 0, 0, &cb_manager, fs);
}
