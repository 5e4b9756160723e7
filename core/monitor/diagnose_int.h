/* diagnose_int — what the diagnosis files share and nobody else sees: the rule table, the
 * per-Pi evidence kept between packets, and the helpers that move stages and add verdicts.
 * diagnose.c owns the engine and the stage machine; diagnose_dhcp.c, diagnose_tftp.c,
 * diagnose_root.c turn events into evidence; diagnose_time.c turns silence into verdicts. */
#ifndef PNB_CORE_DIAGNOSE_INT_H
#define PNB_CORE_DIAGNOSE_INT_H

#include "core/monitor/diagnose.h"
#include "core/base/util.h"

/* X(enum, "id", stage, failure, site, "meaning") — the one table of rules. Within a stage the
 * more specific rules come first: when several failures explain the same stage, the summary
 * names the first one in this order. Facts: spec/netboot-servers-and-failures.md §3–4. */
#define DIAG_RULES(X)                                                                              \
	X(R_NO_DISCOVER, "no-discover", 1, true, false,                                            \
	  "an expected Pi sent no DHCP DISCOVER at all (OTP/EEPROM not set, no link, wrong port)") \
	X(R_NO_PI_SEEN, "no-pi-seen", 1, true, true,                                               \
	  "no Raspberry Pi DHCP DISCOVER anywhere in the capture")                                 \
	X(R_STP_LATE, "stp-late-discover", 1, false, false,                                        \
	  "spanning tree held the switch port: the Pi's first DISCOVERs were lost, boot started "  \
	  "late")                                                                                  \
	X(R_STP_BPDU, "stp-bpdu", 1, false, true,                                                  \
	  "spanning-tree BPDUs on the segment: without portfast/edge a port blocks for ~30 s")     \
	X(R_NOT_IN_PROFILE, "not-in-profile", 1, false, false,                                     \
	  "a Pi booted that the site profile does not list")                                       \
	X(R_PROFILE_MISMATCH, "profile-mismatch", 1, false, false,                                 \
	  "the Pi's model or serial on the wire differs from its profile entry")                   \
	X(R_RELAY_3B, "dhcp-relay-3b", 2, true, false,                                             \
	  "offers reached a Pi 3B through a DHCP relay, which its boot ROM rejects")               \
	X(R_NO_OPT43, "no-option-43", 2, true, false,                                              \
	  "offers carry no option 43, so the Pi ignores them")                                     \
	X(R_NO_MENU, "no-pi-boot-menu", 2, true, false,                                            \
	  "option 43 does not contain the text \"Raspberry Pi Boot\"")                             \
	X(R_MENU_SPACES, "menu-no-spaces", 2, true, false,                                         \
	  "a Pi 3B was offered \"Raspberry Pi Boot\" without the three trailing spaces its ROM "   \
	  "needs")                                                                                 \
	X(R_NO_TFTP_SERVER, "no-tftp-server", 2, true, false,                                      \
	  "the boot offer names no TFTP server (no siaddr, option 66 or option 54)")               \
	X(R_NO_OFFER, "no-offer", 2, true, false, "the Pi's DISCOVERs were never answered")        \
	X(R_RIVAL_DHCP, "rival-dhcp", 2, false, false,                                             \
	  "two DHCP servers offered the Pi different addresses")                                   \
	X(R_RIVAL_DHCP_SITE, "rival-dhcp-servers", 2, false, true,                                 \
	  "more than one DHCP server hands out addresses on the segment")                          \
	X(R_PROXY_NO_DELAY, "proxy-no-delay", 3, true, false,                                      \
	  "a Pi 3 got the address offer and the proxy boot offer within 2 s and loops (no reply "  \
	  "delay)")                                                                                \
	X(R_DHCP_NAK, "dhcp-nak", 3, true, false, "the Pi's DHCP REQUEST was answered with a NAK") \
	X(R_NO_ACK, "no-ack", 3, true, false, "the Pi's DHCP REQUESTs were never ACKed")           \
	X(R_PI3_IGNORED, "pi3-offer-ignored", 3, true, false,                                      \
	  "a Pi 3 received a usable boot offer but never started TFTP")                            \
	X(R_OFFERS_IGNORED, "offers-ignored", 3, true, false,                                    \
	  "the Pi DISCOVERed again after each offer and never REQUESTed or asked for a file: "    \
	  "its boot ROM rejected the offers (causes ranked by what the model rejects)")           \
	X(R_TFTP_WRONG_SERVER, "tftp-wrong-server", 4, true, false,                                \
	  "the Pi sends its TFTP requests to the DHCP server instead of the TFTP host")            \
	X(R_ARP_GARBAGE, "arp-garbage-ip", 4, true, false,                                         \
	  "the Pi ARPs for an address no offer named (early Pi 4 EEPROM option-66 parse bug)")     \
	X(R_TFTP_OFFLINK, "tftp-offlink", 4, true, false,                                          \
	  "a Pi 3B was given a TFTP server on another subnet, which its ROM cannot reach")         \
	X(R_TFTP_NO_ANSWER, "tftp-no-answer", 4, true, false,                                      \
	  "the Pi's TFTP read requests get no answer at all")                                      \
	X(R_NO_TFTP_REQUEST, "no-tftp-request", 4, true, false,                                    \
	  "the Pi took the offer but never asked for a file over TFTP")                            \
	X(R_BOOTCODE_MISSING, "bootcode-missing", 4, true, false,                                  \
	  "the TFTP root has no bootcode.bin for the Pi 3 ROM")                                    \
	X(R_PREFIX_MISMATCH, "tftp-prefix-mismatch", 4, true, false,                               \
	  "the Pi's TFTP directory (TFTP_PREFIX: serial/MAC) differs from the profile's layout")   \
	X(R_PREFIX_DIR_MISSING, "tftp-prefix-dir-missing", 4, true, false,                         \
	  "the Pi's own TFTP directory is missing or has no firmware")                             \
	X(R_FIRMWARE_NOT_FOUND, "firmware-not-found", 4, true, false,                              \
	  "start*.elf / fixup*.dat / config.txt not found under the prefix nor in the TFTP root")  \
	X(R_ACCESS_VIOLATION, "tftp-access-violation", 4, true, false,                             \
	  "the TFTP server refused a file (error 2: permissions, or outside --secure's root)")     \
	X(R_PREFIX_DROPPED, "tftp-prefix-dropped", 4, false, false,                                \
	  "no firmware under the Pi's own directory: it dropped the prefix and reads the TFTP "    \
	  "root")                                                                                  \
	X(R_TFTP_REPEAT, "tftp-repeat", 4, false, false,                                           \
	  "the Pi fetched the same file completely again and again (server without "               \
	  "tsize/blksize)")                                                                        \
	X(R_KERNEL_MISSING, "kernel-files-missing", 5, true, false,                                \
	  "the kernel image, device tree or cmdline.txt was not found")                            \
	X(R_INITRAMFS_MISSING, "initramfs-missing", 5, true, false,                                \
	  "config.txt names an initramfs that is not on the TFTP server")                          \
	X(R_BLOCK_WRAP, "tftp-block-wrap", 5, true, false,                                         \
	  "a file over 65535 blocks stalled at the block-number wrap (bootloader before "          \
	  "2025-09-23)")                                                                           \
	X(R_FILE_TIMEOUT, "tftp-file-timeout", 5, true, false,                                     \
	  "the Pi gave up on a large file ~30 s in (\"Early terminate\", TFTP_FILE_TIMEOUT)")      \
	X(R_TFTP_STALL, "tftp-stall", 5, true, false, "a TFTP transfer stopped and timed out")     \
	X(R_TFTP_RETRANSMITS, "tftp-retransmits", 5, false, false,                                 \
	  "many TFTP blocks were sent twice (lossy link or a slow server)")                        \
	X(R_NO_KERNEL_DHCP, "no-kernel-dhcp", 6, true, false,                                      \
	  "the kernel was loaded but never sent its own DHCP (panic before network, wrong ip=)")   \
	X(R_ISCSI_RST, "iscsi-rst", 7, true, false,                                                \
	  "TCP port 3260 answered with RST: no iSCSI target listening, or a firewall")             \
	X(R_ISCSI_DROPPED, "iscsi-dropped", 7, true, false,                                        \
	  "the Pi's TCP SYNs to port 3260 get no answer at all: a firewall drops them")            \
	X(R_ISCSI_CHAP, "iscsi-chap", 7, true, false,                                              \
	  "iSCSI login status 0x0201: CHAP authentication failed")                                 \
	X(R_ISCSI_ACL, "iscsi-acl", 7, true, false,                                                \
	  "iSCSI login status 0x0202: the initiator is not in the target's ACL (LIO)")             \
	X(R_ISCSI_NOT_FOUND, "iscsi-not-found", 7, true, false,                                    \
	  "iSCSI login status 0x0203: no such target (tgtd also says this to an initiator "        \
	  "outside its ACL)")                                                                      \
	X(R_ISCSI_LOGIN, "iscsi-login-error", 7, true, false,                                      \
	  "iSCSI login refused with another status")                                               \
	X(R_NFS_V2, "nfs-v2", 7, true, false,                                                      \
	  "the kernel asked for NFS version 2, which the server rejects (add vers=3)")             \
	X(R_NFS_NOENT, "nfs-mount-noent", 7, true, false,                                          \
	  "MOUNT answered NOENT: the nfsroot path does not exist on the server")                   \
	X(R_NFS_DENIED, "nfs-mount-denied", 7, true, false,                                        \
	  "MOUNT refused (ACCES/PERM): the path is not exported to this Pi")                       \
	X(R_NO_ISCSI, "no-iscsi-syn", 7, true, false,                                              \
	  "the kernel got its address but never opened TCP 3260 (no iSCSI in the initramfs)")      \
	X(R_NO_NFS, "no-nfs-mount", 7, true, false,                                                \
	  "the kernel got its address but never asked for an NFS mount")                           \
	X(R_NFS_ACCESS, "nfs-access", 8, true, false,                                              \
	  "NFS answers ACCES/ROFS/PERM: read-only export or root_squash")                          \
	X(R_ROOT_NO_READS, "root-no-reads", 8, true, false,                                        \
	  "the root login succeeded but no block was ever read (wrong LUN, empty target)")         \
	X(R_ROOT_READS_STOP, "root-reads-stop", 8, true, false,                                    \
	  "a few reads of the root disk, then silence (wrong root UUID, LUN, or modules)")         \
	X(R_ROOT_LOST, "root-lost-after-dhcp", 8, false, false,                                    \
	  "root traffic stopped after a new DHCP exchange (a network manager reconfigured eth0)")  \
	X(R_STAGE_TIMEOUT, "stage-timeout", 0, true, false,                                        \
	  "nothing happened after a stage for longer than the Pi waits (its retry behaviour)")     \
	X(R_MALFORMED, "malformed-packets", 0, false, true,                                        \
	  "truncated or malformed packets in the capture (counted, not decoded)")

