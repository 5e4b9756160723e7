/* runcmd — runs a helper tool (mtools, mkfs.vfat, resize2fs, e2fsck, sfdisk) without a shell
 * and captures what it printed, so core/ can use the tool made for the job and still print
 * nothing itself. */
#ifndef PNB_CORE_RUNCMD_H
#define PNB_CORE_RUNCMD_H

#include <stddef.h>

/* Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null, or from the file `in` when
 * not NULL. stdout+stderr go into out (NUL-terminated, truncated to outlen; out may be NULL).
 * Returns the exit status, 127 when it cannot be started, 128+N when killed by signal N. */
int runcmd(char *const argv[], const char *in, char *out, size_t outlen);

/* runcmd for a step that either works or is reported: on a non-zero exit, err says
 * "TOOL failed (exit N): what it printed". Returns the exit status. */
int runcmd_err(char *const argv[], const char *in, char *err, size_t errlen);

/* Same, but only stdout goes into out; stderr is appended to err when err is not NULL. */
int runcmd_split(char *const argv[], char *out, size_t outlen, char *err, size_t errlen);

/* Starts argv[0] (looked up in PATH) with stdin from the file `in` (or /dev/null) and stderr into
 * the file errpath (created 0600, or /dev/null when NULL); its stdout is the returned pipe's read
 * end (close-on-exec, the caller reads and closes it). *pid is for runcmd_wait. Returns -1 when it
 * cannot be started. For streams too big to capture (a root filesystem over ssh). */
int runcmd_spawn_reader(char *const argv[], const char *in, const char *errpath, int *pid);
/* Waits for a child of runcmd_spawn_reader: its exit status, 128+N when killed by signal N. */
int runcmd_wait(int pid);

#endif
