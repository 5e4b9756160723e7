/* pcapgen — writes the diagnosis test captures: one good boot per model family (3B, 3B+, 4B,
 * 5; proxy and full DHCP; iSCSI and NFS root) and one capture per failure signature the
 * diagnosis detects, plus truncated and malformed packets. Packets follow the spec (Pi
 * DISCOVER options 53/55/93/94/97/60, dnsmasq's option 43 bytes, TFTP RRQ with tsize/blksize,
 * OACK, DATA, Early terminate, iSCSI Login PDUs with key=value text, READ(10) CDBs, RPC
 * portmap/MOUNT/NFS). Timestamps are fixed, so the files are byte-for-byte reproducible.
 *
 *   pcapgen DIR            writes DIR/NAME.pcap for every scenario
 *   pcapgen --list         the expectations, one line per capture (TESTLIST style):
 *                          NAME SITE MAC REACHED FAILED RULE WORDS ("-" = none)
 *   pcapgen DIR NAME…      only those scenarios
 */
#include "tests/tools/pcapgen_wire.h"

/* ---- boots, stage by stage ---- */

/* The Pi's REQUEST 0.5 s after the offers, and the ACK of offer o. */
static void request_ack(struct pi *pi, struct offer o)
{
	wait_s(0.5);
	pi_discover(pi, 3, 0);
	o.type = 5;
	server_reply(pi, &o);
}

/* Pi 4/5 EEPROM, dnsmasq proxy beside a router: router offer, proxy offer, REQUEST, ACK. */
static void dhcp_proxy(struct pi *pi, const uint8_t *o43, size_t len)
{
	G.xid = 0x26f30339u + pi->h.mac[5];
	pi_discover(pi, 1, 0);
	wait_s(0.004);
	struct offer a = addr_offer(pi), b = proxy_offer(o43, len);
	server_reply(pi, &a);
	server_reply(pi, &b);
	request_ack(pi, a);
	wait_s(0.2);
}

/* The DISCOVER (under the xid set) and the boot server's full offer: options 43, 66 and
 * siaddr. Returns the offer. */
static struct offer full_round(struct pi *pi, const uint8_t *o43, size_t len)
{
	pi_discover(pi, 1, 0);
	struct offer o = full_offer(pi, o43, len);
	server_reply(pi, &o);
	return o;
}

/* Pi 4/5, full DHCP from the boot server: DISCOVER, OFFER, REQUEST, ACK. */
static void dhcp_full(struct pi *pi, const uint8_t *o43, size_t len)
{
	G.xid = 0x36f30339u + pi->h.mac[5];
	request_ack(pi, full_round(pi, o43, len));
	wait_s(0.2);
}

/* Pi 3 ROM: DISCOVER, router offer, proxy offer `delay` s later (dnsmasq dhcp-reply-delay). */
static void pi3_dhcp_round(struct pi *pi, const uint8_t *o43, size_t len, double delay)
{
	G.xid = 0x46f30339u + pi->h.mac[5];
	pi_discover(pi, 1, 0);
	struct offer a = addr_offer(pi), b = proxy_offer(o43, len);
	server_reply(pi, &a);
	wait_s(delay);
	server_reply(pi, &b);
	wait_s(0.3);
}

enum fault { OK, F_INITRAMFS, F_KERNEL, F_GIVE_UP, F_WRAP, F_STALL, F_ACCESS, F_REPEAT, F_DUP };

static bool kernel_files(struct pi *pi, const char *p, const char *dtb, const char *kernel,
			 const char *initrd, enum fault f)
{
	char n[128];
#define P(x) (snprintf(n, sizeof(n), "%s%s", p, x), n)
	get(pi, P(dtb), 3000);
	missing(pi, P("overlays/overlay_map.dtb"));
	get(pi, P("cmdline.txt"), 190);
	if (f == F_KERNEL) {
		missing(pi, P(kernel));
		return false;
	}
	if (f == F_DUP)
		tftp(pi, P(kernel), 22000, T_OPTS | T_DUP, 1024, 0);
	else
		get(pi, P(kernel), 6000);
	switch (f) {
	case F_INITRAMFS:
		missing(pi, P(initrd));
		return false;
	case F_GIVE_UP:
		tftp(pi, P(initrd), 98000000, T_OPTS | T_GIVE_UP, 512, 150);
		return false;
	case F_STALL:
		tftp(pi, P(initrd), 60000, T_OPTS | T_STALL, 1024, 20);
		return false;
	case F_WRAP:
		tftp(pi, P(initrd), 70000 * 8, T_OPTS | T_STALL, 8, 65535);
		return false;
	default:
		get(pi, P(initrd), 5000);
		return true;
	}
#undef P
}

