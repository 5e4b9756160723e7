/* pcapgen_wire — the packet builders of pcapgen (tests/tools/pcapgen.c): Ethernet/IPv4/UDP/TCP
 * with checksums, the Pi's DHCP messages and the servers' replies, ARP, STP BPDUs, TFTP
 * transfers, iSCSI Login/SCSI PDUs and ONC RPC (portmap, MOUNT, NFS). Included once, by
 * pcapgen.c only (each .c file in tests/tools is its own program). */
#ifndef PNB_TESTS_PCAPGEN_WIRE_H
#define PNB_TESTS_PCAPGEN_WIRE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tools/wire.h"

struct host {
	uint8_t mac[6];
	uint32_t ip;
};

static struct host SRV = {{0x52, 0x54, 0x00, 0xab, 0x00, 0x01}, IP(192, 168, 20, 1)};
static struct host RTR = {{0x52, 0x54, 0x00, 0xab, 0x00, 0xfe}, IP(192, 168, 20, 254)};
static struct host OTHER = {{0x52, 0x54, 0x00, 0xab, 0x00, 0x77}, IP(192, 168, 20, 77)};

/* A Pi: model family, identity, the address it gets. */
enum fam { F_PI3B, F_PI3BP, F_PI4, F_PI5 };
struct pi {
	enum fam fam;
	struct host h;
	uint32_t serial, rev;
	uint16_t port; /* next ephemeral UDP/TCP port */
};

/* The port is set by reset() before each scenario. */
static struct pi PI3B = {F_PI3B, {{0xb8, 0x27, 0xeb, 0xaf, 0x9c, 0x61}, IP(192, 168, 20, 61)},
			 0x2caf9c61, 0xa02082, 0};
static struct pi PI3BP = {F_PI3BP, {{0xb8, 0x27, 0xeb, 0x12, 0x34, 0x56}, IP(192, 168, 20, 62)},
			  0x3e123456, 0xa020d3, 0};
static struct pi PI4 = {F_PI4, {{0xdc, 0xa6, 0x32, 0x1c, 0x6a, 0x2a}, IP(192, 168, 20, 64)},
			0x511e57f7, 0xc03111, 0};
static struct pi PI5 = {F_PI5, {{0x2c, 0xcf, 0x67, 0x01, 0x02, 0x03}, IP(192, 168, 20, 65)},
			0x9ffefdef, 0xd04170, 0};

/* ---- output ---- */

struct gen {
	struct wire_file out;
	double t; /* seconds since the capture's start */
	uint16_t ip_id, srv_port;
	uint32_t xid;
};

static struct gen G;
static const struct host *ADDR_SRV = &SRV; /* who hands out addresses: router (proxy) or server */

static void wait_s(double s)
{
	G.t += s;
}

static void emit(const uint8_t *p, size_t n, size_t caplen)
{
	double t = 1764000000.0 + G.t;
	struct timeval ts;
	ts.tv_sec = (time_t)t;
	ts.tv_usec = (suseconds_t)((t - (double)ts.tv_sec) * 1e6 + 0.5);
	if (ts.tv_usec >= 1000000) {
		ts.tv_sec++;
		ts.tv_usec -= 1000000;
	}
	wire_dump(&G.out, ts, p, n, caplen);
	G.t += 0.0005;
}

/* Ethernet + IPv4 + UDP/TCP around payload; l4 is the UDP/TCP header already built. */
static void send_ip(const uint8_t *smac, const uint8_t *dmac, uint32_t sip, uint32_t dip,
		    uint8_t proto, const struct buf *l4)
{
	static struct buf f;
	struct wire_ip a = {smac, dmac, sip, dip, 0, ++G.ip_id};
	wire_eth_ip(&f, &a, proto, l4->n);
	size_t l4off = f.n;
	bput(&f, l4->b, l4->n);
	/* transport checksum over the pseudo header */
	uint32_t ph =
	    (sip >> 16) + (sip & 0xffff) + (dip >> 16) + (dip & 0xffff) + proto + (uint32_t)l4->n;
	size_t co = l4off + (proto == 17 ? 6 : 16);
	uint16_t tc = csum(f.b + l4off, l4->n, ph);
	if (proto == 17 && tc == 0)
		tc = 0xffff;
	f.b[co] = (uint8_t)(tc >> 8);
	f.b[co + 1] = (uint8_t)tc;
	wire_pad60(&f);
	emit(f.b, f.n, f.n);
}

