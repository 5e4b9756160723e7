/* Unit tests: model table lookups and the util helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/site/model.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

static void test_model_names(void **state)
{
	(void)state;
	assert_int_equal(model_from_name("4B"), PI_4B);
	assert_int_equal(model_from_name("4b"), PI_4B);
	assert_int_equal(model_from_name("3B+"), PI_3BPLUS);
	assert_int_equal(model_from_name("3bplus"), PI_3BPLUS);
	assert_int_equal(model_from_name("cm4"), PI_CM4);
	assert_int_equal(model_from_name("5"), PI_5);
	assert_int_equal(model_from_name("Pi5"), PI_5);
	assert_int_equal(model_from_name("400"), PI_400);
	assert_int_equal(model_from_name("zero"), PI_MODEL_UNKNOWN);
	for (int m = 1; m < PI_MODEL_COUNT; m++)
		assert_int_equal(model_from_name(model_info((enum pi_model)m)->name), m);
}

static void test_model_caps(void **state)
{
	(void)state;
	assert_true(model_info(PI_3B)->needs_menu_spaces);
	assert_false(model_info(PI_3BPLUS)->needs_menu_spaces);
	assert_int_equal(model_info(PI_3APLUS)->enable, NETBOOT_NEVER);
	assert_true(model_uses_eeprom(PI_5));
	assert_true(model_is_pi3_family(PI_CM3));
	assert_false(model_is_pi3_family(PI_4B));
}

static void test_mac(void **state)
{
	(void)state;
	uint8_t m[6];
	char out[18];
	assert_true(mac_parse("DC-A6-32-1C-6A-2A", m));
	mac_format(m, ':', out);
	assert_string_equal(out, "dc:a6:32:1c:6a:2a");
	assert_true(mac_parse("dca6321c6a2a", m));
	assert_false(mac_parse("dc:a6:32:1c:6a", m));
	assert_false(mac_parse("dc:a6-32:1c:6a:2a", m));
	assert_false(mac_parse("zz:a6:32:1c:6a:2a", m));
}

static void test_ipv4(void **state)
{
	(void)state;
	uint32_t a;
	char out[16];
	assert_true(ipv4_parse("192.168.20.1", &a));
	ipv4_format(a, out);
	assert_string_equal(out, "192.168.20.1");
	assert_false(ipv4_parse("192.168.20", &a));
	assert_false(ipv4_parse("192.168.20.256", &a));
	assert_false(ipv4_parse("1.2.3.4x", &a));
	assert_int_equal(ipv4_netmask(24), 0xffffff00u);
}

static void test_sbuf(void **state)
{
	(void)state;
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&b, "%d,", i);
	assert_true(str_startswith(b.buf, "0,1,2,"));
	assert_true(str_endswith(b.buf, "999,"));
	char *s = sbuf_take(&b);
	free(s);
	sbuf_done(&b);
}

/* The one edit distance behind every "did you mean": case folded only when asked, and a
 * string too long to compare is far from everything. */
static void test_str_distance(void **state)
{
	(void)state;
	assert_int_equal(str_distance("serial", "seriel", false), 1);
	assert_int_equal(str_distance("", "mac", false), 3);
	assert_int_equal(str_distance("kitten", "sitting", false), 3);
	assert_int_equal(str_distance("SERIAL", "serial", false), 6);
	assert_int_equal(str_distance("SERIAL", "serial", true), 0);
	char longer[300];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(str_distance(longer, "a", false), 99);
	char **v = xcalloc(2, sizeof(*v));
	v[0] = xstrdup("x"), v[1] = xstrdup("y");
	strv_free(v, 2);
	strv_free(NULL, 0);
}

/* The one TFTP directory rule, edge cases included: the Pi 3 family always asks under its
 * serial; a prefix whose value the profile lacks gives no directory. */
static void test_tftp_dir(void **state)
{
	(void)state;
	static const struct {
		enum pi_model model;
		enum tftp_prefix_kind kind;
		const char *str;
		bool has_serial, has_mac;
		const char *want; /* NULL: no directory */
	} cases[] = {
	    {PI_4B, TFTP_PREFIX_SERIAL, NULL, true, true, "511e57f7"},
	    {PI_4B, TFTP_PREFIX_MAC, NULL, true, true, "dc-a6-32-01-02-03"},
	    {PI_5, TFTP_PREFIX_STRING, "lab/", true, true, "lab"},
	    {PI_3B, TFTP_PREFIX_MAC, NULL, true, true, "511e57f7"},
	    {PI_4B, TFTP_PREFIX_SERIAL, NULL, false, true, NULL},
	    {PI_4B, TFTP_PREFIX_MAC, NULL, true, false, NULL},
	    {PI_5, TFTP_PREFIX_STRING, NULL, true, true, NULL},
	    {PI_5, TFTP_PREFIX_STRING, "/", true, true, NULL},
	    /* flat: the TFTP root itself, whatever the model or what the profile lacks */
	    {PI_4B, TFTP_PREFIX_NONE, NULL, false, true, ""},
	    {PI_3B, TFTP_PREFIX_NONE, NULL, true, true, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pi p = {.model = cases[i].model,
			       .prefix = cases[i].kind,
			       .prefix_str = (char *)cases[i].str,
			       .has_serial = cases[i].has_serial,
			       .serial = "511e57f7",
			       .has_mac = cases[i].has_mac,
			       .mac = {0xdc, 0xa6, 0x32, 1, 2, 3}};
		char d[PI_TFTP_DIR_MAX];
		bool ok = pi_tftp_dir_name(&p, d);
		assert_int_equal(ok, cases[i].want != NULL);
		assert_string_equal(d, cases[i].want ? cases[i].want : "");
	}
	struct site s = {.tftp_root = NULL};
	assert_string_equal(site_tftp_root(&s), "/srv/tftp");
	struct pi p = {.model = PI_4B, .has_serial = true, .serial = "511e57f7"};
	static const struct {
		const char *root;
		enum tftp_prefix_kind kind;
		const char *want;
	} paths[] = {
	    {NULL, TFTP_PREFIX_SERIAL, "/srv/tftp/511e57f7"},
	    {"/", TFTP_PREFIX_SERIAL, "/511e57f7"},
	    {"/", TFTP_PREFIX_NONE, "/"}, /* flat: the root itself */
	    {"/srv/tftp/", TFTP_PREFIX_NONE, "/srv/tftp"},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		s.tftp_root = (char *)paths[i].root;
		p.prefix = paths[i].kind;
		char *path = pi_tftp_dir_path(&s, &p);
		assert_string_equal(path, paths[i].want);
		free(path);
	}
	assert_int_equal(pi_tftp_prefix_setting(TFTP_PREFIX_NONE), 1);
	assert_int_equal(pi_tftp_prefix_setting(TFTP_PREFIX_MAC), 2);
	char *str = pi_tftp_prefix_str_setting(&p, NULL);
	assert_string_equal(str, "");
	free(str);
	p.prefix = TFTP_PREFIX_SERIAL;
	assert_null(pi_tftp_prefix_str_setting(&p, NULL));
}

UNIT_MAIN(
	cmocka_unit_test(test_model_names),
	cmocka_unit_test(test_model_caps),
	cmocka_unit_test(test_mac),
	cmocka_unit_test(test_ipv4),
	cmocka_unit_test(test_sbuf),
	cmocka_unit_test(test_str_distance),
	cmocka_unit_test(test_tftp_dir))