static bool pi4_files(struct pi *pi, const char *p, enum fault f)
{
	char n[128];
#define P(x) (snprintf(n, sizeof(n), "%s%s", p, x), n)
	probe(pi, P("start4.elf"));
	get(pi, P("config.txt"), 120);
	missing(pi, P("pieeprom.sig"));
	missing(pi, P("recover4.elf"));
	missing(pi, P("recovery.elf"));
	if (f == F_ACCESS) {
		tftp(pi, P("start4.elf"), 0, T_OPTS | T_DENIED, 0, 0);
		return false;
	}
	get(pi, P("start4.elf"), 2300);
	if (f == F_REPEAT) { /* a server without tsize/blksize: the Pi fetches it again */
		get(pi, P("start4.elf"), 2300);
		get(pi, P("start4.elf"), 2300);
	}
	get(pi, P("fixup4.dat"), 1500);
	get(pi, P("config.txt"), 120);
	missing(pi, P("dt-blob.bin"));
#undef P
	return kernel_files(pi, p, "bcm2711-rpi-4-b.dtb", "kernel8.img", "initramfs8", f);
}

static bool pi5_files(struct pi *pi, const char *p, enum fault f)
{
	char n[128];
	snprintf(n, sizeof(n), "%sconfig.txt", p);
	get(pi, n, 120);
	snprintf(n, sizeof(n), "%spieeprom.sig", p);
	missing(pi, n);
	return kernel_files(pi, p, "bcm2712-rpi-5-b.dtb", "kernel_2712.img", "initramfs_2712", f);
}

/* Pi 3 ROM then bootcode.bin (flat layout, or the serial directory when `serial_dir`). */
static bool pi3_files(struct pi *pi, bool serial_dir, enum fault f)
{
	get(pi, "bootcode.bin", 1800);
	missing(pi, "bootsig.bin");
	wait_s(1.0);
	if (ADDR_SRV == &RTR) { /* bootcode.bin's own DHCP, the same way as the ROM's */
		pi3_dhcp_round(pi, OPT43_SPACES, sizeof(OPT43_SPACES), 1.2);
	} else {
		full_round(pi, OPT43_SPACES, sizeof(OPT43_SPACES));
		wait_s(0.3);
	}
	char p[16] = "";
	char probe_name[32];
	snprintf(probe_name, sizeof(probe_name), "%08x/start.elf", pi->serial);
	if (serial_dir) {
		get(pi, probe_name, 2300);
		snprintf(p, sizeof(p), "%08x/", pi->serial);
	} else {
		missing(pi, probe_name);
	}
	char n[128];
#define P(x) (snprintf(n, sizeof(n), "%s%s", p, x), n)
	missing(pi, P("autoboot.txt"));
	get(pi, P("config.txt"), 120);
	missing(pi, P("recovery.elf"));
	get(pi, P("start.elf"), 2300);
	get(pi, P("fixup.dat"), 1500);
	get(pi, P("config.txt"), 120);
	missing(pi, P("dt-blob.bin"));
#undef P
	return kernel_files(pi, p,
			    pi->fam == F_PI3B ? "bcm2710-rpi-3-b.dtb" : "bcm2710-rpi-3-b-plus.dtb",
			    "kernel8.img", "initrd.img", f);
}

enum rootfault {
	RF_OK,
	RF_NO_DHCP,
	RF_NO_SYN,
	RF_RST,
	RF_LOGIN,
	RF_NO_READS,
	RF_FEW_READS,
	RF_DROPPED, /* a firewall drops TCP 3260: SYNs at 0, 1, 3 and 7 s, nothing back */
	RF_LUN0,    /* logged in, INQUIRY to LUN 0 (tgt's controller) only, then logout */
};

static void iscsi_root(struct pi *pi, const char *ini, const char *tgt, enum rootfault f,
		       uint8_t cls, uint8_t det)
{
	wait_s(4.0); /* the kernel boots */
	if (f == RF_NO_DHCP) {
		idle(70);
		return;
	}
	kernel_dhcp(pi, true);
	wait_s(0.8);
	if (f == RF_NO_SYN) {
		idle(70);
		return;
	}
	struct conn k;
	if (f == RF_DROPPED) {
		k.c = &pi->h;
		k.s = &SRV;
		k.cport = pi->port++;
		k.sport = 3260;
		for (int i = 0; i < 4; i++) {
			k.cseq = 0x10000000u + k.cport; /* the same SYN again */
			tcp_seg(&k, true, SYN, NULL, 0);
			wait_s(i == 0 ? 1.0 : i == 1 ? 2.0 : 4.0);
		}
		idle(20);
		return;
	}
	if (f == RF_RST) {
		for (int i = 0; i < 3; i++) {
			tcp_open(&k, pi, 3260, true);
			wait_s(2.0);
		}
		idle(40);
		return;
	}
	tcp_open(&k, pi, 3260, false);
	iscsi_login(&k, ini, tgt, f == RF_LOGIN ? cls : 0, f == RF_LOGIN ? det : 0);
	if (f == RF_LOGIN) {
		tcp_seg(&k, false, FIN | ACK, NULL, 0);
		idle(40);
		return;
	}
	if (f == RF_NO_READS) {
		idle(40);
		return;
	}
	if (f == RF_LUN0) {
		iscsi_nodata_cmd(&k, 0, 0x12);
		iscsi_nodata_cmd(&k, 0, 0x00);
		wait_s(0.5);
		iscsi_logout(&k);
		idle(5);
		return;
	}
	iscsi_reads(&k, f == RF_FEW_READS ? 5 : 40, 1, 0x28);
	if (f == RF_OK)
		iscsi_reads(&k, 2, 1, 0x2a);
	else
		idle(40);
}

