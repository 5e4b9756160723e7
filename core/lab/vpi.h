/* vpi — a virtual Raspberry Pi: boots against a real server the way the model's boot ROM /
 * EEPROM bootloader, firmware and initramfs do, and reports the boot stages (core/site/stages.h)
 * it reached. Facts: shared/spec/eeprom-otp.md §5, netboot-servers-and-failures.md §3–5.
 *
 * Each virtual Pi lives in a network namespace of its own with an "eth0" carrying the Pi's MAC,
 * so it sends from the Pi's MAC, gets its own addresses and leaves the host's addresses and
 * routes untouched; the namespace vanishes when its thread or process ends. Two attachments:
 * a macvlan of the given interface (the Pi is another station on that wire), or, when the
 * interface holds an address of this host (the boot server itself: a macvlan cannot talk to
 * its lower device's own stack), the "local" attachment of core/lab/vpi_local.c (a veth spliced
 * onto the interface with tc, so the host's daemons and a capture on the interface see the
 * Pi as if it were on the wire). Namespaces are per thread: the lab starts many Pis as one
 * thread (or process) each, every thread calling vpi_new and the step functions
 * (`simulate --all`, cli/cmd_simulate.c); the wizard's "Test boot" runs vpi_net_up + vpi_run under
 * core/bgjob.
 *
 * The steps, in boot order: vpi_rom_dhcp (stages 1–3), vpi_tftp_boot (4–5), vpi_kernel_net (6:
 * cmdline.txt's static ip= or the kernel's DHCP), vpi_root (7–8). Each returns 0 to go on or -1 when the boot stopped (v->failed, v->cause). */
#ifndef PNB_CORE_VPI_H
#define PNB_CORE_VPI_H

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/site/stages.h"
#include "core/lab/iscsi_check.h"
#include "core/server/initramfs.h"
#include "core/site/model.h"
#include "core/site/profile.h"

struct vpi_offer {
	uint32_t server_id;  /* option 54, host order */
	uint32_t src_ip;     /* IP source of the reply */
	uint32_t yiaddr, siaddr, mask, router;
	bool has_43;         /* option 43 present */
	bool menu_found;     /* a boot menu text was found in option 43 */
	bool menu_ok;        /* it matches the model's rule */
	char menu[64];       /* the menu text as sent (printable) */
	bool pxe_class;      /* option 60 PXEClient */
	uint32_t tftp66;     /* option 66 as an IPv4 address, 0 if absent or not dotted */
	char tftp66_text[64];
	char root_path[256]; /* option 17 (printable), "" if absent */
	char opt224[64];     /* option 224 (printable; seed 002's shim reads its mode there) */
	struct timeval t;
};

struct vpi_stage {
	enum stage_state state;
	char *detail;        /* what was seen (last word on the stage) */
};

enum vpi_attach { VPI_ATTACH_AUTO, VPI_ATTACH_MACVLAN, VPI_ATTACH_LOCAL };

struct vpi_opts {
	int timeout;         /* seconds for the whole boot; 0: 90 */
	int dhcp_timeout;    /* seconds the ROM keeps trying DHCP; 0: the model's rule */
	enum vpi_attach attach; /* AUTO: local when the interface holds an IPv4 address here */
	/* when *cancel becomes non-zero (a signal handler, the wizard's Esc) the boot stops at
	 * the next wait, within about 0.2 s, as if the time had run out; may be NULL */
	const volatile sig_atomic_t *cancel;
	/* The Pi's EEPROM TFTP_PREFIX when it is not what the profile says (Pi 4/5 only):
	 * prefix_set false = the profile's. prefix_str (TFTP_PREFIX_STR) is borrowed. */
	bool prefix_set;
	enum tftp_prefix_kind prefix;
	const char *prefix_str;
};

struct vpi_local;

struct vpi {
	/* identity, from the profile */
	char *name;
	enum pi_model model;
	const struct pi_model_info *mi;
	uint8_t mac[6];
	char serial[9];
	uint32_t revision;
	char prefix_dir[80];     /* the Pi's TFTP prefix as its EEPROM/bootcode.bin forms it, "" none */
	char profile_dir[80];    /* the directory the profile lays the Pi's files out in */
	const struct site *site;
	const struct pi *pi;
	struct vpi_opts o;
	/* network */
	char lower[IF_NAMESIZE];
	bool local;              /* attached with core/lab/vpi_local.c, not a macvlan */
	struct vpi_local *loc;   /* its links and filters, removed by vpi_free */
	int ifindex;             /* of eth0 inside the Pi's namespace */
	int raw;                 /* AF_PACKET socket for DHCP */
	uint32_t ip, mask, router, tftp_server;
	uint32_t xid;
	uint32_t tftp_silent;    /* a TFTP server that never answered a request (0: none) */
	bool tftp_answered;      /* the TFTP server answered something */
	char tftp_silent_file[96]; /* the first request it left unanswered */
	struct deadline clock;   /* the --timeout budget of the whole boot, from vpi_new */
	/* boot progress */
	struct vpi_stage st[STAGE_COUNT];
	int reached, failed;
	char *rule, *cause, *fix; /* why it stopped */
	char *prefix_used;       /* the prefix the firmware ended up with */
	char *config_txt, *cmdline_txt;
	uint64_t fetched_bytes;  /* size of the last file fetched */
	uint64_t fetched_kept;   /* of it, the bytes kept in memory (a keep is capped) */
	char *initramfs_name;    /* the initramfs the firmware loaded (NULL: none) */
	bool initramfs_ok;       /* it is one (initramfs holds what it can do) */
	struct initramfs_info initramfs;
	char **log;              /* one line per exchange, "+0.123 DISCOVER sent …" */
	size_t n_log;
	struct iscsi_check *ic;  /* the root login, when there was one */
	char dhcp_root_path[256]; /* options 17 and 224 of the kernel's DHCP ACK ("" absent) */
	char dhcp_opt224[64];
};

