/* Unit tests: the diagnosis engine's TFTP stages (4 firmware, 5 kernel) on synthetic events:
 * prefix cross-checks with the profile, missing files, transfer cut-offs, and the Pi's normal
 * noise (probes, Early terminate, bootsig.bin/recovery.elf misses) staying silent. */
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

/* Pi 4 up to the first firmware request, without any profile or with one. */
static void pi4_to_tftp(struct fx *f, const char *profile)
{
	fx_start(f, profile);
	fx_pi4_dhcp(f, MAC_PI4);
}

static void test_noise_is_not_failure(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_probe(&f, MAC_PI4, "511e57f7/start4.elf");
	fx_probe(&f, MAC_PI4, "511e57f7/start4.elf");
	fx_get(&f, MAC_PI4, "511e57f7/config.txt");
	fx_missing(&f, MAC_PI4, "511e57f7/pieeprom.sig");
	fx_missing(&f, MAC_PI4, "511e57f7/vl805.sig");
	fx_missing(&f, MAC_PI4, "511e57f7/recover4.elf");
	fx_missing(&f, MAC_PI4, "511e57f7/recovery.elf");
	fx_get(&f, MAC_PI4, "511e57f7/start4.elf");
	fx_get(&f, MAC_PI4, "511e57f7/fixup4.dat");
	fx_missing(&f, MAC_PI4, "511e57f7/dt-blob.bin");
	fx_missing(&f, MAC_PI4, "511e57f7/overlays/overlay_map.dtb");
	fx_missing(&f, MAC_PI4, "511e57f7/armstub8-gic.bin");
	/* an Early terminate a second into a file is a probe too */
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/bcm2711-rpi-4-b.dtb", 0.05);
	struct fx_xfer early = {.end = XFER_ERROR,
				.from_client = true,
				.msg = "Early terminate",
				.blocks = 2,
				.duration = 0.5};
	fx_xfer(&f, MAC_PI4, "511e57f7/bcm2711-rpi-4-b.dtb", &early, 0.5);
	fx_get(&f, MAC_PI4, "511e57f7/bcm2711-rpi-4-b.dtb");
	fx_get(&f, MAC_PI4, "511e57f7/cmdline.txt");
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 5);
	assert_int_equal(p->n_verdicts, 0);
	fx_end(&f);
}

/* The issue's example: the Pi uses its MAC directory, the profile lays it out by serial. */
static void test_prefix_mismatch(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, PROFILE);
	fx_missing(&f, MAC_PI4, "dc-a6-32-1c-6a-2a/start4.elf");
	fx_missing(&f, MAC_PI4, "dc-a6-32-1c-6a-2a/start.elf");
	fx_get(&f, MAC_PI4, "config.txt");
	fx_missing(&f, MAC_PI4, "start4.elf");
	fx_missing(&f, MAC_PI4, "start.elf");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "tftp-prefix-mismatch", 4);
	const struct diag_verdict *v = fx_verdict(p, "tftp-prefix-mismatch");
	assert_non_null(
	    strstr(v->cause, "asked for dc-a6-32-1c-6a-2a/start4.elf, got File not found"));
	assert_non_null(strstr(v->cause, "by serial 511e57f7"));
	assert_non_null(strstr(v->fix, "TFTP_PREFIX=0"));
	assert_non_null(strstr(v->fix, "tftp_prefix = mac"));
	assert_non_null(fx_verdict(p, "firmware-not-found"));
	fx_end(&f);
}

/* Firmware the Pi cannot find, one row each: the profile, the files it asks for in vain (in
 * order), the verdict, and words its fix must hold. The profile says MAC while the Pi asks by
 * serial (TFTP_PREFIX=0, the default); the profile's own directory is missing; with no profile,
 * nothing anywhere. */
static const struct missing_case {
	const char *profile;
	const char *missing[5];
	const char *rule;
	const char *fix[2];
} missing_cases[] = {
    {PROFILE_MAC, {"511e57f7/start4.elf", "511e57f7/start.elf", "start4.elf"},
     "tftp-prefix-mismatch", {"TFTP_PREFIX=2", "tftp_prefix = serial"}},
    {PROFILE, {"511e57f7/start4.elf", "511e57f7/start.elf", "start4.elf"},
     "tftp-prefix-dir-missing", {NULL}},
    {NULL, {"511e57f7/start4.elf", "511e57f7/start.elf", "config.txt", "start4.elf"},
     "firmware-not-found", {NULL}},
};

static void test_firmware_missing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(missing_cases) / sizeof(missing_cases[0]); i++) {
		const struct missing_case *c = &missing_cases[i];
		struct fx f;
		pi4_to_tftp(&f, c->profile);
		for (size_t k = 0; k < 5 && c->missing[k]; k++)
			fx_missing(&f, MAC_PI4, c->missing[k]);
		const struct diag_pi *p = fx_finish(&f, MAC_PI4);
		print_message("case %s\n", c->rule);
		expect(p, c->rule, 4);
		for (size_t k = 0; k < 2 && c->fix[k]; k++)
			assert_non_null(strstr(fx_verdict(p, c->rule)->fix, c->fix[k]));
		fx_end(&f);
	}
}

