/* Unit tests: a refused iSCSI login explained in the target's terms (iscsi_login_explain) —
 * CHAP (0x0201, with and without credentials), LIO's ACL (0x0202), and tgt's 0x0203 for an ACL,
 * a missing target and a typo — and the login a Pi makes, read from its served cmdline.txt
 * (iscsi_check_opts_from_site: CHAP only when cmdline.txt carries it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/lab/iscsi_check.h"
#include "core/base/problems.h"
#include "core/site/profile.h"

#define INI "iqn.2026-11.lan.example:kitchen"
#define TGT "iqn.2026-11.lan.example:root-kitchen"

static struct iscsi_login_facts facts(int status, int kind)
{
	struct iscsi_login_facts f = {.status = status, .initiator = INI, .target = TGT,
				      .profile_initiator = INI, .profile_target = TGT,
				      .portal = "10.0.0.1:3260", .target_kind = kind};
	return f;
}

/* One login failure: facts(status, kind) with the differences given, and what the explanation
 * (and, when fix_part is set, its fix) must say. */
struct explain_case {
	int status, kind;
	const char *chap_user, *target; /* NULL: none / the profile's target */
	bool discovery_done, listed;    /* SendTargets ran; it listed the profile's target */
	const char *want, *fix_part;
};

static const char *const listed_targets[] = {TGT};

static const struct explain_case explain_cases[] = {
	{0x0201, TARGET_TGT, "kitchen", NULL, false, false,
	 "CHAP failed: target " TGT " rejected user \"kitchen\"", "incominguser"},
	{0x0201, TARGET_TGT, NULL, NULL, false, false, "the Pi sends no CHAP credentials",
	 "iscsi_username="},
	{0x0202, TARGET_LIO, NULL, NULL, false, false,
	 "initiator IQN " INI " is not in the ACL of target " TGT
	 " (login status 0x0202, authorization failure)",
	 "tpg1/acls create"},
	/* tgt: the profile's own name, hidden by SendTargets: ACL or a missing target, not
	 * knowable */
	{0x0203, TARGET_TGT, NULL, NULL, true, false,
	 "not in the ACL of target " TGT ", or that target is not defined on the "
	 "server: tgt answers both with login status 0x0203",
	 "tgt-admin --show"},
	{0x0203, TARGET_TGT, NULL, NULL, true, false,
	 "SendTargets as this initiator does not list it", NULL},
	/* listed by SendTargets: the target exists, so 0x0203 is the ACL */
	{0x0203, TARGET_TGT, NULL, NULL, true, true,
	 "initiator IQN " INI " is not in the ACL of target " TGT
	 " (tgt reports this as target-not-found, login status 0x0203)",
	 "initiator-name"},
	{0x0203, TARGET_TGT, NULL, "iqn.2026-11.lan.example:root-kitchn", false, false,
	 "target iqn.2026-11.lan.example:root-kitchn does not exist on 10.0.0.1:3260",
	 "target name"},
	{0x0203, TARGET_TGT, NULL, "iqn.2026-11.lan.example:root-kitchn", false, false,
	 "did you mean " TGT, NULL},
};

static void test_explanations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]); i++) {
		const struct explain_case *c = &explain_cases[i];
		struct iscsi_login_facts f = facts(c->status, c->kind);
		f.chap_user = c->chap_user;
		if (c->target)
			f.target = c->target;
		f.discovery_done = c->discovery_done;
		if (c->listed) {
			f.targets = listed_targets;
			f.n_targets = 1;
		}
		const char *fix = NULL;
		char *got = iscsi_login_explain(&f, &fix);
		if (!strstr(got, c->want))
			fail_msg("case %zu: explanation \"%s\" lacks \"%s\"", i, got, c->want);
		if (c->fix_part && (!fix || !strstr(fix, c->fix_part)))
			fail_msg("case %zu: fix \"%s\" lacks \"%s\"", i, fix ? fix : "(none)",
				 c->fix_part);
		free(got);
	}
}

/* The served cmdline.txt decides the login: no iscsi_username= there, no CHAP offered, even
 * with chap = yes in the profile. */
static void test_opts_chap_from_cmdline(void **state)
{
	(void)state;
	char dir[] = "/tmp/pnb-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char profile[1024], path[400], sub[300];
	snprintf(profile, sizeof(profile),
		 "[server]\ninterface = eth0\naddress = 10.0.0.1/24\ntftp_root = %s\n"
		 "iqn_base = iqn.2026-11.lan.example\n"
		 "[pi \"kitchen\"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n"
		 "tftp_prefix = serial\nchap = yes\n",
		 dir);
	struct site s;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(profile_load_string("site.conf", profile, &s, &ps), 0);
	problems_done(&ps);
	snprintf(sub, sizeof(sub), "%s/511e57f7", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/cmdline.txt", sub);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("ip=dhcp iscsi_initiator=" INI " iscsi_target_name=" TGT
	      " iscsi_target_ip=10.0.0.1 root=UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef\n",
	      fp);
	fclose(fp);
	struct iscsi_check_opts o;
	char *hold[ICHECK_HOLD], *err = NULL;
	free(s.pis[0].chap_user); /* as site.secrets would give them */
	free(s.pis[0].chap_secret);
	s.pis[0].chap_user = strdup("kitchen");
	s.pis[0].chap_secret = strdup("s3cret");
	assert_int_equal(iscsi_check_opts_from_site(&s, &s.pis[0], &o, hold, &err), 0);
	assert_null(o.chap_user);
	assert_string_equal(o.root_spec, "UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef");
	for (int i = 0; i < ICHECK_HOLD; i++)
		free(hold[i]);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	site_done(&s);
}

UNIT_MAIN(
	cmocka_unit_test(test_explanations),
	cmocka_unit_test(test_opts_chap_from_cmdline))
