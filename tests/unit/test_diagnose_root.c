/* Unit tests: the diagnosis engine's kernel and root stages (6–8) on synthetic events: the
 * kernel's DHCP, iSCSI logins (with the profile's IQNs to tell 0x0203 cases apart), NFS
 * mounts, reads, and silence after each step. */
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
static void to_kernel(struct fx *f, const char *profile)
{
	fx_start(f, profile);
	fx_pi4_dhcp(f, MAC_PI4);
	fx_pi4_files(f, MAC_PI4, "511e57f7/");
}

static void to_kernel_net(struct fx *f, const char *profile)
{
	to_kernel(f, profile);
	fx_kernel_dhcp(f, MAC_PI4, 5.0);
	fx_kernel_ack(f, MAC_PI4, 0.01);
}

static void to_login(struct fx *f, const char *ini, const char *tgt, uint8_t cls, uint8_t det)
{
	to_kernel_net(f, PROFILE);
	fx_tcp(f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(f, MAC_SRV, MAC_PI4, 3260, 40000, true, true, false, 0.001);
	fx_login(f, MAC_PI4, ini, tgt, cls, det, 0.01);
}

static void test_no_kernel_dhcp(void **state)
{
	(void)state;
	struct fx f;
	to_kernel(&f, NULL);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_int_equal(p->reached, 5);
	struct timeval now = p->stage_time[STAGE_TFTP_KERNEL];
	now.tv_sec += 70;
	diag_tick(f.d, now);
	expect(p, "no-kernel-dhcp", 6);
	fx_end(&f);
}

static void test_kernel_stage_done(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, NULL);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_int_equal(p->reached, 6);
	assert_int_equal(p->state[STAGE_KERNEL_NET], STATE_DONE);
	diag_finish(f.d);
	expect(p, NULL, 0);
	fx_end(&f);
}

static void test_no_iscsi_syn(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, PROFILE);
	fx_bpdu(&f, 0, 65.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "no-iscsi-syn", 7);
	assert_non_null(strstr(fx_verdict(p, "no-iscsi-syn")->fix, "iscsi.initramfs"));
	fx_end(&f);
}

static void test_no_nfs_mount(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, PROFILE_NFS);
	fx_bpdu(&f, 0, 65.0);
	expect(fx_finish(&f, MAC_PI4), "no-nfs-mount", 7);
	fx_end(&f);
}

static void test_iscsi_rst(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, PROFILE);
	for (int i = 0; i < 3; i++) {
		fx_tcp(&f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
		fx_tcp(&f, MAC_SRV, MAC_PI4, 3260, 40000, false, true, true, 0.001);
	}
	expect(fx_finish(&f, MAC_PI4), "iscsi-rst", 7);
	fx_end(&f);
}

/* Refused logins, one row each: the names the Pi sends, the login status (class, detail), the
 * verdict, and words its cause (c), fix (f) or evidence (e) must hold. tgtd says "not found"
 * to an initiator outside the ACL, so the profile tells which case; with the profile's own
 * names it is the ACL or a missing target, which only the server can tell apart. A login that
 * starts in the operational stage offered no CHAP at all. */
static const struct login_case {
	const char *ini, *tgt;
	int cls, detail;
	const char *rule;
	struct {
		char field;
		const char *text;
	} want[3];
} login_cases[] = {
    {INI, TGT, 2, 1, "iscsi-chap",
     {{'c', "no CHAP credentials"}, {'e', "offered no AuthMethod=CHAP"}}},
    {"iqn.1993-08.org.debian:01:abcdef", TGT, 2, 2, "iscsi-acl", {{'f', "ISCSI_INITIATOR=" INI}}},
    {"iqn.1993-08.org.debian:01:abcdef", TGT, 2, 3, "iscsi-not-found",
     {{'c', "outside the target's ACL"}, {'c', INI}, {'e', "0x0203"}}},
    {INI, "iqn.2026-11.lan.example:root-kitchn", 2, 3, "iscsi-not-found",
     {{'c', "root-kitchn, which the server does not have"}, {'f', "ISCSI_TARGET_NAME=" TGT}}},
    {INI, TGT, 2, 3, "iscsi-not-found",
     {{'c', "ACL does not let initiator " INI " in"}, {'c', "no such target"},
      {'f', "initiator-name " INI}}},
};

static void test_iscsi_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(login_cases) / sizeof(login_cases[0]); i++) {
		const struct login_case *c = &login_cases[i];
		struct fx f;
		to_login(&f, c->ini, c->tgt, c->cls, c->detail);
		const struct diag_pi *p = fx_finish(&f, MAC_PI4);
		print_message("case %zu: %s\n", i, c->rule);
		expect(p, c->rule, 7);
		const struct diag_verdict *v = fx_verdict(p, c->rule);
		for (size_t k = 0; k < 3 && c->want[k].text; k++) {
			const char *in = c->want[k].field == 'c'   ? v->cause
					 : c->want[k].field == 'f' ? v->fix
								   : v->evidence;
			assert_non_null(strstr(in, c->want[k].text));
		}
		fx_end(&f);
	}
}

/* SYNs to 3260 sent again and again without SYN-ACK or RST: dropped. One answered SYN and
 * a retransmission that is answered are not. */
