/* Unit tests: the diagnosis engine on synthetic events — good boots of each model family, the
 * stage 1–3 rules (DISCOVER, offers, binding) and the rule table itself. One row a capture
 * (tests/unit/diag_fixture.h runs them); the captures that check more stand alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include "tests/unit/diag_fixture.h"

/* A 4B the profile calls a 3B+, with another serial. */
static void other_model(struct fx *f)
{
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, 0x12345678, 1.0);
}

static void good_pi5_nfs(struct fx *f)
{
	fx_discover(f, MAC_PI5, "RPi5", PI5_REV, 0x9ffefdef, 1.0);
	struct fx_offer o = {.server = SRV,
			     .yiaddr = PI_IP,
			     .siaddr = SRV,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI),
			     .opt66 = "192.168.20.1"};
	fx_full_dhcp(f, MAC_PI5, o, true);
	fx_files(f, MAC_PI5, "9ffefdef/",
		 "+config.txt -pieeprom.sig +cmdline.txt +bcm2712-rpi-5-b.dtb "
		 "-overlays/overlay_map.dtb +kernel_2712.img +initramfs_2712");
	fx_kernel_dhcp(f, MAC_PI5, 4.0);
	fx_kernel_ack(f, MAC_PI5, 0.01);
	fx_rpc(f, MAC_PI5, 100000, 2, 3, 0, -1, 0.5);
	fx_rpc(f, MAC_PI5, 100005, 3, 1, 0, 0, 0.01);
	for (int i = 0; i < 10; i++)
		fx_rpc(f, MAC_PI5, 100003, 3, 6, 0, 0, 0.01);
}

/* Half a minute of bridge BPDUs, the last one with topology change, then a good boot. */
static void stp_late(struct fx *f)
{
	for (int i = 0; i < 15; i++)
		fx_bpdu(f, i == 14 ? 0x01 : 0, 2.0);
	fx_pi4_dhcp(f, MAC_PI4);
	fx_pi4_files(f, MAC_PI4, "");
	fx_iscsi_root(f, MAC_PI4, "iqn.x:a", "iqn.x:b");
}

/* The n offers each DISCOVER gets and, for the Pi 3B, the gap before the second. */
struct offers {
	int n;
	struct fx_offer o[2];
	double gap;
};

static void replies(struct fx *f, const uint8_t mac[6], const struct offers *o)
{
	for (int k = 0; k < o->n; k++)
		fx_reply(f, mac, &o->o[k], k ? o->gap : 0.01);
}

/* Pi 4: DISCOVERs for 50 s, each answered with the offers in f->arg. */
static void pi4_offers(struct fx *f)
{
	const struct offers *o = f->arg;
	for (int i = 0; i < 6; i++) {
		fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, i ? 9.0 : 1.0);
		replies(f, MAC_PI4, o);
	}
}

/* Pi 3B: five DISCOVERs, each answered with the offers in f->arg, no TFTP. */
static void pi3_offers(struct fx *f)
{
	const struct offers *o = f->arg;
	for (int i = 0; i < 5; i++) {
		fx_discover(f, MAC_PI3, NULL, 0, 0, i ? 5.0 : 1.0);
		replies(f, MAC_PI3, o);
	}
	fx_bpdu(f, 0, 8.0); /* something later in the capture */
}


/* File ends inside the retry window: in progress, not failed. */
static void in_progress(struct fx *f)
{
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 4.0);
}

/* The router and a second server both offer; the Pi requests the router's, the other NAKs. */
static void rival_dhcp(struct fx *f)
{
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer a = {.server = RTR, .yiaddr = PI_IP};
	struct fx_offer b = {.server = SRV,
			     .yiaddr = IP(192, 168, 20, 120),
			     .siaddr = SRV,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI)};
	fx_reply(f, MAC_PI4, &a, 0.01);
	fx_reply(f, MAC_PI4, &b, 0.01);
	fx_request(f, MAC_PI4, false, 0.5);
	struct fx_offer nak = {.type = 6, .server = SRV};
	fx_reply(f, MAC_PI4, &nak, 0.01);
}

