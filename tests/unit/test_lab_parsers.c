/* Unit tests: the virtual Pi's and iscsi-check's parsers — kernel command lines in the three
 * iSCSI flavours and seed 002's shim words, config.txt, the option-43 menu rule per model (partition tables:
 * test_parttable), and a DHCP DISCOVER/OFFER round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bgjob.h"
#include "core/server/bootfiles.h"
#include "core/server/shim_words.h"
#include "core/lab/iscsi_check.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

static void test_cmdline_initramfs_tools(void **state)
{
	(void)state;
	struct boot_params bp;
	char *err;
	assert_int_equal(bootparams_parse("console=tty1 ip=dhcp iscsi_initiator=iqn.2026-11.x:a "
					  "iscsi_target_name=iqn.2026-11.x:root-a "
					  "iscsi_target_ip=10.0.0.1 iscsi_username=a "
					  "iscsi_password=pw root=UUID=abcd rw",
					  &bp, &err),
			 0);
	assert_true(bp.iscsi);
	assert_string_equal(bp.flavour, "initramfs-tools");
	assert_string_equal(bp.initiator, "iqn.2026-11.x:a");
	assert_string_equal(bp.target, "iqn.2026-11.x:root-a");
	assert_string_equal(bp.portal, "10.0.0.1");
	assert_int_equal(bp.port, 3260);
	assert_int_equal(bp.lun, -1);
	assert_string_equal(bp.chap_password, "pw");
	assert_string_equal(bp.root, "UUID=abcd");
	assert_string_equal(bp.ip, "dhcp");
	bootparams_done(&bp);
}

static void test_cmdline_rfc4173_and_dracut(void **state)
{
	(void)state;
	struct boot_params bp;
	char *err;
	assert_int_equal(bootparams_parse("root=iscsi:u:p@10.0.0.1:6:3261:1:iqn.2026-11.x:root:a "
					  "root=UUID=ff",
					  &bp, &err),
			 0);
	assert_string_equal(bp.flavour, "rfc4173");
	assert_string_equal(bp.target, "iqn.2026-11.x:root:a"); /* colons kept */
	assert_int_equal(bp.port, 3261);
	assert_int_equal(bp.lun, 1);
	assert_string_equal(bp.chap_user, "u");
	assert_string_equal(bp.root, "UUID=ff");
	bootparams_done(&bp);
	/* dracut: netroot= with iface:netdev, empty port and LUN take the defaults */
	assert_int_equal(bootparams_parse("netroot=iscsi:[fe80::1]:::eth0:eth0::iqn.2026-11.x:t "
					  "rd.iscsi.initiator=iqn.2026-11.x:i root=LABEL=rootfs",
					  &bp, &err),
			 0);
	assert_string_equal(bp.flavour, "dracut");
	assert_string_equal(bp.portal, "fe80::1");
	assert_int_equal(bp.lun, 0);
	assert_int_equal(bp.port, 3260);
	assert_string_equal(bp.initiator, "iqn.2026-11.x:i");
	bootparams_done(&bp);
	assert_int_equal(bootparams_parse("root=iscsi:10.0.0.1:nonsense", &bp, &err), -1);
	assert_non_null(strstr(err, "not an iSCSI root path"));
	free(err);
	bootparams_done(&bp);
}

static void test_by_path(void **state)
{
	(void)state;
	struct iscsi_by_path b;
	assert_true(bootparams_by_path("/dev/disk/by-path/ip-10.0.0.1:3260-iscsi-"
				       "iqn.2026-11.x:root-lun-a-lun-1-part2", &b));
	assert_string_equal(b.portal, "10.0.0.1:3260");
	assert_string_equal(b.target, "iqn.2026-11.x:root-lun-a");
	assert_int_equal(b.lun, 1);
	assert_int_equal(b.part, 2);
	assert_false(bootparams_by_path("/dev/sda2", &b));
	assert_false(bootparams_by_path("/dev/disk/by-path/ip-10.0.0.1:3260-iscsi-x-lun-z", &b));
	struct boot_params bp;
	char *err;
	assert_int_equal(bootparams_parse("iscsi_target_name=iqn.2026-11.x:t root=/dev/disk/by-path/"
					  "ip-10.0.0.1:3260-iscsi-iqn.2026-11.x:t-lun-1-part2",
					  &bp, &err),
			 0);
	assert_int_equal(bootparams_root_lun(&bp), 1);
	bootparams_done(&bp);
}

