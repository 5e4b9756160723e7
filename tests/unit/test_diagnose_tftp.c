/* Unit tests: the diagnosis engine's TFTP stages (4 firmware, 5 kernel) on synthetic events:
 * prefix cross-checks with the profile, missing files, transfer cut-offs, and the Pi's normal
 * noise (probes, Early terminate, bootsig.bin/recovery.elf misses) staying silent. One row a
 * capture (tests/unit/diag_fixture.h runs them); the captures that check more stand alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include "tests/unit/diag_fixture.h"

#define PROFILE_MAC                                                                                \
	"[server]\ninterface = eth0\naddress = 192.168.20.1/24\niqn_base = "                       \
	"iqn.2026-11.lan.example\n"                                                                \
	"[pi \"kitchen\"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\ntftp_prefix = " \
	"mac\n"

/* Pi 4 up to its first firmware request. */
static void pi4_to_tftp(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
}

/* Probes, Early terminate, and the misses every Pi 4 has: all noise. */
static void noise(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_files(f, MAC_PI4, "511e57f7/",
		 "?start4.elf ?start4.elf +config.txt -pieeprom.sig -vl805.sig -recover4.elf "
		 "-recovery.elf +start4.elf +fixup4.dat -dt-blob.bin -overlays/overlay_map.dtb "
		 "-armstub8-gic.bin");
	/* an Early terminate a second into a file is a probe too */
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/bcm2711-rpi-4-b.dtb", 0.05);
	struct ev_tftp_xfer early = {.end = XFER_ERROR,
				     .error_from_client = true,
				     .error_msg = "Early terminate",
				     .blocks = 2,
				     .duration = 0.5};
	fx_xfer(f, MAC_PI4, "511e57f7/bcm2711-rpi-4-b.dtb", &early, 0.5);
	fx_files(f, MAC_PI4, "511e57f7/", "+bcm2711-rpi-4-b.dtb +cmdline.txt +kernel8.img");
}

/* The Pi asks by MAC or serial, fails, and falls back to the root, which serves it. */
static void root_serves(struct fx *f)
{
	fx_pi4_files(f, MAC_PI4, "");
	fx_iscsi_root(f, MAC_PI4, "iqn.2026-11.lan.example:kitchen",
		      "iqn.2026-11.lan.example:root-kitchen");
}

static void prefix_dropped(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_files(f, MAC_PI4, "511e57f7/", "-start4.elf -start.elf");
	root_serves(f);
}

static void prefix_mismatch_recovered(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_files(f, MAC_PI4, "dc-a6-32-1c-6a-2a/", "-start4.elf -start.elf");
	root_serves(f);
}

/* The bootloader's NETCONSOLE log line backs up the evidence. */
static void netconsole(struct fx *f)
{
	static const char line[] = "TFTP_GET: dc:a6:32:1c:6a:2a 192.168.20.1 start4.elf not found";
	fx_pi4_dhcp(f, MAC_PI4);
	fx_files(f, MAC_PI4, "511e57f7/", "-start4.elf -start.elf");
	struct pnb_event ev = fx_ev(f, EV_NETCONSOLE, 0.01);
	memcpy(ev.src_mac, MAC_PI4, 6);
	ev.u.netconsole.line.p = (const uint8_t *)line;
	ev.u.netconsole.line.len = (uint16_t)strlen(line);
	diag_event(f->d, &ev);
	fx_missing(f, MAC_PI4, "start4.elf");
}

/* Pi 3B, proxy DHCP with the three spaces its ROM needs. */
static void pi3_offered(struct fx *f)
{
	fx_discover(f, MAC_PI3, NULL, 0, 0, 1.0);
	fx_proxy_offers(f, MAC_PI3, OPT43_PI_SPACES, sizeof(OPT43_PI_SPACES), 1.2);
}

static void access_violation(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/start4.elf", 0.05);
	fx_tftp_reply(f, MAC_PI4, TFTP_ERROR, "511e57f7/start4.elf", 2, 0.01);
}

/* Pi 4 firmware done, kernel-stage files follow. */
static void pi4_to_kernel(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_files(f, MAC_PI4, "511e57f7/",
		 "+config.txt +start4.elf +fixup4.dat +bcm2711-rpi-4-b.dtb +cmdline.txt");
}

/* The kernel served, then initramfs8 asked for and summed up as x after dt seconds. */
static void initramfs_ends(struct fx *f, const struct ev_tftp_xfer *x, double dt)
{
	pi4_to_kernel(f);
	fx_get(f, MAC_PI4, "511e57f7/kernel8.img");
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/initramfs8", 0.05);
	fx_xfer(f, MAC_PI4, "511e57f7/initramfs8", x, dt);
}

static void file_timeout(struct fx *f)
{
	struct ev_tftp_xfer x = {.end = XFER_ERROR,
				 .error_from_client = true,
				 .error_msg = "Early terminate",
				 .blocks = 25000,
				 .tsize = 90000000,
				 .duration = 30.1};
	initramfs_ends(f, &x, 30.1);
}