static void udp(const struct host *s, const uint8_t *dmac, uint32_t dip, uint16_t sport,
		uint16_t dport, const struct buf *pl)
{
	struct buf u = {.n = 0};
	wire_udp_hdr(&u, sport, dport, pl->n);
	bput(&u, pl->b, pl->n);
	send_ip(s->mac, dmac, s->ip, dip, 17, &u);
}

/* ---- TCP: just enough of a conversation for the decoders ---- */

struct conn {
	const struct host *c, *s;
	uint16_t cport, sport;
	uint32_t cseq, sseq;
};

static void tcp_seg(struct conn *k, bool from_c, uint8_t flags, const uint8_t *p, size_t n)
{
	struct buf t = {.n = 0};
	wire_tcp_hdr(&t, from_c ? k->cport : k->sport, from_c ? k->sport : k->cport,
		     from_c ? k->cseq : k->sseq, from_c ? k->sseq : k->cseq, flags, 64240);
	if (n)
		bput(&t, p, n);
	const struct host *s = from_c ? k->c : k->s, *d = from_c ? k->s : k->c;
	send_ip(s->mac, d->mac, s->ip, d->ip, 6, &t);
	uint32_t adv = (uint32_t)n + ((flags & (SYN | FIN)) ? 1 : 0);
	if (from_c)
		k->cseq += adv;
	else
		k->sseq += adv;
}

static void tcp_open(struct conn *k, struct pi *pi, uint16_t port, bool refuse)
{
	k->c = &pi->h;
	k->s = &SRV;
	k->cport = pi->port++;
	k->sport = port;
	k->cseq = 0x10000000u + k->cport;
	k->sseq = 0x70000000u + port;
	tcp_seg(k, true, SYN, NULL, 0);
	wait_s(0.0005);
	if (refuse) {
		tcp_seg(k, false, RST | ACK, NULL, 0);
		return;
	}
	tcp_seg(k, false, SYN | ACK, NULL, 0);
	tcp_seg(k, true, ACK, NULL, 0);
}

/* Sends one application message, cut into 1448-byte segments. */
static void tcp_send(struct conn *k, bool from_c, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off < n; off += 1448) {
		size_t m = n - off < 1448 ? n - off : 1448;
		tcp_seg(k, from_c, PSH | ACK, p + off, m);
	}
}

/* ---- DHCP ---- */

static const uint8_t OPT43_PI[] = {6,	1,   3,	  10,  4,   0,	 'P', 'X', 'E', 9,   20,
				   0,	0,   17,  'R', 'a', 's', 'p', 'b', 'e', 'r', 'r',
				   'y', ' ', 'P', 'i', ' ', 'B', 'o', 'o', 't', 255};
static const uint8_t OPT43_SPACES[] = {6,   1,	 3,   10,  4,	0,   'P', 'X', 'E', 9,	 23,  0,
				       0,   20,	 'R', 'a', 's', 'p', 'b', 'e', 'r', 'r', 'y', ' ',
				       'P', 'i', ' ', 'B', 'o', 'o', 't', ' ', ' ', ' ', 255};
static const uint8_t OPT43_IPXE[] = {6, 1, 8, 255}; /* pixiecore: discovery control only */

static void bootp(struct buf *b, uint8_t op, uint32_t xid, uint16_t secs, uint32_t yiaddr,
		  uint32_t siaddr, uint32_t giaddr, const uint8_t *chaddr)
{
	struct wire_bootp h = {op, xid, secs, 0, yiaddr, siaddr, giaddr, chaddr};
	wire_bootp(b, &h);
}

/* Option 97 the way each model sends it (spec/eeprom-otp.md §5.1, §5.5). */
static void pi_guid(struct buf *b, const struct pi *pi)
{
	uint8_t g[17] = {0};
	if (pi->fam == F_PI3B) {
		memset(g + 1, 0x44, 16);
	} else if (pi->fam == F_PI3BP) {
		for (int i = 0; i < 4; i++)
			for (int k = 0; k < 4; k++)
				g[1 + 4 * i + k] = (uint8_t)(pi->serial >> (8 * k));
	} else {
		memcpy(g + 1, pi->fam == F_PI5 ? "RPi5" : "RPi4", 4);
		for (int k = 0; k < 4; k++) {
			g[5 + k] = (uint8_t)(pi->rev >> (8 * k));
			g[9 + k] = pi->h.mac[2 + k];
			g[13 + k] = (uint8_t)(pi->serial >> (8 * k));
		}
	}
	opt(b, 97, g, 17);
}