static void test_config_txt(void **state)
{
	(void)state;
	struct config_txt ct;
	struct config_board pi4 = {PI_4B, NULL};
	config_txt_parse("# boot\n[pi3]\nkernel=k3.img\n[pi4]\nkernel=k4.img\n[all]\n"
			 "initramfs  initrd.img followkernel # comment\n",
			 &pi4, &ct);
	assert_string_equal(ct.kernel, "k4.img");
	assert_string_equal(ct.initramfs, "initrd.img");
	config_txt_done(&ct);
	config_txt_parse("[pi5]\ninitramfs x\n", &pi4, &ct);
	assert_null(ct.initramfs);
	assert_false(ct.auto_initramfs);
	config_txt_done(&ct);
	config_txt_parse("[all]\nauto_initramfs=1\n[pi3]\nauto_initramfs=0\n", &pi4, &ct);
	assert_true(ct.auto_initramfs);
	config_txt_done(&ct);
}

static void test_menu_rule(void **state)
{
	(void)state;
	assert_false(vpi_menu_accepted(PI_3B, "Raspberry Pi Boot", 17));
	assert_true(vpi_menu_accepted(PI_3B, "Raspberry Pi Boot   ", 20));
	assert_true(vpi_menu_accepted(PI_3BPLUS, "Raspberry Pi Boot", 17));
	assert_true(vpi_menu_accepted(PI_4B, "Raspberry Pi Boot   ", 20));
	assert_false(vpi_menu_accepted(PI_5, "PXE Boot", 8));
}

static void test_dhcp_roundtrip(void **state)
{
	(void)state;
	struct vpi v;
	memset(&v, 0, sizeof(v));
	v.model = PI_4B;
	v.mi = model_info(PI_4B);
	v.xid = 0x11223344;
	v.revision = 0xa03111;
	memcpy(v.serial, "5b154510", 9);
	uint8_t mac[6] = {0xdc, 0xa6, 0x32, 0x2e, 0xf8, 0xed};
	memcpy(v.mac, mac, 6);
	uint8_t pkt[600];
	size_t n = vpi_dhcp_build(&v, VPI_DHCP_ROM, 1, 0, 0, pkt, sizeof(pkt));
	assert_true(n >= 300);
	/* option 97 as the EEPROM sends it (spec eeprom-otp.md §5.5) */
	static const uint8_t g97[] = {97, 17, 0, 'R', 'P', 'i', '4', 0x11, 0x31, 0xa0, 0x00,
				      0x32, 0x2e, 0xf8, 0xed, 0x10, 0x45, 0x15, 0x5b};
	assert_non_null(memmem(pkt, n, g97, sizeof(g97)));
	assert_non_null(memmem(pkt, n, "PXEClient:Arch:00000:UNDI:002001", 32));
	/* turn it into an OFFER with the dnsmasq option 43 from the documentation */
	pkt[0] = 2;
	size_t o = 240;
	static const uint8_t offer[] = {53, 1, 2, 54, 4, 10, 0, 0, 1, 60, 9, 'P', 'X', 'E', 'C',
					'l', 'i', 'e', 'n', 't', 43, 32, 6, 1, 3, 10, 4, 0, 'P',
					'X', 'E', 9, 20, 0, 0, 17, 'R', 'a', 's', 'p', 'b', 'e',
					'r', 'r', 'y', ' ', 'P', 'i', ' ', 'B', 'o', 'o', 't', 255,
					255};
	memcpy(pkt + o, offer, sizeof(offer));
	uint8_t type;
	struct vpi_offer off;
	assert_true(vpi_dhcp_parse(&v, pkt, o + sizeof(offer), &type, &off));
	assert_int_equal(type, 2);
	assert_true(off.menu_found && off.menu_ok && off.pxe_class);
	assert_string_equal(off.menu, "Raspberry Pi Boot");
	assert_int_equal(off.server_id, 0x0a000001);
	v.model = PI_3B;
	v.mi = model_info(PI_3B);
	assert_true(vpi_dhcp_parse(&v, pkt, o + sizeof(offer), &type, &off));
	assert_false(off.menu_ok);
	/* options 17 and 224 (what seed 002's shim reads) are kept as text */
	static const uint8_t opts[] = {53, 1, 5, 17, 9, 'i', 's', 'c', 's', 'i', ':', 'a', ':', 'b',
				       224, 5, 'p', 'i', 'v', 'o', 't', 255};
	uint8_t ack[600];
	memcpy(ack, pkt, 240);
	memcpy(ack + 240, opts, sizeof(opts));
	assert_true(vpi_dhcp_parse(&v, ack, 240 + sizeof(opts), &type, &off));
	assert_string_equal(off.root_path, "iscsi:a:b");
	assert_string_equal(off.opt224, "pivot");
	/* truncated: never read past the end */
	assert_true(vpi_dhcp_parse(&v, pkt, o + 30, &type, &off));
	assert_false(off.menu_found);
}

