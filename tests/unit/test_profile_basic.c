/* Unit tests: loading the site profile (the basic cases; the table of bad profiles is in
 * tests/sh/t_profile_bad.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/site/profile.h"
#include "tests/unit/profile_fixture.h"

static const char good_text[] =
	"[server]\n"
	"interface = eth0\n"
	"address = 192.168.20.1/24\n"
	"dhcp = proxy ; comment\n"
	"iqn_base = iqn.2026-11.lan.example\n"
	"\n"
	"[pi \"kitchen\"]\n"
	"model = 4B\n"
	"serial = 10000000511E57F7\n"
	"mac = DC-A6-32-1C-6A-2A\n"
	"tftp_prefix = mac\n"
	"size = 16G\n";

static void good(const struct site *s, const struct problems *ps)
{
	(void)ps;
	assert_int_equal(s->n_pis, 1);
	assert_string_equal(s->pis[0].serial, "511e57f7");
	assert_int_equal(s->pis[0].model, PI_4B);
	assert_int_equal(s->pis[0].prefix, TFTP_PREFIX_MAC);
	assert_int_equal(s->pis[0].size, 16ull << 30);
	assert_string_equal(s->pis[0].initiator, "iqn.2026-11.lan.example:kitchen");
	assert_int_equal(s->pis[0].key_line[PK_MAC], 10);
}

static void bad_mac_line(const struct site *s, const struct problems *ps)
{
	(void)s;
	assert_true(ps->n >= 1);
	char *msg = problem_format(&ps->items[0]);
	assert_string_equal(msg, "site.conf:6: [pi \"kitchen\"] mac: \"dc:a6:32:1c:6a\" is not a MAC "
				 "address (expected 6 hex pairs, e.g. dc:a6:32:1c:6a:2a)");
	free(msg);
}

static const struct load_case profiles[] = {
    {good_text, 0, 0, good},
    {"[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
     "[pi \"kitchen\"]\nmodel = 4B\nmac = dc:a6:32:1c:6a\n",
     -1, -1, bad_mac_line},
};

static void test_profiles(void **state)
{
	(void)state;
	LOAD_CASES(profiles);
}

UNIT_MAIN(cmocka_unit_test(test_profiles))
