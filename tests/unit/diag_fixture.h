/* diag_fixture — synthetic capture events for the diagnosis unit tests: no decoder, no pcap,
 * just the typed events capture/event.h promises, built with realistic values (the spec's
 * DISCOVER options, dnsmasq's option 43 bytes, Pi TFTP names, iSCSI login keys). */
#ifndef PNB_TESTS_DIAG_FIXTURE_H
#define PNB_TESTS_DIAG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor/diagnose.h"
#include "core/site/profile.h"
#include "core/base/util.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t MAC_PI4[6] = {0xdc, 0xa6, 0x32, 0x1c, 0x6a, 0x2a};
static const uint8_t MAC_PI3[6] = {0xb8, 0x27, 0xeb, 0xaf, 0x9c, 0x61};
static const uint8_t MAC_PI5[6] = {0x2c, 0xcf, 0x67, 0x01, 0x02, 0x03};
static const uint8_t MAC_SRV[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01};
static const uint8_t MAC_RTR[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0xfe};
#define SRV IP(192, 168, 20, 1)
#define RTR IP(192, 168, 20, 254)
#define PI_IP IP(192, 168, 20, 50)

/* dnsmasq pxe-service=0,"Raspberry Pi Boot" (spec/eeprom-otp.md §5.2) and the 3-space form. */
static const uint8_t OPT43_PI[] = {6,	1,   3,	  10,  4,   0,	 'P', 'X', 'E', 9,   20,
				   0,	0,   17,  'R', 'a', 's', 'p', 'b', 'e', 'r', 'r',
				   'y', ' ', 'P', 'i', ' ', 'B', 'o', 'o', 't', 255};
static const uint8_t OPT43_PI_SPACES[] = {
    6,	 1,   3,   10,	4,   0,	  'P', 'X', 'E', 9,   23,  0,	0,   20,  'R', 'a', 's', 'p',
    'b', 'e', 'r', 'r', 'y', ' ', 'P', 'i', ' ', 'B', 'o', 'o', 't', ' ', ' ', ' ', 255};
static const uint8_t OPT43_IPXE[] = {6, 1, 8, 255}; /* pixiecore: sub-option 6 only */

struct fx {
	struct diag *d;
	struct site site;
	bool have_site;
	uint64_t frame;
	double t;
	const void *arg; /* the running case's arg (struct fx_case), for its events */
};

static inline struct pnb_event fx_ev(struct fx *f, enum pnb_event_kind k, double dt)
{
	struct pnb_event ev;
	memset(&ev, 0, sizeof(ev));
	f->t += dt;
	ev.kind = k;
	ev.frame = ++f->frame;
	ev.ts.tv_sec = 1700000000 + (time_t)f->t;
	ev.ts.tv_usec = (suseconds_t)((f->t - (double)(time_t)f->t) * 1e6);
	return ev;
}

/* The same, sent from one MAC to another. */
static inline struct pnb_event fx_ev_from(struct fx *f, enum pnb_event_kind k, double dt,
					  const uint8_t from[6], const uint8_t to[6])
{
	struct pnb_event ev = fx_ev(f, k, dt);
	memcpy(ev.src_mac, from, 6);
	memcpy(ev.dst_mac, to, 6);
	return ev;
}

static inline void fx_start(struct fx *f, const char *profile)
{
	memset(f, 0, sizeof(*f));
	if (profile) {
		struct problems ps;
		problems_init(&ps);
		if (profile_load_string("site.conf", profile, &f->site, &ps) != 0) {
			for (size_t i = 0; i < ps.n; i++)
				fprintf(stderr, "profile: %s\n", ps.items[i].message);
			abort();
		}
		problems_done(&ps);
		f->have_site = true;
	}
	f->d = diag_new(profile ? &f->site : NULL);
}

static inline void fx_end(struct fx *f)
{
	diag_free(f->d);
	if (f->have_site)
		site_done(&f->site);
}

