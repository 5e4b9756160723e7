/* fsutil — file-system helpers for writers: atomic replace, mkdir -p, rm -r, whole-file reads. */
#ifndef PNB_CORE_FSUTIL_H
#define PNB_CORE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes data to path atomically (temp file in the same directory, fsync, rename, fsync of the
 * directory) with the given mode. Returns 0, or -1 with errno set; path is untouched then. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Writes data to path (created or truncated, mode applied) without syncing; for trees that are
 * synced once as a whole. Returns 0 or -1 with errno set. */
int fs_write_file(const char *path, const char *data, size_t len, mode_t mode);

/* $TMPDIR when it is set and not empty, else "/tmp". */
const char *fs_tmpdir(void);
/* A private (0600) temporary file $TMPDIR/pinetboot-TAG.XXXXXX holding data[0..len) — for a
 * tool that takes a file (mcopy, sfdisk, diff) or a writer that needs a path. Returns the heap
 * path (the caller unlinks and frees it), or NULL with errno set and nothing left behind. */
char *fs_temp_file(const char *tag, const void *data, size_t len);

/* mkdir -p; existing directories are fine. Returns 0 or -1 with errno set. */
int fs_mkdir_p(const char *path, mode_t mode);
/* Creates the parent directories of path. */
int fs_mkdir_parents(const char *path, mode_t mode);
/* rm -r (does not follow symlinks). Returns 0 or -1 with errno set. */
int fs_remove_tree(const char *path);
/* Reads a whole file. Returns a heap buffer (NUL-terminated, caller frees) and its length in
 * *len, or NULL with errno set. */
char *fs_read_file(const char *path, size_t *len);
/* Same, for files that must stay small: errno EFBIG (and NULL) when path holds more than max
 * bytes. */
char *fs_read_file_max(const char *path, size_t max, size_t *len);
/* fsync of the directory holding path (so a rename in it is durable). */
int fs_sync_parent(const char *path);

#endif
