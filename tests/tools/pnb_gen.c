/* pnb_gen — writes synthetic netboot captures for the capture branch's tests and benchmark:
 *   pnb_gen vectors DIR     small captures for golden and tshark differential tests
 *   pnb_gen dhcp OUT [N]    N packets (default 200,000) of DHCP only: 100 Pis' ROM exchanges
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

#include "pnb_gen_wire.h"

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

static int open_out_dlt(struct gen *g, const char *path, int dlt)
{
	memset(g, 0, sizeof(*g));
	g->dlt = dlt;
	if (wire_open(&g->out, "pnb_gen", path, dlt, 65535) < 0)
		return -1;
	g->ts.tv_sec = 1795000000;
	return 0;
}

static int open_out(struct gen *g, const char *path)
{
	return open_out_dlt(g, path, DLT_EN10MB);
}

static void close_out(struct gen *g)
{
	wire_close(&g->out);
}

/* Writes boots to out until it holds target packets: one(g, n) for n = 0, 1, … */
static int stream(const char *out, uint64_t target, void (*one)(struct gen *g, unsigned n))
{
	struct gen g;
	if (open_out(&g, out) < 0)
		return 1;
	for (unsigned n = 0; g.count < target; n++)
		one(&g, n);
	close_out(&g);
	printf("%llu packets\n", (unsigned long long)g.count);
	return 0;
}

/* The benchmark: 100 Pi 4s booting to their root disks, again and again. */
static void bench_boot(struct gen *g, unsigned n)
{
	struct pi pi;
	pi_make(&pi, n % 100, true);
	boot_pi4(g, &pi, n, 40);
}

/* An iSCSI Text PDU: a Request (0x44) from the initiator or a Response (0x24) back, with the
 * keys kv (NULL: none), flags, and the target transfer tag ttt. */
static void text_pdu(struct gen *g, struct conn *c, bool from_init, uint8_t flags, uint32_t itt,
		     uint32_t ttt, const char *const *kv)
{
	static uint8_t tx[256];
	size_t tl = kv ? add_text(tx + 48, kv) : 0;
	bhs(tx, from_init ? 0x44 : 0x24, flags, (uint32_t)tl, itt);
	put32(tx + 20, ttt);
	send_stream(g, c, from_init, tx, 48 + ((tl + 3) & ~(size_t)3), 1448);
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
	/* READ CAPACITY(10) -> CHECK CONDITION, sense NOT READY / medium not present */
	uint8_t rc[48 + 20];
	bhs(rc, 0x01, 0x80 | 0x40 | 1, 0, c.itt);
	put32(rc + 20, 8);
	rc[32] = 0x25;
	send_stream(g, &c, true, rc, 48, 1448);
	bhs(rc, 0x21, 0x80, 20, c.itt++);
	rc[3] = 0x02;
	memset(rc + 48, 0, 20);
	rc[49] = 18; /* SenseLength */
	rc[50] = 0x70;
	rc[52] = 0x02;
	rc[57] = 10;
	rc[62] = 0x3a;
	send_stream(g, &c, false, rc, sizeof(rc), 1448);
	/* Text: SendTargets=All and its answer */
	const char *q[] = {"SendTargets=All", NULL};
	const char *a[] = {"TargetName=iqn.2026-11.lan.example:root-kitchen",
			   "TargetAddress=192.168.20.1:3260,1", NULL};
	text_pdu(g, &c, true, 0x80, c.itt, 0xffffffffu, q);
	text_pdu(g, &c, false, 0x80, c.itt++, 0xffffffffu, a);
	/* SendTargets answered in two Text Responses joined by the C bit */
	const char *a1[] = {"TargetName=iqn.2026-11.lan.example:root-garage",
			    "TargetAddress=192.168.20.1:3260,1", NULL};
	text_pdu(g, &c, true, 0x80, c.itt, 0xffffffffu, q);
	text_pdu(g, &c, false, 0x40, c.itt, 0x1234u, a1);
	text_pdu(g, &c, true, 0x80, c.itt, 0x1234u, NULL);
	text_pdu(g, &c, false, 0x80, c.itt++, 0xffffffffu, a);
	static uint8_t tx[48];
	/* Logout (close the session) */
	bhs(tx, 0x46, 0x80, 0, c.itt);
	send_stream(g, &c, true, tx, 48, 1448);
	bhs(tx, 0x26, 0x80, 0, c.itt++);
	send_stream(g, &c, false, tx, 48, 1448);
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
	wire_rpc_call(b, xid, prog, vers, proc, "pi01");
}

