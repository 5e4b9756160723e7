/* iscsi_check — check an iSCSI root target exactly as a Pi's initramfs will see it, with
 * libiscsi: TCP reachability, discovery (SendTargets) with the Pi's initiator name, login (with
 * CHAP when configured), REPORT LUNS, READ CAPACITY against the profile size, the partition table,
 * partition 1's FAT volume and partition 2's root filesystem, and whether the root= the Pi will
 * get and the fstab inside its root name what is really on the LUN. Failures are explained in the target's own terms (tgt
 * answers an initiator outside its ACL with 0x0203 "not found", LIO with 0x0202).
 * Facts: shared/spec/netboot-servers-and-failures.md §4 rows 23–24 and §5, decoding.md §3.3.
 *
 * The check is a sequence of steps over one struct iscsi_check, each a plain function that waits
 * for the target; every wait (connect, login, SendTargets, each SCSI command, logout) gets only
 * what is left of one budget, o.timeout seconds from iscsi_check_login: the CLI runs them in a row, the virtual Pi calls the
 * same steps from its own thread, and the wizard runs iscsi_check_run under core/bgjob (a
 * thread whose end is a readable fd in its poll loop) and then reads the result, plain data. */
#ifndef PNB_CORE_ISCSI_CHECK_H
#define PNB_CORE_ISCSI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/deadline.h"
#include "core/disk/parttable.h"
#include "core/site/profile.h"

/* X(id, name) — the steps, in order. */
#define ICHECK_STEPS(X)                                                                            \
	X(IC_CONNECT, "connect")                                                                   \
	X(IC_DISCOVERY, "discovery")                                                               \
	X(IC_LOGIN, "login")                                                                       \
	X(IC_LUNS, "luns")                                                                         \
	X(IC_CAPACITY, "capacity")                                                                 \
	X(IC_PARTITIONS, "partitions")                                                             \
	X(IC_BOOT_FS, "boot-fs")                                                                   \
	X(IC_ROOT_FS, "root-fs")                                                                   \
	X(IC_ROOT_MATCH, "root-match")                                                             \
	X(IC_FSTAB, "fstab")

#define ICHECK_ENUM(id, name) id,
enum icheck_step { ICHECK_STEPS(ICHECK_ENUM) IC_COUNT };
#undef ICHECK_ENUM
extern const char *const icheck_step_names[IC_COUNT];

enum icheck_level { IC_OK, IC_INFO, IC_WARN, IC_FAIL };
extern const char *const icheck_level_names[]; /* "ok", "info", "warning", "FAIL" */

struct icheck_line {
	enum icheck_step step;
	enum icheck_level level;
	char *text;
};

#define ICHECK_TIMEOUT_DEFAULT 30

struct iscsi_check_opts {
	const char *host;          /* portal address (IPv4 or name) */
	int port;                  /* 0: 3260 */
	const char *target;        /* target IQN the Pi logs into */
	int lun;                   /* -1: every LUN the target reports (initramfs-tools does this) */
	const char *initiator;     /* the Pi's initiator IQN */
	const char *chap_user;     /* NULL: no CHAP */
	const char *chap_secret;
	uint64_t expect_size;      /* bytes, 0: not checked */
	const char *root_spec;     /* root= the Pi gets ("UUID=…"), NULL: not checked */
	const char *root_from;     /* where root_spec came from, for messages */
	const char *profile_initiator; /* compared with initiator/target on failure; may be NULL */
	const char *profile_target;
	int target_kind;           /* enum iscsi_target_kind, or -1 unknown */
	int timeout;               /* seconds for the whole check, from iscsi_check_login on;
				    * 0: ICHECK_TIMEOUT_DEFAULT */
};

struct iscsi_check {
	struct iscsi_check_opts o;     /* strings owned (copied) */
	struct icheck_line *lines;
	size_t n_lines;
	/* results */
	bool reachable;
	char **targets;                /* discovered target names */
	size_t n_targets;
	bool discovery_ok;
	int login_status;              /* class<<8|detail from the Login Response, -1 none */
	bool logged_in;
	uint16_t luns[64];
	int n_luns;
	int lun;                       /* LUN inspected, -1 none */
	uint64_t capacity;             /* bytes */
	uint32_t block_size;
	bool have_disk;
	struct part_table disk;
	const struct disk_part *root_part; /* into disk, when root_spec matched */
	bool root_read;                /* the root filesystem's superblock was read */
	/* verdict */
	bool ok;                       /* the Pi would find its root */
	enum icheck_step failed_step;
	char *cause;                   /* one sentence, NULL when ok */
	char *fix;
	void *ctx;                     /* libiscsi context while logged in */
	/* the one budget (issue 13 rule 7) and the operation being waited for */
	struct deadline dl;            /* started by iscsi_check_login */
	bool timed_out;                /* the budget ran out; cause names the step */
	bool wait_done;
	int wait_status;
	enum icheck_step read_step;    /* the step a READ of the LUN belongs to */
	char addr[64];                 /* o.host resolved once, numeric, for libiscsi */
};

