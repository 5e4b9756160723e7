/* profile — the site profile: one INI file (parsed with inih) describing the boot server and
 * every Pi. The wizard writes it, the headless commands read it, and every generated file comes
 * from it. Validation names file:line:key for each problem and reports all of them.
 *
 * Format (see README and pinetboot(1)):
 *   [server]          interface, address (CIDR), dhcp, tftp, tftp_root, root, iscsi_target,
 *                     iqn_base, initramfs, nfs_root, range, router, dns, reply_delay
 *   [pi "NAME"]       model, serial, mac, tftp_prefix, image, backing, size, chap, ip,
 *                     initiator, target, root_uuid, nfs_path, hostname, kernel, initramfs
 */
#ifndef PNB_CORE_PROFILE_H
#define PNB_CORE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/site/model.h"
#include "core/base/problems.h"

/* Every key of the site profile, one row each: S(id, name, help) for [server], then
 * P(id, name, help) for [pi "NAME"]. The table drives parsing, validation messages, the wizard's
 * fields and the man page. One row a line: a row is read (and diffed) as a whole. */
// clang-format off
#define PROFILE_KEYS(S, P) \
	S(SK_INTERFACE, "interface", "network interface the Pis are on, e.g. eth0") \
	S(SK_ADDRESS, "address", "the server's IPv4 address with prefix, e.g. 192.168.20.1/24") \
	S(SK_DHCP, "dhcp", "proxy | full | isc | kea | none") \
	S(SK_TFTP, "tftp", "dnsmasq | tftpd-hpa") \
	S(SK_TFTP_ROOT, "tftp_root", "absolute directory served over TFTP, e.g. /srv/tftp") \
	S(SK_ROOT, "root", "iscsi | nfs") \
	S(SK_ISCSI_TARGET, "iscsi_target", "tgt | lio | external (a NAS or another host: pinetboot writes no target config)") \
	S(SK_ISCSI_PORTAL, "iscsi_portal", "IPV4[:PORT] where the Pis log in (default: this server's address, port 3260)") \
	S(SK_IQN_BASE, "iqn_base", "RFC 3720 name prefix, e.g. iqn.2026-11.lan.example") \
	S(SK_INITRAMFS, "initramfs", "initramfs-tools | dracut | rfc4173 (how the Pi's initramfs finds its iSCSI root)") \
	S(SK_NFS_ROOT, "nfs_root", "absolute directory holding one NFS root per Pi") \
	S(SK_BOOT_WRITEBACK, "boot_writeback", "nfs | none: each Pi's TFTP directory exported over NFS and mounted at its boot mount, so kernel upgrades on the Pi reach TFTP (default nfs)") \
	S(SK_RANGE, "range", "full DHCP: first-last address, e.g. 192.168.20.100-192.168.20.199") \
	S(SK_ROUTER, "router", "full DHCP: default gateway handed to the Pis") \
	S(SK_DNS, "dns", "full DHCP: DNS server handed to the Pis") \
	S(SK_REPLY_DELAY, "reply_delay", "seconds dnsmasq waits before a proxy reply (Pi 3); auto picks 1 when a Pi 3 is in proxy mode") \
	P(PK_MODEL, "model", "2B, 3B, 3B+, 3A+, CM3, CM3+, 4B, 400, CM4, 5, 500, CM5") \
	P(PK_SERIAL, "serial", "serial number: 8 or 16 hex digits (/proc/cpuinfo)") \
	P(PK_MAC, "mac", "Ethernet MAC, e.g. dc:a6:32:1c:6a:2a") \
	P(PK_TFTP_PREFIX, "tftp_prefix", "serial | mac | none | string:NAME (the Pi's TFTP directory; none = flat, files in tftp_root)") \
	P(PK_IMAGE, "image", "OS image the Pi's root is made from (.img, .img.xz, …)") \
	P(PK_BACKING, "backing", "iSCSI backing file on the server, absolute path") \
	P(PK_SIZE, "size", "size of the Pi's root disk, e.g. 16G") \
	P(PK_CHAP, "chap", "yes | no: CHAP authentication on the iSCSI login") \
	P(PK_IP, "ip", "full DHCP: fixed address for this Pi") \
	P(PK_INITIATOR, "initiator", "the Pi's iSCSI initiator IQN (default IQN_BASE:NAME)") \
	P(PK_TARGET, "target", "the Pi's iSCSI target IQN (default IQN_BASE:root-NAME)") \
	P(PK_ROOT_UUID, "root_uuid", "filesystem UUID of the Pi's root partition, when known") \
	P(PK_NFS_PATH, "nfs_path", "NFS root directory of this Pi (default NFS_ROOT/NAME)") \
	P(PK_HOSTNAME, "hostname", "the Pi's host name (default NAME)") \
	P(PK_ISCSI_PORTAL, "iscsi_portal", "IPV4[:PORT] of this Pi's target (default: the server's iscsi_portal)") \
	P(PK_LUN, "lun", "the LUN of this Pi's root disk (default: tgt 1, lio 0, external 0)") \
	P(PK_BOOT_MOUNT, "boot_mount", "/boot/firmware | /boot: where the Pi's OS keeps its boot files (Bookworm and Ubuntu: /boot/firmware, older Raspbian: /boot)") \
	P(PK_DHCP_OPTION, "dhcp_option", "CODE,VALUE: a DHCP option sent to this Pi (repeat the key for more; dnsmasq: any code; ISC dhcpd and Kea: 14, 17, 18, 40, 47, 64 and 224-254)") \
	P(PK_CMDLINE_EXTRA, "cmdline_extra", "words added to the Pi's cmdline.txt, e.g. \"console=ttyAMA0 earlycon\"") \
	P(PK_CONFIG_EXTRA, "config_extra", "one KEY=VALUE line added to the Pi's config.txt under [all], e.g. enable_uart=1") \
	P(PK_KERNEL, "kernel", "auto | FILE: the kernel config.txt loads (auto: the OS's own choice)") \
	P(PK_INITRAMFS, "initramfs", "auto | none | FILE: the initramfs config.txt loads (auto: the OS's own line or auto_initramfs)")
