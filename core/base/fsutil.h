/* fsutil — file-system helpers for writers: atomic replace, mkdir -p, rm -r, whole-file reads. */
#ifndef PNB_CORE_FSUTIL_H
#define PNB_CORE_FSUTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* errno of a read that found a FIFO, a device or a socket where a file was expected. */
#define FS_ENOTREG EMEDIUMTYPE
/* What the readers below read at most by default (a whole-file read is never unbounded). */
#define FS_READ_MAX ((size_t)256 << 20)

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
/* Reads a whole regular file (at most FS_READ_MAX bytes). Returns a heap buffer (NUL-terminated, caller frees) and its length in
 * *len, or NULL with errno set. */
char *fs_read_file(const char *path, size_t *len);
/* Same, for files that must stay small: errno EFBIG (and NULL) when path holds more than max
 * bytes. */
char *fs_read_file_max(const char *path, size_t max, size_t *len);
/* Opens path for reading when it is a regular file: a FIFO is never waited on, a device or a
 * socket never read (errno FS_ENOTREG, EISDIR for a directory). Returns the fd or -1. The
 * same as a stdio stream: fs_fopen_regular (NULL with errno). */
int fs_open_regular(const char *path);
FILE *fs_fopen_regular(const char *path);
/* strerror, with words of our own for FS_ENOTREG and ELOOP. */
const char *fs_strerror(int e);

/* Beneath a root: every path below is relative to root (a leading '/' is ignored), is opened
 * component by component with O_NOFOLLOW, and never leaves root: a symbolic link anywhere on
 * the way is ELOOP, a "." or ".." component EXDEV. Only the root itself is resolved as the
 * kernel does. */
/* An O_DIRECTORY fd of rel beneath the directory fd base; with create, missing directories
 * are made (mode). */
int fs_open_dir_beneath(int base, const char *rel, bool create, mode_t mode);
/* The directory holding path (fd in *dirfd, caller closes) and path's last component (heap,
 * caller frees). With create, the directories on the way are made (0755). */
int fs_beneath(const char *root, const char *path, bool create, int *dirfd, char **name);
/* Reads a regular file beneath root (not a link, FIFO or device: ELOOP, FS_ENOTREG), EFBIG
 * past max. Heap buffer (NUL-terminated) the caller frees, length in *len. */
char *fs_read_beneath(const char *root, const char *path, size_t max, size_t *len);
/* lstat beneath root. */
int fs_lstat_beneath(const char *root, const char *path, struct stat *st);
/* Writes data (synced, mode) to a new temporary file beside path, making the directories on
 * the way. Returns its path (relative to root like path; heap, caller frees), to be put in
 * place with fs_rename_beneath, or NULL with errno. */
char *fs_stage_beneath(const char *root, const char *path, const void *data, size_t len,
		       mode_t mode);
/* rename / hard link (of the entry itself, never a link's target) between two names of one
 * directory beneath root; the directory is synced after a rename. */
int fs_rename_beneath(const char *root, const char *from, const char *to);
int fs_link_beneath(const char *root, const char *from, const char *to);
int fs_unlink_beneath(const char *root, const char *path);
/* fs_stage_beneath then fs_rename_beneath: path replaced atomically by data (mode), the
 * temporary file removed when the rename fails. 0, or -1 with errno (the stage's or the
 * rename's). */
int fs_write_beneath(const char *root, const char *path, const void *data, size_t len,
		     mode_t mode);

/* Moves every entry of the directory from into the directory to (same file system): a file
 * replaces what is there by rename, so a symbolic link planted in to is replaced, never written
 * through; directories are merged, and one that is a link in to is ELOOP. from is left with
 * (empty) directories. Returns 0 or -1 with errno. */
int fs_move_tree(const char *from, const char *to);

/* a and b name one file: the same path in normal form, or (through links and hard links) the
 * same inode. For "do not write the output over the input" checks. */
bool fs_same_file(const char *a, const char *b);

/* fsync of the directory holding path (so a rename in it is durable). */
int fs_sync_parent(const char *path);

#endif
