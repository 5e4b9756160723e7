/* wire.h — the one frame writer both capture generators build on (pcapgen for the diagnosis
 * captures, pnb_gen for the decoder's vectors and benchmarks): a byte buffer written in network
 * order, the Internet checksum, the Ethernet + IPv4 header, BOOTP/DHCP and ONC RPC headers,
 * and the pcap file itself. Header-only: every .c file in tests/tools is its own program. */
#ifndef PNB_TESTS_WIRE_H
#define PNB_TESTS_WIRE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* TCP flags */
enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

/* ---- bytes ---- */

struct buf {
	uint8_t b[70000]; /* a whole frame, or an iSCSI Data-In PDU before it is cut into segments */
	size_t n;
};

static inline void b8(struct buf *b, uint8_t v)
{
	b->b[b->n++] = v;
}
static inline void b16(struct buf *b, uint16_t v)
{
	b8(b, (uint8_t)(v >> 8));
	b8(b, (uint8_t)v);
}
static inline void b32(struct buf *b, uint32_t v)
{
	b16(b, (uint16_t)(v >> 16));
	b16(b, (uint16_t)v);
}
static inline void bput(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}
static inline void bzeros(struct buf *b, size_t n)
{
	memset(b->b + b->n, 0, n);
	b->n += n;
}
static inline void bstr0(struct buf *b, const char *s)
{
	bput(b, s, strlen(s) + 1);
}
static inline void bpad4(struct buf *b)
{
	while (b->n & 3)
		b8(b, 0);
}
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071 over n bytes, starting from sum (a pseudo header's sum, or 0). */
static inline uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- frames ---- */

struct wire_ip {
	const uint8_t *smac, *dmac;
	uint32_t sip, dip;
	uint16_t vlan; /* 802.1Q tag, 0 = untagged */
	uint16_t id;   /* the IPv4 identification */
};

/* Starts f (emptied) with the Ethernet header and an IPv4 header (checksum filled in) for
 * l4len bytes of protocol proto; returns where the transport header goes. */
static inline size_t wire_eth_ip(struct buf *f, const struct wire_ip *a, uint8_t proto,
				 size_t l4len)
{
	f->n = 0;
	bput(f, a->dmac, 6);
	bput(f, a->smac, 6);
	if (a->vlan) {
		b16(f, 0x8100);
		b16(f, a->vlan);
	}
	b16(f, 0x0800);
	size_t ip = f->n;
	b8(f, 0x45);
	b8(f, 0);
	b16(f, (uint16_t)(20 + l4len));
	b16(f, a->id);
	b16(f, 0x4000);
	b8(f, 64);
	b8(f, proto);
	b16(f, 0);
	b32(f, a->sip);
	b32(f, a->dip);
	uint16_t c = csum(f->b + ip, 20, 0);
	f->b[ip + 10] = (uint8_t)(c >> 8);
	f->b[ip + 11] = (uint8_t)c;
	return f->n;
}

/* Short frames padded to Ethernet's 60-byte minimum. */
static inline void wire_pad60(struct buf *f)
{
	while (f->n < 60)
		b8(f, 0);
}

/* The UDP header (checksum 0: none, or filled in later); the payload follows. */
static inline void wire_udp_hdr(struct buf *b, uint16_t sport, uint16_t dport, size_t payload)
{
	b16(b, sport);
	b16(b, dport);
	b16(b, (uint16_t)(8 + payload));
	b16(b, 0);
}

/* A 20-byte TCP header, no options (checksum 0: filled in later, or none); the ack number is
 * written only with the ACK flag. */
static inline void wire_tcp_hdr(struct buf *b, uint16_t sport, uint16_t dport, uint32_t seq,
				uint32_t ack, uint8_t flags, uint16_t window)
{
	b16(b, sport);
	b16(b, dport);
	b32(b, seq);
	b32(b, (flags & ACK) ? ack : 0);
	b8(b, 5 << 4);
	b8(b, flags);
	b16(b, window);
	b16(b, 0);
	b16(b, 0);
}

/* A whole ARP who-has frame, broadcast from sha/spa asking for tpa. */
static inline void wire_arp_request(struct buf *f, const uint8_t sha[6], uint32_t spa,
				    uint32_t tpa)
{
	f->n = 0;
	bput(f, BCAST, 6);
	bput(f, sha, 6);
	b16(f, 0x0806);
	b16(f, 1);
	b16(f, 0x0800);
	b8(f, 6);
	b8(f, 4);
	b16(f, 1);
	bput(f, sha, 6);
	b32(f, spa);
	bzeros(f, 6);
	b32(f, tpa);
	wire_pad60(f);
}

/* A whole STP configuration BPDU (802.3 + LLC) from src with flags; bridge, when given, is
 * the root and sending bridge (priority 0x8000, port 0x8001), else those fields are zero. */
static inline void wire_stp_bpdu(struct buf *f, const uint8_t src[6], uint8_t flags,
				 const uint8_t *bridge)
{
	static const uint8_t stp_mac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
	f->n = 0;
	bput(f, stp_mac, 6);
	bput(f, src, 6);
	b16(f, 38);
	bput(f, "\x42\x42\x03", 3);
	b16(f, 0); /* protocol id */
	b8(f, 0);  /* version: STP */
	b8(f, 0);  /* config BPDU */
	b8(f, flags);
	if (bridge) {
		b16(f, 0x8000);
		bput(f, bridge, 6); /* root id */
		b32(f, 0);
		b16(f, 0x8000);
		bput(f, bridge, 6); /* bridge id */
		b16(f, 0x8001);
	} else {
		bzeros(f, 8 + 4 + 8 + 2);
	}
	b16(f, 0);
	b16(f, 20 * 256);
	b16(f, 2 * 256);
	b16(f, 15 * 256);
	wire_pad60(f);
}

/* ---- DHCP ---- */

static inline void opt(struct buf *b, uint8_t code, const void *v, size_t n)
{
	b8(b, code);
	b8(b, (uint8_t)n);
	bput(b, v, n);
}

static inline void opt_ip(struct buf *b, uint8_t code, uint32_t ip)
{
	uint8_t v[4];
	put32(v, ip);
	opt(b, code, v, 4);
}

struct wire_bootp {
	uint8_t op; /* 1 request, 2 reply */
	uint32_t xid;
	uint16_t secs;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	const uint8_t *chaddr;
};

/* The fixed BOOTP header and the DHCP magic cookie; options follow. A relayed message (giaddr
 * set) has taken one hop. */
static inline void wire_bootp(struct buf *b, const struct wire_bootp *h)
{
	b8(b, h->op);
	b8(b, 1);
	b8(b, 6);
	b8(b, h->giaddr ? 1 : 0);
	b32(b, h->xid);
	b16(b, h->secs);
	b16(b, 0);
	b32(b, h->ciaddr);
	b32(b, h->yiaddr);
	b32(b, h->siaddr);
	b32(b, h->giaddr);
	bput(b, h->chaddr, 6);
	bzeros(b, 10 + 64 + 128);
	b32(b, 0x63825363);
}

/* ---- TFTP ---- */

/* An RRQ (octet mode) for name; asks for the size (tsize 0) and a block size when given. */
static inline void wire_tftp_rrq(struct buf *b, const char *name, bool tsize, int blksize)
{
	b->n = 0;
	b16(b, 1);
	bstr0(b, name);
	bstr0(b, "octet");
	if (tsize) {
		bstr0(b, "tsize");
		bstr0(b, "0");
	}
	if (blksize) {
		char v[16];
		snprintf(v, sizeof(v), "%d", blksize);
		bstr0(b, "blksize");
		bstr0(b, v);
	}
}

/* ---- ONC RPC ---- */

/* A call with AUTH_UNIX credentials (uid 0, gid 0, from machine, at most 8 characters) and a
 * null verifier; the procedure's arguments follow. */
static inline void wire_rpc_call(struct buf *b, uint32_t xid, uint32_t prog, uint32_t vers,
				 uint32_t proc, const char *machine)
{
	size_t len = strlen(machine), padded = (len + 3) & ~(size_t)3;
	b32(b, xid);
	b32(b, 0);
	b32(b, 2);
	b32(b, prog);
	b32(b, vers);
	b32(b, proc);
	b32(b, 1); /* AUTH_UNIX */
	b32(b, (uint32_t)(20 + padded));
	b32(b, 0); /* stamp */
	b32(b, (uint32_t)len);
	bput(b, machine, len);
	bzeros(b, padded - len);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0); /* no extra gids */
	b32(b, 0); /* verifier AUTH_NULL */
	b32(b, 0);
}

