/* Unit tests: the diagnosis engine on synthetic events — good boots of each model family, the
 * stage 1–3 rules (DISCOVER, offers, binding) and the rule table itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include "tests/unit/diag_fixture.h"

static void test_rule_table(void **state)
{
	(void)state;
	assert_true(diag_rule_count() >= 20);
	for (size_t i = 0; i < diag_rule_count(); i++) {
		const struct diag_rule_info *r = diag_rule_at(i);
		assert_non_null(r->meaning);
		assert_ptr_equal(diag_rule_find(r->id), r);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(diag_rule_at(j)->id, r->id);
	}
	assert_null(diag_rule_find("no-such-rule"));
	assert_string_equal(boot_stage_names[STAGE_ROOT_IN_USE], "root in use");
}

static void test_good_pi4_iscsi(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE);
	fx_pi4_dhcp(&f, MAC_PI4);
	fx_pi4_files(&f, MAC_PI4, "511e57f7/");
	fx_iscsi_root(&f, MAC_PI4, "iqn.2026-11.lan.example:kitchen",
		      "iqn.2026-11.lan.example:root-kitchen");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 8);
	assert_int_equal(p->model, PI_4B);
	assert_string_equal(p->serial, "511e57f7");
	assert_string_equal(p->name, "kitchen");
	/* probes, pieeprom.sig, recovery.elf and overlay_map.dtb misses are noise */
	if (p->n_verdicts) {
		fx_dump(p);
		fail();
	}
	assert_non_null(strstr(p->verdict, "booted"));
	for (int s = 1; s <= 8; s++)
		assert_int_equal(p->state[s], STATE_DONE);
	assert_int_not_equal(p->stage_frame[STAGE_TFTP_KERNEL], 0);
	fx_end(&f);
}

/* Pi 3B: no REQUEST/ACK, bootcode.bin, bootsig.bin miss, its own DHCP, flat layout. */
static void test_good_pi3_flat(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI3, NULL, 0, 0, 1.0);
	fx_proxy_offers(&f, MAC_PI3, OPT43_PI_SPACES, sizeof(OPT43_PI_SPACES), 1.2);
	const struct diag_pi *p = fx_pi(&f, MAC_PI3);
	assert_int_equal(p->state[STAGE_OFFER], STATE_DONE);
	assert_int_equal(p->state[STAGE_BOUND], STATE_NOT_SEEN);
	fx_arp(&f, MAC_PI3, PI_IP, SRV, 0.1);
	fx_get(&f, MAC_PI3, "bootcode.bin");
	assert_int_equal(p->state[STAGE_BOUND], STATE_DONE);
	fx_missing(&f, MAC_PI3, "bootsig.bin");
	fx_discover(&f, MAC_PI3, NULL, 0, 0, 1.0);
	fx_proxy_offers(&f, MAC_PI3, OPT43_PI_SPACES, sizeof(OPT43_PI_SPACES), 1.2);
	fx_missing(&f, MAC_PI3, "2caf9c61/start.elf");
	fx_missing(&f, MAC_PI3, "autoboot.txt");
	fx_get(&f, MAC_PI3, "config.txt");
	fx_missing(&f, MAC_PI3, "recovery.elf");
	fx_get(&f, MAC_PI3, "start.elf");
	fx_get(&f, MAC_PI3, "fixup.dat");
	fx_missing(&f, MAC_PI3, "dt-blob.bin");
	fx_get(&f, MAC_PI3, "bcm2710-rpi-3-b.dtb");
	fx_get(&f, MAC_PI3, "cmdline.txt");
	fx_get(&f, MAC_PI3, "kernel8.img");
	fx_get(&f, MAC_PI3, "initrd.img");
	fx_iscsi_root(&f, MAC_PI3, "iqn.x:garage", "iqn.x:root-garage");
	diag_finish(f.d);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 8);
	assert_int_equal(p->model, PI_3B);
	assert_int_equal(p->n_verdicts, 0);
	fx_end(&f);
}

