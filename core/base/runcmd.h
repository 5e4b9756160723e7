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

/* Same, but only stdout goes into out; stderr is appended to err when err is not NULL. */
int runcmd_split(char *const argv[], char *out, size_t outlen, char *err, size_t errlen);

#endif