static inline const struct diag_pi *fx_pi(struct fx *f, const uint8_t mac[6])
{
	for (size_t i = 0; i < diag_pi_count(f->d); i++)
		if (memcmp(diag_pi_at(f->d, i)->mac, mac, 6) == 0)
			return diag_pi_at(f->d, i);
	return NULL;
}

/* The capture ends (diag_finish): the diagnosis of the Pi with that MAC. */
static inline const struct diag_pi *fx_finish(struct fx *f, const uint8_t mac[6])
{
	diag_finish(f->d);
	return fx_pi(f, mac);
}

static inline const struct diag_verdict *fx_verdict(const struct diag_pi *p, const char *rule)
{
	for (size_t i = 0; p && i < p->n_verdicts; i++)
		if (strcmp(p->verdicts[i].rule, rule) == 0)
			return &p->verdicts[i];
	return NULL;
}

static inline const struct diag_verdict *fx_site_verdict(struct fx *f, const char *rule)
{
	for (size_t i = 0; i < diag_site_verdict_count(f->d); i++)
		if (strcmp(diag_site_verdict_at(f->d, i)->rule, rule) == 0)
			return diag_site_verdict_at(f->d, i);
	return NULL;
}

static inline void fx_dump(const struct diag_pi *p)
{
	if (!p)
		return;
	fprintf(stderr, "pi reached=%d failed=%d verdict=%s\n", p->reached, p->failed, p->verdict);
	for (size_t i = 0; i < p->n_verdicts; i++)
		fprintf(stderr, "  %s %s stage %d: %s | %s | %s\n", p->verdicts[i].rule,
			p->verdicts[i].failure ? "FAIL" : "warn", p->verdicts[i].stage,
			p->verdicts[i].cause, p->verdicts[i].evidence, p->verdicts[i].fix);
}

#define PROFILE                                                                                    \
	"[server]\ninterface = eth0\naddress = 192.168.20.1/24\niqn_base = "                       \
	"iqn.2026-11.lan.example\n"                                                                \
	"[pi \"kitchen\"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n"               \
	"tftp_prefix = serial\n"

/* The Pi has fired rule (when given), failed at fail_stage and the summary names the rule. */
static inline void expect(const struct diag_pi *p, const char *rule, int fail_stage)
{
	bool ok = p && p->failed == fail_stage;
	if (ok && rule) {
		ok = fx_verdict(p, rule) != NULL;
		if (ok && fail_stage) {
			char tag[64];
			snprintf(tag, sizeof(tag), "[%s]", rule);
			ok = p->verdict && strstr(p->verdict, tag);
		}
	}
	if (getenv("PNB_DIAG_DUMP"))
		fx_dump(p);
	if (!ok) {
		fprintf(stderr, "expected rule %s failing at %d\n", rule ? rule : "-", fail_stage);
		fx_dump(p);
		fail();
	}
}

/* ---- DHCP ---- */

/* A DHCP message from the Pi (op 1, its MAC as chaddr); the caller adds the rest. */
static inline struct pnb_event fx_client_dhcp(struct fx *f, const uint8_t mac[6], uint8_t msg_type,
					      double dt)
{
	struct pnb_event ev = fx_ev(f, EV_DHCP, dt);
	memcpy(ev.src_mac, mac, 6);
	ev.u.dhcp.op = 1;
	ev.u.dhcp.msg_type = msg_type;
	memcpy(ev.u.dhcp.chaddr, mac, 6);
	return ev;
}

static inline void fx_discover(struct fx *f, const uint8_t mac[6], const char *fourcc, uint32_t rev,
			       uint32_t serial, double dt)
{
	static uint8_t guid[17];
	struct pnb_event ev = fx_client_dhcp(f, mac, 1, dt);
	struct ev_dhcp *h = &ev.u.dhcp;
	memset(ev.dst_mac, 0xff, 6);
	ev.dst_ip = 0xffffffff;
	ev.sport = 68;
	ev.dport = 67;
	h->xid = 0x26f30339;
	h->vendor_class.p = (const uint8_t *)"PXEClient:Arch:00000:UNDI:002001";
	h->vendor_class.len = 32;
	h->has_arch = true;
	memset(guid, 0x44, sizeof(guid));
	guid[0] = 0;
	if (fourcc) {
		memcpy(guid + 1, fourcc, 4);
		h->pi_guid = true;
		memcpy(h->pi_fourcc, fourcc, 5);
		h->pi_revision = rev;
		h->pi_serial = serial;
	}
	h->client_guid.p = guid;
	h->client_guid.len = 17;
	diag_event(f->d, &ev);
}