enum nfsfault { N_OK, N_V2, N_NOENT, N_DENIED, N_ROFS, N_NO_MOUNT };

static void nfs_root(struct pi *pi, enum nfsfault f)
{
	wait_s(4.0);
	kernel_dhcp(pi, true);
	wait_s(0.8);
	switch (f) {
	case N_NO_MOUNT:
		idle(70);
		return;
	case N_V2:
		nfs_v2_rejected(pi);
		idle(40);
		return;
	case N_NOENT:
		nfs_mount(pi, 2);
		idle(40);
		return;
	case N_DENIED:
		nfs_mount(pi, 13);
		idle(40);
		return;
	default:
		break;
	}
	nfs_mount(pi, 0);
	nfs_call(pi, 1, 0);
	for (int i = 0; i < 12; i++)
		nfs_call(pi, 6, 0);
	if (f == N_ROFS)
		nfs_call(pi, 7, 30);
}

/* The Pi 4 boot most scenarios bend in one place: proxy DHCP, its files from the serial
 * directory with file fault f (a fault that stops the files: the Pi idles), then its iSCSI
 * root with root fault rf, logging in as ini to tgt and answered with status cls/det. */
static void pi4_boot(enum fault f, enum rootfault rf, const char *ini, const char *tgt,
		     uint8_t cls, uint8_t det)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	if (pi4_files(&PI4, "511e57f7/", f))
		iscsi_root(&PI4, ini, tgt, rf, cls, det);
	else
		idle(40);
}

/* The same boot with file fault f and a good root. */
static void pi4_boot_with(enum fault f)
{
	pi4_boot(f, RF_OK, INI, TGT, 0, 0);
}

/* The Pi 4 bootloader finds no firmware in directory p ("" = tftp_root): start4.elf, then
 * start.elf. */
static void pi4_no_firmware(const char *p)
{
	char n[128];
	snprintf(n, sizeof(n), "%sstart4.elf", p);
	missing(&PI4, n);
	snprintf(n, sizeof(n), "%sstart.elf", p);
	missing(&PI4, n);
}

/* The Pi ARPs once a second, n times, for an address nobody answers for, then is quiet for
 * quiet_s seconds. */
static void arp_unanswered(struct pi *pi, uint32_t ip, int n, double quiet_s)
{
	for (int i = 0; i < n; i++) {
		wait_s(1.0);
		arp_req(&pi->h, ip);
	}
	idle(quiet_s);
}

/* ---- the scenarios ---- */

static void good_pi3b_proxy(void)
{
	pi3_dhcp_round(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES), 1.2);
	arp_req(&PI3B.h, SRV.ip);
	if (pi3_files(&PI3B, false, OK))
		iscsi_root(&PI3B, "iqn.2026-11.lan.example:garage",
			   "iqn.2026-11.lan.example:root-garage", RF_OK, 0, 0);
}

static void good_pi3bplus_full(void)
{
	G.xid = 0x56f30339u;
	full_round(&PI3BP, OPT43_PI, sizeof(OPT43_PI));
	wait_s(0.3);
	if (pi3_files(&PI3BP, true, OK))
		iscsi_root(&PI3BP, INI, TGT, RF_OK, 0, 0);
}

static void good_pi4_proxy(void)
{
	pi4_boot_with(OK);
}

static void good_pi4_full(void)
{
	dhcp_full(&PI4, OPT43_PI, sizeof(OPT43_PI));
	if (pi4_files(&PI4, "511e57f7/", OK))
		iscsi_root(&PI4, INI, TGT, RF_OK, 0, 0);
}

static void good_pi5_nfs(void)
{
	dhcp_full(&PI5, OPT43_PI, sizeof(OPT43_PI));
	if (pi5_files(&PI5, "9ffefdef/", OK))
		nfs_root(&PI5, N_OK);
}