static void test_iscsi_dropped(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, PROFILE);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40000, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_SRV, MAC_PI4, 3260, 40000, true, true, false, 0.001);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 1.0);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_null(fx_verdict(p, "iscsi-dropped"));
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 1.0);
	fx_tcp(&f, MAC_PI4, MAC_SRV, 40001, 3260, true, false, false, 2.0);
	expect(p, "iscsi-dropped", 7);
	assert_non_null(strstr(fx_verdict(p, "iscsi-dropped")->evidence, "neither SYN-ACK nor RST"));
	fx_end(&f);
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
static void test_root_logout_lun0(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 0, 0);
	fx_scsi(&f, MAC_PI4, 0x12, 2, 0.01);
	fx_logout(&f);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	expect(p, "root-no-reads", 8);
	assert_non_null(strstr(fx_verdict(p, "root-no-reads")->cause, "the disk is LUN 1"));
	assert_non_null(strstr(fx_verdict(p, "root-no-reads")->evidence, "Logout Request"));
	fx_end(&f);
}

static void test_iscsi_login_other(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 3, 1);
	expect(fx_finish(&f, MAC_PI4), "iscsi-login-error", 7);
	fx_end(&f);
}

static void test_root_no_reads(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 0, 0);
	fx_bpdu(&f, 0, 40.0);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "root-no-reads", 8);
	assert_int_equal(p->reached, 7);
	assert_non_null(strstr(fx_verdict(p, "root-no-reads")->fix, "LUN 1"));
	fx_end(&f);
}

static void test_root_reads_stop(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 0, 0);
	fx_scsi(&f, MAC_PI4, 0x28, 6, 0.01);
	fx_bpdu(&f, 0, 40.0);
	expect(fx_finish(&f, MAC_PI4), "root-reads-stop", 8);
	fx_end(&f);
}

static void test_root_in_use_then_lost(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 0, 0);
	fx_scsi(&f, MAC_PI4, 0x28, 40, 0.01);
	fx_scsi(&f, MAC_PI4, 0x2a, 2, 0.01);
	const struct diag_pi *p = fx_pi(&f, MAC_PI4);
	assert_int_equal(p->reached, 8);
	fx_kernel_dhcp(&f, MAC_PI4, 20.0);
	fx_bpdu(&f, 0, 40.0);
	diag_finish(f.d);
	expect(p, "root-lost-after-dhcp", 0);
	assert_int_equal(p->reached, 8);
	fx_end(&f);
}

/* NFS: portmap, then the given MOUNT status. */
static void to_mount(struct fx *f, int mnt_status)
{
	to_kernel_net(f, PROFILE_NFS);
	fx_rpc(f, MAC_PI4, 100000, 2, 3, 0, -1, 0.5);
	fx_rpc(f, MAC_PI4, 100005, 3, 1, 0, mnt_status, 0.01);
}

static void test_nfs_v2(void **state)
{
	(void)state;
	struct fx f;
	to_kernel_net(&f, PROFILE_NFS);
	fx_rpc(&f, MAC_PI4, 100003, 2, 0, 2, -1, 0.5);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "nfs-v2", 7);
	assert_non_null(strstr(fx_verdict(p, "nfs-v2")->fix, "vers=3"));
	fx_end(&f);
}

/* The MOUNT status and the verdict it gives. */
static void test_nfs_mount_refused(void **state)
{
	(void)state;
	static const struct {
		int status;
		const char *rule;
	} cases[] = {{2, "nfs-mount-noent"}, {13, "nfs-mount-denied"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		to_mount(&f, cases[i].status);
		expect(fx_finish(&f, MAC_PI4), cases[i].rule, 7);
		fx_end(&f);
	}
}

static void test_nfs_access(void **state)
{
	(void)state;
	struct fx f;
	to_mount(&f, 0);
	for (int i = 0; i < 10; i++)
		fx_rpc(&f, MAC_PI4, 100003, 3, 6, 0, 0, 0.01);
	fx_rpc(&f, MAC_PI4, 100003, 3, 7, 0, 30, 0.01);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "nfs-access", 8);
	assert_non_null(strstr(fx_verdict(p, "nfs-access")->cause, "ROFS"));
	fx_end(&f);
}

/* A reboot after Linux ran starts the stages over; a second good boot ends at stage 8. */
static void test_reboot_starts_over(void **state)
{
	(void)state;
	struct fx f;
	to_login(&f, INI, TGT, 0, 0);
	fx_scsi(&f, MAC_PI4, 0x28, 40, 0.01);
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
	to_login(&f, INI, TGT, 2, 1);
	fx_pi4_dhcp(&f, MAC_PI4);
	const struct diag_pi *p = fx_finish(&f, MAC_PI4);
	expect(p, "iscsi-chap", 7);
	assert_int_equal(p->boots, 2);
	fx_end(&f);
}

UNIT_MAIN(
	cmocka_unit_test(test_no_kernel_dhcp),
	cmocka_unit_test(test_kernel_stage_done),
	cmocka_unit_test(test_no_iscsi_syn),
	cmocka_unit_test(test_no_nfs_mount),
	cmocka_unit_test(test_iscsi_rst),
	cmocka_unit_test(test_iscsi_refused),
	cmocka_unit_test(test_iscsi_dropped),
	cmocka_unit_test(test_root_logout_lun0),
	cmocka_unit_test(test_iscsi_login_other),
	cmocka_unit_test(test_root_no_reads),
	cmocka_unit_test(test_root_reads_stop),
	cmocka_unit_test(test_root_in_use_then_lost),
	cmocka_unit_test(test_nfs_v2),
	cmocka_unit_test(test_nfs_mount_refused),
	cmocka_unit_test(test_nfs_access),
	cmocka_unit_test(test_reboot_starts_over),
	cmocka_unit_test(test_reboot_keeps_failure))
