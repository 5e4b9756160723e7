/* runcmd — the one child-process runner: runs a helper tool (mtools, mkfs.vfat, resize2fs,
 * sfdisk, diff, vcgencmd, ssh, a daemon's reload command) without a shell, with its output
 * captured or passed through, so core/ can use the tool made for the job and still print
 * nothing itself. */
#ifndef PNB_CORE_RUNCMD_H
#define PNB_CORE_RUNCMD_H

#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>

/* The most runcmd_capture keeps of a child's output. */
#define RUNCMD_CAPTURE_MAX (1u << 20)

/* Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null, or from the file `in` when
 * not NULL. stdout+stderr go into out (NUL-terminated, truncated to outlen; out may be NULL).
 * Returns the exit status, 127 when it cannot be started, 128+N when killed by signal N. */
int runcmd(char *const argv[], const char *in, char *out, size_t outlen);

/* runcmd for a step that either works or is reported: on a non-zero exit, err says
 * "TOOL failed (exit N): what it printed". Returns the exit status. */
int runcmd_err(char *const argv[], const char *in, char *err, size_t errlen);

/* Same, but only stdout goes into out; stderr is appended to err when err is not NULL. */
int runcmd_split(char *const argv[], char *out, size_t outlen, char *err, size_t errlen);

/* Runs argv in the directory cwd (NULL: the current one), stdin from /dev/null, stdout+stderr
 * into *out: a heap string the caller frees (never NULL; at most RUNCMD_CAPTURE_MAX bytes are
 * kept), its length in *len. With timeout_s > 0 the child is killed after that many seconds,
 * however much it writes and whether or not it closed its output.
 * Returns the exit status (0–255), 127 when it cannot be started (errno says why), 128+N when
 * killed by signal N, -1 on timeout. */
int runcmd_capture(char *const argv[], const char *cwd, int timeout_s, char **out, size_t *len);

/* Runs argv in cwd (NULL: the current one) on this process's stdin, stdout and stderr (stdout
 * is flushed first) and waits; with timeout_s > 0 the child is killed after that many seconds.
 * Returns as runcmd_capture. */
int runcmd_inherit(char *const argv[], const char *cwd, int timeout_s);

/* Starts argv[0] (looked up in PATH) with stdin from the file `in` (or /dev/null) and stderr into
 * the file errpath (created 0600, or /dev/null when NULL); its stdout is the returned pipe's read
 * end (close-on-exec, the caller reads and closes it). *pid is for runcmd_wait. Returns -1 when it
 * cannot be started. For streams too big to capture (a root filesystem over ssh). */
int runcmd_spawn_reader(char *const argv[], const char *in, const char *errpath, int *pid);
/* As runcmd_spawn_reader (stdin /dev/null), for a child that must not outlive this process nor
 * hold more rights than needed: it gets SIGTERM when this process dies (PR_SET_PDEATHSIG), and
 * when uid is not (uid_t)-1 it runs as uid:gid with that user's supplementary groups and HOME,
 * USER and LOGNAME (so its own keys and known_hosts are used), which needs root here. */
int runcmd_spawn_reader_as(char *const argv[], const char *errpath, uid_t uid, gid_t gid,
			   int *pid);
/* True when prog can be run: found executable in PATH (or the path it names, with a /). */
bool runcmd_available(const char *prog);
/* Waits for a child of runcmd_spawn_reader: its exit status, 128+N when killed by signal N. */
int runcmd_wait(int pid);

#endif