static void no_pi_seen(void)
{
	idle(60);
}

static void stp_late(void)
{
	for (int i = 0; i < 15; i++) {
		bpdu(i == 14 ? 0x01 : 0);
		wait_s(2.0);
	}
	G.xid = 0x66f30339u;
	pi_discover(&PI4, 1, 30);
	pi4_boot_with(OK);
}

/* Pi 4 DISCOVERs for ~50 s, each answered with the given replies (NULL: none). */
static void pi4_rounds(const struct offer *a, const struct offer *b)
{
	for (int i = 0; i < 6; i++) {
		G.xid = 0x76f30339u + (uint32_t)i;
		pi_discover(&PI4, 1, (uint16_t)(i * 9));
		wait_s(0.004);
		if (a)
			server_reply(&PI4, a);
		if (b)
			server_reply(&PI4, b);
		wait_s(9.0);
	}
}

static void no_option_43(void)
{
	struct offer a = addr_offer(&PI4);
	pi4_rounds(&a, NULL);
}

static void no_menu(void)
{
	struct offer a = {.from = &SRV,
			  .yiaddr = PI4.h.ip,
			  .siaddr = SRV.ip,
			  .o43 = OPT43_IPXE,
			  .o43_len = sizeof(OPT43_IPXE),
			  .o67 = "undionly.kpxe"};
	pi4_rounds(&a, NULL);
}

static void no_tftp_server(void)
{
	struct offer a = addr_offer(&PI4);
	struct offer b = {
	    .from = &SRV, .no_server_id = true, .o43 = OPT43_PI, .o43_len = sizeof(OPT43_PI)};
	pi4_rounds(&a, &b);
}

static void no_offer(void)
{
	pi4_rounds(NULL, NULL);
}

static void rival_nak(void)
{
	G.xid = 0x86f30339u;
	pi_discover(&PI4, 1, 0);
	struct offer a = addr_offer(&PI4);
	struct offer b = full_offer(&PI4, OPT43_PI, sizeof(OPT43_PI));
	b.yiaddr = IP(192, 168, 20, 120);
	server_reply(&PI4, &a);
	server_reply(&PI4, &b);
	wait_s(0.5);
	pi_discover(&PI4, 3, 0);
	struct offer nak = {.type = 6, .from = &SRV};
	server_reply(&PI4, &nak);
	idle(50);
}

static void no_ack(void)
{
	G.xid = 0x96f30339u;
	pi_discover(&PI4, 1, 0);
	struct offer a = full_offer(&PI4, OPT43_PI, sizeof(OPT43_PI));
	a.giaddr = RTR.ip;
	server_reply(&PI4, &a);
	for (int i = 0; i < 12; i++) {
		wait_s(4.0);
		pi_discover(&PI4, 3, (uint16_t)(4 * i));
	}
	idle(10);
}

/* Pi 3B: five DISCOVER rounds, no TFTP, then the ROM sleeps. */
static void pi3_rounds(const struct offer *a, const struct offer *b, double gap)
{
	for (int i = 0; i < 5; i++) {
		G.xid = 0xa6f30339u + (uint32_t)i;
		pi_discover(&PI3B, 1, (uint16_t)(5 * i));
		if (a)
			server_reply(&PI3B, a);
		wait_s(gap);
		if (b)
			server_reply(&PI3B, b);
		wait_s(5.0 - gap);
	}
	idle(20);
}

static void menu_no_spaces(void)
{
	struct offer a = addr_offer(&PI3B), b = proxy_offer(OPT43_PI, sizeof(OPT43_PI));
	pi3_rounds(&a, &b, 1.2);
}

static void proxy_no_delay(void)
{
	struct offer a = addr_offer(&PI3B), b = proxy_offer(OPT43_SPACES, sizeof(OPT43_SPACES));
	pi3_rounds(&a, &b, 0.001);
}

static void relay_3b(void)
{
	struct offer a = full_offer(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES));
	a.giaddr = RTR.ip;
	pi3_rounds(&a, NULL, 0.001);
}

static void pi3_offer_ignored(void)
{
	struct offer a = full_offer(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES));
	pi3_rounds(&a, NULL, 0.001);
}

/* Pi 3B proxy: the ROM sends its RRQs to the router that gave the address. */
static void tftp_wrong_server(void)
{
	pi3_dhcp_round(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES), 1.2);
	uint16_t port = PI3B.port++;
	for (int i = 0; i < 4; i++) {
		tftp_rrq(&PI3B, RTR.ip, port, "bootcode.bin", false);
		wait_s(3.0);
	}
	idle(20);
}

static void tftp_no_answer(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	for (int i = 0; i < 4; i++) {
		tftp_rrq(&PI4, SRV.ip, PI4.port++, "511e57f7/start4.elf", true);
		wait_s(4.0);
	}
	idle(20);
}

