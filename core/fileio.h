/* fileio — whole-file reads with a size cap and atomic writes (temp file in the same directory,
 * fsync, rename), so a crash never leaves half a file where a good one was. */
#ifndef PNB_CORE_FILEIO_H
#define PNB_CORE_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads path (at most max bytes) into a heap buffer with a NUL after the data; the caller
 * frees it. Returns NULL with errno set (EFBIG when the file is larger than max). */
char *fileio_read(const char *path, size_t max, size_t *len);
/* Writes len bytes to path atomically with the given mode. Returns 0, or -1 with errno set. */
int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* mkdir -p: creates dir and its missing parents (mode 0755). Returns 0, or -1 with errno set. */
int fileio_mkdir_p(const char *dir);

#endif