struct fx_offer {
	uint8_t type; /* 2 OFFER, 5 ACK, 6 NAK */
	uint32_t server, yiaddr, siaddr, giaddr, mask;
	const uint8_t *opt43;
	size_t opt43_len;
	const char *opt66, *opt67;
	uint16_t secs;
};

static inline void fx_reply(struct fx *f, const uint8_t mac[6], const struct fx_offer *o, double dt)
{
	struct pnb_event ev = fx_ev_from(f, EV_DHCP, dt, MAC_SRV, mac);
	struct ev_dhcp *h = &ev.u.dhcp;
	ev.src_ip = o->server;
	ev.sport = 67;
	ev.dport = 68;
	h->op = 2;
	h->msg_type = o->type ? o->type : 2;
	memcpy(h->chaddr, mac, 6);
	h->server_id = o->server;
	h->yiaddr = o->yiaddr;
	h->siaddr = o->siaddr;
	h->giaddr = o->giaddr;
	h->hops = o->giaddr ? 1 : 0;
	h->subnet_mask = o->mask ? o->mask : (o->yiaddr ? 0xffffff00 : 0);
	h->vendor_class.p = (const uint8_t *)"PXEClient";
	h->vendor_class.len = 9;
	if (o->opt43) {
		h->vendor_opts.p = o->opt43;
		h->vendor_opts.len = (uint16_t)o->opt43_len;
		h->pxe_valid = true;
		h->has_pxe_menu = o->opt43_len > 20;
		if (h->has_pxe_menu) {
			h->pxe_menu_text.p = o->opt43 + 14;
			h->pxe_menu_text.len = o->opt43[13];
		}
	}
	if (o->opt66) {
		h->tftp_server.p = (const uint8_t *)o->opt66;
		h->tftp_server.len = (uint16_t)strlen(o->opt66);
	}
	if (o->opt67) {
		h->bootfile.p = (const uint8_t *)o->opt67;
		h->bootfile.len = (uint16_t)strlen(o->opt67);
	}
	diag_event(f->d, &ev);
}

static inline void fx_request(struct fx *f, const uint8_t mac[6], bool pxe, double dt)
{
	struct pnb_event ev = fx_client_dhcp(f, mac, 3, dt);
	struct ev_dhcp *h = &ev.u.dhcp;
	h->requested_ip = PI_IP;
	h->server_id = SRV;
	if (pxe) {
		h->vendor_class.p = (const uint8_t *)"PXEClient:Arch:00000:UNDI:002001";
		h->vendor_class.len = 32;
	}
	diag_event(f->d, &ev);
}

/* Full DHCP from one server: offer o, the Pi's REQUEST (its PXEClient class sent again when
 * pxe), and o once more as the ACK. */
static inline void fx_full_dhcp(struct fx *f, const uint8_t mac[6], struct fx_offer o, bool pxe)
{
	fx_reply(f, mac, &o, 0.01);
	fx_request(f, mac, pxe, 0.5);
	o.type = 5;
	fx_reply(f, mac, &o, 0.01);
}

/* The kernel's own DISCOVER (no PXEClient class). */
static inline void fx_kernel_dhcp(struct fx *f, const uint8_t mac[6], double dt)
{
	struct pnb_event ev = fx_client_dhcp(f, mac, 1, dt);
	diag_event(f->d, &ev);
}

static inline void fx_kernel_ack(struct fx *f, const uint8_t mac[6], double dt)
{
	struct fx_offer o = {.type = 5, .server = SRV, .yiaddr = PI_IP};
	fx_reply(f, mac, &o, dt);
}