static void arp_garbage(void)
{
	G.xid = 0xb6f30339u;
	request_ack(&PI4, full_round(&PI4, OPT43_PI, sizeof(OPT43_PI)));
	arp_unanswered(&PI4, IP(192, 168, 2, 214), 4, 50);
}

static void tftp_offlink(void)
{
	G.xid = 0xc6f30339u;
	pi_discover(&PI3B, 1, 0);
	struct offer o = full_offer(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES));
	o.siaddr = IP(10, 0, 0, 5);
	o.o66 = NULL;
	o.from = &RTR;
	server_reply(&PI3B, &o);
	arp_unanswered(&PI3B, IP(10, 0, 0, 5), 3, 30);
}

static void bootcode_missing(void)
{
	pi3_dhcp_round(&PI3B, OPT43_SPACES, sizeof(OPT43_SPACES), 1.2);
	tftp(&PI3B, "bootcode.bin", 0, T_MISSING, 0, 0);
	idle(30);
}

/* The example: the EEPROM uses TFTP_PREFIX=2 (MAC), the profile lays out by serial. */
static void prefix_mismatch(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	pi4_no_firmware("dc-a6-32-1c-6a-2a/");
	get(&PI4, "config.txt", 120);
	missing(&PI4, "recover4.elf");
	pi4_no_firmware("");
	idle(40);
}

static void prefix_dir_missing(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	pi4_no_firmware("511e57f7/");
	pi4_no_firmware("");
	idle(40);
}

static void prefix_dropped(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	pi4_no_firmware("511e57f7/");
	if (pi4_files(&PI4, "", OK))
		iscsi_root(&PI4, INI, TGT, RF_OK, 0, 0);
}

/* No firmware anywhere; the Pi 4's bootloader also logs over NETCONSOLE (6665 -> 6666). */
static void firmware_not_found(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	pi4_no_firmware("511e57f7/");
	struct buf b = {.n = 0};
	static const char line[] = "TFTP_GET: dc:a6:32:1c:6a:2a 192.168.20.1 start4.elf\n";
	bput(&b, line, sizeof(line) - 1);
	udp(&PI4.h, BCAST, 0xffffffff, 6665, 6666, &b);
	pi4_no_firmware("");
	idle(40);
}

/* Booted, rebooted (sudo reboot), booted again: the stages start over and end at 8. */
static void reboot_twice(void)
{
	pi4_boot_with(OK);
	wait_s(10);
	G.xid += 0x1000;
	pi4_boot_with(OK);
}

static void no_tftp_request(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	idle(50);
}

/* TFTP starts, then the Pi goes quiet for longer than TFTP_FILE_TIMEOUT. */
static void tftp_silence(void)
{
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	probe(&PI4, "511e57f7/start4.elf");
	get(&PI4, "511e57f7/config.txt", 120);
	idle(40);
}

/* Booted, then dhcpcd re-DHCPs eth0 under the iSCSI root and the root traffic stops. */
static void root_lost(void)
{
	pi4_boot_with(OK);
	wait_s(15);
	kernel_dhcp(&PI4, true);
	idle(40);
}

static void iscsi_chap_wrong(void)
{
	login_chap = true;
	pi4_boot(OK, RF_LOGIN, INI, TGT, 2, 1);
}

static void pi5_nfs(enum nfsfault f)
{
	dhcp_full(&PI5, OPT43_PI, sizeof(OPT43_PI));
	if (pi5_files(&PI5, "9ffefdef/", OK))
		nfs_root(&PI5, f);
}


/* A good Pi 4 boot interleaved with damaged packets of every layer. */
static void malformed(void)
{
	uint8_t f[64];
	memset(f, 0, sizeof(f));
	emit(f, 10, 10); /* shorter than an Ethernet header */
	dhcp_proxy(&PI4, OPT43_PI, sizeof(OPT43_PI));
	struct buf b = {.n = 0};
	bootp(&b, 1, 0xdeadbeef, 0, 0, 0, 0, PI4.h.mac);
	opt(&b, 53, "\x01", 1);
	b8(&b, 60);
	b8(&b, 200); /* option 60 runs past the end */
	bput(&b, "PXEClient", 9);
	struct host zero = PI4.h;
	zero.ip = 0;
	udp(&zero, BCAST, 0xffffffff, 68, 67, &b);
	b.n = 0;
	b16(&b, 1);
	bput(&b, "511e57f7/start4.elf", 19); /* RRQ without its NULs */
	udp(&PI4.h, SRV.mac, SRV.ip, 50001, 69, &b);
	/* IPv4 header length 3 words */
	struct buf e = {.n = 0};
	bput(&e, SRV.mac, 6);
	bput(&e, PI4.h.mac, 6);
	b16(&e, 0x0800);
	b8(&e, 0x43);
	bzeros(&e, 45);
	emit(e.b, e.n, e.n);
	/* iSCSI on 3260 with a nonsense BHS */
	struct conn k;
	tcp_open(&k, &PI4, 3260, false);
	uint8_t junk[48];
	memset(junk, 0xee, sizeof(junk));
	tcp_send(&k, true, junk, sizeof(junk));
	tcp_seg(&k, true, RST | ACK, NULL, 0);
	if (pi4_files(&PI4, "511e57f7/", OK))
		iscsi_root(&PI4, INI, TGT, RF_OK, 0, 0);
}