/* A relayed offer, then REQUESTs nobody ACKs. */
static void no_ack(struct fx *f)
{
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 1.0);
	struct fx_offer a = {.server = SRV,
			     .yiaddr = PI_IP,
			     .siaddr = SRV,
			     .giaddr = RTR,
			     .opt43 = OPT43_PI,
			     .opt43_len = sizeof(OPT43_PI)};
	fx_reply(f, MAC_PI4, &a, 0.01);
	for (int i = 0; i < 12; i++)
		fx_request(f, MAC_PI4, false, 4.0);
}

/* Bound, then DISCOVERing again 50 s later without a TFTP request. */
static void no_tftp_request(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_discover(f, MAC_PI4, "RPi4", PI4_REV, PI4_SERIAL, 50.0);
}

/* A Pi 5 the profile does not know, beside the kitchen Pi. */
static void not_in_profile(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_discover(f, MAC_PI5, "RPi5", PI5_REV, 0x12345678, 1.0);
}

static const struct fx_case cases[] = {
    {.profile = "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
		"[pi \"kitchen\"]\nmodel = 3B+\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n",
     .events = other_model,
     .rule = "profile-mismatch",
     .model = PI_4B,
     .serial = "12345678",
     .warning = true,
     .live = true,
     .want = {{'c', "is a 3B+, but it reports a 4B"}}},
    {.events = good_pi5_nfs,
     .mac = MAC_PI5,
     .reached = 8,
     .model = PI_5,
     .serial = "9ffefdef",
     .quiet = true,
     .want = {{'v', "NFS"}}},
    {.events = stp_late,
     .rule = "stp-late-discover",
     .warning = true,
     .want = {{'v', "warning"}, {'s', "stp-bpdu"}}},
    {.events = in_progress, .reached = 1, .want = {{'v', "capture ended in stage 2"}}},
    {.events = rival_dhcp,
     .rule = "dhcp-nak",
     .stage = 3,
     .want = {{'r', "rival-dhcp"}, {'s', "rival-dhcp-servers"}, {'c', "another DHCP server"}}},
    {.events = no_ack, .rule = "no-ack", .stage = 3, .want = {{'e', "relay"}}},
    {.events = no_tftp_request, .rule = "no-tftp-request", .stage = 4},
    {.profile = PROFILE,
     .events = not_in_profile,
     .rule = "not-in-profile",
     .mac = MAC_PI5,
     .warning = true},
};

static struct fx_cases captures = FX_CASES(cases, NULL);

/* The router's address offer, a proxy's boot offer with option 43 o43 (server 0: it names no
 * server), a full offer from the server (relayed when giaddr is set). */
#define ROUTER_OFFER {.server = RTR, .yiaddr = PI_IP}
#define BOOT_OFFER(srv, o43) {.server = srv, .opt43 = o43, .opt43_len = sizeof(o43)}
#define FULL_OFFER(relay, o43)                                                                     \
	{.server = SRV,                                                                            \
	 .yiaddr = PI_IP,                                                                          \
	 .siaddr = SRV,                                                                            \
	 .giaddr = relay,                                                                          \
	 .opt43 = o43,                                                                             \
	 .opt43_len = sizeof(o43)}

/* Offers the Pi cannot boot from, one row each: the Pi (a 4B, or a 3B whose ROM is pickier),
 * the offers each of its DISCOVERs gets, the verdict and its stage. */
static const struct offer_case {
	const uint8_t *mac;
	struct offers o;
	const char *rule;
	int stage;
} offer_cases[] = {
    {MAC_PI4, {1, {ROUTER_OFFER}, 0}, "no-option-43", 2},
    {MAC_PI4, {1, {{.server = SRV, .yiaddr = PI_IP, .siaddr = SRV, .opt43 = OPT43_IPXE,
		    .opt43_len = sizeof(OPT43_IPXE), .opt67 = "undionly.kpxe"}}, 0},
     "no-pi-boot-menu", 2},
    {MAC_PI4, {2, {ROUTER_OFFER, BOOT_OFFER(0, OPT43_PI)}, 0.01}, "no-tftp-server", 2},
    {MAC_PI4, {0, {{0}}, 0}, "no-offer", 2},
    {MAC_PI3, {2, {ROUTER_OFFER, BOOT_OFFER(SRV, OPT43_PI)}, 1.5}, "menu-no-spaces", 2},
    {MAC_PI3, {2, {ROUTER_OFFER, BOOT_OFFER(SRV, OPT43_PI_SPACES)}, 0.01}, "proxy-no-delay", 3},
    {MAC_PI3, {1, {FULL_OFFER(0, OPT43_PI_SPACES)}, 0}, "pi3-offer-ignored", 3},
    {MAC_PI3, {1, {FULL_OFFER(RTR, OPT43_PI_SPACES)}, 0}, "dhcp-relay-3b", 2},
};