/* No profile: the serial directory is missing, the root serves; a warning, the boot goes on. */
static void test_prefix_dropped(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_missing(&f, MAC_PI4, "511e57f7/start4.elf");
	fx_missing(&f, MAC_PI4, "511e57f7/start.elf");
	fx_pi4_files(&f, MAC_PI4, "");
	fx_iscsi_root(&f, MAC_PI4, "iqn.x:a", "iqn.x:b");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "tftp-prefix-dropped", 0);
	assert_int_equal(p->reached, 8);
	fx_end(&f);
}

/* With a profile, a mismatch the Pi survives (root has files) ends as a warning. */
static void test_prefix_mismatch_recovered(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, PROFILE);
	fx_missing(&f, MAC_PI4, "dc-a6-32-1c-6a-2a/start4.elf");
	fx_missing(&f, MAC_PI4, "dc-a6-32-1c-6a-2a/start.elf");
	fx_pi4_files(&f, MAC_PI4, "");
	fx_iscsi_root(&f, MAC_PI4, "iqn.2026-11.lan.example:kitchen",
		      "iqn.2026-11.lan.example:root-kitchen");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "tftp-prefix-mismatch", 0);
	assert_false(fx_verdict(p, "tftp-prefix-mismatch")->failure);
	assert_int_equal(p->reached, 8);
	fx_end(&f);
}

/* The bootloader's NETCONSOLE log line backs up the evidence. */
static void test_netconsole_evidence(void **state)
{
	(void)state;
	static const char line[] = "TFTP_GET: dc:a6:32:1c:6a:2a 192.168.20.1 start4.elf not found";
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_missing(&f, MAC_PI4, "511e57f7/start4.elf");
	fx_missing(&f, MAC_PI4, "511e57f7/start.elf");
	struct pnb_event ev = fx_ev(&f, EV_NETCONSOLE, 0.01);
	memcpy(ev.src_mac, MAC_PI4, 6);
	ev.u.netconsole.line.p = (const uint8_t *)line;
	ev.u.netconsole.line.len = (uint16_t)strlen(line);
	diag_event(f.d, &ev);
	fx_missing(&f, MAC_PI4, "start4.elf");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "firmware-not-found", 4);
	assert_non_null(strstr(fx_verdict(p, "firmware-not-found")->evidence, "bootloader log #"));
	assert_non_null(strstr(fx_verdict(p, "firmware-not-found")->evidence, "TFTP_GET"));
	fx_end(&f);
}

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

static void test_bootcode_missing(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI3, NULL, 0, 0, 1.0);
	fx_proxy_offers(&f, MAC_PI3, OPT43_PI_SPACES, sizeof(OPT43_PI_SPACES), 1.2);
	fx_missing(&f, MAC_PI3, "bootcode.bin");
	expect(fx_finish(&f, MAC_PI3), "bootcode-missing", 4);
	fx_end(&f);
}

static void test_access_violation(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/start4.elf", 0.05);
	fx_tftp_reply(&f, MAC_PI4, TFTP_ERROR, "511e57f7/start4.elf", 2, 0.01);
	expect(fx_finish(&f, MAC_PI4), "tftp-access-violation", 4);
	fx_end(&f);
}

/* Pi 4 firmware done, kernel-stage files follow; the last one given goes wrong. */
static void pi4_to_kernel(struct fx *f)
{
	pi4_to_tftp(f, NULL);
	fx_get(f, MAC_PI4, "511e57f7/config.txt");
	fx_get(f, MAC_PI4, "511e57f7/start4.elf");
	fx_get(f, MAC_PI4, "511e57f7/fixup4.dat");
	fx_get(f, MAC_PI4, "511e57f7/bcm2711-rpi-4-b.dtb");
	fx_get(f, MAC_PI4, "511e57f7/cmdline.txt");
}

static void test_initramfs_missing(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	fx_missing(&f, MAC_PI4, "511e57f7/initramfs8");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "initramfs-missing", 5);
	assert_int_equal(p->reached, 4);
	fx_end(&f);
}

static void test_kernel_missing(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_missing(&f, MAC_PI4, "511e57f7/kernel8.img");
	expect(fx_finish(&f, MAC_PI4), "kernel-files-missing", 5);
	fx_end(&f);
}

static void test_file_timeout(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/initramfs8", 0.05);
	struct fx_xfer x = {.end = XFER_ERROR,
			    .from_client = true,
			    .msg = "Early terminate",
			    .blocks = 25000,
			    .tsize = 90000000,
			    .duration = 30.1};
	fx_xfer(&f, MAC_PI4, "511e57f7/initramfs8", &x, 30.1);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "tftp-file-timeout", 5);
	assert_non_null(strstr(fx_verdict(p, "tftp-file-timeout")->fix, "TFTP_FILE_TIMEOUT"));
	fx_end(&f);
}