/* What a family runner (run_root, run_fault, …) needs: its fault and, for a login, the names
 * the Pi sends (NULL: the profile's) and the status the target answers (class, detail). */
struct scenario_args {
	int fault;
	const char *ini, *tgt;
	uint8_t cls, det;
};

struct scenario {
	const char *name, *site, *mac, *reached, *failed, *rule;
	void (*fn)(void);
	const char *words; /* must appear in a verdict's cause or fix (no spaces), or NULL */
	struct scenario_args args;
};

/* The scenario being written: the runners below take their case from it. */
static const struct scenario *cur;

/* A boot that goes wrong in one place, or gets past a fault, named by the scenario's args. */
static void run_fault(void)
{
	pi4_boot_with((enum fault)cur->args.fault);
}

static void run_root(void)
{
	const struct scenario_args *a = &cur->args;
	pi4_boot(OK, (enum rootfault)a->fault, a->ini ? a->ini : INI, a->tgt ? a->tgt : TGT,
		 a->cls, a->det);
}

static void run_nfs(void)
{
	pi5_nfs((enum nfsfault)cur->args.fault);
}


#define M4 "dc:a6:32:1c:6a:2a"
#define M3 "b8:27:eb:af:9c:61"
#define M3P "b8:27:eb:12:34:56"
#define M5 "2c:cf:67:01:02:03"

/* RULE "-" = no verdict at all; "~rule" = a warning the Pi got past. OWN: a scenario function
 * of its own, no args. */