static void block_wrap(struct fx *f)
{
	struct ev_tftp_xfer x = {.end = XFER_TIMEOUT,
				 .blocks = 65535,
				 .tsize = 120000000,
				 .blksize = 1024,
				 .duration = 25};
	initramfs_ends(f, &x, 25);
}

/* The kernel asked for and summed up as x after dt seconds. */
static void kernel_ends(struct fx *f, const struct ev_tftp_xfer *x, double dt)
{
	pi4_to_kernel(f);
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/kernel8.img", 0.05);
	fx_xfer(f, MAC_PI4, "511e57f7/kernel8.img", x, dt);
}

static void stall(struct fx *f)
{
	struct ev_tftp_xfer x = {.end = XFER_TIMEOUT, .blocks = 700, .duration = 12};
	kernel_ends(f, &x, 12);
}

static void retransmits_and_repeat(struct fx *f)
{
	struct ev_tftp_xfer x = {.end = XFER_COMPLETE, .blocks = 100, .retransmissions = 60};
	kernel_ends(f, &x, 1);
	fx_files(f, MAC_PI4, "511e57f7/", "+kernel8.img +kernel8.img");
}

/* Pi 3B proxy: RRQs go to the router (address server), the boot offer named the proxy. */
static void wrong_server(struct fx *f)
{
	pi3_offered(f);
	for (int i = 0; i < 3; i++)
		fx_rrq(f, MAC_PI3, RTR, "bootcode.bin", 1.0);
}

static void no_answer(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/start4.elf", 1.0);
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/start4.elf", 4.0);
	fx_rrq(f, MAC_PI4, SRV, "511e57f7/start4.elf", 4.0);
}

/* A proxy boot offer (PXEClient, the Pi menu) whose siaddr (next-server) names another host
 * than the proxy; the Pi's RRQs go to f->arg's address and nothing answers. To siaddr: the
 * Pi did as the offer said, so nothing answers there (no-answer, naming next-server); to the
 * proxy (option 54, where FW#801 and nobodd say the Pi goes): wrong-server. */
#define NEXT_SERVER IP(192, 168, 20, 9)
static const uint32_t to_next_server = NEXT_SERVER, to_proxy = SRV;
static void next_server_elsewhere(struct fx *f)
{
	const uint32_t *dst = f->arg;
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	struct fx_offer b = {.server = SRV, .siaddr = NEXT_SERVER, .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI)};
	fx_reply(f, MAC_PI4, &a, 0.01);
	fx_reply(f, MAC_PI4, &b, 0.01);
	fx_request(f, MAC_PI4, false, 0.5);
	struct fx_offer ack = {.type = 5, .server = RTR, .yiaddr = PI_IP};
	fx_reply(f, MAC_PI4, &ack, 0.01);
	for (int i = 0; i < 3; i++)
		fx_rrq(f, MAC_PI4, *dst, "511e57f7/start4.elf", 2.0);
}

/* Full DHCP whose address the Pi then ARPs for on a network it is not on. */
static void arp_garbage(struct fx *f)
{
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer o = {.server = SRV,
			     .yiaddr = PI_IP,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI),
			     .opt66 = "192.168.20.1"};
	fx_full_dhcp(f, MAC_PI4, o, false);
	for (int i = 0; i < 3; i++)
		fx_arp(f, MAC_PI4, PI_IP, IP(192, 168, 2, 214), 1.0);
}

static void offlink(struct fx *f)
{
	fx_discover(f, MAC_PI3, NULL, 0, 0, 1.0);
	struct fx_offer o = {.server = RTR,
			     .yiaddr = PI_IP,
			     .siaddr = IP(10, 0, 0, 5),
			     .opt43 = OPT43_PI_SPACES,
			     .opt43_len = sizeof(OPT43_PI_SPACES)};
	fx_reply(f, MAC_PI3, &o, 0.01);
	fx_arp(f, MAC_PI3, PI_IP, IP(10, 0, 0, 5), 0.1);
}

static void stage_timeout(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_get(f, MAC_PI4, "511e57f7/config.txt");
	fx_bpdu(f, 0, 40.0);
}

/* Firmware the Pi cannot find: the profile says MAC while the Pi asks by serial (TFTP_PREFIX=0,
 * the default); the profile's own directory is missing; the Pi uses its MAC directory, the
 * profile lays it out by serial (the issue's example); with no profile, nothing anywhere. */
