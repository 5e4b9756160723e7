/* pnb_gen_wire — the frame builders of pnb_gen (tests/tools/pnb_gen.c): Ethernet/IPv4/UDP/TCP,
 * the Pi ROM's DHCP exchange, TFTP transfers (with tsize probes and retransmissions) and iSCSI
 * PDUs sent as TCP segments. Included by pnb_gen.c only (every .c file in tests/tools is a program). */
#ifndef PNB_TESTS_PNB_GEN_WIRE_H
#define PNB_TESTS_PNB_GEN_WIRE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tools/wire.h"

struct gen {
	int dlt;            /* DLT_EN10MB, or Linux cooked (frames rewritten in emit_raw) */
	struct wire_file out;
	struct timeval ts;
	uint64_t count;
};

static void tick(struct gen *g, long us)
{
	g->ts.tv_usec += us;
	while (g->ts.tv_usec >= 1000000) {
		g->ts.tv_usec -= 1000000;
		g->ts.tv_sec++;
	}
}

/* Writes one frame; Ethernet frames become Linux cooked ones (SLL / SLL2) when g->dlt says so:
 * the 14-byte Ethernet header is replaced by the cooked header with the sender's address. */
static void emit_raw(struct gen *g, const uint8_t *p, size_t n, size_t caplen)
{
	static uint8_t c[70000];
	if (g->dlt == DLT_LINUX_SLL || g->dlt == DLT_LINUX_SLL2) {
		size_t hl = g->dlt == DLT_LINUX_SLL ? 16 : 20;
		memset(c, 0, hl);
		bool bcast = p[0] == 0xff;
		if (hl == 16) {
			c[1] = bcast ? 1 : 0; /* packet type: broadcast / to us */
			c[3] = 1;             /* ARPHRD_ETHER */
			c[5] = 6;
			memcpy(c + 6, p + 6, 6);
			memcpy(c + 14, p + 12, 2);
		} else {
			memcpy(c, p + 12, 2);
			c[7] = 2;  /* ifindex */
			c[9] = 1;  /* ARPHRD_ETHER */
			c[10] = bcast ? 1 : 0;
			c[11] = 6;
			memcpy(c + 12, p + 6, 6);
		}
		memcpy(c + hl, p + 14, n - 14);
		p = c;
		n = n - 14 + hl;
		if (caplen != 65535)
			caplen = caplen - 14 + hl;
	}
	wire_dump(&g->out, g->ts, p, n, caplen);
	g->count++;
}

static const uint8_t SRV_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
#define SRV_IP IP(192, 168, 20, 1)

struct l4 {
	const uint8_t *smac, *dmac;
	uint32_t sip, dip;
	uint16_t sport, dport;
	uint16_t vlan;
};

static void eth_ip(struct buf *f, const struct l4 *a, uint8_t proto, size_t l4len)
{
	struct wire_ip w = {a->smac, a->dmac, a->sip, a->dip, a->vlan, 0};
	wire_eth_ip(f, &w, proto, l4len);
}

static void udp(struct gen *g, const struct l4 *a, const uint8_t *pl, size_t n)
{
	static struct buf f;
	eth_ip(&f, a, 17, 8 + n);
	wire_udp_hdr(&f, a->sport, a->dport, n);
	bput(&f, pl, n);
	wire_pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
}

static void tcp(struct gen *g, const struct l4 *a, uint32_t seq, uint32_t ack, uint8_t flags,
		const uint8_t *pl, size_t n)
{
	static struct buf f;
	eth_ip(&f, a, 6, 20 + n);
	wire_tcp_hdr(&f, a->sport, a->dport, seq, ack, flags, 65535);
	if (n)
		bput(&f, pl, n);
	wire_pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
}

/* ---------------- DHCP ---------------- */

struct pi {
	uint8_t mac[6];
	uint32_t serial, rev, ip;
	const char *fourcc; /* "RPi4" or NULL (Pi 3) */
};