#define DIAG_RULE_ENUM(e, id, stage, failure, site, meaning) e,
enum diag_rule { DIAG_RULES(DIAG_RULE_ENUM) R_COUNT };
#undef DIAG_RULE_ENUM

/* Timeouts from the models' retry behaviour (spec/eeprom-otp.md §5). */
#define T_PI3_DISCOVERS 5 /* Pi 3 ROM: 5 DISCOVERs, 5 s apart, then it sleeps */
#define T_PI3_INTERVAL 5.0
#define T_IGNORED 3        /* DISCOVERs after offers that make the offers "ignored" */
#define T_DHCP 45.0	   /* Pi 4/5 DHCP_TIMEOUT */
#define T_DHCP_REQ 4.0	   /* Pi 4/5 DHCP_REQ_TIMEOUT */
#define T_TFTP_FILE 30.0   /* TFTP_FILE_TIMEOUT */
#define T_TFTP_ANSWER 10.0 /* RRQs unanswered this long: nobody serves TFTP */
#define T_KERNEL_DHCP 60.0 /* kernel boot to its DHCP */
#define T_ROOT 60.0	   /* kernel DHCP to the root login */
#define T_READS 30.0	   /* login to the first read, and silence after a few reads */
#define ROOT_IN_USE_IOS 32 /* READ/WRITE commands (or NFS calls) that mean "root in use" */

