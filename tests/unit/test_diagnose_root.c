/* Unit tests: the diagnosis engine's kernel and root stages (6–8) on synthetic events: the
 * kernel's DHCP, iSCSI logins (with the profile's IQNs to tell 0x0203 cases apart), NFS
 * mounts, reads, and silence after each step. One row a capture (tests/unit/diag_fixture.h
 * runs them); the captures that check more stand alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include "tests/unit/diag_fixture.h"

#define INI "iqn.2026-11.lan.example:kitchen"
#define TGT "iqn.2026-11.lan.example:root-kitchen"
#define PROFILE_NFS                                                                                \
	"[server]\ninterface = eth0\naddress = 192.168.20.1/24\nroot = nfs\n"                      \
	"[pi \"kitchen\"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n"

/* Good Pi 4 boot up to the kernel files (stage 5 done). */
static void to_kernel(struct fx *f)
{
	fx_pi4_dhcp(f, MAC_PI4);
	fx_pi4_files(f, MAC_PI4, "511e57f7/");
}

static void to_kernel_net(struct fx *f)
{
	to_kernel(f);
	fx_kernel_dhcp(f, MAC_PI4, 5.0);
	fx_kernel_ack(f, MAC_PI4, 0.01);
}

/* The kernel files, then 70 s of silence seen live (diag_tick, no further packet). */
static void kernel_silent(struct fx *f)
{
	to_kernel(f);
	struct timeval now = fx_pi(f, MAC_PI4)->stage_time[STAGE_TFTP_KERNEL];
	now.tv_sec += 70;
	diag_tick(f->d, now);
}

/* The kernel has its address, then a minute of nothing from the Pi. */
static void kernel_net_silent(struct fx *f)
{
	to_kernel_net(f);
	fx_bpdu(f, 0, 65.0);
}

