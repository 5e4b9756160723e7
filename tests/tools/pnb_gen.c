/* pnb_gen — writes synthetic netboot captures for the capture branch's tests and benchmark:
 *   pnb_gen vectors DIR     small captures for golden and tshark differential tests
 *   pnb_gen wrap OUT        one TFTP transfer of 70,001 blocks (block numbers wrap)
 *   pnb_gen bench OUT [N]   N packets (default 1,000,000) of 100 Pis booting: DHCP (proxy +
 *                           full), TFTP firmware/kernel transfers with tsize probes, iSCSI
 *                           logins and READs with Data-In split over segments
 * Frames are built byte by byte (Ethernet/IPv4/UDP/TCP) and written with libpcap. */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
	pcap_t *dead;
	pcap_dumper_t *d;
	struct timeval ts;
	uint64_t count;
};

struct buf {
	uint8_t b[70000];
	size_t n;
};

static void b8(struct buf *b, uint8_t v) { b->b[b->n++] = v; }
static void b16(struct buf *b, uint16_t v) { b8(b, (uint8_t)(v >> 8)); b8(b, (uint8_t)v); }
static void b32(struct buf *b, uint32_t v) { b16(b, (uint16_t)(v >> 16)); b16(b, (uint16_t)v); }
static void bmem(struct buf *b, const void *p, size_t n) { memcpy(b->b + b->n, p, n); b->n += n; }
static void bzero_(struct buf *b, size_t n) { memset(b->b + b->n, 0, n); b->n += n; }
static void bstrz(struct buf *b, const char *s) { bmem(b, s, strlen(s) + 1); }

static void tick(struct gen *g, long us)
{
	g->ts.tv_usec += us;
	while (g->ts.tv_usec >= 1000000) {
		g->ts.tv_usec -= 1000000;
		g->ts.tv_sec++;
	}
}

static void emit_raw(struct gen *g, const uint8_t *p, size_t n, size_t caplen)
{
	struct pcap_pkthdr h;
	h.ts = g->ts;
	h.len = (bpf_u_int32)n;
	h.caplen = (bpf_u_int32)(caplen < n ? caplen : n);
	pcap_dump((u_char *)g->d, &h, p);
	g->count++;
}

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t SRV_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SRV_IP IP(192, 168, 20, 1)

struct l4 {
	const uint8_t *smac, *dmac;
	uint32_t sip, dip;
	uint16_t sport, dport;
	uint16_t vlan;
};