/* The 3B+ ROM (and DHCP_OPTION97=0) sends the serial four times: model and serial from it. */
static void test_guid_serial_repeated(void **state)
{
	(void)state;
	static const uint8_t mac[6] = {0xb8, 0x27, 0xeb, 0x12, 0x34, 0x56};
	static const uint8_t guid[17] = {0,    0x56, 0x34, 0x12, 0x3e, 0x56, 0x34, 0x12, 0x3e,
					 0x56, 0x34, 0x12, 0x3e, 0x56, 0x34, 0x12, 0x3e};
	struct fx f;
	fx_start(&f, NULL);
	struct pnb_event ev = fx_ev(&f, EV_DHCP, 1.0);
	ev.u.dhcp.op = 1;
	ev.u.dhcp.msg_type = 1;
	memcpy(ev.u.dhcp.chaddr, mac, 6);
	ev.u.dhcp.vendor_class.p = (const uint8_t *)"PXEClient:Arch:00000:UNDI:002001";
	ev.u.dhcp.vendor_class.len = 32;
	ev.u.dhcp.client_guid.p = guid;
	ev.u.dhcp.client_guid.len = 17;
	diag_event(f.d, &ev);
	const struct diag_pi *p = fx_pi(&f, mac);
	assert_non_null(p);
	assert_int_equal(p->model, PI_3BPLUS);
	assert_true(p->has_serial);
	assert_string_equal(p->serial, "3e123456");
	fx_end(&f);
}

static void test_profile_mismatch(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
		     "[pi \"kitchen\"]\nmodel = 3B+\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n");
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, 0x12345678, 1.0);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	const struct diag_verdict *v = fx_verdict(p, "profile-mismatch");
	assert_non_null(v);
	assert_false(v->failure);
	assert_non_null(strstr(v->cause, "is a 3B+, but it reports a 4B"));
	assert_string_equal(p->serial, "12345678");
	assert_int_equal(p->model, PI_4B);
	fx_end(&f);
}

static void test_good_pi5_nfs(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI5, "RPi5", PI5_REV, 0x9ffefdef, 1.0);
	struct fx_offer o = {.server = SRV,
			     .yiaddr = PI_IP,
			     .siaddr = SRV,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI),
			     .opt66 = "192.168.20.1"};
	fx_reply(&f, MAC_PI5, &o, 0.01);
	fx_request(&f, MAC_PI5, true, 0.5);
	o.type = 5;
	fx_reply(&f, MAC_PI5, &o, 0.01);
	fx_get(&f, MAC_PI5, "9ffefdef/config.txt");
	fx_missing(&f, MAC_PI5, "9ffefdef/pieeprom.sig");
	fx_get(&f, MAC_PI5, "9ffefdef/cmdline.txt");
	fx_get(&f, MAC_PI5, "9ffefdef/bcm2712-rpi-5-b.dtb");
	fx_missing(&f, MAC_PI5, "9ffefdef/overlays/overlay_map.dtb");
	fx_get(&f, MAC_PI5, "9ffefdef/kernel_2712.img");
	fx_get(&f, MAC_PI5, "9ffefdef/initramfs_2712");
	fx_kernel_dhcp(&f, MAC_PI5, 4.0);
	fx_kernel_ack(&f, MAC_PI5, 0.01);
	fx_rpc(&f, MAC_PI5, 100000, 2, 3, 0, -1, 0.5);
	fx_rpc(&f, MAC_PI5, 100005, 3, 1, 0, 0, 0.01);
	for (int i = 0; i < 10; i++)
		fx_rpc(&f, MAC_PI5, 100003, 3, 6, 0, 0, 0.01);
	const struct diag_pi *p = fx_finish(&f, MAC_PI5);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 8);
	assert_int_equal(p->model, PI_5);
	assert_string_equal(p->serial, "9ffefdef");
	assert_int_equal(p->n_verdicts, 0);
	assert_non_null(strstr(p->verdict, "NFS"));
	fx_end(&f);
}

static void test_no_discover(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE "[pi \"garage\"]\nmodel = 3B\nserial = 12af9c61\nmac = b8:27:eb:af:9c:61\n");
	fx_pi4_dhcp(&f, MAC_PI4);
	fx_pi4_files(&f, MAC_PI4, "511e57f7/");
	fx_iscsi_root(&f, MAC_PI4, "iqn.2026-11.lan.example:kitchen",
		      "iqn.2026-11.lan.example:root-kitchen");
	expect(fx_finish(&f, MAC_PI4), NULL, 0);
	const struct diag_pi *p = fx_pi(&f, MAC_PI3);
	expect(p, "no-discover", 1);
	assert_int_equal(p->reached, 0);
	assert_string_equal(p->name, "garage");
	assert_non_null(strstr(fx_verdict(p, "no-discover")->fix, "otp_dump"));
	fx_end(&f);
}

static void test_no_pi_seen(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_bpdu(&f, 0, 0);
	fx_bpdu(&f, 0, 2);
	diag_finish(f.d);
	assert_int_equal(diag_pi_count(f.d), 0);
	assert_non_null(fx_site_verdict(&f, "no-pi-seen"));
	assert_non_null(fx_site_verdict(&f, "stp-bpdu"));
	fx_end(&f);
}