/* seed 002's shim: the command line's iscsi.* words over option 17 (RFC 4173) and 224 */
static void test_shim_words(void **state)
{
	(void)state;
	static const struct {
		const char *cmdline, *o17, *o224;
		int rc;
		const char *portal, *target;
		int port, lun;
		const char *mode, *from; /* from: the error's start when rc < 0 */
	} cases[] = {
	    {"console=ttyAMA0 iscsi_target_name=iqn.2024-01.local:x", "iscsi:10.0.0.2:::1:iqn.2024-01.local:r",
	     "usb", 0, "10.0.0.2", "iqn.2024-01.local:r", 3260, 1, "usb", "DHCP option 17"},
	    {"iscsi.ip=10.0.0.9 iscsi.target=iqn.2024-01.local:c iscsi.port=3261 iscsi.mode=pivot",
	     "iscsi:10.0.0.2:::1:iqn.2024-01.local:r", "kexec", 0, "10.0.0.9", "iqn.2024-01.local:c",
	     3261, 1, "pivot", "DHCP option 17; cmdline.txt iscsi.ip iscsi.target iscsi.port"},
	    {"iscsi.ip=10.0.0.9 iscsi.target=iqn.2024-01.local:c", NULL, NULL, 0, "10.0.0.9",
	     "iqn.2024-01.local:c", 3260, -1, "pivot", "cmdline.txt iscsi.ip iscsi.target"},
	    {"root=/dev/sda2 iscsi_target_ip=10.0.0.2", "", "", 0, NULL, NULL, 3260, -1, "pivot", ""},
	    {"iscsi.ip=10.0.0.999", NULL, NULL, -1, NULL, NULL, 0, 0, NULL, "iscsi.ip=10.0.0.999"},
	    {"iscsi.port=0", NULL, NULL, -1, NULL, NULL, 0, 0, NULL, "iscsi.port=0"},
	    {"iscsi.target=disk1", NULL, NULL, -1, NULL, NULL, 0, 0, NULL, "iscsi.target=disk1"},
	    {"", "10.0.0.2:::1:iqn.2024-01.local:r", NULL, -1, NULL, NULL, 0, 0, NULL,
	     "DHCP option 17"},
	};
	for (size_t i = 0; i < PNB_ARRAY_LEN(cases); i++) {
		struct shim_root r;
		char *err = NULL;
		int rc = shim_root_parse(cases[i].cmdline, cases[i].o17, cases[i].o224, &r, &err);
		assert_int_equal(rc, cases[i].rc);
		if (rc < 0) {
			assert_non_null(err);
			assert_true(!strncmp(err, cases[i].from, strlen(cases[i].from)));
		} else {
			assert_null(err);
			if (cases[i].portal)
				assert_string_equal(r.portal, cases[i].portal);
			else
				assert_null(r.portal);
			if (cases[i].target)
				assert_string_equal(r.target, cases[i].target);
			else
				assert_null(r.target);
			assert_int_equal(r.port, cases[i].port);
			assert_int_equal(r.lun, cases[i].lun);
			assert_string_equal(r.mode, cases[i].mode);
			assert_string_equal(r.from, cases[i].from);
		}
		free(err);
		shim_root_done(&r);
	}
}