// clang-format on

#define PROFILE_KEY_ENUM(id, name, help) id,
#define PROFILE_KEY_SKIP(id, name, help)
enum profile_server_key { PROFILE_KEYS(PROFILE_KEY_ENUM, PROFILE_KEY_SKIP) SK_COUNT };
enum profile_pi_key { PROFILE_KEYS(PROFILE_KEY_SKIP, PROFILE_KEY_ENUM) PK_COUNT };
#undef PROFILE_KEY_ENUM

extern const char *const profile_server_key_names[SK_COUNT];
extern const char *const profile_server_key_help[SK_COUNT];
extern const char *const profile_pi_key_names[PK_COUNT];
extern const char *const profile_pi_key_help[PK_COUNT];

enum dhcp_mode { DHCP_PROXY, DHCP_FULL, DHCP_ISC, DHCP_KEA, DHCP_NONE };
enum tftp_server { TFTP_DNSMASQ, TFTP_HPA };
enum root_kind { ROOT_ISCSI, ROOT_NFS };
enum iscsi_target_kind { TARGET_TGT, TARGET_LIO, TARGET_EXTERNAL };
enum initramfs_kind { INITRAMFS_TOOLS, INITRAMFS_DRACUT, INITRAMFS_RFC4173 };

extern const char *const dhcp_mode_names[];     /* "proxy", "full", "isc", "kea", "none" */
extern const char *const tftp_server_names[];   /* "dnsmasq", "tftpd-hpa" */
extern const char *const root_kind_names[];     /* "iscsi", "nfs" */
extern const char *const iscsi_target_names[];  /* "tgt", "lio", "external" */
extern const char *const initramfs_names[];     /* "initramfs-tools", "dracut", "rfc4173" */