static void test_stp_late(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	for (int i = 0; i < 15; i++)
		fx_bpdu(&f, i == 14 ? 0x01 : 0, 2.0);
	fx_pi4_dhcp(&f, MAC_PI4);
	fx_pi4_files(&f, MAC_PI4, "");
	fx_iscsi_root(&f, MAC_PI4, "iqn.x:a", "iqn.x:b");
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "stp-late-discover", 0);
	assert_false(fx_verdict(p, "stp-late-discover")->failure);
	assert_non_null(strstr(p->verdict, "warning"));
	assert_non_null(fx_site_verdict(&f, "stp-bpdu"));
	fx_end(&f);
}

/* Pi 4 DISCOVERs for 50 s with the given replies after each. */
static void pi4_offers(struct fx *f, const struct fx_offer *a, const struct fx_offer *b)
{
	for (int i = 0; i < 6; i++) {
		fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, i ? 9.0 : 1.0);
		if (a)
			fx_reply(f, MAC_PI4, a, 0.01);
		if (b)
			fx_reply(f, MAC_PI4, b, 0.01);
	}
}

static void test_no_option_43(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	pi4_offers(&f, &a, NULL);
	expect(fx_finish(&f, MAC_PI4), "no-option-43", 2);
	fx_end(&f);
}

static void test_no_menu(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	struct fx_offer a = {.server = SRV,
			     .yiaddr = PI_IP,
			     .siaddr = SRV,
			     .opt43 = OPT43_IPXE,
			     .opt43_len = sizeof(OPT43_IPXE),
			     .opt67 = "undionly.kpxe"};
	pi4_offers(&f, &a, NULL);
	expect(fx_finish(&f, MAC_PI4), "no-pi-boot-menu", 2);
	fx_end(&f);
}

static void test_no_tftp_server(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	struct fx_offer b = {.server = 0, .opt43 = OPT43_PI, .opt43_len = sizeof(OPT43_PI)};
	pi4_offers(&f, &a, &b);
	expect(fx_finish(&f, MAC_PI4), "no-tftp-server", 2);
	fx_end(&f);
}

static void test_no_offer(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	pi4_offers(&f, NULL, NULL);
	expect(fx_finish(&f, MAC_PI4), "no-offer", 2);
	fx_end(&f);
}

/* Live: diag_tick turns silence into the verdict without further packets. */
static void test_no_offer_live(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	struct timeval now = p->stage_time[1];
	now.tv_sec += 10;
	diag_tick(f.d, now);
	assert_int_equal(p->failed, 0);
	assert_non_null(strstr(p->verdict, "now in stage 2"));
	now.tv_sec += 40;
	diag_tick(f.d, now);
	expect(p, "no-offer", 2);
	fx_end(&f);
}

/* File ends inside the retry window: in progress, not failed. */
static void test_in_progress_at_end(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 4.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 1);
	assert_non_null(strstr(p->verdict, "capture ended in stage 2"));
	fx_end(&f);
}

static void test_rival_dhcp(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	struct fx_offer b = {.server = SRV,
			     .yiaddr = IP(192, 168, 20, 120),
			     .siaddr = SRV,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI)};
	fx_reply(&f, MAC_PI4, &a, 0.01);
	fx_reply(&f, MAC_PI4, &b, 0.01);
	fx_request(&f, MAC_PI4, false, 0.5);
	struct fx_offer nak = {.type = 6, .server = SRV};
	fx_reply(&f, MAC_PI4, &nak, 0.01);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "dhcp-nak", 3);
	assert_non_null(fx_verdict(p, "rival-dhcp"));
	assert_non_null(fx_site_verdict(&f, "rival-dhcp-servers"));
	assert_non_null(strstr(fx_verdict(p, "dhcp-nak")->cause, "another DHCP server"));
	fx_end(&f);
}

static void test_no_ack(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer a = {.server = SRV,
			     .yiaddr = PI_IP,
			     .siaddr = SRV,
			     .giaddr = RTR,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI)};
	fx_reply(&f, MAC_PI4, &a, 0.01);
	for (int i = 0; i < 12; i++)
		fx_request(&f, MAC_PI4, false, 4.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "no-ack", 3);
	assert_non_null(strstr(fx_verdict(p, "no-ack")->evidence, "relay"));
	fx_end(&f);
}

static void test_no_tftp_request(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	fx_pi4_dhcp(&f, MAC_PI4);
	fx_discover(&f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 50.0);
	expect(fx_finish(&f, MAC_PI4), "no-tftp-request", 4);
	fx_end(&f);
}