#define OWN {0, NULL, NULL, 0, 0}
static const struct scenario scenarios[] = {
    {"good-pi3b-proxy", "-", M3, "8", "null", "-", good_pi3b_proxy, NULL, OWN},
    {"good-pi3bplus-full", "-", M3P, "8", "null", "-", good_pi3bplus_full, NULL, OWN},
    {"good-pi4-proxy-iscsi", "-", M4, "8", "null", "-", good_pi4_proxy, NULL, OWN},
    {"good-pi4-full-iscsi", "kitchen.conf", M4, "8", "null", "-", good_pi4_full, NULL, OWN},
    {"good-pi5-nfs", "-", M5, "8", "null", "-", good_pi5_nfs, NULL, OWN},
    {"no-pi-seen", "-", "-", "-", "-", "no-pi-seen", no_pi_seen, NULL, OWN},
    {"no-discover", "kitchen-garage.conf", M3, "0", "1", "no-discover", good_pi4_proxy,
     "otp_dump", OWN},
    {"stp-late-discover", "-", M4, "8", "null", "~stp-late-discover", stp_late, NULL, OWN},
    {"no-option-43", "-", M4, "1", "2", "no-option-43", no_option_43, NULL, OWN},
    {"no-pi-boot-menu", "-", M4, "1", "2", "no-pi-boot-menu", no_menu, NULL, OWN},
    {"no-tftp-server", "-", M4, "1", "2", "no-tftp-server", no_tftp_server, NULL, OWN},
    {"no-offer", "-", M4, "1", "2", "no-offer", no_offer, NULL, OWN},
    {"menu-no-spaces", "-", M3, "1", "2", "menu-no-spaces", menu_no_spaces, "three", OWN},
    {"dhcp-relay-3b", "-", M3, "1", "2", "dhcp-relay-3b", relay_3b, NULL, OWN},
    {"rival-dhcp-nak", "-", M4, "2", "3", "dhcp-nak", rival_nak, NULL, OWN},
    {"proxy-no-delay", "-", M3, "2", "3", "proxy-no-delay", proxy_no_delay,
     "dhcp-reply-delay", OWN},
    {"pi3-offer-ignored", "-", M3, "2", "3", "pi3-offer-ignored", pi3_offer_ignored, NULL, OWN},
    {"no-ack", "-", M4, "2", "3", "no-ack", no_ack, NULL, OWN},
    {"tftp-wrong-server", "-", M3, "3", "4", "tftp-wrong-server", tftp_wrong_server, NULL, OWN},
    {"tftp-no-answer", "-", M4, "3", "4", "tftp-no-answer", tftp_no_answer, NULL, OWN},
    {"arp-garbage-ip", "-", M4, "3", "4", "arp-garbage-ip", arp_garbage, NULL, OWN},
    {"tftp-offlink", "-", M3, "2", "4", "tftp-offlink", tftp_offlink, NULL, OWN},
    {"bootcode-missing", "-", M3, "3", "4", "bootcode-missing", bootcode_missing, NULL, OWN},
    {"tftp-prefix-mismatch", "kitchen.conf", M4, "3", "4", "tftp-prefix-mismatch", prefix_mismatch,
     "TFTP_PREFIX=0", OWN},
    {"tftp-prefix-dir-missing", "kitchen.conf", M4, "3", "4", "tftp-prefix-dir-missing",
     prefix_dir_missing, NULL,
     OWN},
    {"tftp-prefix-dropped", "-", M4, "8", "null", "~tftp-prefix-dropped", prefix_dropped,
     NULL, OWN},
    {"firmware-not-found", "-", M4, "3", "4", "firmware-not-found", firmware_not_found,
     "start4.elf", OWN},
    {"tftp-access-violation", "-", M4, "3", "4", "tftp-access-violation", run_fault,
     NULL, {F_ACCESS, NULL, NULL, 0, 0}},
    {"initramfs-missing", "-", M4, "4", "5", "initramfs-missing", run_fault,
     NULL, {F_INITRAMFS, NULL, NULL, 0, 0}},
    {"kernel-files-missing", "-", M4, "4", "5", "kernel-files-missing", run_fault,
     NULL, {F_KERNEL, NULL, NULL, 0, 0}},
    {"tftp-file-timeout", "-", M4, "4", "5", "tftp-file-timeout", run_fault,
     "TFTP_FILE_TIMEOUT", {F_GIVE_UP, NULL, NULL, 0, 0}},
    {"tftp-stall", "-", M4, "4", "5", "tftp-stall", run_fault, NULL, {F_STALL, NULL, NULL, 0, 0}},
    {"tftp-block-wrap", "-", M4, "4", "5", "tftp-block-wrap", run_fault,
     NULL, {F_WRAP, NULL, NULL, 0, 0}},
    {"no-kernel-dhcp", "-", M4, "5", "6", "no-kernel-dhcp", run_root,
     NULL, {RF_NO_DHCP, NULL, NULL, 0, 0}},
    {"no-iscsi-syn", "kitchen.conf", M4, "6", "7", "no-iscsi-syn", run_root,
     NULL, {RF_NO_SYN, NULL, NULL, 0, 0}},
    {"iscsi-rst", "-", M4, "6", "7", "iscsi-rst", run_root, NULL, {RF_RST, NULL, NULL, 0, 0}},
    {"iscsi-chap", "kitchen.conf", M4, "6", "7", "iscsi-chap", run_root,
     "AuthMethod=CHAP", {RF_LOGIN, NULL, NULL, 2, 1}},
    {"iscsi-acl", "kitchen.conf", M4, "6", "7", "iscsi-acl",
     run_root, "ISCSI_INITIATOR=iqn.2026-11.lan.example:kitchen",
     {RF_LOGIN, "iqn.1993-08.org.debian:01:5e1f3a", NULL, 2, 2}},
    {"iscsi-not-found-initiator", "kitchen.conf", M4, "6", "7", "iscsi-not-found", run_root,
     "ACL", {RF_LOGIN, "iqn.1993-08.org.debian:01:5e1f3a", NULL, 2, 3}},
    {"iscsi-not-found-target", "kitchen.conf", M4, "6", "7", "iscsi-not-found",
     run_root, "ISCSI_TARGET_NAME=iqn.2026-11.lan.example:root-kitchen",
     {RF_LOGIN, NULL, "iqn.2026-11.lan.example:root-kitchn", 2, 3}},
    {"iscsi-login-error", "-", M4, "6", "7", "iscsi-login-error", run_root,
     NULL, {RF_LOGIN, NULL, NULL, 3, 0}},
    {"iscsi-chap-wrong", "-", M4, "6", "7", "iscsi-chap", iscsi_chap_wrong, "incominguser", OWN},
    {"iscsi-acl-or-name", "kitchen.conf", M4, "6", "7", "iscsi-not-found", run_root,
     "initiator-name", {RF_LOGIN, NULL, NULL, 2, 3}},
    {"iscsi-dropped", "-", M4, "6", "7", "iscsi-dropped", run_root,
     "firewall", {RF_DROPPED, NULL, NULL, 0, 0}},
    {"root-lun0-logout", "-", M4, "7", "8", "root-no-reads", run_root,
     "controller", {RF_LUN0, NULL, NULL, 0, 0}},
    {"root-no-reads", "-", M4, "7", "8", "root-no-reads", run_root,
     "LUN", {RF_NO_READS, NULL, NULL, 0, 0}},
    {"root-reads-stop", "-", M4, "7", "8", "root-reads-stop", run_root,
     NULL, {RF_FEW_READS, NULL, NULL, 0, 0}},
    {"no-nfs-mount", "pi5-nfs.conf", M5, "6", "7", "no-nfs-mount", run_nfs,
     "nfsroot=", {N_NO_MOUNT, NULL, NULL, 0, 0}},
    {"nfs-v2", "-", M5, "6", "7", "nfs-v2", run_nfs, "vers=3", {N_V2, NULL, NULL, 0, 0}},
    {"nfs-mount-noent", "-", M5, "6", "7", "nfs-mount-noent", run_nfs,
     NULL, {N_NOENT, NULL, NULL, 0, 0}},
    {"nfs-mount-denied", "-", M5, "6", "7", "nfs-mount-denied", run_nfs,
     NULL, {N_DENIED, NULL, NULL, 0, 0}},
    {"nfs-access", "-", M5, "7", "8", "nfs-access", run_nfs, NULL, {N_ROFS, NULL, NULL, 0, 0}},
    {"malformed-packets", "-", M4, "8", "null", "-", malformed, NULL, OWN},
    {"reboot-twice", "-", M4, "8", "null", "-", reboot_twice, NULL, OWN},
    {"profile-mismatch", "kitchen-typo.conf", M4, "8", "null", "~profile-mismatch", good_pi4_proxy,
     "511e57f8", OWN},
    {"no-tftp-request", "-", M4, "3", "4", "no-tftp-request", no_tftp_request, NULL, OWN},
    {"stage-timeout-tftp", "-", M4, "3", "4", "stage-timeout", tftp_silence, NULL, OWN},
    {"tftp-repeat", "-", M4, "8", "null", "~tftp-repeat", run_fault,
     NULL, {F_REPEAT, NULL, NULL, 0, 0}},
    {"tftp-retransmits", "-", M4, "8", "null", "~tftp-retransmits", run_fault,
     NULL, {F_DUP, NULL, NULL, 0, 0}},
    {"root-lost-after-dhcp", "-", M4, "8", "null", "~root-lost-after-dhcp", root_lost, NULL, OWN},
    {"not-in-profile", "kitchen.conf", M5, "8", "null", "~not-in-profile", good_pi5_nfs, NULL, OWN},
};