static void iscsi_rst(struct fx *f)
{
	to_kernel_net(f);
	for (int i = 0; i < 3; i++) {
		fx_tcp(f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
		fx_tcp(f, MAC_SRV, MAC_PI4, 3260, 40000, false, true, true, 0.001);
	}
}

/* A login: the names the Pi sends and the status it gets (class, detail). */
struct login {
	const char *ini, *tgt;
	uint8_t cls, detail;
};

static void to_login(struct fx *f, const char *ini, const char *tgt, uint8_t cls, uint8_t det)
{
	to_kernel_net(f);
	fx_tcp(f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(f, MAC_SRV, MAC_PI4, 3260, 40000, true, true, false, 0.001);
	fx_login(f, MAC_PI4, ini, tgt, cls, det, 0.01);
}

/* The login in f->arg (a struct login). */
static void login(struct fx *f)
{
	const struct login *l = f->arg;
	to_login(f, l->ini, l->tgt, l->cls, l->detail);
}

/* Logged in with the profile's names, then n SCSI commands cdb. */
static void logged_in(struct fx *f, uint8_t cdb, int n)
{
	to_login(f, INI, TGT, 0, 0);
	if (n)
		fx_scsi(f, MAC_PI4, cdb, n, 0.01);
}

static void fx_logout(struct fx *f)
{
	struct pnb_event ev = fx_ev(f, EV_ISCSI, 0.1);
	memcpy(ev.src_mac, MAC_PI4, 6);
	memcpy(ev.dst_mac, MAC_SRV, 6);
	ev.dport = 3260;
	ev.u.iscsi.opcode = 0x06;
	diag_event(f->d, &ev);
}

/* Logged in, asked LUN 0 (tgt's controller) only, logged out: stage 8 at once, no silence. */
static void logout_lun0(struct fx *f)
{
	logged_in(f, 0x12, 2);
	fx_logout(f);
}

static void no_reads(struct fx *f)
{
	logged_in(f, 0, 0);
	fx_bpdu(f, 0, 40.0);
}

static void reads_stop(struct fx *f)
{
	logged_in(f, 0x28, 6);
	fx_bpdu(f, 0, 40.0);
}

/* The root in use (reads, writes), then the kernel asks DHCP again and goes quiet. */
static void in_use_then_lost(struct fx *f)
{
	logged_in(f, 0x28, 40);
	fx_scsi(f, MAC_PI4, 0x2a, 2, 0.01);
	fx_kernel_dhcp(f, MAC_PI4, 20.0);
	fx_bpdu(f, 0, 40.0);
}

/* NFS: portmap, then MOUNT answered with status. */
static void to_mount(struct fx *f, int status)
{
	to_kernel_net(f);
	fx_rpc(f, MAC_PI4, 100000, 2, 3, 0, -1, 0.5);
	fx_rpc(f, MAC_PI4, 100005, 3, 1, 0, status, 0.01);
}

static void mount_noent(struct fx *f)
{
	to_mount(f, 2);
}

static void mount_acces(struct fx *f)
{
	to_mount(f, 13);
}

static void nfs_v2(struct fx *f)
{
	to_kernel_net(f);
	fx_rpc(f, MAC_PI4, 100003, 2, 0, 2, -1, 0.5);
}

static void nfs_access(struct fx *f)
{
	to_mount(f, 0);
	for (int i = 0; i < 10; i++)
		fx_rpc(f, MAC_PI4, 100003, 3, 6, 0, 0, 0.01);
	fx_rpc(f, MAC_PI4, 100003, 3, 7, 0, 30, 0.01);
}

/* Without a profile. */
static const struct fx_case plain_cases[] = {
    {.events = kernel_silent, .rule = "no-kernel-dhcp", .stage = 6, .reached = 5, .live = true},
    {.events = to_kernel_net, .reached = 6, .done = STAGE_KERNEL_NET},
};

/* The profile's Pi boots from iSCSI. */
static const struct fx_case iscsi_cases[] = {
    {.events = kernel_net_silent, .rule = "no-iscsi-syn", .stage = 7, .want = {{'f', "iscsi.initramfs"}}},
    {.events = iscsi_rst, .rule = "iscsi-rst", .stage = 7},
    {.events = logout_lun0, .rule = "root-no-reads", .stage = 8, .live = true,
     .want = {{'c', "the disk is LUN 1"}, {'e', "Logout Request"}}},
    {.events = no_reads, .rule = "root-no-reads", .stage = 8, .reached = 7, .want = {{'f', "LUN 1"}}},
    {.events = reads_stop, .rule = "root-reads-stop", .stage = 8},
    {.events = in_use_then_lost, .rule = "root-lost-after-dhcp", .reached = 8},
};

/* The profile's Pi boots from NFS. */
static const struct fx_case nfs_cases[] = {
    {.events = kernel_net_silent, .rule = "no-nfs-mount", .stage = 7},
    {.events = nfs_v2, .rule = "nfs-v2", .stage = 7, .want = {{'f', "vers=3"}}},
    {.events = mount_noent, .rule = "nfs-mount-noent", .stage = 7},
    {.events = mount_acces, .rule = "nfs-mount-denied", .stage = 7},
    {.events = nfs_access, .rule = "nfs-access", .stage = 8, .want = {{'c', "ROFS"}}},
};

static struct fx_cases plain = FX_CASES(plain_cases, NULL), iscsi = FX_CASES(iscsi_cases, PROFILE),
		       nfs = FX_CASES(nfs_cases, PROFILE_NFS);

#define DEBIAN_INI "iqn.1993-08.org.debian:01:abcdef"

/* Refused logins, one row each: the names the Pi sends, the login status (class, detail), the
 * verdict, and what its cause (c), fix (f) or evidence (e) must hold. tgtd says "not found"
 * to an initiator outside the ACL, so the profile tells which case; with the profile's own
 * names it is the ACL or a missing target, which only the server can tell apart. A login that
 * starts in the operational stage offered no CHAP at all. */
static const struct login_case {
	struct login l;
	const char *rule;
	struct fx_want want[3];
} login_cases[] = {
    {{INI, TGT, 2, 1}, "iscsi-chap",
     {{'c', "no CHAP credentials"}, {'e', "offered no AuthMethod=CHAP"}}},
    {{DEBIAN_INI, TGT, 2, 2}, "iscsi-acl", {{'f', "ISCSI_INITIATOR=" INI}}},
    {{DEBIAN_INI, TGT, 2, 3}, "iscsi-not-found",
     {{'c', "outside the target's ACL"}, {'c', INI}, {'e', "0x0203"}}},
    {{INI, "iqn.2026-11.lan.example:root-kitchn", 2, 3}, "iscsi-not-found",
     {{'c', "root-kitchn, which the server does not have"}, {'f', "ISCSI_TARGET_NAME=" TGT}}},
    {{INI, TGT, 2, 3}, "iscsi-not-found",
     {{'c', "ACL does not let initiator " INI " in"}, {'c', "no such target"},
      {'f', "initiator-name " INI}}},
    {{INI, TGT, 3, 1}, "iscsi-login-error", {{0}}},
};

static void test_logins_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(login_cases) / sizeof(login_cases[0]); i++) {
		const struct login_case *lc = &login_cases[i];
		struct fx_case c = {
		    .profile = PROFILE, .events = login, .arg = &lc->l, .rule = lc->rule, .stage = 7};
		memcpy(c.want, lc->want, sizeof(lc->want));
		print_message("case %zu: %s\n", i, c.rule);
		fx_run_case(&c);
	}
}