static void test_offers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(offer_cases) / sizeof(offer_cases[0]); i++) {
		const struct offer_case *oc = &offer_cases[i];
		bool pi3 = oc->mac == MAC_PI3;
		struct fx_case c = {.events = pi3 ? pi3_offers : pi4_offers,
				    .arg = &oc->o,
				    .rule = oc->rule,
				    .stage = oc->stage,
				    .mac = oc->mac,
				    .model = pi3 ? PI_3B : PI_4B};
		print_message("case %zu: %s\n", i, c.rule);
		fx_run_case(&c);
	}
}

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

static void test_no_discover(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE
		 "[pi \"garage\"]\nmodel = 3B\nserial = 12af9c61\nmac = b8:27:eb:af:9c:61\n");
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

/* A PXE DISCOVER without option 97: the prefix alone says whether and which Pi. */
static void pxe_discover_no_guid(struct fx *f, const uint8_t mac[6])
{
	struct pnb_event ev = fx_client_dhcp(f, mac, 1, 0);
	memset(ev.dst_mac, 0xff, 6);
	ev.dst_ip = 0xffffffff;
	ev.sport = 68;
	ev.dport = 67;
	ev.u.dhcp.vendor_class.p = (const uint8_t *)"PXEClient:Arch:00000:UNDI:002001";
	ev.u.dhcp.vendor_class.len = 32;
	diag_event(f->d, &ev);
}

/* Every Raspberry Pi Ltd prefix is a Pi: a PXE DISCOVER from each is followed, with the model
 * its prefix suggests where it suggests one. */
static void test_pi_ouis(void **state)
{
	(void)state;
	static const struct {
		uint8_t mac[6];
		int m;
	} t[] = {{{0xb8, 0x27, 0xeb, 1, 2, 3}, PI_3B},
		 {{0xdc, 0xa6, 0x32, 1, 2, 3}, PI_4B},
		 {{0xe4, 0x5f, 0x01, 1, 2, 3}, PI_4B},
		 {{0x28, 0xcd, 0xc1, 1, 2, 3}, PI_MODEL_UNKNOWN},
		 {{0xd8, 0x3a, 0xdd, 1, 2, 3}, PI_MODEL_UNKNOWN},
		 {{0x2c, 0xcf, 0x67, 1, 2, 3}, PI_5},
		 {{0x88, 0xa2, 0x9e, 1, 2, 3}, PI_MODEL_UNKNOWN}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fx f;
		fx_start(&f, NULL);
		pxe_discover_no_guid(&f, t[i].mac);
		const struct diag_pi *p = fx_pi(&f, t[i].mac);
		assert_non_null(p);
		assert_int_equal(p->model, t[i].m);
		fx_end(&f);
	}
	static const uint8_t other[6] = {0xb8, 0x27, 0xec, 1, 2, 3};
	struct fx f;
	fx_start(&f, NULL);
	pxe_discover_no_guid(&f, other);
	assert_null(fx_pi(&f, other));
	fx_end(&f);
}

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

/* A DISCOVER without PXEClient with a client identifier and a parameter list asking for the
 * root path (17): NetworkManager's internal client (real-clients/nm-renew-pi4: it also sends a
 * maximum message size, 57) is an OS client; without 57, and with the kernel's own list
 * (ipconfig.c ic_req_params), it is the kernel's ipconfig (ip=dhcp with a client id), which
 * never sends 57. */
static void os_or_kernel_discover(struct fx *f, bool msz)
{
	static const uint8_t prl[] = {1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17};
	static const uint8_t kprl[] = {1, 3, 6, 12, 15, 17, 26, 40, 42};
	static const uint8_t cid[] = {1, 0xdc, 0xa6, 0x32, 0x1c, 0x6a, 0x2a};
	static const uint8_t size[] = {0x02, 0x40};
	struct pnb_event ev = fx_client_dhcp(f, MAC_PI4, 1, 1.0);
	struct ev_dhcp *h = &ev.u.dhcp;
	h->param_list = msz ? (struct pnb_bytes){prl, sizeof(prl)} : (struct pnb_bytes){kprl, sizeof(kprl)};
	h->opts[0].code = 61;
	h->opts[0].val = (struct pnb_bytes){cid, sizeof(cid)};
	h->opts[1].code = 55;
	h->opts[1].val = h->param_list;
	h->opts[2].code = 57;
	h->opts[2].val = (struct pnb_bytes){size, sizeof(size)};
	h->n_opts_stored = msz ? 3 : 2;
	diag_event(f->d, &ev);
}

