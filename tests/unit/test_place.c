/* Unit tests: core/base/place — the checker or quoter of each place a value lands in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/base/place.h"

static void norm(const char *in, const char *want)
{
	char *got = place_path_normalise(in);
	if (strcmp(got, want) != 0)
		fail_msg("normalise(%s) = %s, expected %s", in, got, want);
	free(got);
}

static void test_normalise(void **state)
{
	(void)state;
	norm("/", "/");
	norm("//", "/");
	norm("///", "/");
	norm("/srv//tftp/", "/srv/tftp");
	norm("/srv/./tftp/.", "/srv/tftp");
	norm("/srv/tftp/..", "/srv");
	norm("/../outside/victim", "/outside/victim");
	norm("/a/b/../../..", "/");
	norm("a/../..", "..");
	norm("../a/../b", "../b");
	norm("sub/..", ".");
	norm("out/.", "out");
	norm("", ".");
}

static void test_path_check_and_system(void **state)
{
	(void)state;
	assert_null(place_path_check("/srv/iscsi/kitchen-1_a+b@c.img"));
	static const char *const bad[] = {"/a|b", "/a;b", "/a$(x)", "/a&b", "/a>b", "/a<b",
					  "/a b",  "/a\nb", "/a'b",   "/a*b", "/a,b", "/a\xe9"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *m = place_path_check(bad[i]);
		if (!m)
			fail_msg("%s accepted", bad[i]);
		free(m);
	}
	char big[PLACE_PATH_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	char *m = place_path_check(big);
	assert_non_null(m);
	free(m);
	assert_string_equal(place_path_system("/", false), "/");
	assert_string_equal(place_path_system("/etc/dnsmasq.d", false), "/etc");
	assert_string_equal(place_path_system("/home", false), "/home");
	assert_null(place_path_system("/home/pi/tftp", false));
	assert_string_equal(place_path_system("/dev/sda", false), "/dev");
	assert_null(place_path_system("/dev/sda", true));
	assert_null(place_path_system("/srv/tftp", false));
}

static const struct unit_verdict ifnames[] = {
    {"eth0", true}, {"enp1s0.20", true}, {"eth0,lo", false},
    {"eth*", false}, {"..", false},      {"0123456789abcdef", false},
};

static const struct unit_verdict lines[] = {
    {"site café.conf", true},
    {"a\ntouch pwn", false},
    {"a\x1b]0;x\x07", false},
    {"a\xc2\x9b", false},    /* C1 CSI */
    {"caf\xe9", false},      /* Latin-1 */
    {"\xed\xa0\x80", false}, /* a surrogate */
    {"\xc0\xaf", false},     /* overlong '/' */
};

static void test_text_places(void **state)
{
	(void)state;
	UNIT_VERDICTS(place_ifname_ok, ifnames);
	UNIT_VERDICTS(place_line_ok, lines);
	char *t = place_term("a\x1b[31mb\xff");
	assert_string_equal(t, "a\\x1b[31mb\\xff");
	free(t);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add_sh(&b, "it's $(x)");
	assert_string_equal(b.buf, "'it'\\''s $(x)'");
	sbuf_reset(&b);
	sbuf_add_json(&b, "caf\xe9 \xc3\xa9", 7);
	assert_string_equal(b.buf, "\"caf\\ufffd \xc3\xa9\"");
	sbuf_done(&b);
}

UNIT_MAIN(
	cmocka_unit_test(test_normalise),
	cmocka_unit_test(test_path_check_and_system),
	cmocka_unit_test(test_text_places))