static void le32p(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void bootp_hdr(struct buf *b, uint8_t op, uint32_t xid, const struct pi *pi,
		      uint32_t ciaddr, uint32_t yiaddr, uint32_t siaddr)
{
	struct wire_bootp h = {op, xid, 0, ciaddr, yiaddr, siaddr, 0, pi->mac};
	b->n = 0;
	wire_bootp(b, &h);
}

static void pi_client_opts(struct buf *b, const struct pi *pi, bool rom)
{
	if (!rom)
		return;
	static const uint8_t prl[] = {1, 3, 43, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135};
	opt(b, 55, prl, sizeof(prl));
	opt(b, 60, "PXEClient:Arch:00000:UNDI:002001", 32);
	opt(b, 93, "\0\0", 2);
	opt(b, 94, "\x01\x02\x01", 3);
	uint8_t g[17] = {0};
	if (pi->fourcc) {
		memcpy(g + 1, pi->fourcc, 4);
		le32p(g + 5, pi->rev);
		memcpy(g + 9, pi->mac + 2, 4);
		le32p(g + 13, pi->serial);
	} else {
		memset(g + 1, 0x44, 16);
	}
	opt(b, 97, g, 17);
}

static const uint8_t PXE43[] = {6, 1, 3, 10, 4, 0, 'P', 'X', 'E', 9, 20, 0, 0, 17,
				'R', 'a', 's', 'p', 'b', 'e', 'r', 'r', 'y', ' ', 'P', 'i', ' ',
				'B', 'o', 'o', 't', 255};

static void dhcp_send(struct gen *g, const struct pi *pi, bool from_client, struct buf *b,
		      uint32_t cip, uint32_t dip)
{
	b8(b, 255);
	while (b->n < 300)
		b8(b, 0);
	struct l4 a;
	if (from_client) {
		a = (struct l4){pi->mac, BCAST, cip, dip ? dip : IP(255, 255, 255, 255), 68, 67, 0};
	} else {
		a = (struct l4){SRV_MAC, pi->mac, SRV_IP, dip, 67, 68, 0};
	}
	udp(g, &a, b->b, b->n);
}

/* Pi ROM: DISCOVER, proxy OFFER (option 43), REQUEST, ACK. */
static void dhcp_rom(struct gen *g, const struct pi *pi, uint32_t xid, bool proxy)
{
	static struct buf b;
	bootp_hdr(&b, 1, xid, pi, 0, 0, 0);
	opt(&b, 53, "\x01", 1);
	pi_client_opts(&b, pi, true);
	dhcp_send(g, pi, true, &b, 0, 0);
	tick(g, 1500);
	bootp_hdr(&b, 2, xid, pi, 0, proxy ? 0 : pi->ip, SRV_IP);
	opt(&b, 53, "\x02", 1);
	opt_ip(&b, 54, SRV_IP);
	opt(&b, 60, "PXEClient", 9);
	opt(&b, 43, PXE43, sizeof(PXE43));
	if (!proxy) {
		opt_ip(&b, 1, IP(255, 255, 255, 0));
		opt(&b, 51, "\0\0\x0e\x10", 4);
		opt(&b, 66, "192.168.20.1", 12);
	}
	dhcp_send(g, pi, false, &b, 0, proxy ? IP(255, 255, 255, 255) : pi->ip);
	tick(g, 2000);
	bootp_hdr(&b, 1, xid, pi, 0, 0, 0);
	opt(&b, 53, "\x03", 1);
	opt_ip(&b, 50, pi->ip);
	opt_ip(&b, 54, SRV_IP);
	pi_client_opts(&b, pi, true);
	dhcp_send(g, pi, true, &b, 0, 0);
	tick(g, 1200);
	bootp_hdr(&b, 2, xid, pi, 0, pi->ip, SRV_IP);
	opt(&b, 53, "\x05", 1);
	opt_ip(&b, 54, SRV_IP);
	opt_ip(&b, 1, IP(255, 255, 255, 0));
	opt(&b, 51, "\0\0\x0e\x10", 4);
	opt(&b, 66, "192.168.20.1", 12);
	dhcp_send(g, pi, false, &b, 0, pi->ip);
	tick(g, 3000);
}

/* ---------------- TFTP ---------------- */

static void tftp_pkt(struct gen *g, const struct pi *pi, bool from_client, uint16_t cport,
		     uint16_t sport, const uint8_t *p, size_t n)
{
	struct l4 a = from_client ? (struct l4){pi->mac, SRV_MAC, pi->ip, SRV_IP, cport, sport, 0}
				  : (struct l4){SRV_MAC, pi->mac, SRV_IP, pi->ip, sport, cport, 0};
	udp(g, &a, p, n);
}

static void tftp_rrq(struct gen *g, const struct pi *pi, uint16_t cport, const char *file,
		     bool tsize, int blksize)
{
	static struct buf b;
	wire_tftp_rrq(&b, file, tsize, blksize);
	tftp_pkt(g, pi, true, cport, 69, b.b, b.n);
}

static void tftp_oack(struct gen *g, const struct pi *pi, uint16_t cport, uint16_t sport,
		      uint32_t size, int blksize)
{
	struct buf b;
	char s[24];
	b.n = 0;
	b16(&b, 6);
	bstr0(&b, "tsize");
	snprintf(s, sizeof(s), "%u", size);
	bstr0(&b, s);
	if (blksize) {
		bstr0(&b, "blksize");
		snprintf(s, sizeof(s), "%d", blksize);
		bstr0(&b, s);
	}
	tftp_pkt(g, pi, false, cport, sport, b.b, b.n);
}

static void tftp_error(struct gen *g, const struct pi *pi, bool from_client, uint16_t cport,
		       uint16_t sport, uint16_t code, const char *msg)
{
	struct buf b;
	b.n = 0;
	b16(&b, 5);
	b16(&b, code);
	bstr0(&b, msg);
	tftp_pkt(g, pi, from_client, cport, sport, b.b, b.n);
}

static void tftp_ack(struct gen *g, const struct pi *pi, uint16_t cport, uint16_t sport,
		     uint16_t block)
{
	uint8_t a[4] = {0, 4, (uint8_t)(block >> 8), (uint8_t)block};
	tftp_pkt(g, pi, true, cport, sport, a, 4);
}

/* A whole transfer; Pi 4 style (tsize probe aborted with ERROR 8, then the real request with
 * blksize) when probe is set. Returns packets written. */
static void tftp_file(struct gen *g, const struct pi *pi, uint16_t *port, const char *file,
		      uint32_t size, bool probe, int retrans_every)
{
	static uint8_t data[1472];
	int blk = probe ? 1468 : 512;
	uint16_t sport = (uint16_t)(40000 + (*port * 7) % 20000);
	if (probe) {
		tftp_rrq(g, pi, *port, file, true, 0);
		tick(g, 300);
		tftp_oack(g, pi, *port, sport, size, 0);
		tick(g, 200);
		tftp_error(g, pi, true, *port, sport, 8, "");
		tick(g, 300);
		(*port)++;
		sport++;
		tftp_rrq(g, pi, *port, file, true, blk);
		tick(g, 300);
		tftp_oack(g, pi, *port, sport, size, blk);
		tick(g, 150);
		tftp_ack(g, pi, *port, sport, 0);
	} else {
		tftp_rrq(g, pi, *port, file, false, 0);
	}
	uint32_t sent = 0;
	uint16_t block = 1;
	for (;;) {
		uint32_t n = size - sent < (uint32_t)blk ? size - sent : (uint32_t)blk;
		data[0] = 0;
		data[1] = 3;
		data[2] = (uint8_t)(block >> 8);
		data[3] = (uint8_t)block;
		memset(data + 4, (int)(block & 0xff), n);
		tick(g, 120);
		tftp_pkt(g, pi, false, *port, sport, data, 4 + n);
		if (retrans_every && block % retrans_every == 0) {
			tick(g, 200000);
			tftp_pkt(g, pi, false, *port, sport, data, 4 + n);
		}
		tick(g, 80);
		tftp_ack(g, pi, *port, sport, block);
		sent += n;
		block++;
		if (n < (uint32_t)blk)
			break;
	}
	(*port)++;
	tick(g, 500);
}

/* ---------------- iSCSI ---------------- */

struct conn {
	struct l4 i2t, t2i;
	uint32_t iseq, tseq;
	uint32_t cmdsn, statsn, itt;
};

static void conn_open_to(struct gen *g, struct conn *c, const struct pi *pi, uint16_t port,
			uint16_t tport)
{
	c->i2t = (struct l4){pi->mac, SRV_MAC, pi->ip, SRV_IP, port, tport, 0};
	c->t2i = (struct l4){SRV_MAC, pi->mac, SRV_IP, pi->ip, tport, port, 0};
	c->iseq = 1000u * port;
	c->tseq = 7000u * port;
	c->cmdsn = 1;
	c->statsn = 1;
	c->itt = 0x10;
	tcp(g, &c->i2t, c->iseq++, 0, SYN, NULL, 0);
	tick(g, 100);
	tcp(g, &c->t2i, c->tseq++, c->iseq, SYN | ACK, NULL, 0);
	tick(g, 100);
	tcp(g, &c->i2t, c->iseq, c->tseq, ACK, NULL, 0);
	tick(g, 100);
}

static void conn_open(struct gen *g, struct conn *c, const struct pi *pi, uint16_t port)
{
	conn_open_to(g, c, pi, port, 3260);
}

/* Sends bytes as segments of at most mss bytes. */
static void send_stream(struct gen *g, struct conn *c, bool from_init, const uint8_t *p, size_t n,
			size_t mss)
{
	while (n) {
		size_t t = n < mss ? n : mss;
		if (from_init) {
			tcp(g, &c->i2t, c->iseq, c->tseq, PSH | ACK, p, t);
			c->iseq += (uint32_t)t;
		} else {
			tcp(g, &c->t2i, c->tseq, c->iseq, PSH | ACK, p, t);
			c->tseq += (uint32_t)t;
		}
		p += t;
		n -= t;
		tick(g, 40);
	}
}

static size_t bhs(uint8_t *p, uint8_t op, uint8_t flags, uint32_t dlen, uint32_t itt)
{
	memset(p, 0, 48);
	p[0] = op;
	p[1] = flags;
	p[5] = (uint8_t)(dlen >> 16);
	p[6] = (uint8_t)(dlen >> 8);
	p[7] = (uint8_t)dlen;
	p[16] = (uint8_t)(itt >> 24);
	p[17] = (uint8_t)(itt >> 16);
	p[18] = (uint8_t)(itt >> 8);
	p[19] = (uint8_t)itt;
	return 48;
}

static size_t add_text(uint8_t *p, const char *const *kv)
{
	size_t n = 0;
	for (; *kv; kv++) {
		size_t l = strlen(*kv) + 1;
		memcpy(p + n, *kv, l);
		n += l;
	}
	size_t padded = (n + 3) & ~(size_t)3;
	memset(p + n, 0, padded - n);
	return n;
}

static void iscsi_login(struct gen *g, struct conn *c, const char *initiator,
			const char *target, uint16_t status)
{
	static uint8_t p[4096];
	const char *req[] = {NULL, NULL, "SessionType=Normal", "AuthMethod=None",
			     "HeaderDigest=None", "DataDigest=None", NULL};
	char in[256], tn[256];
	snprintf(in, sizeof(in), "InitiatorName=%s", initiator);
	snprintf(tn, sizeof(tn), "TargetName=%s", target);
	req[0] = in;
	req[1] = tn;
	size_t dl = add_text(p + 48, req);
	bhs(p, 0x43, 0x80 | (1 << 2) | 3, (uint32_t)dl, c->itt);
	p[8] = 0x80; /* ISID random */
	put32(p + 24, c->cmdsn);
	send_stream(g, c, true, p, 48 + ((dl + 3) & ~(size_t)3), 1448);
	const char *resp[] = {"TargetPortalGroupTag=1", "HeaderDigest=None", "DataDigest=None",
			      "MaxRecvDataSegmentLength=262144", NULL};
	dl = status ? 0 : add_text(p + 48, resp);
	bhs(p, 0x23, 0x80 | (1 << 2) | 3, (uint32_t)dl, c->itt);
	p[8] = 0x80;
	if (!status) {
		p[14] = 0;
		p[15] = 1; /* TSIH */
	}
	put32(p + 24, c->statsn++);
	put32(p + 28, c->cmdsn);
	put32(p + 32, c->cmdsn + 32);
	p[36] = (uint8_t)(status >> 8);
	p[37] = (uint8_t)status;
	tick(g, 300);
	send_stream(g, c, false, p, 48 + ((dl + 3) & ~(size_t)3), 1448);
	c->itt++;
}

/* SCSI READ(10) of len bytes answered by one Data-In with status (S bit), split by mss. */
static void iscsi_read(struct gen *g, struct conn *c, uint32_t lba, uint32_t len, size_t mss)
{
	static uint8_t p[70000];
	bhs(p, 0x01, 0x80 | 0x40 | 1, 0, c->itt);
	p[9] = 0; /* LUN 0 */
	put32(p + 20, len);
	put32(p + 24, c->cmdsn++);
	put32(p + 28, c->statsn);
	uint8_t *cdb = p + 32;
	cdb[0] = 0x28;
	put32(cdb + 2, lba);
	cdb[7] = (uint8_t)((len / 512) >> 8);
	cdb[8] = (uint8_t)(len / 512);
	send_stream(g, c, true, p, 48, mss);
	tick(g, 200);
	bhs(p, 0x25, 0x80 | 0x01, len, c->itt);
	put32(p + 20, 0xffffffffu);
	put32(p + 24, c->statsn++);
	put32(p + 28, c->cmdsn);
	put32(p + 32, c->cmdsn + 32);
	memset(p + 48, 0xab, len);
	send_stream(g, c, false, p, 48 + len, mss);
	tcp(g, &c->i2t, c->iseq, c->tseq, ACK, NULL, 0);
	c->itt++;
}

#endif