struct offer_rec {
	uint64_t frame;
	struct timeval ts;
	uint8_t msg_type; /* 2 OFFER, 5 ACK (dnsmasq can answer 4011 with ACK) */
	uint32_t xid, src_ip, server, sid, yiaddr, siaddr, giaddr, mask, router;
	uint32_t tftp_ip; /* what the Pi would use: option 66 (if an address), siaddr, option 54 */
	bool partial;     /* read from a log that does not show every option */
	uint8_t hops;
	bool has43, menu, menu_spaces, raw43;
	bool has66, has67;
	char opt66[48], opt67[48], menu_text[48];
};

struct file_rec {
	char *name;
	uint64_t rrq_frame;
	struct timeval rrq_ts;
	uint32_t server;
	unsigned n_rrq, n_complete;
	bool complete, not_found;
	uint64_t err_frame; /* last error handled, so ERROR and the transfer summary count once */
};

enum pi_phase { PH_FIRMWARE, PH_KERNEL };

/* Everything the engine keeps per Pi: the public part first. */
struct pistate {
	bool dirty; /* before pub's first fields: the sweep reads them together for every Pi */
	struct diag_pi pub;
	const struct diag *diag; /* its engine (how evidence names frames) */
	const struct pi *prof;
	bool model_from_guid;
	bool recovered; /* a failure turned into history: a later attempt got past it */
	int fired[R_COUNT]; /* verdict index + 1, 0 = not reported */
	uint64_t first_frame, last_frame;
	struct timeval first_ts, last_ts;
	/* DHCP, firmware phase */
	unsigned n_discover;
	unsigned n_disc_after_offer; /* DISCOVERs sent although an offer had come: ignored offers */
	uint64_t first_disc_frame, last_disc_frame;
	struct timeval first_disc_ts, last_disc_ts;
	uint16_t first_disc_secs;
	struct offer_rec offers[24];
	unsigned n_offers; /* stored (first 24) */
	int boot_offer;	   /* index of the usable boot offer, -1 */
	uint32_t addr_server, tftp_ip, mask, router;
	unsigned n_request;
	uint64_t first_req_frame, ack_frame, nak_frame;
	struct timeval first_req_ts;
	/* ARP */
	uint64_t odd_arp_frame;
	struct timeval odd_arp_ts;
	uint32_t odd_arp_ip;
	/* TFTP */
	struct file_rec *files;
	size_t n_files, cap_files;
	unsigned n_rrq, n_rrq_unanswered;
	uint64_t first_rrq_frame, last_rrq_frame;
	struct timeval first_rrq_ts, last_tftp_ts;
	uint32_t rrq_dst;
	bool tftp_answered;
	char prefix[40];
	bool prefix_seen, prefix_missed, prefix_dropped;
	uint64_t prefix_miss_frame;
	char prefix_miss_file[64];
	bool kernel_started, kernel_done, initramfs_asked, initramfs_done;
	bool have_start, have_fixup;
	/* kernel */
	enum pi_phase phase;
	uint64_t kdhcp_frame, kack_frame;
	struct timeval kdhcp_ts, kernel_done_ts;
	uint64_t late_dhcp_frame;
	struct timeval late_dhcp_ts;
	/* root */
	bool root_started;
	struct timeval root_start_ts, login_ok_ts, last_root_ts, first_io_ts;
	uint64_t syn_frame, login_ok_frame, first_io_frame;
	unsigned login_replies, n_io, n_write;
	char *initiator, *target;
	bool discovery_session;
	/* root: what the Pi offered and asked for, for explaining a refusal or a root not found */
	bool auth_seen, auth_chap;     /* the normal session's Login AuthMethod; CHAP offered */
	bool syn_pending;              /* a SYN to 3260 not answered yet (SYN-ACK or RST) */
	uint16_t syn_sport;
	uint32_t syn_seq;
	unsigned n_syn_retx;
	uint64_t syn_pending_frame;
	struct timeval syn_pending_ts;
	uint64_t scsi_luns;            /* bit n: a SCSI command went to LUN n (n < 64) */
	bool disc_seen;                /* a SendTargets answer reached the Pi */
	char disc_targets[200];        /* the TargetName= values it listed, ", "-separated */
	char mnt_path[200];            /* the path of the Pi's last MOUNT MNT call */
	bool nfs_seen, nfs_v2;
	/* the bootloader's NETCONSOLE log: its last line backs up a failure's evidence */
	char netcon[120];
	uint64_t netcon_frame;
	unsigned n_nfs, n_nfs_read;
};