static void pi_discover(struct pi *pi, uint8_t type, uint16_t secs)
{
	static const uint8_t prl3[] = {43, 60, 67, 128, 129, 130, 131, 132, 133, 134, 135, 66};
	static const uint8_t prl4[] = {1,   3,	 43,  60,  66,	67,  128,
				       129, 130, 131, 132, 133, 134, 135};
	struct buf b = {.n = 0};
	bootp(&b, 1, G.xid, secs, 0, 0, 0, pi->h.mac);
	uint8_t t = type;
	opt(&b, 53, &t, 1);
	bool pi3 = pi->fam == F_PI3B || pi->fam == F_PI3BP;
	if (type == 3) {
		opt_ip(&b, 50, pi->h.ip);
		opt_ip(&b, 54, SRV.ip);
	}
	opt(&b, 55, pi3 ? prl3 : prl4, pi3 ? sizeof(prl3) : sizeof(prl4));
	opt(&b, 93, "\0\0", 2);
	opt(&b, 94, "\x01\x02\x01", 3);
	pi_guid(&b, pi);
	opt(&b, 60, "PXEClient:Arch:00000:UNDI:002001", 32);
	b8(&b, 255);
	struct host zero = pi->h;
	zero.ip = 0;
	udp(&zero, BCAST, 0xffffffff, 68, 67, &b);
}

struct offer {
	uint8_t type; /* 2 OFFER, 5 ACK, 6 NAK */
	const struct host *from;
	uint32_t yiaddr, siaddr, giaddr;
	bool no_server_id;
	const uint8_t *o43;
	size_t o43_len;
	const char *o66, *o67;
};

static void server_reply(const struct pi *pi, const struct offer *o)
{
	struct buf b = {.n = 0};
	bootp(&b, 2, G.xid, 0, o->yiaddr, o->siaddr, o->giaddr, pi->h.mac);
	uint8_t t = o->type ? o->type : 2;
	opt(&b, 53, &t, 1);
	if (!o->no_server_id)
		opt_ip(&b, 54, o->from->ip);
	if (o->yiaddr) {
		opt(&b, 51, "\x00\x00\x0e\x10", 4);
		opt_ip(&b, 1, 0xffffff00);
		opt_ip(&b, 3, RTR.ip);
	}
	if (t == 6)
		opt(&b, 56, "address not available", 21);
	if (o->o43) {
		opt(&b, 60, "PXEClient", 9);
		pi_guid(&b, pi);
		opt(&b, 43, o->o43, o->o43_len);
	}
	if (o->o66)
		opt(&b, 66, o->o66, strlen(o->o66));
	if (o->o67)
		opt(&b, 67, o->o67, strlen(o->o67));
	b8(&b, 255);
	const struct host *from = o->from;
	struct host relay;
	if (o->giaddr) { /* relayed: the relay agent forwards it to the client */
		relay = RTR;
		from = &relay;
	}
	udp(from, pi->h.mac, o->yiaddr ? o->yiaddr : 0xffffffff, 67, 68, &b);
}

static struct offer addr_offer(const struct pi *pi)
{
	ADDR_SRV = &RTR;
	return (struct offer){.from = &RTR, .yiaddr = pi->h.ip};
}

static struct offer proxy_offer(const uint8_t *o43, size_t len)
{
	return (struct offer){.from = &SRV, .o43 = o43, .o43_len = len};
}

static struct offer full_offer(const struct pi *pi, const uint8_t *o43, size_t len)
{
	ADDR_SRV = &SRV;
	return (struct offer){.from = &SRV,
			      .yiaddr = pi->h.ip,
			      .siaddr = SRV.ip,
			      .o43 = o43,
			      .o43_len = len,
			      .o66 = "192.168.20.1"};
}

