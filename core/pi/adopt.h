/* adopt — moves a Pi that boots from its SD card today to a network root, over ssh, in steps:
 * readiness, the initramfs's iSCSI client, the root copied to the backing (or NFS root), the
 * boot files into the Pi's TFTP directory with cmdline.txt/config.txt/fstab for the new root,
 * a check of the new root, and last the boot order (EEPROM, or OTP on a Pi 3: permanent).
 *
 * sudo is used where root is needed: as root not at all, else sudo -n, or, when sudo wants a
 * password, sudo -S with the password asked once and fed on stdin from a 0600 file (never on
 * a command line).
 *
 * Every remote command is a fixed script shown through the event callback before it runs (and
 * only shown under dry_run). Nothing on the Pi's SD card that decides how it boots changes
 * before the new root has been checked: step 2 adds the iSCSI client and builds an initramfs
 * into /var/tmp (not /boot); the network manager is told to keep eth0 in the copy only; the
 * boot order is the only change to the Pi's boot, and the SD card stays in the order after the
 * network. Each step is idempotent; finished steps are kept in DIR/state (DIR = SITE.adopt/NAME
 * beside the profile) so a re-run resumes where an interrupted one stopped. */
#ifndef PNB_CORE_ADOPT_H
#define PNB_CORE_ADOPT_H

#include <stdbool.h>
#include <stdint.h>

enum adopt_step {
	ADOPT_READINESS,
	ADOPT_CLIENT,
	ADOPT_ROOT,
	ADOPT_BOOT,
	ADOPT_VERIFY,
	ADOPT_ORDER,
	ADOPT_NSTEPS
};
/* "readiness", "network client", "root filesystem", "boot files", "check", "boot order" */
extern const char *const adopt_step_names[ADOPT_NSTEPS];
/* "readiness", "client", "root", "boot", "check", "order": names in the state file and JSON */
extern const char *const adopt_step_keys[ADOPT_NSTEPS];

enum adopt_event_kind {
	ADOPT_EV_STEP,     /* a step starts: text = what it will do */
	ADOPT_EV_COMMAND,  /* text = a command about to run on the Pi (or here), as run */
	ADOPT_EV_INFO,     /* text = a finding */
	ADOPT_EV_PROGRESS, /* done/total bytes (total 0 = unknown) */
	ADOPT_EV_DONE,     /* the step finished: text = its result */
	ADOPT_EV_SKIP,     /* the step was done by an earlier run, or has nothing to do */
	ADOPT_EV_FAIL,     /* text = why, and what to do */
};

struct adopt_event {
	enum adopt_event_kind kind;
	enum adopt_step step;
	const char *text;
	uint64_t done, total;
};
typedef void (*adopt_event_fn)(const struct adopt_event *e, void *ud);
/* Asks the user; returns true for yes. permanent: the change cannot be undone (OTP). */
typedef bool (*adopt_confirm_fn)(const char *question, bool permanent, void *ud);
/* Asks for the remote user's sudo password (once a run); a heap string the engine wipes and
 * frees, or NULL when there is no one to ask. */
typedef char *(*adopt_password_fn)(const char *prompt, void *ud);

struct adopt_opts {
	const char *dest;       /* USER@HOST */
	const char *ssh_config; /* -F FILE, or NULL */
	const char *site_path;
	const char *pi_name;
	bool dry_run;           /* show every step and command; change nothing */
	bool yes;               /* confirm the boot order change (not OTP: that is asked each time) */
	bool restart;           /* forget the state of an earlier run */
	bool no_simulate;       /* skip the virtual Pi of step 5 where the server is this host */
	int timeout;            /* ssh ConnectTimeout, seconds */
	adopt_event_fn event;
	adopt_confirm_fn confirm; /* NULL: nothing can be confirmed (the boot order step stops) */
	adopt_password_fn password; /* NULL: a user whose sudo wants a password cannot adopt */
	void *ud;
};

/* Runs the steps not yet done. Returns 0 when every step is done (the Pi can be rebooted),
 * 1 when a step stopped (not confirmed, the new root did not check out: the event said why),
 * 2 on bad input or a failure (ssh, a tool, the profile). */
int adopt_run(const struct adopt_opts *o);

/* The directory adopt keeps its state and staging files in for this site and Pi
 * (DIR_OF(site)/BASENAME(site).adopt/NAME). Heap string, caller frees. */
char *adopt_state_dir(const char *site_path, const char *pi_name);

#endif