static void rpc_reply(struct buf *b, uint32_t xid)
{
	b->n = 0;
	wire_rpc_reply(b, xid, 0);
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
		bput(&b, path, strlen(path));
		while (b.n % 4)
			b8(&b, 0);
		udp(g, &c2s, b.b, b.n);
		tick(g, 500);
		rpc_reply(&b, 0x200u + (uint32_t)i);
		b32(&b, i ? 13 : 0);
		if (!i) {
			b32(&b, 8);
			bput(&b, "\1\2\3\4\5\6\7\x08", 8);
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
	bput(&b, "\1\2\3\4\5\6\7\x08", 8);
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
	static struct buf f;
	wire_stp_bpdu(&f, SRV_MAC, 0, NULL);
	emit_raw(g, f.b, f.n, 65535);
	tick(g, 1000);
	const char *nc = "NET_BOOT: dc:a6:32:10:00:05 wait for link TFTP: 192.168.20.1\n"
			 "RX: 1 IP: 0 IPV4: 1 MAC: 1 UDP: 1 UDP RECV: 0\n";
	struct l4 n = {pi.mac, SRV_MAC, pi.ip, SRV_IP, 6665, 6666, 0};
	udp(g, &n, (const uint8_t *)nc, strlen(nc));
	tick(g, 1000);
	/* ARP who-has and reply */
	wire_arp_request(&f, pi.mac, pi.ip, SRV_IP);
	emit_raw(g, f.b, f.n, 65535);
	tick(g, 1000);
	/* a non-first IPv4 fragment (offset 1480): counted, not decoded */
	static struct buf fr;
	struct l4 fa = {SRV_MAC, pi.mac, SRV_IP, pi.ip, 0, 0, 0};
	eth_ip(&fr, &fa, 17, 200);
	fr.b[20] = 0x00;
	fr.b[21] = 185; /* fragment offset 185 * 8 = 1480 */
	bzeros(&fr, 200);
	emit_raw(g, fr.b, fr.n, 65535);
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
	bput(&t, b.b, b.n);
	emit_raw(g, t.b, t.n, 100);
	tick(g, 1000);
	/* DHCP whose option 60 runs past the end */
	bootp_hdr(&b, 1, 0x5353, &pi, 0, 0, 0);
	opt(&b, 53, "\x01", 1);
	b8(&b, 60);
	b8(&b, 40);
	bput(&b, "PXEClient", 9);
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

/* The Pi 4 boot again, as `tcpdump -i any` writes it: Linux cooked v1 and v2. */
static int cooked(const char *dir)
{
	static const struct {
		const char *name;
		int dlt;
	} v[] = {{"pi4-boot-sll", DLT_LINUX_SLL}, {"pi4-boot-sll2", DLT_LINUX_SLL2}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, v[i].name);
		struct gen g;
		if (open_out_dlt(&g, path, v[i].dlt) < 0)
			return 1;
		vec_pi4(&g);
		close_out(&g);
	}
	return 0;
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
	return cooked(dir);
}

/* DHCP-heavy traffic: 100 Pis doing ROM DORA exchanges (proxy and full offers) over and over. */
static void dhcp_round(struct gen *g, unsigned n)
{
	struct pi pi;
	pi_make(&pi, n % 100, n % 3 != 0);
	dhcp_rom(g, &pi, 0x7000000u + n, n % 2 == 0);
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
	if (argc >= 3 && !strcmp(argv[1], "dhcp"))
		return stream(argv[2], argc > 3 ? strtoull(argv[3], NULL, 10) : 200000, dhcp_round);
	if (argc >= 3 && !strcmp(argv[1], "vectors"))
		return vectors(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "bench"))
		return stream(argv[2], argc > 3 ? strtoull(argv[3], NULL, 10) : 1000000, bench_boot);
	fprintf(stderr, "usage: pnb_gen vectors DIR | bench OUT [PACKETS] | dhcp OUT [PACKETS] | wrap OUT\n");
	return 2;
}