/* The kernel's ip=bootp request: no option 53, placeholders for 12 (32 zero bytes), 17 and 57
 * (ipconfig.c ic_bootp_init_ext). Not an OS client although it carries a host name option. */
static void kernel_bootp(struct fx *f)
{
	static const uint8_t zeros[40];
	static const uint8_t size[] = {0x01, 0x96};
	struct pnb_event ev = fx_client_dhcp(f, MAC_PI4, 0, 1.0);
	struct ev_dhcp *h = &ev.u.dhcp;
	h->opts[0].code = 12;
	h->opts[0].val = (struct pnb_bytes){zeros, 32};
	h->opts[1].code = 17;
	h->opts[1].val = (struct pnb_bytes){zeros, 40};
	h->opts[2].code = 57;
	h->opts[2].val = (struct pnb_bytes){size, sizeof(size)};
	h->n_opts_stored = 3;
	diag_event(f->d, &ev);
}

static void test_os_client_root_path(void **state)
{
	(void)state;
	for (int msz = 0; msz < 2; msz++) {
		struct fx f;
		fx_start(&f, NULL);
		os_or_kernel_discover(&f, msz);
		fx_kernel_ack(&f, MAC_PI4, 0.01);
		fx_arp(&f, MAC_SRV, SRV, PI_IP, 90.0); /* past every timeout: an OS client never fails */
		const struct diag_pi *p = fx_finish(&f, MAC_PI4);
		assert_non_null(p);
		assert_int_equal(p->os_dhcp, msz);
		if (msz) {
			assert_int_equal(p->failed, 0);
			assert_int_equal(p->reached, 0);
			assert_non_null(strstr(p->dhcp_client, "option 61"));
		}
		fx_end(&f);
	}
	struct fx f;
	fx_start(&f, NULL);
	kernel_bootp(&f);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	assert_non_null(p);
	assert_false(p->os_dhcp);
	fx_end(&f);
	/* NetworkManager as a dnsmasq log shows it: host name and parameter list, never 57 or 61
	 * (tests/data/logs/real-clients/nm-renew-pi4): a list the kernel never sends. */
	static const uint8_t prl[] = {1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17};
	static const uint8_t host[] = "raspberrypi";
	fx_start(&f, NULL);
	struct pnb_event ev = fx_client_dhcp(&f, MAC_PI4, 1, 1.0);
	ev.u.dhcp.param_list = (struct pnb_bytes){prl, sizeof(prl)};
	ev.u.dhcp.opts[0].code = 12;
	ev.u.dhcp.opts[0].val = (struct pnb_bytes){host, sizeof(host) - 1};
	ev.u.dhcp.n_opts_stored = 1;
	ev.u.dhcp.log_partial = true;
	diag_event(f.d, &ev);
	fx_arp(&f, MAC_SRV, SRV, PI_IP, 90.0);
	p = fx_finish(&f, MAC_PI4);
	assert_non_null(p);
	assert_true(p->os_dhcp);
	assert_int_equal(p->failed, 0);
	assert_non_null(strstr(p->dhcp_client, "host name"));
	fx_end(&f);
}

UNIT_MAIN(
	cmocka_unit_test(test_pi_ouis),
	cmocka_unit_test(test_rule_table),
	FX_TEST_CASES(captures),
	cmocka_unit_test(test_offers),
	cmocka_unit_test(test_good_pi4_iscsi),
	cmocka_unit_test(test_good_pi3_flat),
	cmocka_unit_test(test_guid_serial_repeated),
	cmocka_unit_test(test_no_discover),
	cmocka_unit_test(test_no_pi_seen),
	cmocka_unit_test(test_no_offer_live),
	cmocka_unit_test(test_malformed),
	cmocka_unit_test(test_os_client_root_path))