/* dnsmasq proxy: the router's address offer, then the proxy's boot offer (option 54 only). */
static inline void fx_proxy_offers(struct fx *f, const uint8_t mac[6], const uint8_t *o43,
				   size_t len, double gap)
{
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	struct fx_offer b = {.server = SRV, .opt43 = o43, .opt43_len = len};
	fx_reply(f, mac, &a, 0.01);
	fx_reply(f, mac, &b, gap);
}

/* ---- ARP ---- */

static inline void fx_arp(struct fx *f, const uint8_t mac[6], uint32_t spa, uint32_t tpa, double dt)
{
	struct pnb_event ev = fx_ev(f, EV_ARP, dt);
	memcpy(ev.src_mac, mac, 6);
	ev.u.arp.op = 1;
	memcpy(ev.u.arp.sha, mac, 6);
	ev.u.arp.spa = spa;
	ev.u.arp.tpa = tpa;
	diag_event(f->d, &ev);
}

/* ---- TFTP ---- */

static inline void fx_rrq(struct fx *f, const uint8_t mac[6], uint32_t server, const char *name,
			  double dt)
{
	struct pnb_event ev = fx_ev_from(f, EV_TFTP, dt, mac, MAC_SRV);
	ev.src_ip = PI_IP;
	ev.dst_ip = server;
	ev.sport = 49152;
	ev.dport = 69;
	ev.u.tftp.opcode = TFTP_RRQ;
	ev.u.tftp.filename.p = (const uint8_t *)name;
	ev.u.tftp.filename.len = (uint16_t)strlen(name);
	ev.u.tftp.mode.p = (const uint8_t *)"octet";
	ev.u.tftp.mode.len = 5;
	ev.u.tftp.tsize = 0;
	ev.u.tftp.blksize = 1024;
	diag_event(f->d, &ev);
}

/* Server → Pi packet (DATA/OACK/ERROR). */
static inline void fx_tftp_reply(struct fx *f, const uint8_t mac[6], uint16_t opcode,
				 const char *file, uint16_t code, double dt)
{
	struct pnb_event ev = fx_ev_from(f, EV_TFTP, dt, MAC_SRV, mac);
	ev.src_ip = SRV;
	ev.dst_ip = PI_IP;
	ev.u.tftp.opcode = opcode;
	ev.u.tftp.error_code = code;
	ev.u.tftp.transfer_file = file;
	ev.u.tftp.block = 1;
	ev.u.tftp.tsize = -1;
	ev.u.tftp.blksize = -1;
	diag_event(f->d, &ev);
}

/* The tracker's summary of one transfer: x as given, with the Pi's and the server's addresses
 * and defaults for what x leaves zero (10 blocks of 1024 bytes, tsize unknown, 0.2 s). */
static inline void fx_xfer(struct fx *f, const uint8_t mac[6], const char *name,
			   const struct ev_tftp_xfer *x, double dt)
{
	struct pnb_event ev = fx_ev(f, EV_TFTP_XFER, dt);
	struct ev_tftp_xfer *e = &ev.u.xfer;
	*e = *x;
	memcpy(e->client_mac, mac, 6);
	e->filename = name;
	e->client_ip = PI_IP;
	e->server_ip = SRV;
	e->blocks = x->blocks ? x->blocks : 10;
	e->bytes = (uint64_t)e->blocks * 1024;
	e->blksize = x->blksize ? x->blksize : 1024;
	e->tsize = x->tsize ? x->tsize : -1;
	e->duration = x->duration ? x->duration : 0.2;
	diag_event(f->d, &ev);
}

/* RRQ, then a complete transfer. */
static inline void fx_get(struct fx *f, const uint8_t mac[6], const char *name)
{
	fx_rrq(f, mac, SRV, name, 0.05);
	fx_tftp_reply(f, mac, TFTP_OACK, name, 0, 0.01);
	struct ev_tftp_xfer x = {.end = XFER_COMPLETE};
	fx_xfer(f, mac, name, &x, 0.2);
}