static void reset(void)
{
	memset(&G, 0, sizeof(G));
	ADDR_SRV = &SRV;
	G.srv_port = 40000;
	G.ip_id = 0x1000;
	PI3B.port = PI3BP.port = PI4.port = PI5.port = 49152;
	rpc_xid = 0x5a000000;
	login_chap = false;
	itt = 0x100;
	cmdsn = statsn = 2;
}

static int write_one(const char *dir, const struct scenario *s)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, s->name);
	reset();
	cur = s;
	if (wire_open(&G.out, "pcapgen", path, DLT_EN10MB, 262144) < 0)
		return -1;
	s->fn();
	wire_close(&G.out);
	return 0;
}

/* The good Pi 4 capture, cut in the middle of its last packet. */
static int write_truncated(const char *dir)
{
	char src[4096], dst[4096];
	snprintf(src, sizeof(src), "%s/good-pi4-proxy-iscsi.pcap", dir);
	snprintf(dst, sizeof(dst), "%s/truncated-file.pcap", dir);
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	if (!in || !out) {
		perror("pcapgen: truncated-file");
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	static uint8_t data[1 << 22];
	size_t n = fread(data, 1, sizeof(data), in);
	fwrite(data, 1, n > 1000 ? n - 1000 : n, out);
	fclose(in);
	fclose(out);
	return 0;
}

static void list(void)
{
	printf("# NAME SITE MAC REACHED FAILED RULE WORDS  (written by pcapgen --list)\n");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *s = &scenarios[i];
		printf("%s %s %s %s %s %s %s\n", s->name, s->site, s->mac, s->reached, s->failed,
		       s->rule, s->words ? s->words : "-");
	}
	printf("truncated-file - %s 8 null - -\n", M4);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		list();
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: pcapgen DIR [NAME...] | pcapgen --list\n");
		return 2;
	}
	int rc = 0;
	size_t n = sizeof(scenarios) / sizeof(scenarios[0]);
	for (size_t i = 0; i < n; i++) {
		bool want = argc == 2;
		for (int a = 2; a < argc; a++)
			want = want || strcmp(argv[a], scenarios[i].name) == 0;
		if (want && write_one(argv[1], &scenarios[i]) != 0)
			rc = 1;
	}
	if (argc == 2 && write_truncated(argv[1]) != 0)
		rc = 1;
	return rc;
}