struct diag {
	const struct site *site;
	struct pistate **pis;
	size_t n_pis, cap_pis;
	size_t *hash; /* open addressing on the MAC: index + 1, 0 = empty */
	size_t hash_cap;
	struct diag_verdict *site_v;
	size_t n_site_v;
	int site_fired[R_COUNT];
	bool have_t0;
	struct timeval t0, now, last_sweep;
	/* segment-wide evidence */
	unsigned n_bpdu;
	uint64_t bpdu_frame, tc_frame;
	struct timeval bpdu_ts, tc_ts;
	uint8_t stp_version;
	uint16_t fwd_delay;
	uint32_t addr_servers[8];
	uint64_t addr_server_frame[8];
	size_t n_addr_servers;
	uint64_t n_malformed, malformed_frame;
	const char *malformed_why;
	struct pistate *touched; /* the Pi the current event was about */
	struct sbuf sentence;    /* pi_summarise's scratch (owned, freed by diag_free) */
	bool finished;
	diag_frame_namer namer;  /* NULL: frames are "#N" */
	const void *namer_user;
};

/* ---- diagnose.c: Pis, stages and verdicts ---- */
struct pistate *diag_pi_get(struct diag *d, const uint8_t mac[6]);
/* With site NULL: mac has a Raspberry Pi OUI; with a site: mac is one of its Pis. */
bool diag_mac_is_pi(const struct site *site, const uint8_t mac[6]);
/* The Pi for mac; created when the MAC is a profile Pi's (or, with by_oui, has a Pi OUI)
 * though its DHCP was not seen: static TFTP_IP/CLIENT_IP boots, captures started late.
 * by_oui only for TFTP: any Pi on the LAN may use NFS or iSCSI. Owned by the engine. */