struct pi {
	char *name;               /* section name, unique */
	int line;                 /* line of the [pi "NAME"] header */
	int key_line[PK_COUNT];   /* line of each key, 0 if absent (default applied) */
	enum pi_model model;
	bool has_serial;
	char serial[9];           /* low 8 hex digits, lowercase */
	bool has_mac;
	uint8_t mac[6];
	enum tftp_prefix_kind prefix;
	char *prefix_str;         /* TFTP_PREFIX_STRING: the directory name (no trailing /) */
	char *image;              /* may be NULL */
	char *backing;            /* iSCSI backing file; default /srv/iscsi/NAME.img */
	uint64_t size;            /* bytes; 0 = size of the image */
	bool chap;
	uint32_t ip;              /* 0 = none */
	char *initiator;          /* default iqn_base:NAME */
	char *target;             /* default iqn_base:root-NAME */
	char *root_uuid;          /* may be NULL */
	char *nfs_path;           /* default nfs_root/NAME */
	char *hostname;           /* default NAME */
	uint32_t portal_ip;       /* iscsi_portal (0: the server's) */
	uint16_t portal_port;     /* 0: the server's, else 3260 */
	int lun;                  /* -1: the target kind's default */
	bool boot_mount_old;      /* boot_mount = /boot (else /boot/firmware) */
#define PI_MAX_DHCP_OPTIONS 8
	char *dhcp_option[PI_MAX_DHCP_OPTIONS]; /* "CODE,VALUE" (validated), dhcp_option keys */
	int n_dhcp_options;
	char *cmdline_extra;      /* words appended to cmdline.txt (validated), or NULL */
	char *config_extra;       /* KEY=VALUE line added to config.txt (validated), or NULL */
	char *kernel;             /* kernel= pinetboot adds to config.txt; NULL: auto (the OS's) */
	char *initramfs;          /* initramfs line pinetboot adds; NULL: auto (the OS's) */
	bool initramfs_none;      /* initramfs = none: the Pi boots without one (NFS root, or a
				   * kernel that carries its own) and nothing asks for one */
	/* CHAP credentials, from the secrets file (never from the profile itself). NULL until
	 * secrets_load/secrets_ensure fills them. */
	char *chap_user;
	char *chap_secret;
};

struct site {
	char *path;               /* the file it was loaded from, or NULL */
	int key_line[SK_COUNT];
	char interface[32];
	uint32_t address;         /* host order */
	unsigned prefix_len;      /* 0..32 */
	enum dhcp_mode dhcp;
	enum tftp_server tftp;
	char *tftp_root;
	enum root_kind root;
	enum iscsi_target_kind iscsi_target;
	bool boot_writeback;      /* boot_writeback = nfs (the default) */
	uint32_t portal_ip;       /* iscsi_portal (0: address) */
	uint16_t portal_port;     /* 0: 3260 */
	char *iqn_base;
	enum initramfs_kind initramfs;
	char *nfs_root;
	uint32_t range_start, range_end; /* full DHCP; 0 = derived from the subnet */
	uint32_t router, dns;            /* 0 = none */
	int reply_delay;                 /* -1 = auto */
	struct pi *pis;
	size_t n_pis;
	int line;                 /* line of the [server] header, 0 when absent */
};

/* Fills a site with the defaults (dhcp=proxy, tftp=dnsmasq, tftp_root=/srv/tftp, root=iscsi,
 * iscsi_target=tgt, initramfs=initramfs-tools, nfs_root=/srv/nfs, reply_delay=auto). */
void site_init(struct site *s);
/* Frees everything a site owns (including its Pis) and leaves it empty. */
void site_done(struct site *s);

