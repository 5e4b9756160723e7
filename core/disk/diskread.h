/* diskread — the one way core code reads a disk it does not own: a callback that fills a buffer
 * from a byte offset. An iSCSI LUN (iscsi_check), an image being flashed (flash), an image file
 * or block device (disk_fd_read) and bytes in memory (disk_mem_read: tests, fuzzers) all look
 * the same to the partition-table, filesystem and libext2fs readers. */
#ifndef PNB_CORE_DISKREAD_H
#define PNB_CORE_DISKREAD_H

#include <stddef.h>
#include <stdint.h>

/* Reads exactly len bytes at byte offset off into buf; returns 0, or -1 when any of them could
 * not be read (past the end, I/O error). */
typedef int (*disk_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/* A disk held in memory; ctx for disk_mem_read. Reads past n fail. */
struct disk_mem {
	const uint8_t *p;
	size_t n;
};
int disk_mem_read(void *ctx, uint64_t off, void *buf, size_t len);

/* ctx points at an int file descriptor (file or block device); pread until len bytes. */
int disk_fd_read(void *ctx, uint64_t off, void *buf, size_t len);
/* Size in bytes of a regular file or block device open on fd; 0 when unknown. */
uint64_t disk_fd_size(int fd);

#endif