struct pistate *diag_pi_late(struct diag *d, const uint8_t mac[6], const struct pnb_event *ev,
			     bool by_oui);
/* Finds or creates the Pi for mac (creation also matches the profile); owned by the engine. */
struct pistate *diag_pi_add(struct diag *d, const uint8_t mac[6], const struct pnb_event *ev);
/* A PXE DISCOVER after the Pi ran Linux: a reboot. Stages and per-boot evidence start over;
 * identity and verdicts stay. */
void diag_pi_new_boot(struct pistate *ps);
/* Records the serial (option 97, a TFTP path); it may bind the Pi to its profile entry. */
void diag_pi_learn_serial(struct diag *d, struct pistate *ps, const char *serial);
/* Marks stage s in progress (when not seen yet). */
void st_progress(struct pistate *ps, int s, const struct pnb_event *ev);
/* Marks stage s done (and the earlier stages done by implication); a later stage being done
 * turns earlier failures into warnings: the Pi got past them. */
void st_done(struct pistate *ps, int s, const struct pnb_event *ev);
void st_done_at(struct pistate *ps, int s, uint64_t frame, struct timeval ts);
/* Inline, like pi_has_failure and pi_fired: the silence rules ask them of every Pi each
 * second of capture time. */
static inline bool st_is_done(const struct pistate *ps, int s)
{
	return ps->pub.state[s] == STATE_DONE;
}
/* Reports rule r for a Pi. cause, evidence and fix are heap strings the verdict takes over;
 * stage 0 = the rule's stage. A rule fires once per Pi: later reports replace its texts. */