/* The kernel's (klibc ipconfig) own DHCP: DISCOVER, OFFER, REQUEST, ACK without PXE. */
static void kernel_dhcp(struct pi *pi, bool ack)
{
	static const uint8_t prl[] = {1, 3, 6, 12, 15, 17, 26, 28};
	G.xid += 0x100;
	for (uint8_t type = 1; type <= 3; type += 2) {
		struct buf b = {.n = 0};
		bootp(&b, 1, G.xid, 0, 0, 0, 0, pi->h.mac);
		opt(&b, 53, &type, 1);
		if (type == 3)
			opt_ip(&b, 50, pi->h.ip);
		opt(&b, 55, prl, sizeof(prl));
		opt(&b, 60, "Linux ipconfig", 14);
		b8(&b, 255);
		struct host zero = pi->h;
		zero.ip = 0;
		udp(&zero, BCAST, 0xffffffff, 68, 67, &b);
		wait_s(0.002);
		struct offer o = {.type = type == 1 ? 2 : 5, .from = ADDR_SRV, .yiaddr = pi->h.ip};
		if (type == 1 || ack)
			server_reply(pi, &o);
		wait_s(0.01);
	}
}

/* ---- ARP, STP ---- */

static void arp_req(const struct host *s, uint32_t tpa)
{
	static struct buf f;
	wire_arp_request(&f, s->mac, s->ip, tpa);
	emit(f.b, f.n, f.n);
}

static void bpdu(uint8_t flags)
{
	static struct buf f;
	wire_stp_bpdu(&f, RTR.mac, flags, RTR.mac);
	emit(f.b, f.n, f.n);
}

/* Unrelated traffic that moves the clock (the server looking for another host). */
static void idle(double seconds)
{
	for (double s = 0; s < seconds; s += 10) {
		wait_s(10);
		arp_req(&SRV, OTHER.ip);
	}
}

/* ---- TFTP ---- */

static void tftp_pkt(const struct pi *pi, bool from_pi, uint16_t pport, uint16_t sport,
		     const struct buf *pl)
{
	if (from_pi)
		udp(&pi->h, SRV.mac, SRV.ip, pport, sport, pl);
	else
		udp(&SRV, pi->h.mac, pi->h.ip, sport, pport, pl);
}

static void tftp_rrq(struct pi *pi, uint32_t to, uint16_t pport, const char *name, bool opts)
{
	static struct buf b;
	wire_tftp_rrq(&b, name, opts, opts ? 1024 : 0);
	udp(&pi->h, to == SRV.ip ? SRV.mac : RTR.mac, to, pport, 69, &b);
}

static void tftp_error(struct pi *pi, bool from_pi, uint16_t pport, uint16_t sport, uint16_t code,
		       const char *msg)
{
	struct buf b = {.n = 0};
	b16(&b, 5);
	b16(&b, code);
	bstr0(&b, msg);
	tftp_pkt(pi, from_pi, pport, sport, &b);
}

enum {
	T_OPTS = 1,
	T_PROBE = 2,
	T_MISSING = 4,
	T_DENIED = 8,
	T_GIVE_UP = 16,
	T_STALL = 32,
	T_DUP = 64
};

/* One RRQ and what follows. size: file size; blk: negotiated block size. T_GIVE_UP: the Pi
 * sends "Early terminate" after `stop` blocks spread over 30 s; T_STALL: the server goes
 * silent after `stop` blocks. */