/* RRQ answered with ERROR 1 (transfer summary too, as the tracker sends both). */
static inline void fx_missing(struct fx *f, const uint8_t mac[6], const char *name)
{
	fx_rrq(f, mac, SRV, name, 0.05);
	fx_tftp_reply(f, mac, TFTP_ERROR, name, 1, 0.01);
	struct ev_tftp_xfer x = {
	    .end = XFER_ERROR, .error_code = 1, .error_msg = "File not found", .blocks = 1};
	fx_xfer(f, mac, name, &x, 0.0);
}

/* tsize probe: OACK then the Pi aborts with "Early terminate" (normal). */
static inline void fx_probe(struct fx *f, const uint8_t mac[6], const char *name)
{
	fx_rrq(f, mac, SRV, name, 0.05);
	fx_tftp_reply(f, mac, TFTP_OACK, name, 0, 0.01);
	struct ev_tftp_xfer x = {.end = XFER_ERROR,
				 .error_from_client = true,
				 .probe = true,
				 .error_msg = "Early terminate",
				 .blocks = 1};
	fx_xfer(f, mac, name, &x, 0.01);
}

/* The Pi's TFTP requests in order, each word of script one file under prefix: "+name" served
 * whole (fx_get), "-name" not found (fx_missing), "?name" a tsize probe (fx_probe). */
static inline void fx_files(struct fx *f, const uint8_t mac[6], const char *prefix,
			    const char *script)
{
	char word[128], name[256];
	for (const char *w = script; *w;) {
		size_t n = strcspn(w, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, w);
		snprintf(name, sizeof(name), "%s%s", prefix, word + 1);
		if (word[0] == '+')
			fx_get(f, mac, name);
		else if (word[0] == '-')
			fx_missing(f, mac, name);
		else if (word[0] == '?')
			fx_probe(f, mac, name);
		else
			abort(); /* a typo in a test's script */
		w += n;
		w += strspn(w, " ");
	}
}

/* ---- iSCSI / NFS ---- */

static inline void fx_tcp(struct fx *f, const uint8_t from[6], const uint8_t to[6], uint16_t sport,
			  uint16_t dport, bool syn, bool ack, bool rst, double dt)
{
	struct pnb_event ev = fx_ev_from(f, EV_TCP, dt, from, to);
	ev.sport = sport;
	ev.dport = dport;
	ev.u.tcp = (struct ev_tcp){.syn = syn, .ack = ack, .rst = rst};
	diag_event(f->d, &ev);
}

static inline void fx_login(struct fx *f, const uint8_t mac[6], const char *ini, const char *tgt,
			    uint8_t cls, uint8_t det, double dt)
{
	struct pnb_event ev = fx_ev_from(f, EV_ISCSI, dt, mac, MAC_SRV);
	ev.dport = 3260;
	ev.u.iscsi.opcode = 0x03;
	ev.u.iscsi.transit = true;
	ev.u.iscsi.nsg = 3;
	ev.u.iscsi.csg = 1;
	ev.u.iscsi.initiator_name.p = (const uint8_t *)ini;
	ev.u.iscsi.initiator_name.len = (uint16_t)strlen(ini);
	ev.u.iscsi.target_name.p = (const uint8_t *)tgt;
	ev.u.iscsi.target_name.len = (uint16_t)strlen(tgt);
	ev.u.iscsi.session_type.p = (const uint8_t *)"Normal";
	ev.u.iscsi.session_type.len = 6;
	diag_event(f->d, &ev);
	ev = fx_ev_from(f, EV_ISCSI, 0.01, MAC_SRV, mac);
	ev.sport = 3260;
	ev.u.iscsi.opcode = 0x23;
	ev.u.iscsi.transit = cls == 0;
	ev.u.iscsi.nsg = 3;
	ev.u.iscsi.csg = 1;
	ev.u.iscsi.status_class = cls;
	ev.u.iscsi.status_detail = det;
	diag_event(f->d, &ev);
}