void pi_report(struct pistate *ps, enum diag_rule r, int stage, uint64_t frame, char *cause,
	       char *evidence, char *fix);
/* Same for a site verdict. */
void site_report(struct diag *d, enum diag_rule r, uint64_t frame, char *cause, char *evidence,
		 char *fix);
static inline bool pi_has_failure(const struct pistate *ps)
{
	return ps->pub.failed != 0;
}
static inline bool pi_fired(const struct pistate *ps, enum diag_rule r)
{
	return ps->fired[r] != 0;
}
/* Seconds between two times; and "#12 (3.512 s)" for evidence. */
double tv_diff(struct timeval a, struct timeval b);
void ev_ref(const struct diag *d, struct sbuf *b, uint64_t frame, struct timeval ts);
/* "#N", or "FILE:LINE" for a log line; returns out. */
const char *frame_name(const struct diag *d, uint64_t frame, char out[160]);
/* Initialises b with fmt, then where ev happened: "RRQ x, ERROR 1 File not found #7 (0.708 s)". */
void ev_text(const struct diag *d, struct sbuf *b, const struct pnb_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
char *ip_str(uint32_t ip, char out[16]);
/* The profile Pi's TFTP directory name (serial, MAC with dashes, or the string), into out. */
bool prof_prefix(const struct pistate *ps, char *out, size_t len, const char **kind);

/* ---- the event handlers ---- */
void dx_dhcp(struct diag *d, const struct pnb_event *ev);
void dx_arp(struct diag *d, const struct pnb_event *ev);
void dx_stp(struct diag *d, const struct pnb_event *ev);
void dx_tftp(struct diag *d, const struct pnb_event *ev);
void dx_xfer(struct diag *d, const struct pnb_event *ev);
void dx_tcp(struct diag *d, const struct pnb_event *ev);
void dx_iscsi(struct diag *d, const struct pnb_event *ev);
void dx_rpc(struct diag *d, const struct pnb_event *ev);
/* RRQs nobody answers: tftp-wrong-server or tftp-no-answer (diagnose_tftp.c). */
void tftp_unanswered(struct diag *d, struct pistate *ps, struct timeval now);
/* Why a Pi that logged in did not use its root, from the LUNs it addressed and the root= of
 * its served cmdline.txt against the profile (diagnose_root.c); NULL when nothing specific.
 * Heap strings: the cause returned, and *fix. */
char *root_explain(struct diag *d, struct pistate *ps, char **fix);
/* Stage 2/3 failure cause from the offers seen (diagnose_dhcp.c); false: none specific. */
bool dhcp_explain(struct diag *d, struct pistate *ps, bool at_end);
/* The Pi DISCOVERed again after offers (n_disc_after_offer) with nothing specific wrong in
 * them: offers-ignored with the likely causes ranked for its model (diagnose_dhcp.c). */
void offers_ignored(struct diag *d, struct pistate *ps);
/* Silence rules (diagnose_time.c). */
void pi_check_time(struct diag *d, struct pistate *ps, struct timeval now, bool at_end);
void diag_finish_site(struct diag *d);

#endif