static const struct fx_case cases[] = {
    {.events = noise, .reached = 5, .quiet = true},
    {.profile = PROFILE_MAC,
     .events = pi4_to_tftp,
     .files = "-511e57f7/start4.elf -511e57f7/start.elf -start4.elf",
     .rule = "tftp-prefix-mismatch",
     .stage = 4,
     .want = {{'f', "TFTP_PREFIX=2"}, {'f', "tftp_prefix = serial"}}},
    {.profile = PROFILE,
     .events = pi4_to_tftp,
     .files = "-511e57f7/start4.elf -511e57f7/start.elf -start4.elf",
     .rule = "tftp-prefix-dir-missing",
     .stage = 4},
    {.profile = PROFILE,
     .events = pi4_to_tftp,
     .files = "-dc-a6-32-1c-6a-2a/start4.elf -dc-a6-32-1c-6a-2a/start.elf +config.txt -start4.elf "
	      "-start.elf",
     .rule = "tftp-prefix-mismatch",
     .stage = 4,
     .want = {{'c', "asked for dc-a6-32-1c-6a-2a/start4.elf, got File not found"},
	      {'c', "by serial 511e57f7"},
	      {'f', "TFTP_PREFIX=0"},
	      {'f', "tftp_prefix = mac"},
	      {'r', "firmware-not-found"}}},
    {.events = pi4_to_tftp,
     .files = "-511e57f7/start4.elf -511e57f7/start.elf +config.txt -start4.elf",
     .rule = "firmware-not-found",
     .stage = 4},
    /* no profile: the serial directory is missing, the root serves; a warning, the boot goes on */
    {.events = prefix_dropped, .rule = "tftp-prefix-dropped", .reached = 8},
    /* with a profile, a mismatch the Pi survives (root has files) ends as a warning */
    {.profile = PROFILE,
     .events = prefix_mismatch_recovered,
     .rule = "tftp-prefix-mismatch",
     .reached = 8,
     .warning = true},
    {.events = netconsole,
     .rule = "firmware-not-found",
     .stage = 4,
     .want = {{'e', "bootloader log #"}, {'e', "TFTP_GET"}}},
    {.events = pi3_offered,
     .files = "-bootcode.bin",
     .rule = "bootcode-missing",
     .stage = 4,
     .mac = MAC_PI3},
    {.events = access_violation, .rule = "tftp-access-violation", .stage = 4},
    {.events = pi4_to_kernel,
     .files = "+511e57f7/kernel8.img -511e57f7/initramfs8",
     .rule = "initramfs-missing",
     .stage = 5,
     .reached = 4},
    {.events = pi4_to_kernel,
     .files = "-511e57f7/kernel8.img",
     .rule = "kernel-files-missing",
     .stage = 5},
    {.events = file_timeout,
     .rule = "tftp-file-timeout",
     .stage = 5,
     .want = {{'f', "TFTP_FILE_TIMEOUT"}}},
    {.events = block_wrap, .rule = "tftp-block-wrap", .stage = 5},
    {.events = stall, .rule = "tftp-stall", .stage = 5},
    {.events = retransmits_and_repeat, .rule = "tftp-retransmits", .want = {{'r', "tftp-repeat"}}},
    {.events = wrong_server,
     .rule = "tftp-wrong-server",
     .stage = 4,
     .mac = MAC_PI3,
     .want = {{'c', "DHCP server"}}},
    {.events = no_answer, .rule = "tftp-no-answer", .stage = 4},
    {.events = next_server_elsewhere,
     .arg = &to_next_server,
     .rule = "tftp-no-answer",
     .stage = 4,
     .want = {{'c', "on 192.168.20.9, the next-server (siaddr)"},
	      {'e', "boot offer from 192.168.20.1"},
	      {'f', "point next-server"}}},
    {.events = next_server_elsewhere,
     .arg = &to_proxy,
     .rule = "tftp-wrong-server",
     .stage = 4,
     .want = {{'c', "to 192.168.20.1, not to the TFTP host 192.168.20.9"}}},
    {.events = arp_garbage, .rule = "arp-garbage-ip", .stage = 4},
    {.events = offlink, .rule = "tftp-offlink", .stage = 4, .mac = MAC_PI3},
    {.events = stage_timeout, .rule = "stage-timeout", .stage = 4},
};

static struct fx_cases captures = FX_CASES(cases, NULL);

/* EEPROM static TFTP_IP/CLIENT_IP: no DHCP at all; the Pi appears with its first RRQ. An
 * SD-booted Pi using NFS is not a netbooting Pi and stays out. */
static void test_static_ip_boot(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_rpc(&f, MAC_PI5, 100005, 3, 1, 0, 0, 0.5);
	assert_null(fx_pi(&f, MAC_PI5));
	fx_pi4_files(&f, MAC_PI4, "511e57f7/");
	fx_iscsi_root(&f, MAC_PI4, "iqn.x:a", "iqn.x:b");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 8);
	assert_int_equal(p->state[STAGE_DISCOVER], STATE_DONE);
	assert_string_equal(p->serial, "511e57f7");
	assert_null(fx_pi(&f, MAC_PI5));
	fx_end(&f);
}

UNIT_MAIN(
	FX_TEST_CASES(captures),
	cmocka_unit_test(test_static_ip_boot))
