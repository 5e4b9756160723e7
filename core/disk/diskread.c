/* diskread — memory and file-descriptor readers for disk_read_fn. */
#include "core/disk/diskread.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

int disk_mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct disk_mem *m = ctx;
	if (off > m->n || len > m->n - off)
		return -1;
	if (len)
		memcpy(buf, m->p + off, len);
	return 0;
}

int disk_fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(const int *)ctx;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

uint64_t disk_fd_size(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return 0;
	uint64_t size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size) != 0)
		size = 0;
	return size;
}