/* Creates a check with copies of o's strings. Owned by the caller: iscsi_check_free. */
struct iscsi_check *iscsi_check_new(const struct iscsi_check_opts *o);
void iscsi_check_free(struct iscsi_check *c);

/* Individual steps; each returns 0 to go on, -1 when the check stopped (c->ok false, cause set).
 * iscsi_check_login does connect, discovery and login; iscsi_check_disk the LUN list, capacity,
 * partition table and filesystems; iscsi_check_root the root= comparison. */
int iscsi_check_login(struct iscsi_check *c);
int iscsi_check_disk(struct iscsi_check *c);
int iscsi_check_root(struct iscsi_check *c);
/* The Pi's /etc/fstab, read from the root filesystem: every UUID=/PARTUUID=/LABEL= entry for
 * /, /boot and /boot/firmware must name a partition of the LUN, and none may name the SD card
 * (/dev/mmcblk…) a diskless Pi does not have. Returns 0, or -1 (c->ok false) when the Pi would
 * stop in the emergency shell. */
int iscsi_check_fstab(struct iscsi_check *c);
/* Reads the first n 4 KiB blocks of the root partition, one READ each, the way a kernel that
 * mounts its root reads the filesystem's metadata (the monitor counts such reads as "root in
 * use"). Returns 0, or -1 when a read fails or there is no root. */
int iscsi_check_use_root(struct iscsi_check *c, int n);
/* All steps in order, then logout. Returns 0 when the Pi would find its root, 1 when not. */
int iscsi_check_run(struct iscsi_check *c);

/* Fills opts from a site and Pi the way the Pi's boot would go: portal = server address, LUN by
 * target kind (tgt 1, LIO 0), root= and the login parameters from the Pi's served cmdline.txt
 * under the TFTP layout when it exists (else the profile's root_uuid), CHAP from the Pi's
 * credentials. Strings point into s, p or hold (heap strings the caller frees, each with free()).
 * Returns 0, or -1 with a heap message in *err when the served cmdline.txt is unreadable or
 * malformed. */
#define ICHECK_HOLD 8
int iscsi_check_opts_from_site(const struct site *s, const struct pi *p,
			       struct iscsi_check_opts *o, char *hold[ICHECK_HOLD], char **err);

/* Parses iscsi://HOST[:PORT]/TARGET-IQN/LUN with libiscsi's own URL parser. The caller frees
 * *host and *target. Returns 0, or -1 with a heap message in *err. */
int iscsi_url_parse(const char *url, char **host, int *port, char **target, int *lun, char **err);

/* What a refused login means, for iscsi-check, the virtual Pi and the monitor: the status plus
 * what is known about the names on both sides. */
struct iscsi_login_facts {
	int status;                    /* class<<8 | detail, -1 when there was no Login Response */
	const char *initiator, *target; /* as sent in the Login Request */
	const char *profile_initiator, *profile_target; /* what the profile says; may be NULL */
	const char *portal;            /* "host:port", may be NULL */
	int target_kind;               /* enum iscsi_target_kind, or -1 unknown */
	const char *chap_user;         /* NULL when no CHAP was offered */
	const char *const *targets;    /* SendTargets answer for this initiator, when known */
	size_t n_targets;
	bool discovery_done;           /* targets is a real answer (possibly empty) */
	const char *error;             /* the initiator's own error text, for the fallback */
};
/* One sentence naming what is wrong in the target's terms (ACL, CHAP, name) rather than the
 * status text; *fix is set to a static suggestion or NULL. Returns a heap string (caller frees). */
char *iscsi_login_explain(const struct iscsi_login_facts *f, const char **fix);

/* "0x0203" style meaning of a login status per RFC 7143, e.g. "target not found". */
const char *iscsi_login_status_text(int status);

#endif