static void tftp(struct pi *pi, const char *name, uint32_t size, int flags, uint16_t blk,
		 uint32_t stop)
{
	uint16_t pport = pi->port++, sport = G.srv_port++;
	bool opts = flags & T_OPTS;
	tftp_rrq(pi, SRV.ip, pport, name, opts);
	wait_s(0.001);
	if (flags & (T_MISSING | T_DENIED)) {
		tftp_error(pi, false, pport, sport, flags & T_MISSING ? 1 : 2,
			   flags & T_MISSING ? "File not found" : "Access violation");
		return;
	}
	uint16_t bs = opts ? blk : 512;
	if (opts) {
		struct buf b = {.n = 0};
		char v[16];
		b16(&b, 6);
		bstr0(&b, "tsize");
		snprintf(v, sizeof(v), "%u", size);
		bstr0(&b, v);
		bstr0(&b, "blksize");
		snprintf(v, sizeof(v), "%u", bs);
		bstr0(&b, v);
		tftp_pkt(pi, false, pport, sport, &b);
		if (flags & T_PROBE) {
			tftp_error(pi, true, pport, sport, 0, "Early terminate");
			return;
		}
		struct buf a = {.n = 0};
		b16(&a, 4);
		b16(&a, 0);
		tftp_pkt(pi, true, pport, sport, &a);
	}
	uint32_t nblocks = size / bs + 1;
	double step = (flags & T_GIVE_UP) ? 30.0 / stop : 0.0002;
	for (uint32_t i = 1; i <= nblocks; i++) {
		struct buf d = {.n = 0};
		uint32_t len = i < nblocks ? bs : size % bs;
		b16(&d, 3);
		b16(&d, (uint16_t)i);
		for (uint32_t k = 0; k < len; k++)
			b8(&d, (uint8_t)(k * 7 + i));
		tftp_pkt(pi, false, pport, sport, &d);
		if (flags & T_DUP) { /* the ACK got lost: the server sends the block again */
			wait_s(0.05);
			tftp_pkt(pi, false, pport, sport, &d);
		}
		if ((flags & T_STALL) && i == stop) {
			for (int r = 0; r < 4; r++) { /* the Pi re-ACKs, nobody answers */
				wait_s(2.0);
				struct buf a = {.n = 0};
				b16(&a, 4);
				b16(&a, (uint16_t)(i - 1));
				tftp_pkt(pi, true, pport, sport, &a);
			}
			return;
		}
		struct buf a = {.n = 0};
		b16(&a, 4);
		b16(&a, (uint16_t)i);
		tftp_pkt(pi, true, pport, sport, &a);
		wait_s(step);
		if ((flags & T_GIVE_UP) && i == stop) {
			tftp_error(pi, true, pport, sport, 0, "Early terminate");
			return;
		}
	}
}

static void get(struct pi *pi, const char *name, uint32_t size)
{
	bool pi3rom =
	    (pi->fam == F_PI3B || pi->fam == F_PI3BP) && strcmp(name, "bootcode.bin") == 0;
	tftp(pi, name, size, pi3rom ? 0 : T_OPTS, 1024, 0);
}

static void probe(struct pi *pi, const char *name)
{
	tftp(pi, name, 4096, T_OPTS | T_PROBE, 1024, 0);
}
static void missing(struct pi *pi, const char *name)
{
	tftp(pi, name, 0, T_OPTS | T_MISSING, 0, 0);
}

/* ---- iSCSI ---- */

static const char INI[] = "iqn.2026-11.lan.example:kitchen";
static const char TGT[] = "iqn.2026-11.lan.example:root-kitchen";

static void bhs(struct buf *b, uint8_t op, uint8_t flags, uint32_t dlen)
{
	b->n = 0;
	bzeros(b, 48);
	b->b[0] = op;
	b->b[1] = flags;
	b->b[5] = (uint8_t)(dlen >> 16);
	b->b[6] = (uint8_t)(dlen >> 8);
	b->b[7] = (uint8_t)dlen;
}

/* Set by a scenario: the Pi's login starts in the security stage offering CHAP (CSG 0). */
static bool login_chap;