/* An accepted reply (null verifier) with accept_stat; the results follow. */
static inline void wire_rpc_reply(struct buf *b, uint32_t xid, uint32_t accept)
{
	b32(b, xid);
	b32(b, 1);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
	b32(b, accept);
}

/* ---- the pcap file ---- */

struct wire_file {
	pcap_t *dead;
	pcap_dumper_t *d;
};

/* Opens path for frames of link type dlt; on failure says why (prog: the tool's name). */
static inline int wire_open(struct wire_file *w, const char *prog, const char *path, int dlt,
			    int snaplen)
{
	w->dead = pcap_open_dead(dlt, snaplen);
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, pcap_geterr(w->dead));
		pcap_close(w->dead);
		return -1;
	}
	return 0;
}

/* One record: n bytes on the wire, the first caplen of them in the file. */
static inline void wire_dump(struct wire_file *w, struct timeval ts, const uint8_t *p, size_t n,
			     size_t caplen)
{
	struct pcap_pkthdr h;
	h.ts = ts;
	h.len = (bpf_u_int32)n;
	h.caplen = (bpf_u_int32)(caplen < n ? caplen : n);
	pcap_dump((u_char *)w->d, &h, p);
}

static inline void wire_close(struct wire_file *w)
{
	pcap_dump_close(w->d);
	pcap_close(w->dead);
}

#endif