static void eth_ip(struct buf *f, const struct l4 *a, uint8_t proto, size_t l4len)
{
	f->n = 0;
	bmem(f, a->dmac, 6);
	bmem(f, a->smac, 6);
	if (a->vlan) {
		b16(f, 0x8100);
		b16(f, a->vlan);
	}
	b16(f, 0x0800);
	size_t ip0 = f->n;
	b8(f, 0x45);
	b8(f, 0);
	b16(f, (uint16_t)(20 + l4len));
	b16(f, 0);
	b16(f, 0x4000);
	b8(f, 64);
	b8(f, proto);
	b16(f, 0);
	b32(f, a->sip);
	b32(f, a->dip);
	uint32_t sum = 0;
	for (size_t i = ip0; i < ip0 + 20; i += 2)
		sum += (uint32_t)(f->b[i] << 8 | f->b[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f->b[ip0 + 10] = (uint8_t)(~sum >> 8);
	f->b[ip0 + 11] = (uint8_t)~sum;
}

static void pad60(struct buf *f)
{
	while (f->n < 60)
		b8(f, 0);
}

static void udp(struct gen *g, const struct l4 *a, const uint8_t *pl, size_t n)
{
	static struct buf f;
	eth_ip(&f, a, 17, 8 + n);
	b16(&f, a->sport);
	b16(&f, a->dport);
	b16(&f, (uint16_t)(8 + n));
	b16(&f, 0);
	bmem(&f, pl, n);
	pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
}

/* TCP flags */
enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static void tcp(struct gen *g, const struct l4 *a, uint32_t seq, uint32_t ack, uint8_t flags,
		const uint8_t *pl, size_t n)
{
	static struct buf f;
	eth_ip(&f, a, 6, 20 + n);
	b16(&f, a->sport);
	b16(&f, a->dport);
	b32(&f, seq);
	b32(&f, ack);
	b8(&f, 5 << 4);
	b8(&f, flags);
	b16(&f, 65535);
	b16(&f, 0);
	b16(&f, 0);
	if (n)
		bmem(&f, pl, n);
	pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
}

/* ---------------- DHCP ---------------- */

struct pi {
	uint8_t mac[6];
	uint32_t serial, rev, ip;
	const char *fourcc; /* "RPi4" or NULL (Pi 3) */
};

static void opt(struct buf *b, uint8_t code, const void *v, size_t n)
{
	b8(b, code);
	b8(b, (uint8_t)n);
	bmem(b, v, n);
}

static void opt_ip(struct buf *b, uint8_t code, uint32_t ip)
{
	uint8_t v[4] = {(uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), (uint8_t)ip};
	opt(b, code, v, 4);
}

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
	b->n = 0;
	b8(b, op);
	b8(b, 1);
	b8(b, 6);
	b8(b, 0);
	b32(b, xid);
	b16(b, 0);
	b16(b, 0);
	b32(b, ciaddr);
	b32(b, yiaddr);
	b32(b, siaddr);
	b32(b, 0);
	bmem(b, pi->mac, 6);
	bzero_(b, 10 + 64 + 128);
	b32(b, 0x63825363);
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
	struct buf b;
	b.n = 0;
	b16(&b, 1);
	bstrz(&b, file);
	bstrz(&b, "octet");
	if (tsize) {
		bstrz(&b, "tsize");
		bstrz(&b, "0");
	}
	if (blksize) {
		char s[16];
		snprintf(s, sizeof(s), "%d", blksize);
		bstrz(&b, "blksize");
		bstrz(&b, s);
	}
	tftp_pkt(g, pi, true, cport, 69, b.b, b.n);
}

static void tftp_oack(struct gen *g, const struct pi *pi, uint16_t cport, uint16_t sport,
		      uint32_t size, int blksize)
{
	struct buf b;
	char s[24];
	b.n = 0;
	b16(&b, 6);
	bstrz(&b, "tsize");
	snprintf(s, sizeof(s), "%u", size);
	bstrz(&b, s);
	if (blksize) {
		bstrz(&b, "blksize");
		snprintf(s, sizeof(s), "%d", blksize);
		bstrz(&b, s);
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
	bstrz(&b, msg);
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

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
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

/* ---------------- scenarios ---------------- */

static void pi_make(struct pi *pi, unsigned i, bool pi4)
{
	static const uint8_t oui4[3] = {0xdc, 0xa6, 0x32}, oui3[3] = {0xb8, 0x27, 0xeb};
	memcpy(pi->mac, pi4 ? oui4 : oui3, 3);
	pi->mac[3] = (uint8_t)(0x10 + (i >> 16));
	pi->mac[4] = (uint8_t)(i >> 8);
	pi->mac[5] = (uint8_t)i;
	pi->serial = 0x5a000000u + i * 0x101u;
	pi->rev = pi4 ? 0xc03111 : 0xa02082;
	pi->ip = IP(192, 168, 20, 100 + (i % 150));
	pi->fourcc = pi4 ? "RPi4" : NULL;
}

/* One Pi 4 boot, iSCSI root. Scale shrinks the kernel/initramfs to hit a packet budget. */
static void boot_pi4(struct gen *g, const struct pi *pi, unsigned n, unsigned reads)
{
	uint16_t port = (uint16_t)(50000 + n % 10000);
	char f[128];
	dhcp_rom(g, pi, 0x1000u + n, true);
	static const struct {
		const char *name;
		uint32_t size;
	} files[] = {{"start4.elf", 2270000}, {"fixup4.dat", 5400}, {"config.txt", 210},
		     {"cmdline.txt", 180}, {"bcm2711-rpi-4-b.dtb", 52000},
		     {"kernel8.img", 1900000}, {"initramfs8", 1500000}};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(f, sizeof(f), "%08x/%s", pi->serial, files[i].name);
		tftp_file(g, pi, &port, f, files[i].size, true, 0);
	}
	dhcp_rom(g, pi, 0x2000u + n, false); /* the kernel's DHCP */
	struct conn c;
	conn_open(g, &c, pi, (uint16_t)(33000 + n % 20000));
	char in[128], tn[128];
	snprintf(in, sizeof(in), "iqn.2026-11.lan.example:pi%u", n);
	snprintf(tn, sizeof(tn), "iqn.2026-11.lan.example:root-pi%u", n);
	iscsi_login(g, &c, in, tn, 0);
	for (unsigned r = 0; r < reads; r++)
		iscsi_read(g, &c, 2048 + r * 128, 65536, 1448);
	tick(g, 50000);
}

static int open_out(struct gen *g, const char *path)
{
	memset(g, 0, sizeof(*g));
	g->dead = pcap_open_dead(DLT_EN10MB, 65535);
	g->d = pcap_dump_open(g->dead, path);
	if (!g->d) {
		fprintf(stderr, "pnb_gen: %s: %s\n", path, pcap_geterr(g->dead));
		return -1;
	}
	g->ts.tv_sec = 1795000000;
	return 0;
}

static void close_out(struct gen *g)
{
	pcap_dump_close(g->d);
	pcap_close(g->dead);
}

static int bench(const char *out, uint64_t target)
{
	struct gen g;
	if (open_out(&g, out) < 0)
		return 1;
	for (unsigned n = 0; g.count < target; n++) {
		struct pi pi;
		pi_make(&pi, n % 100, true);
		boot_pi4(&g, &pi, n, 40);
	}
	close_out(&g);
	printf("%llu packets\n", (unsigned long long)g.count);
	return 0;
}

/* Vector: iSCSI framing edge cases — a PDU split over segments, two PDUs coalesced in one
 * segment, a failed login (0x0201 and 0x0203), and a connection joined mid-stream. */
static void vec_iscsi(struct gen *g)
{
	struct pi pi;
	pi_make(&pi, 7, true);
	struct conn c;
	conn_open(g, &c, &pi, 40001);
	iscsi_login(g, &c, "iqn.2026-11.lan.example:kitchen", "iqn.2026-11.lan.example:root-kitchen",
		    0);
	iscsi_read(g, &c, 2048, 4096, 1448); /* Data-In over 3 segments */
	/* NOP-Out and READ(10) in one segment */
	uint8_t p[96];
	bhs(p, 0x40, 0x80, 0, c.itt++);
	put32(p + 20, 0xffffffffu);
	bhs(p + 48, 0x01, 0x80 | 0x40 | 1, 0, c.itt);
	put32(p + 48 + 20, 512);
	p[48 + 32] = 0x28;
	p[48 + 32 + 8] = 1;
	send_stream(g, &c, true, p, 96, 1448);
	uint8_t r[48 + 512];
	bhs(r, 0x25, 0x81, 512, c.itt++);
	memset(r + 48, 0, 512);
	send_stream(g, &c, false, r, sizeof(r), 1448);
	struct conn d;
	conn_open(g, &d, &pi, 40002);
	iscsi_login(g, &d, "iqn.2026-11.lan.example:kitchen", "iqn.2026-11.lan.example:root-kitchen",
		    0x0201);
	tcp(g, &d.t2i, d.tseq, d.iseq, RST | ACK, NULL, 0);
	struct conn e;
	conn_open(g, &e, &pi, 40003);
	iscsi_login(g, &e, "iqn.2026-11.lan.example:kitchen", "iqn.2026-11.lan.example:nosuch",
		    0x0203);
	/* joined mid-stream: a Data-In whose first segments are missing */
	struct conn m;
	m.i2t = (struct l4){pi.mac, SRV_MAC, pi.ip, SRV_IP, 40004, 3260, 0};
	m.t2i = (struct l4){SRV_MAC, pi.mac, SRV_IP, pi.ip, 3260, 40004, 0};
	m.iseq = 5000;
	m.tseq = 9000;
	m.cmdsn = m.statsn = 1;
	m.itt = 0x77;
	static uint8_t big[48 + 3000];
	bhs(big, 0x25, 0x80, 3000, 0x76);
	m.tseq += 1448; /* the first segment is not in the capture */
	tcp(g, &m.t2i, m.tseq, m.iseq, ACK, big + 1448, 1448);
	m.tseq += 1448;
	tcp(g, &m.t2i, m.tseq, m.iseq, ACK, big + 2896, sizeof(big) - 2896);
	m.tseq += (uint32_t)(sizeof(big) - 2896);
	tick(g, 100);
	iscsi_read(g, &m, 4096, 1024, 1448);
}

/* Vector: a Pi 4 boot, good path, TFTP probes, firmware and kernel. */
static void vec_pi4(struct gen *g)
{
	struct pi pi;
	pi_make(&pi, 1, true);
	uint16_t port = 49152;
	dhcp_rom(g, &pi, 0xabcd0001, true);
	char f[64];
	snprintf(f, sizeof(f), "%08x/start4.elf", pi.serial);
	tftp_file(g, &pi, &port, f, 9000, true, 0);
	snprintf(f, sizeof(f), "%08x/config.txt", pi.serial);
	tftp_file(g, &pi, &port, f, 300, true, 0);
	snprintf(f, sizeof(f), "%08x/kernel8.img", pi.serial);
	tftp_file(g, &pi, &port, f, 20000, true, 4);
	/* a file that is not there */
	snprintf(f, sizeof(f), "%08x/initramfs8", pi.serial);
	tftp_rrq(g, &pi, port, f, true, 0);
	tick(g, 300);
	tftp_error(g, &pi, false, port, 45001, 1, "File not found");
	dhcp_rom(g, &pi, 0xabcd0002, false);
}

/* Vector: Pi 3 ROM (constant GUID, 512-byte blocks, bootcode.bin), bootsig.bin miss. */
static void vec_pi3(struct gen *g)
{
	struct pi pi;
	pi_make(&pi, 3, false);
	uint16_t port = 49152;
	dhcp_rom(g, &pi, 0x3333, true);
	tftp_file(g, &pi, &port, "bootcode.bin", 2000, false, 0);
	tftp_rrq(g, &pi, port, "bootsig.bin", false, 0);
	tick(g, 300);
	tftp_error(g, &pi, false, port, 45002, 1, "File not found");
	port++;
	char f[64];
	snprintf(f, sizeof(f), "%08x/start.elf", pi.serial);
	tftp_file(g, &pi, &port, f, 3000, false, 0);
}

/* Vector: NFS root — portmap GETPORT, MOUNT MNT ok and ACCES over UDP, NFS over TCP. */
static void rpc_call(struct buf *b, uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	b->n = 0;
	b32(b, xid);
	b32(b, 0);
	b32(b, 2);
	b32(b, prog);
	b32(b, vers);
	b32(b, proc);
	b32(b, 1); /* AUTH_UNIX */
	b32(b, 24);
	b32(b, 0);
	b32(b, 4);
	bmem(b, "pi01", 4);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
}

static void rpc_reply(struct buf *b, uint32_t xid)
{
	b->n = 0;
	b32(b, xid);
	b32(b, 1);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
}

static void vec_nfs(struct gen *g)
{
	struct pi pi;
	pi_make(&pi, 9, true);
	struct buf b;
	struct l4 c2s = {pi.mac, SRV_MAC, pi.ip, SRV_IP, 800, 111, 0};
	struct l4 s2c = {SRV_MAC, pi.mac, SRV_IP, pi.ip, 111, 800, 0};
	rpc_call(&b, 0x100, 100000, 2, 3);
	b32(&b, 100005);
	b32(&b, 3);
	b32(&b, 17);
	b32(&b, 0);
	udp(g, &c2s, b.b, b.n);
	tick(g, 500);
	rpc_reply(&b, 0x100);
	b32(&b, 20048);
	udp(g, &s2c, b.b, b.n);
	tick(g, 500);
	c2s.dport = s2c.sport = 20048;
	c2s.sport = s2c.dport = 801;
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "/srv/nfs/other" : "/srv/nfs/pi09";
		rpc_call(&b, 0x200u + (uint32_t)i, 100005, 3, 1);
		b32(&b, (uint32_t)strlen(path));
		bmem(&b, path, strlen(path));
		while (b.n % 4)
			b8(&b, 0);
		udp(g, &c2s, b.b, b.n);
		tick(g, 500);
		rpc_reply(&b, 0x200u + (uint32_t)i);
		b32(&b, i ? 13 : 0);
		if (!i) {
			b32(&b, 8);
			bmem(&b, "\1\2\3\4\5\6\7\x08", 8);
			b32(&b, 1);
			b32(&b, 1);
		}
		udp(g, &s2c, b.b, b.n);
		tick(g, 500);
	}
	/* NFSv3 over TCP with record marking: GETATTR -> STALE, split reply */
	struct conn c;
	conn_open_to(g, &c, &pi, 50802, 2049);
	rpc_call(&b, 0x300, 100003, 3, 1);
	b32(&b, 8);
	bmem(&b, "\1\2\3\4\5\6\7\x08", 8);
	uint8_t rec[600];
	put32(rec, 0x80000000u | (uint32_t)b.n);
	memcpy(rec + 4, b.b, b.n);
	send_stream(g, &c, true, rec, 4 + b.n, 1448);
	rpc_reply(&b, 0x300);
	b32(&b, 70);
	b32(&b, 0);
	put32(rec, 0x80000000u | (uint32_t)b.n);
	memcpy(rec + 4, b.b, b.n);
	send_stream(g, &c, false, rec, 4 + b.n, 10); /* record split in 10-byte segments */
}

/* Vector: link-layer variety: VLAN-tagged DHCP, STP BPDU, NETCONSOLE lines, ARP, a truncated
 * DHCP packet (snaplen), and a non-first IP fragment. */
static void vec_link(struct gen *g)
{
	struct pi pi;
	pi_make(&pi, 5, true);
	static struct buf b;
	bootp_hdr(&b, 1, 0x5151, &pi, 0, 0, 0);
	opt(&b, 53, "\x01", 1);
	pi_client_opts(&b, &pi, true);
	b8(&b, 255);
	struct l4 v = {pi.mac, BCAST, 0, IP(255, 255, 255, 255), 68, 67, 20};
	udp(g, &v, b.b, b.n);
	tick(g, 1000);
	/* STP config BPDU (802.3 + LLC) */
	struct buf f;
	f.n = 0;
	bmem(&f, "\x01\x80\xc2\x00\x00\x00", 6);
	bmem(&f, SRV_MAC, 6);
	b16(&f, 38);
	bmem(&f, "\x42\x42\x03", 3);
	b16(&f, 0);
	b8(&f, 0);
	b8(&f, 0);
	b8(&f, 0);
	bzero_(&f, 8 + 4 + 8 + 2);
	b16(&f, 0);
	b16(&f, 20 * 256);
	b16(&f, 2 * 256);
	b16(&f, 15 * 256);
	pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
	tick(g, 1000);
	const char *nc = "NET_BOOT: dc:a6:32:10:00:05 wait for link TFTP: 192.168.20.1\n"
			 "RX: 1 IP: 0 IPV4: 1 MAC: 1 UDP: 1 UDP RECV: 0\n";
	struct l4 n = {pi.mac, SRV_MAC, pi.ip, SRV_IP, 6665, 6666, 0};
	udp(g, &n, (const uint8_t *)nc, strlen(nc));
	tick(g, 1000);
	/* ARP who-has and reply */
	f.n = 0;
	bmem(&f, BCAST, 6);
	bmem(&f, pi.mac, 6);
	b16(&f, 0x0806);
	b16(&f, 1);
	b16(&f, 0x0800);
	b8(&f, 6);
	b8(&f, 4);
	b16(&f, 1);
	bmem(&f, pi.mac, 6);
	b32(&f, pi.ip);
	bzero_(&f, 6);
	b32(&f, SRV_IP);
	pad60(&f);
	emit_raw(g, f.b, f.n, 65535);
	tick(g, 1000);
	/* DHCP cut by a 100-byte snaplen */
	bootp_hdr(&b, 1, 0x5252, &pi, 0, 0, 0);
	opt(&b, 53, "\x01", 1);
	b8(&b, 255);
	struct l4 u = {pi.mac, BCAST, 0, IP(255, 255, 255, 255), 68, 67, 0};
	static struct buf t;
	eth_ip(&t, &u, 17, 8 + b.n);
	b16(&t, 68);
	b16(&t, 67);
	b16(&t, (uint16_t)(8 + b.n));
	b16(&t, 0);
	bmem(&t, b.b, b.n);
	emit_raw(g, t.b, t.n, 100);
	tick(g, 1000);
	/* DHCP whose option 60 runs past the end */
	bootp_hdr(&b, 1, 0x5353, &pi, 0, 0, 0);
	opt(&b, 53, "\x01", 1);
	b8(&b, 60);
	b8(&b, 40);
	bmem(&b, "PXEClient", 9);
	udp(g, &u, b.b, b.n);
	tick(g, 1000);
	/* overloaded reply: options in file and sname */
	bootp_hdr(&b, 2, 0x5454, &pi, 0, pi.ip, SRV_IP);
	memset(b.b + 44, 0, 192);
	uint8_t *sname = b.b + 44, *file = b.b + 108;
	memcpy(sname, "\x42\x08tftp.lab\xff", 11);
	memcpy(file, "\x43\x0bkernel8.img\xff", 14);
	opt(&b, 53, "\x02", 1);
	opt(&b, 52, "\x03", 1);
	opt_ip(&b, 54, SRV_IP);
	b8(&b, 255);
	struct l4 o = {SRV_MAC, pi.mac, SRV_IP, pi.ip, 67, 68, 0};
	udp(g, &o, b.b, b.n);
	tick(g, 1000);
}

static int vectors(const char *dir)
{
	static const struct {
		const char *name;
		void (*fn)(struct gen *);
	} v[] = {{"pi4-boot", vec_pi4}, {"pi3-boot", vec_pi3}, {"iscsi-framing", vec_iscsi},
		 {"nfs-root", vec_nfs},  {"link-mix", vec_link}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, v[i].name);
		struct gen g;
		if (open_out(&g, path) < 0)
			return 1;
		v[i].fn(&g);
		close_out(&g);
	}
	return 0;
}

/* A transfer of more than 65535 blocks (the block number wraps) with a retransmission. */
static int wrap(const char *out)
{
	struct gen g;
	if (open_out(&g, out) < 0)
		return 1;
	struct pi pi;
	pi_make(&pi, 2, true);
	uint16_t port = 50000;
	tftp_file(&g, &pi, &port, "initramfs8", 70000u * 512u + 100u, false, 66000);
	close_out(&g);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "wrap"))
		return wrap(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "vectors"))
		return vectors(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "bench"))
		return bench(argv[2], argc > 3 ? strtoull(argv[3], NULL, 10) : 1000000);
	fprintf(stderr, "usage: pnb_gen vectors DIR | pnb_gen bench OUT [PACKETS] | pnb_gen wrap OUT\n");
	return 2;
}