static void iscsi_login(struct conn *k, const char *ini, const char *tgt, uint8_t cls, uint8_t det)
{
	struct buf b, text = {.n = 0};
	const char *kv[] = {"InitiatorName=",
			    ini,
			    "TargetName=",
			    tgt,
			    "SessionType=Normal",
			    "",
			    login_chap ? "AuthMethod=CHAP,None" : "AuthMethod=None",
			    "",
			    "HeaderDigest=None",
			    "",
			    "DataDigest=None",
			    "",
			    "MaxRecvDataSegmentLength=262144",
			    ""};
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i += 2) {
		bput(&text, kv[i], strlen(kv[i]));
		bstr0(&text, kv[i + 1]);
	}
	/* T, CSG 1, NSG 3; with CHAP: T, CSG 0, NSG 1 */
	bhs(&b, 0x43, login_chap ? 0x80 | 0x01 : 0x80 | 0x04 | 0x03, (uint32_t)text.n);
	static const uint8_t isid[6] = {0x00, 0x02, 0x3d, 0x00, 0x00, 0x01};
	memcpy(b.b + 8, isid, 6);
	put32(b.b + 16, 0x1); /* ITT */
	put32(b.b + 24, 1);   /* CmdSN */
	bput(&b, text.b, text.n);
	bpad4(&b);
	tcp_send(k, true, b.b, b.n);
	wait_s(0.002);
	struct buf r = {.n = 0};
	if (!cls)
		bstr0(&r, "HeaderDigest=None"), bstr0(&r, "DataDigest=None"),
		    bstr0(&r, "TargetPortalGroupTag=1");
	uint32_t dlen = (uint32_t)r.n;
	bhs(&b, 0x23, cls ? 0x04 : (0x80 | 0x04 | 0x03), dlen);
	memcpy(b.b + 8, isid, 6);
	if (!cls)
		b.b[15] = 1; /* TSIH */
	put32(b.b + 16, 0x1);
	put32(b.b + 24, 1); /* StatSN */
	put32(b.b + 28, 2);
	put32(b.b + 32, 33);
	b.b[36] = cls;
	b.b[37] = det;
	bput(&b, r.b, r.n);
	bpad4(&b);
	tcp_send(k, false, b.b, b.n);
}

/* iSCSI task tags and sequence numbers; reset() restarts them for each capture. */
static uint32_t itt, cmdsn, statsn;

/* One SCSI command without data (INQUIRY, TEST UNIT READY) to lun, answered with GOOD. */
static void iscsi_nodata_cmd(struct conn *k, uint8_t lun, uint8_t cdb0)
{
	struct buf b;
	bhs(&b, 0x01, 0x80 | 0x01, 0);
	b.b[9] = lun;
	put32(b.b + 16, itt);
	put32(b.b + 24, cmdsn++);
	put32(b.b + 28, statsn);
	b.b[32] = cdb0;
	tcp_send(k, true, b.b, b.n);
	wait_s(0.001);
	bhs(&b, 0x21, 0x80, 0);
	put32(b.b + 16, itt++);
	put32(b.b + 24, statsn++);
	put32(b.b + 28, cmdsn);
	put32(b.b + 32, cmdsn + 32);
	tcp_send(k, false, b.b, b.n);
	wait_s(0.001);
}

/* Logout Request (close the session) and its response. */
static void iscsi_logout(struct conn *k)
{
	struct buf b;
	bhs(&b, 0x46, 0x80, 0);
	put32(b.b + 16, itt);
	put32(b.b + 24, cmdsn++);
	put32(b.b + 28, statsn);
	tcp_send(k, true, b.b, b.n);
	wait_s(0.001);
	bhs(&b, 0x26, 0x80, 0);
	put32(b.b + 16, itt++);
	put32(b.b + 24, statsn++);
	tcp_send(k, false, b.b, b.n);
	tcp_seg(k, true, FIN | ACK, NULL, 0);
}

/* n READ(10) commands of 8 blocks each, answered by Data-In with status (S bit). */
static void iscsi_reads(struct conn *k, int n, uint8_t lun, uint8_t cdb0)
{
	for (int i = 0; i < n; i++, itt++) {
		struct buf b;
		bool wr = cdb0 == 0x2a;
		bhs(&b, 0x01, (uint8_t)(0x80 | (wr ? 0x20 : 0x40) | 0x01), 0);
		b.b[9] = lun;
		put32(b.b + 16, itt);
		put32(b.b + 20, 1024);
		put32(b.b + 24, cmdsn++);
		put32(b.b + 28, statsn);
		uint8_t cdb[10] = {cdb0, 0, 0, 0, 0, 0, 0, 0, 2, 0};
		put32(cdb + 2, 2048 + 2 * (uint32_t)i);
		memcpy(b.b + 32, cdb, 10);
		tcp_send(k, true, b.b, b.n);
		wait_s(0.001);
		if (wr) { /* immediate data off: the target answers with a plain response */
			bhs(&b, 0x21, 0x80, 0);
			put32(b.b + 16, itt);
			put32(b.b + 24, statsn++);
			put32(b.b + 28, cmdsn);
			put32(b.b + 32, cmdsn + 32);
			tcp_send(k, false, b.b, b.n);
			continue;
		}
		bhs(&b, 0x25, 0x81, 1024);
		b.b[9] = lun;
		put32(b.b + 16, itt);
		put32(b.b + 20, 0xffffffff);
		put32(b.b + 24, statsn++);
		put32(b.b + 28, cmdsn);
		put32(b.b + 32, cmdsn + 32);
		for (int j = 0; j < 1024; j++)
			b8(&b, (uint8_t)(j ^ i));
		tcp_send(k, false, b.b, b.n);
		wait_s(0.001);
	}
}