/* Loads and validates path into s (s is initialised here). Every problem is added to ps with
 * file:line:key. Returns 0 when the profile has no errors (warnings allowed), -1 when it has
 * errors or cannot be read; s is usable for display in both cases and must be site_done()'d. */
int profile_load(const char *path, struct site *s, struct problems *ps);
/* Same, from a string (name is used in messages). */
int profile_load_string(const char *name, const char *text, struct site *s, struct problems *ps);
/* Cross-key and cross-Pi validation (duplicates, unknown models, missing required keys),
 * run by profile_load; exposed for the wizard, which edits a site in memory. */
void profile_validate(const struct site *s, struct problems *ps);
/* The NAME of an ini section header `pi "NAME"` (heap, caller frees), or NULL when section is
 * not a Pi section. */
char *profile_pi_section_name(const char *section);

/* Validates one value the way the loader does, for the wizard's as-you-type checks. Returns
 * NULL when the value is fine, otherwise a heap message (caller frees) with the same wording
 * the loader uses, e.g. "\"dc:a6\" is not a MAC address (expected 6 hex pairs, e.g. …)". */
char *profile_check_server_value(enum profile_server_key key, const char *value);
char *profile_check_pi_value(enum profile_pi_key key, const char *value);

/* Adds a Pi with defaults; returns it (owned by s; pointer valid until the next add/remove). */
struct pi *site_add_pi(struct site *s, const char *name);
void site_remove_pi(struct site *s, size_t index);
struct pi *site_find_pi(const struct site *s, const char *name);
/* Fills the per-Pi defaults that depend on the server (initiator, target, backing, nfs_path,
 * hostname). Idempotent; called by the loader and by the wizard after edits. */
void site_apply_defaults(struct site *s);

/* The DHCP range full DHCP hands out: range when set, otherwise derived from the subnet
 * (.100-.199 of a subnet with 200 hosts or more, else its upper half). Host order. */
void site_dhcp_range(const struct site *s, uint32_t *lo, uint32_t *hi);

/* Text value of a key as it would be written to the file (heap string, caller frees; NULL
 * when the key has no value). */
char *profile_server_value(const struct site *s, enum profile_server_key key);
char *profile_pi_value(const struct pi *p, enum profile_pi_key key);

/* Writes s to path atomically. When path exists, the user's comments, blank lines and key
 * order are kept: changed keys are rewritten in place, new keys appended to their section,
 * removed Pis' sections dropped. Returns 0, or -1 with errno set. */
int profile_save(const struct site *s, const char *path);
/* The text profile_save would write: s merged into existing (the current file's text, or NULL
 * for a fresh file). Heap string, caller frees. For the wizard's review and tests. */
char *profile_render_text(const struct site *s, const char *existing);

/* The low 8 hex digits of a serial written in the 8- or 16-digit form, lowercase, into
 * out[9]. Returns false when s is not such a serial. */
bool serial_normalise(const char *s, char out[9]);
/* RFC 3720 iqn.yyyy-mm.reversed.domain[:identifier] syntax check; upper case is accepted (NAS
 * vendors write it) since RFC 3722 folds it away. */
bool iqn_valid(const char *iqn);
/* Two iSCSI names are the same name: RFC 3722 compares them after folding to lower case. */
bool iqn_equal(const char *a, const char *b);
/* Parses "IPV4[:PORT]" (port 1-65535; 0 when not given). */
bool portal_parse(const char *v, uint32_t *ip, uint16_t *port);
/* Where Pi p logs in to its root: its iscsi_portal, else the server's, else the server's
 * address; port 3260 unless one of them gives it. The one place the portal is decided. */
void site_pi_portal(const struct site *s, const struct pi *p, uint32_t *ip, uint16_t *port);
/* The LUN of Pi p's root disk: its lun, else tgt 1 (LUN 0 is tgt's controller), LIO 0,
 * external 0. The one place the LUN is decided. */
unsigned site_pi_lun(const struct site *s, const struct pi *p);

#endif