static void test_block_wrap(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/initramfs8", 0.05);
	struct fx_xfer x = {.end = XFER_TIMEOUT,
			    .blocks = 65535,
			    .tsize = 120000000,
			    .blksize = 1024,
			    .duration = 25};
	fx_xfer(&f, MAC_PI4, "511e57f7/initramfs8", &x, 25);
	expect(fx_finish(&f, MAC_PI4), "tftp-block-wrap", 5);
	fx_end(&f);
}

static void test_tftp_stall(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/kernel8.img", 0.05);
	struct fx_xfer x = {.end = XFER_TIMEOUT, .blocks = 700, .duration = 12};
	fx_xfer(&f, MAC_PI4, "511e57f7/kernel8.img", &x, 12);
	expect(fx_finish(&f, MAC_PI4), "tftp-stall", 5);
	fx_end(&f);
}

static void test_retransmits_and_repeat(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_kernel(&f);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/kernel8.img", 0.05);
	struct fx_xfer x = {.end = XFER_COMPLETE, .blocks = 100, .retrans = 60};
	fx_xfer(&f, MAC_PI4, "511e57f7/kernel8.img", &x, 1);
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	fx_get(&f, MAC_PI4, "511e57f7/kernel8.img");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "tftp-retransmits", 0);
	expect(p, "tftp-repeat", 0);
	fx_end(&f);
}

/* Pi 3B proxy: RRQs go to the router (address server), the boot offer named the proxy. */
static void test_tftp_wrong_server(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI3, NULL, 0, 0, 1.0);
	fx_proxy_offers(&f, MAC_PI3, OPT43_PI_SPACES, sizeof(OPT43_PI_SPACES), 1.2);
	for (int i = 0; i < 3; i++)
		fx_rrq(&f, MAC_PI3, RTR, "bootcode.bin", 1.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI3);
	expect(p, "tftp-wrong-server", 4);
	assert_non_null(strstr(fx_verdict(p, "tftp-wrong-server")->cause, "DHCP server"));
	fx_end(&f);
}

static void test_tftp_no_answer(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/start4.elf", 1.0);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/start4.elf", 4.0);
	fx_rrq(&f, MAC_PI4, SRV, "511e57f7/start4.elf", 4.0);
	expect(fx_finish(&f, MAC_PI4), "tftp-no-answer", 4);
	fx_end(&f);
}

static void test_arp_garbage(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer o = {.server = SRV,
			     .yiaddr = PI_IP,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI),
			     .opt66 = "192.168.20.1"};
	fx_reply(&f, MAC_PI4, &o, 0.01);
	fx_request(&f, MAC_PI4, false, 0.5);
	o.type = 5;
	fx_reply(&f, MAC_PI4, &o, 0.01);
	for (int i = 0; i < 3; i++)
		fx_arp(&f, MAC_PI4, PI_IP, IP(192, 168, 2, 214), 1.0);
	expect(fx_finish(&f, MAC_PI4), "arp-garbage-ip", 4);
	fx_end(&f);
}

static void test_tftp_offlink(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI3, NULL, 0, 0, 1.0);
	struct fx_offer o = {.server = RTR,
			     .yiaddr = PI_IP,
			     .siaddr = IP(10, 0, 0, 5),
			     .opt43 = OPT43_PI_SPACES,
			     .opt43_len = sizeof(OPT43_PI_SPACES)};
	fx_reply(&f, MAC_PI3, &o, 0.01);
	fx_arp(&f, MAC_PI3, PI_IP, IP(10, 0, 0, 5), 0.1);
	expect(fx_finish(&f, MAC_PI3), "tftp-offlink", 4);
	fx_end(&f);
}

static void test_tftp_stage_timeout(void **state)
{
	(void)state;
	struct fx f;
	pi4_to_tftp(&f, NULL);
	fx_get(&f, MAC_PI4, "511e57f7/config.txt");
	fx_bpdu(&f, 0, 40.0);
	expect(fx_finish(&f, MAC_PI4), "stage-timeout", 4);
	fx_end(&f);
}

UNIT_MAIN(
	cmocka_unit_test(test_noise_is_not_failure),
	cmocka_unit_test(test_prefix_mismatch),
	cmocka_unit_test(test_firmware_missing),
	cmocka_unit_test(test_prefix_dropped),
	cmocka_unit_test(test_prefix_mismatch_recovered),
	cmocka_unit_test(test_netconsole_evidence),
	cmocka_unit_test(test_static_ip_boot),
	cmocka_unit_test(test_bootcode_missing),
	cmocka_unit_test(test_access_violation),
	cmocka_unit_test(test_initramfs_missing),
	cmocka_unit_test(test_kernel_missing),
	cmocka_unit_test(test_file_timeout),
	cmocka_unit_test(test_block_wrap),
	cmocka_unit_test(test_tftp_stall),
	cmocka_unit_test(test_retransmits_and_repeat),
	cmocka_unit_test(test_tftp_wrong_server),
	cmocka_unit_test(test_tftp_no_answer),
	cmocka_unit_test(test_arp_garbage),
	cmocka_unit_test(test_tftp_offlink),
	cmocka_unit_test(test_tftp_stage_timeout))