/* ---- RPC (portmap and MOUNT over UDP, NFS over UDP 2049) ---- */

static uint32_t rpc_xid = 0x5a000000;

static void rpc_call_hdr(struct buf *b, uint32_t prog, uint32_t vers, uint32_t proc)
{
	wire_rpc_call(b, ++rpc_xid, prog, vers, proc, "pi");
}

static void rpc_reply_hdr(struct buf *b, uint32_t accept)
{
	wire_rpc_reply(b, rpc_xid, accept);
}

static const uint8_t FH[32] = {1, 0, 7, 0, 2, 0, 0, 0, 0x55, 0x66};

static void rpc(struct pi *pi, uint16_t port, const struct buf *call, const struct buf *reply)
{
	uint16_t pp = 800;
	udp(&pi->h, SRV.mac, SRV.ip, pp, port, call);
	wait_s(0.001);
	if (reply)
		udp(&SRV, pi->h.mac, pi->h.ip, port, pp, reply);
	wait_s(0.002);
}

static void nfs_mount(struct pi *pi, uint32_t status)
{
	struct buf c = {.n = 0}, r = {.n = 0};
	rpc_call_hdr(&c, 100000, 2, 3); /* GETPORT MOUNT v3 UDP */
	b32(&c, 100005);
	b32(&c, 3);
	b32(&c, 17);
	b32(&c, 0);
	rpc_reply_hdr(&r, 0);
	b32(&r, 20048);
	rpc(pi, 111, &c, &r);
	c.n = r.n = 0;
	rpc_call_hdr(&c, 100005, 3, 1); /* MNT */
	b32(&c, 12);
	bput(&c, "/srv/nfs/pi4", 12);
	rpc_reply_hdr(&r, 0);
	b32(&r, status);
	if (!status) {
		b32(&r, sizeof(FH));
		bput(&r, FH, sizeof(FH));
		b32(&r, 1);
		b32(&r, 1);
	}
	rpc(pi, 20048, &c, &r);
}

static void nfs_call(struct pi *pi, uint32_t proc, uint32_t status)
{
	struct buf c = {.n = 0}, r = {.n = 0};
	rpc_call_hdr(&c, 100003, 3, proc);
	b32(&c, sizeof(FH));
	bput(&c, FH, sizeof(FH));
	if (proc == 6 || proc == 7) {
		b32(&c, 0);
		b32(&c, 4096 * (rpc_xid & 0xff));
		b32(&c, 512);
	}
	if (proc == 7) {
		b32(&c, 0); /* UNSTABLE */
		b32(&c, 512);
		bzeros(&c, 512);
	}
	rpc_reply_hdr(&r, 0);
	b32(&r, status);
	if (proc == 6 && !status) {
		b32(&r, 0); /* no post-op attributes */
		b32(&r, 512);
		b32(&r, 0);
		b32(&r, 512);
		for (int i = 0; i < 512; i++)
			b8(&r, (uint8_t)i);
	} else if (proc == 7) {
		b32(&r, 0); /* wcc_data: no pre/post attributes */
		b32(&r, 0);
		if (!status) {
			b32(&r, 512);
			b32(&r, 0);
			bzeros(&r, 8);
		}
	} else if (!status) { /* GETATTR: fattr3, a directory */
		b32(&r, 2);
		b32(&r, 0755);
		b32(&r, 2);
		bzeros(&r, 84 - 12);
	}
	rpc(pi, 2049, &c, &r);
}

static void nfs_v2_rejected(struct pi *pi)
{
	struct buf c = {.n = 0}, r = {.n = 0};
	rpc_call_hdr(&c, 100003, 2, 0);
	rpc_reply_hdr(&r, 2);
	b32(&r, 3);
	b32(&r, 4);
	rpc(pi, 2049, &c, &r);
}

#endif