/* SYNs to 3260 sent again and again without SYN-ACK or RST: dropped. One answered SYN and
 * a retransmission that is answered are not. */
static void test_iscsi_dropped(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE);
	to_kernel_net(&f);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_SRV, MAC_PI4, 3260, 40000, true, true, false, 0.001);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 1.0);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_null(fx_verdict(p, "iscsi-dropped"));
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 2.0);
	expect(p, "iscsi-dropped", 7);
	assert_non_null(
	    strstr(fx_verdict(p, "iscsi-dropped")->evidence, "neither SYN-ACK nor RST"));
	fx_end(&f);
}

/* A reboot after Linux ran starts the stages over; a second good boot ends at stage 8. */
static void test_reboot_starts_over(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE);
	logged_in(&f, 0x28, 40);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_int_equal(p->reached, 8);
	fx_pi4_dhcp(&f, MAC_PI4);
	assert_int_equal(p->boots, 2);
	assert_int_equal(p->reached, 3);
	assert_int_equal(p->state[STAGE_TFTP_FIRMWARE], STATE_NOT_SEEN);
	fx_pi4_files(&f, MAC_PI4, "511e57f7/");
	fx_iscsi_root(&f, MAC_PI4, INI, TGT);
	diag_finish(f.d);
	expect(p, NULL, 0);
	assert_int_equal(p->reached, 8);
	fx_end(&f);
}

/* A failed login, a reboot, and the capture ends early in the new boot: the cause stays. */
static void test_reboot_keeps_failure(void **state)
{
	(void)state;
	struct fx f;
	fx_start(&f, PROFILE);
	to_login(&f, INI, TGT, 2, 1);
	fx_pi4_dhcp(&f, MAC_PI4);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "iscsi-chap", 7);
	assert_int_equal(p->boots, 2);
	fx_end(&f);
}

UNIT_MAIN(
	FX_TEST_CASES(plain),
	FX_TEST_CASES(iscsi),
	FX_TEST_CASES(nfs),
	cmocka_unit_test(test_logins_refused),
	cmocka_unit_test(test_iscsi_dropped),
	cmocka_unit_test(test_reboot_starts_over),
	cmocka_unit_test(test_reboot_keeps_failure))