static inline void fx_scsi(struct fx *f, const uint8_t mac[6], uint8_t cdb, int n, double dt)
{
	for (int i = 0; i < n; i++) {
		struct pnb_event ev = fx_ev_from(f, EV_ISCSI, dt, mac, MAC_SRV);
		ev.dport = 3260;
		ev.u.iscsi.opcode = 0x01;
		ev.u.iscsi.cdb_opcode = cdb;
		diag_event(f->d, &ev);
		ev = fx_ev_from(f, EV_ISCSI, 0.001, MAC_SRV, mac);
		ev.sport = 3260;
		ev.u.iscsi.opcode = 0x25;
		diag_event(f->d, &ev);
	}
}

static inline void fx_rpc(struct fx *f, const uint8_t mac[6], uint32_t prog, uint32_t vers,
			  uint32_t proc, int accept, int status, double dt)
{
	static uint32_t xid = 1000;
	struct pnb_event ev = fx_ev_from(f, EV_RPC, dt, mac, MAC_SRV);
	ev.u.rpc.xid = ++xid;
	ev.u.rpc.prog = prog;
	ev.u.rpc.vers = vers;
	ev.u.rpc.proc = proc;
	diag_event(f->d, &ev);
	ev = fx_ev_from(f, EV_RPC, 0.001, MAC_SRV, mac);
	ev.u.rpc.xid = xid;
	ev.u.rpc.reply = true;
	ev.u.rpc.matched = true;
	ev.u.rpc.prog = prog;
	ev.u.rpc.vers = vers;
	ev.u.rpc.proc = proc;
	ev.u.rpc.accept_stat = (uint32_t)accept;
	ev.u.rpc.low_vers = 3;
	ev.u.rpc.high_vers = 4;
	if (status >= 0) {
		ev.u.rpc.has_status = true;
		ev.u.rpc.status = (uint32_t)status;
	}
	diag_event(f->d, &ev);
}

static inline void fx_bpdu(struct fx *f, uint8_t flags, double dt)
{
	struct pnb_event ev = fx_ev(f, EV_STP, dt);
	memcpy(ev.src_mac, MAC_RTR, 6);
	ev.u.stp.version = 0;
	ev.u.stp.flags = flags;
	ev.u.stp.forward_delay = 15;
	diag_event(f->d, &ev);
}

/* ---- whole boots, stage by stage ---- */

#define PI4_REV 0xc03111u
#define PI4_SERIAL 0x511e57f7u
#define PI5_REV 0xd04170u

