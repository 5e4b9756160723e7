/* adopt_int — what the adopt steps share (core/pi/adopt*.c only). */
#ifndef PNB_CORE_ADOPT_INT_H
#define PNB_CORE_ADOPT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/problems.h"
#include "core/pi/adopt.h"
#include "core/pi/readiness.h"
#include "core/site/profile.h"

struct adopt {
	const struct adopt_opts *o;
	struct site s;
	struct pi *p;
	char *dir;        /* state and staging directory */
	bool done[ADOPT_NSTEPS];
	enum adopt_step cur;
	bool skipped;     /* the current step said it had nothing to do */
	bool creating;    /* the profile has no [pi NAME] yet: step 1 adds it from the facts */
	/* what step 1 found, kept in the state file */
	char uuid[40];    /* root filesystem UUID of the copy */
	char bootdir[16]; /* "/boot/firmware" or "/boot" */
	char arch[16];    /* uname -m */
	char sudo[12];    /* "root", "nopasswd", "password" */
	char *password;   /* sudo's, asked once this run (heap, wiped when done), or NULL */
	bool dracut;      /* the Pi builds its initramfs with dracut */
	bool nfs_owned;   /* the NFS root directory was made by adopt */
	bool staged;      /* step 3 has the whole root and boot files here (iSCSI) */
	char root_off[24];/* byte offset of the root partition in the backing */
	char netcfg[96];  /* step 1: the network managers configured on the Pi, ", "-separated */
	struct pi_facts facts; /* what the Pi said in step 1 of this run */
	unsigned long long root_used; /* bytes df said the Pi's root uses (the copy's progress total) */
};

void adopt_emit(struct adopt *a, enum adopt_event_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void adopt_progress(struct adopt *a, unsigned long long done, unsigned long long total);
int adopt_state_save(struct adopt *a);
/* The sudo prefix for the Pi's commands: "" as root, "sudo -S -p '' " when it takes the
 * password on stdin, else "sudo -n ". */
const char *adopt_sudo(const struct adopt *a);
/* Shows script (as `ssh DEST 'script'`) and, unless dry_run, runs it; its stdout streams into
 * the file `to` (when not NULL) or into *out (heap, caller frees; may be NULL). Returns the
 * remote exit status (255: ssh failed), 0 under dry_run. */
int adopt_remote(struct adopt *a, const char *script, const char *to, char **out);
/* Same, its stdout unpacked as a tar stream into dir (plain_only: rootcopy_untar's). Returns 0,
 * or -1 with err. */
int adopt_remote_untar(struct adopt *a, const char *script, const char *dir, bool plain_only,
		       char *err, size_t errlen);
/* Test hook: PNB_TEST_ADOPT_KILL=KEY kills this process at the named point of a step (an
 * interrupted run), so a test can show the next run resumes. */
void adopt_test_kill(const char *key);

/* Where adopt keeps its things on the Pi: /run, RAM, not the SD card (gone at a reboot). */
#define ADOPT_PI_DIR "/run/pinetboot-adopt"
/* The start of a script run as `unshare -m --propagation unchanged sh -ec '...'`: its mounts
 * private (a chroot's / is no mount point: then /run, where they are made), $D set. */
#define ADOPT_OVL_PRIVATE                                                                          \
	"D=" ADOPT_PI_DIR "; { mount --make-rprivate / 2>/dev/null || mount --make-rprivate /run; }; "
/* The overlay of step 2 on $D/merged: the Pi's root below, step 2's changes above. */
#define ADOPT_OVL_MOUNT                                                                            \
	"mount -t overlay pinetboot-adopt -o lowerdir=/,upperdir=$D/upper,workdir=$D/work $D/merged; "

/* A script that runs `what` (no single quote in it) as root in the Pi's root as step 3 copies
 * it (iSCSI: the overlay of step 2), cwd its top, $D = ADOPT_PI_DIR. Heap string. */
char *adopt_root_script(const struct adopt *a, const char *what);
/* Step 2 (adopt.c): open-iscsi, the marker and the initramfs in an overlay of the Pi's root. */
int adopt_step_client(struct adopt *a);
/* Steps 3 and 4 (adopt_copy.c). Return 0 done, 1 stopped, 2 failed. */
int adopt_step_root(struct adopt *a);
int adopt_step_boot(struct adopt *a);

#endif