static void test_login_explain(void **state)
{
	(void)state;
	const char *fix;
	struct iscsi_login_facts f = {.status = 0x0202, .initiator = "iqn.2026-11.x:pi",
				      .target = "iqn.2026-11.x:root-pi", .target_kind = TARGET_LIO};
	char *s = iscsi_login_explain(&f, &fix);
	assert_string_equal(s, "initiator IQN iqn.2026-11.x:pi is not in the ACL of target "
			       "iqn.2026-11.x:root-pi (login status 0x0202, authorization failure)");
	assert_non_null(fix);
	free(s);
	/* tgt: 0x0203 for a target the profile knows = the ACL, in tgt's terms */
	f.status = 0x0203;
	f.target_kind = TARGET_TGT;
	f.profile_target = "iqn.2026-11.x:root-pi";
	f.profile_initiator = "iqn.2026-11.x:pi-real";
	s = iscsi_login_explain(&f, &fix);
	assert_non_null(strstr(s, "not in the ACL of target iqn.2026-11.x:root-pi (tgt reports this "
				  "as target-not-found"));
	assert_non_null(strstr(s, "the profile names the Pi's initiator iqn.2026-11.x:pi-real"));
	free(s);
	/* a name nobody knows, with the portal offering another: the name is wrong */
	const char *offered[] = {"iqn.2026-11.x:root-pi"};
	f.target = "iqn.2026-11.x:root-pj";
	f.targets = offered;
	f.n_targets = 1;
	f.discovery_done = true;
	s = iscsi_login_explain(&f, &fix);
	assert_non_null(strstr(s, "target iqn.2026-11.x:root-pj does not exist"));
	assert_non_null(strstr(s, "did you mean iqn.2026-11.x:root-pi"));
	free(s);
	f.status = 0x0201;
	f.chap_user = "pi";
	s = iscsi_login_explain(&f, &fix);
	assert_non_null(strstr(s, "CHAP failed"));
	free(s);
}

static void run_check(void *arg)
{
	iscsi_check_run(arg);
}

/* The wizard's way: the check on a thread, its end seen through poll(). Port 1 on loopback
 * refuses at once, so this needs no target. */
static void test_check_in_background(void **state)
{
	(void)state;
	struct iscsi_check_opts o = {.host = "127.0.0.1", .port = 1, .target = "iqn.2026-11.x:t",
				     .initiator = "iqn.2026-11.x:i", .lun = -1, .timeout = 2,
				     .target_kind = -1};
	struct iscsi_check *c = iscsi_check_new(&o);
	struct bgjob *j = bgjob_start(run_check, c);
	assert_non_null(j);
	struct pollfd p = {.fd = bgjob_fd(j), .events = POLLIN};
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_true(bgjob_done(j));
	bgjob_join(j);
	assert_false(c->ok);
	assert_int_equal(c->failed_step, IC_CONNECT);
	assert_non_null(strstr(c->cause, "refused the connection"));
	iscsi_check_free(c);
}

UNIT_MAIN(
	cmocka_unit_test(test_cmdline_initramfs_tools),
	cmocka_unit_test(test_cmdline_rfc4173_and_dracut),
	cmocka_unit_test(test_by_path),
	cmocka_unit_test(test_config_txt),
	cmocka_unit_test(test_menu_rule),
	cmocka_unit_test(test_dhcp_roundtrip),
	cmocka_unit_test(test_shim_words),
	cmocka_unit_test(test_login_explain),
	cmocka_unit_test(test_check_in_background))