/* Pi 3B: five DISCOVERs, each answered the given way, no TFTP. */
static void pi3_rounds(struct fx *f, const struct fx_offer *a, const struct fx_offer *b, double gap)
{
	for (int i = 0; i < 5; i++) {
		fx_discover(f, MAC_PI3, NULL, 0, 0, i ? 5.0 : 1.0);
		if (a)
			fx_reply(f, MAC_PI3, a, 0.01);
		if (b)
			fx_reply(f, MAC_PI3, b, gap);
	}
	fx_bpdu(f, 0, 8.0); /* something later in the capture */
}

/* Pi 3B cases, one row each: the offers each of its five DISCOVERs gets (a zero server: none),
 * the gap before the second, and the verdict that must follow. */
static const struct pi3_case {
	const char *rule;
	int stage;
	struct fx_offer a, b;
	double gap;
} pi3_cases[] = {
    {"menu-no-spaces", 2, {.server = RTR, .yiaddr = PI_IP},
     {.server = SRV, .opt43 = OPT43_PI, .opt43_len = sizeof(OPT43_PI)}, 1.5},
    {"proxy-no-delay", 3, {.server = RTR, .yiaddr = PI_IP},
     {.server = SRV, .opt43 = OPT43_PI_SPACES, .opt43_len = sizeof(OPT43_PI_SPACES)}, 0.01},
    {"pi3-offer-ignored", 3,
     {.server = SRV, .yiaddr = PI_IP, .siaddr = SRV, .opt43 = OPT43_PI_SPACES,
      .opt43_len = sizeof(OPT43_PI_SPACES)}, {0}, 0},
    {"dhcp-relay-3b", 2,
     {.server = SRV, .yiaddr = PI_IP, .siaddr = SRV, .giaddr = RTR, .opt43 = OPT43_PI_SPACES,
      .opt43_len = sizeof(OPT43_PI_SPACES)}, {0}, 0},
};

static void test_pi3_offers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pi3_cases) / sizeof(pi3_cases[0]); i++) {
		const struct pi3_case *c = &pi3_cases[i];
		struct fx f;
		fx_start(&f, NULL);
		pi3_rounds(&f, c->a.server ? &c->a : NULL, c->b.server ? &c->b : NULL, c->gap);
		const struct diag_pi *p = fx_finish(&f, MAC_PI3);
		print_message("case %s\n", c->rule);
		expect(p, c->rule, c->stage);
		assert_int_equal(p->model, PI_3B);
		fx_end(&f);
	}
}

static void test_not_in_profile(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE);
	fx_pi4_dhcp(&f, MAC_PI4);
	fx_discover(&f, MAC_PI5, "RPi5", PI5_REV, 0x12345678, 1.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI5);
	assert_non_null(fx_verdict(p, "not-in-profile"));
	assert_false(fx_verdict(p, "not-in-profile")->failure);
	fx_end(&f);
}

static void test_malformed(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, NULL);
	struct pnb_event ev = fx_ev(&f, EV_TRUNCATED, 0);
	ev.why = "DHCP option 60 runs past the end of the packet";
	diag_event(f.d, &ev);
	ev = fx_ev(&f, EV_TRUNCATED, 1);
	diag_event(f.d, &ev);
	diag_finish(f.d);
	const struct diag_verdict *v = fx_site_verdict(&f, "malformed-packets");
	assert_non_null(v);
	assert_false(v->failure);
	assert_non_null(strstr(v->cause, "2 truncated"));
	fx_end(&f);
}

UNIT_MAIN(
	cmocka_unit_test(test_rule_table),
	cmocka_unit_test(test_good_pi4_iscsi),
	cmocka_unit_test(test_good_pi3_flat),
	cmocka_unit_test(test_guid_serial_repeated),
	cmocka_unit_test(test_profile_mismatch),
	cmocka_unit_test(test_good_pi5_nfs),
	cmocka_unit_test(test_no_discover),
	cmocka_unit_test(test_no_pi_seen),
	cmocka_unit_test(test_stp_late),
	cmocka_unit_test(test_no_option_43),
	cmocka_unit_test(test_no_menu),
	cmocka_unit_test(test_no_tftp_server),
	cmocka_unit_test(test_no_offer),
	cmocka_unit_test(test_no_offer_live),
	cmocka_unit_test(test_in_progress_at_end),
	cmocka_unit_test(test_rival_dhcp),
	cmocka_unit_test(test_no_ack),
	cmocka_unit_test(test_no_tftp_request),
	cmocka_unit_test(test_pi3_offers),
	cmocka_unit_test(test_not_in_profile),
	cmocka_unit_test(test_malformed))
