/* rootfs — read a file (the Pi's /etc/fstab) out of an ext2/3/4 filesystem on a disk that is
 * only reachable through a read callback (an iSCSI LUN), with libext2fs over core/ext2io.
 * Read-only: nothing is ever written. */
#include "core/disk/rootfs.h"

#include <errno.h>
#include <et/com_err.h>
#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <string.h>

#include "core/disk/ext2io.h"
#include "core/base/util.h"

char *rootfs_read_file(disk_read_fn rd, void *ctx, uint64_t off, uint64_t size, const char *path,
		       size_t max, char **err)
{
	struct ext2io_src src = {rd, ctx, off, size};
	ext2_filsys fs = NULL;
	ext2_file_t file = NULL;
	ext2_ino_t ino;
	char *buf = NULL;
	unsigned int got = 0;
	*err = NULL;
	errcode_t e = ext2io_open(&src, &fs);
	if (!e)
		e = ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino);
	if (!e)
		e = ext2fs_file_open(fs, ino, 0, &file);
	if (!e) {
		buf = xmalloc(max + 1);
		e = ext2fs_file_read(file, buf, (unsigned int)max, &got);
		buf[got] = '\0';
	}
	if (e) {
		*err = xasprintf("%s: %s", path, error_message(e));
		free(buf);
		buf = NULL;
	}
	if (file)
		ext2fs_file_close(file);
	if (fs)
		ext2fs_close_free(&fs);
	return buf;
}