/* Pi 4, proxy DHCP: stages 1–3. */
static inline void fx_pi4_dhcp(struct fx *f, const uint8_t mac[6])
{
	fx_discover(f, mac, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	fx_proxy_offers(f, mac, OPT43_PI, sizeof(OPT43_PI), 0.01);
	fx_request(f, mac, false, 0.5);
	struct fx_offer ack = {.type = 5, .server = RTR, .yiaddr = PI_IP};
	fx_reply(f, mac, &ack, 0.01);
}

/* Pi 4 firmware and kernel files under prefix p ("" = root). */
static inline void fx_pi4_files(struct fx *f, const uint8_t mac[6], const char *p)
{
	fx_files(f, mac, p,
		 "?start4.elf +config.txt -pieeprom.sig -recover4.elf -recovery.elf +start4.elf "
		 "+fixup4.dat +config.txt -overlays/overlay_map.dtb +bcm2711-rpi-4-b.dtb "
		 "+cmdline.txt +kernel8.img +initramfs8");
}

static inline void fx_iscsi_root(struct fx *f, const uint8_t mac[6], const char *ini,
				 const char *tgt)
{
	fx_kernel_dhcp(f, mac, 5.0);
	fx_kernel_ack(f, mac, 0.01);
	fx_tcp(f, mac, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(f, MAC_SRV, mac, 3260, 40000, true, true, false, 0.001);
	fx_login(f, mac, ini, tgt, 0, 0, 0.01);
	fx_scsi(f, mac, 0x28, 40, 0.01);
}

/* ---- one scenario, one row ---- */

/* Something more the verdict must hold: in 'c' its cause, 'f' its fix, 'e' its evidence hold
 * text; 'v' the Pi's one-line summary holds text; 'r' the Pi's rule text fired too; 's' the
 * site's rule text fired. */
struct fx_want {
	char in;
	const char *text;
};

/* A capture and what the diagnosis must make of it. */
struct fx_case {
	const char *profile;	      /* the site profile, NULL: none */
	void (*events)(struct fx *f); /* what the capture holds (NULL: nothing but files) */
	const void *arg;	      /* what events finds in f->arg */
	const char *files;	      /* then these TFTP requests (fx_files, no prefix), or NULL */
	const char *rule;	      /* the rule that must fire, NULL: none needed */
	int stage;		      /* the stage the Pi fails at, 0: it does not fail */
	const uint8_t *mac;	      /* the Pi judged, NULL: MAC_PI4 */
	int reached;		      /* its last stage reached, 0: not checked */
	int done;		      /* a stage it must have done, 0: not checked */
	enum pi_model model;	      /* its model, PI_MODEL_UNKNOWN: not checked */
	const char *serial;	      /* its serial, NULL: not checked */
	bool warning;		      /* the rule fired as a warning, not a failure */
	bool live;		      /* judged before the capture ends (no diag_finish) */
	bool quiet;		      /* no verdict at all, not even a warning */
	struct fx_want want[6];
};

static inline const char *fx_want_in(struct fx *f, const struct diag_pi *p,
				     const struct diag_verdict *v, const struct fx_want *w)
{
	switch (w->in) {
	case 'c':
		return v ? v->cause : NULL;
	case 'f':
		return v ? v->fix : NULL;
	case 'e':
		return v ? v->evidence : NULL;
	case 'v':
		return p->verdict;
	case 'r':
		return fx_verdict(p, w->text) ? w->text : NULL;
	case 's':
		return fx_site_verdict(f, w->text) ? w->text : NULL;
	}
	return NULL;
}

static inline void fx_run_case(const struct fx_case *c)
{
	struct fx f;
	fx_start(&f, c->profile);
	f.arg = c->arg;
	const uint8_t *mac = c->mac ? c->mac : MAC_PI4;
	if (c->events)
		c->events(&f);
	if (c->files)
		fx_files(&f, mac, "", c->files);
	const struct diag_pi *p = c->live ? fx_pi(&f, mac) : fx_finish(&f, mac);
	expect(p, c->rule, c->stage);
	if (c->reached)
		assert_int_equal(p->reached, c->reached);
	if (c->done)
		assert_int_equal(p->state[c->done], STATE_DONE);
	if (c->model)
		assert_int_equal(p->model, c->model);
	if (c->serial)
		assert_string_equal(p->serial, c->serial);
	if (c->quiet)
		assert_int_equal(p->n_verdicts, 0);
	const struct diag_verdict *v = c->rule ? fx_verdict(p, c->rule) : NULL;
	if (c->warning)
		assert_false(v->failure);
	for (size_t k = 0; k < 6 && c->want[k].text; k++) {
		const char *in = fx_want_in(&f, p, v, &c->want[k]);
		if (!in || !strstr(in, c->want[k].text)) {
			fprintf(stderr, "want '%c' %s\n", c->want[k].in, c->want[k].text);
			fx_dump(p);
			fail();
		}
	}
	fx_end(&f);
}

/* A table of cases as one cmocka test, FX_TEST_CASES(table) in the list of tests, where table is
 * a struct fx_cases (FX_CASES(the array, the profile of the cases that name none)). */
struct fx_cases {
	const struct fx_case *c;
	size_t n;
	const char *profile;
};

#define FX_CASES(cases, profile) {cases, sizeof(cases) / sizeof(cases[0]), profile}

static inline void fx_test_cases(void **state)
{
	const struct fx_cases *t = *state;
	for (size_t i = 0; i < t->n; i++) {
		struct fx_case c = t->c[i];
		if (!c.profile)
			c.profile = t->profile;
		print_message("case %zu: %s\n", i, c.rule ? c.rule : "(no rule)");
		fx_run_case(&c);
	}
}

#define FX_TEST_CASES(table) {#table, fx_test_cases, NULL, NULL, &table}

#endif