/* Creates a virtual Pi for Pi p of site s on interface lower. Nothing is sent yet. Returns NULL
 * with a heap message in *err on bad input. The caller owns the result (vpi_free). */
struct vpi *vpi_new(const struct site *s, const struct pi *p, const char *lower,
		    const struct vpi_opts *o, char **err);
void vpi_free(struct vpi *v);

/* Moves the calling thread into a new network namespace holding eth0 (a macvlan of lower with
 * the Pi's MAC, or the local attachment). Returns 0 or -1 with a heap message in *err (e.g. no
 * such interface). vpi_free undoes the local attachment (and returns the thread to the
 * namespace it came from). */
int vpi_net_up(struct vpi *v, char **err);
/* Takes the Pi off the network: closes its packet socket, logs out of its iSCSI root (which
 * needs the Pi's link) and undoes the local attachment, leaving the report in v. For a thread
 * that keeps v but must do this teardown itself (it runs tc and ip); vpi_free calls it too.
 * Safe to call twice. */
void vpi_net_down(struct vpi *v);

int vpi_rom_dhcp(struct vpi *v);
int vpi_tftp_boot(struct vpi *v);
int vpi_kernel_net(struct vpi *v);
int vpi_kernel_dhcp(struct vpi *v);
int vpi_root(struct vpi *v);
/* All steps in order, then the packet socket is closed. Returns 0 when the Pi reached stage 8
 * ("root in use"), 1 otherwise. */
int vpi_run(struct vpi *v);

/* ---- shared by the vpi_*.c files ---- */
struct boot_params;
/* Logs in to the iSCSI root bp names and reads it (stages 7-8); from says where the words came
 * from ("cmdline.txt"). Returns 0, or -1 with the boot stopped. */
int vpi_root_iscsi(struct vpi *v, const struct boot_params *bp, const char *from);
/* The root of a kernel that carries its own initramfs (core/lab/vpi_shim.c). */
int vpi_root_shim(struct vpi *v);
void vpi_log(struct vpi *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vpi_stage_done(struct vpi *v, enum boot_stage s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks stage s failed with a rule id, a cause and a fix; returns -1. */
int vpi_fail(struct vpi *v, enum boot_stage s, const char *rule, const char *fix,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
long vpi_elapsed_ms(const struct vpi *v);
/* Milliseconds left of the --timeout budget (≤ 0 when used up). */
long vpi_time_left_ms(const struct vpi *v);

/* vpi_net.c */
int vpi_raw_open(struct vpi *v, char **err);
int vpi_udp_broadcast(struct vpi *v, uint16_t sport, uint16_t dport, const void *payload,
		      size_t len);
/* Waits up to timeout_ms for a UDP datagram to dport; returns its length or -1 on timeout. */
int vpi_udp_recv(struct vpi *v, uint16_t dport, int timeout_ms, uint8_t *buf, size_t cap,
		 uint32_t *src_ip);
int vpi_set_address(struct vpi *v, uint32_t ip, uint32_t mask, uint32_t router, char **err);

/* vpi_local.c: true when ifname holds an IPv4 address in the calling thread's namespace. */
bool vpi_iface_is_local(const char *ifname);
/* Called by vpi_net_up in the original namespace: a veth whose far end "eth0" (the Pi's MAC)
 * is created inside the namespace pi_ns, spliced onto v->lower. 0, or -1 with *err. */
int vpi_local_up(struct vpi *v, int pi_ns, char **err);
/* Removes every filter and link vpi_local_up made (the thread ends in the original
 * namespace). Safe to call twice. */
void vpi_local_down(struct vpi *v);
bool vpi_cancelled(const struct vpi *v);

/* vpi_dhcp.c: one DHCP exchange in the ROM's (rom = true) or the kernel's way. Fills offers. */
enum vpi_dhcp_kind { VPI_DHCP_ROM, VPI_DHCP_KERNEL };
size_t vpi_dhcp_build(const struct vpi *v, enum vpi_dhcp_kind kind, uint8_t msg_type,
		      uint32_t req_ip, uint32_t server_id, uint8_t *out, size_t cap);
bool vpi_dhcp_parse(const struct vpi *v, const uint8_t *p, size_t len, uint8_t *msg_type,
		    struct vpi_offer *o);
/* True when option-43 text t (len n) is accepted as the Raspberry Pi boot menu by model m. */
bool vpi_menu_accepted(enum pi_model m, const char *t, size_t n);
/* bootcode.bin's own DHCP round (Pi 3), failures charged to stage 4. */
int vpi_bootcode_dhcp(struct vpi *v);

/* vpi_nfs.c: portmap, MOUNT v3 MNT of nfsroot='s path, NFS v3 GETATTR (stages 7–8). */
int vpi_root_nfs(struct vpi *v, const char *nfsroot);

/* vpi_tftp.c */
enum vpi_tftp_how { TFTP_PLAIN, TFTP_PROBE, TFTP_FETCH };
struct vpi_tftp_result {
	bool found;           /* the server had the file */
	bool timeout;
	uint16_t error_code;  /* ERROR from the server, 0 none */
	char error_msg[128];
	uint64_t bytes;
	char *data;           /* TFTP_FETCH with keep: the file (its first KEEP_MAX bytes),
			       * NUL-terminated (caller frees) */
	uint64_t kept;        /* bytes in data */
};
int vpi_tftp_get(struct vpi *v, const char *file, enum vpi_tftp_how how, bool keep,
		 struct vpi_tftp_result *r);

#endif
