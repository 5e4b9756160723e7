/* readiness — "can this Pi network boot, and if not, what is the one thing to do?" from what a
 * Pi tells about itself (/proc/cpuinfo, vcgencmd otp_dump / bootloader_version /
 * bootloader_config, its MAC), optionally checked against the site profile's entry for it.
 * Used by `pinetboot check` and the wizard's Pi readiness step. */
#ifndef PNB_CORE_READINESS_H
#define PNB_CORE_READINESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pi/bootconf.h"
#include "core/pi/bootloader.h"
#include "core/site/model.h"
#include "core/pi/otp.h"
#include "core/base/problems.h"
#include "core/site/profile.h"

/* One piece of text a Pi gave (or a file standing in for it). */
struct pi_text {
	char *text;    /* NULL = not available */
	size_t len;
	char *name;    /* for messages: "otp.txt", "vcgencmd otp_dump on pi@10.0.0.7" */
	char *missing; /* why it is not available ("vcgencmd not found on the Pi"), or NULL */
};

enum pi_fact { FACT_CPUINFO, FACT_OTP, FACT_BLVERSION, FACT_BOOTCONF, FACT_MAC, FACT_COUNT };

struct pi_facts {
	struct pi_text t[FACT_COUNT];
};
void pi_facts_init(struct pi_facts *f);
void pi_facts_done(struct pi_facts *f);
/* Takes ownership of text (heap, NUL-terminated) and copies name. */
void pi_facts_set(struct pi_facts *f, enum pi_fact k, char *text, size_t len, const char *name);
void pi_facts_set_missing(struct pi_facts *f, enum pi_fact k, const char *name, const char *why);

/* Collects the facts on this machine: /proc/cpuinfo, the eth0 MAC, and vcgencmd's three outputs
 * (a missing vcgencmd is recorded, not fatal). Facts already set are kept. */
void pi_facts_collect_local(struct pi_facts *f);
/* Same through the system ssh client (BatchMode=yes, ConnectTimeout) on dest (USER@HOST; it
 * must not start with '-'); ssh_config, when not NULL, is passed as -F. Returns 0, or -1 with a
 * heap message in *err (caller frees) when ssh itself fails. */
int pi_facts_collect_ssh(struct pi_facts *f, const char *dest, const char *ssh_config,
			 int timeout_s, char **err);

/* argv for `ssh [-F ssh_config] -o BatchMode=yes -o ConnectTimeout=N -o ServerAliveInterval=15
 * -o ServerAliveCountMax=4 -T -- dest script`, the one way pinetboot reaches a Pi (a Pi that
 * stops answering ends it within a minute); cto holds the timeout option's text. */
void pi_ssh_argv(char *argv[16], char cto[32], const char *dest, const char *ssh_config,
		 int timeout_s, const char *script);
/* The fixed script pi_facts_collect_ssh runs on the Pi (shown to the user before it runs). */
const char *pi_facts_remote_script(void);

/* Splits the output of the remote script (sections marked "@@pnb NAME") into f; facts already
 * set are kept. Exposed for the fuzz harness: the output comes from another machine. */
void pi_facts_parse_remote(struct pi_facts *f, const char *dest, const char *out, size_t len);

/* Saved facts: one file per fact in dir (cpuinfo, mac, otp_dump, bootloader_version,
 * bootloader_config). load reads those present (facts already set are kept) and returns how
 * many it read; save writes every fact that has text, atomically, creating dir; it returns 0 or
 * -1 with errno set. */
int pi_facts_load_dir(struct pi_facts *f, const char *dir);
int pi_facts_save_dir(const struct pi_facts *f, const char *dir);
/* Beside saved facts: the USER@HOST they were read through (file "ssh"), so the wizard can
 * offer to adopt that Pi. Returns 0 or -1 with errno. */
int pi_facts_save_ssh(const char *dir, const char *dest);
/* Where the wizard and `check --save` keep a Pi's facts: DIR_OF(site_path)/pis/NAME. Heap
 * string, caller frees. */
char *pi_facts_default_dir(const char *site_path, const char *pi_name);

/* /proc/cpuinfo */
struct cpuinfo {
	bool has_revision;
	uint32_t revision;
	bool has_serial;
	char serial[17]; /* as printed, lowercase */
	char model[96];  /* "Raspberry Pi 4 Model B Rev 1.4" when the kernel prints it */
};
int cpuinfo_parse(const char *text, size_t len, const char *file, struct cpuinfo *ci,
		  struct problems *ps);

struct readiness {
	bool ready;
	bool bad_input;          /* a given file was unreadable or not what it claims */
	enum pi_model model;
	bool has_revision;
	struct pi_revision rev;
	bool has_serial;
	char serial[9];          /* low 8 hex digits */
	bool has_mac;
	uint8_t mac[6];
	bool has_otp;
	struct otp_verdict otp;
	bool has_blv;
	struct bootloader_version blv;
	bool has_bootconf;
	char boot_order[12];     /* effective, "0xf41" when the default applies */
	char *boot_order_words;  /* "SD card, then network, then restart" */
	int tftp_prefix;         /* effective TFTP_PREFIX, -1 unknown */
	char *tftp_prefix_str;
	char *verdict;           /* one line */
	char *action;            /* the one action that fixes what is missing; NULL when ready */
	struct problems ps;      /* every finding, with file:line:key */
};

/* Evaluates f (and, when p is not NULL, checks it against s and p). r is initialised here and
 * must be readiness_done()'d. Returns 0 ready, 1 not ready, 2 bad input (the exit codes). */
int readiness_evaluate(const struct pi_facts *f, const struct site *s, const struct pi *p,
		       struct readiness *r);
void readiness_done(struct readiness *r);

#endif
