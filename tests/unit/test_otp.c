/* Unit tests: otp_dump parsing (factory, enabled, CRLF and chatter, garbage, truncated,
 * duplicate rows) and the row 17 / 28 / 29 verdicts (spec eeprom-otp.md §3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fsutil.h"
#include "core/pi/otp.h"

static char *data(const char *name, size_t *len)
{
	char path[512];
	unit_path(path, sizeof(path), "tests/data/pi/", name);
	char *t = fs_read_file_max(path, 1 << 20, len);
	assert_non_null(t);
	return t;
}

static int parse_file(const char *name, struct otp_dump *d, struct otp_verdict *v,
		      struct problems *ps)
{
	size_t len;
	char *t = data(name, &len);
	int rc = otp_parse(t, len, name, d, ps);
	otp_evaluate(d, name, v, ps);
	free(t);
	return rc;
}

static void test_factory(void **state)
{
	(void)state;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse_file("otp-3b-factory.txt", &d, &v, &ps), 0);
	assert_int_equal(d.n_rows, 59);
	assert_int_equal(v.boot, OTP_BOOT_NOT_ENABLED);
	assert_int_equal(v.row17, OTP_ROW17_FACTORY);
	assert_true(v.serial_ok);
	assert_int_equal(v.serial, 0x9ffefdef);
	assert_int_equal(v.revision, 0xa02082);
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 1); /* row 17 not enabled */
	assert_string_equal(ps.items[0].key, "row 17");
	assert_int_equal(ps.items[0].line, 10);
	problems_done(&ps);
}

static void test_enabled_crlf_chatter(void **state)
{
	(void)state;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse_file("otp-3b-enabled.txt", &d, &v, &ps), 0);
	assert_int_equal(v.boot, OTP_BOOT_ENABLED);
	assert_int_equal(v.row17, OTP_ROW17_NETBOOT);
	assert_false(v.row18_mismatch);
	assert_int_equal(ps.n, 0);
	problems_done(&ps);
}

static void test_garbage(void **state)
{
	(void)state;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse_file("otp-garbage.txt", &d, &v, &ps), -1);
	assert_int_equal(v.boot, OTP_BOOT_UNKNOWN);
	assert_true(problems_has_errors(&ps));
	problems_done(&ps);
	/* binary junk with NULs, and an empty input */
	problems_init(&ps);
	static const char junk[] = "\0\0\xff\x01:17:\n17\n:3020000a\n";
	assert_int_equal(otp_parse(junk, sizeof(junk), "junk", &d, &ps), -1);
	assert_int_equal(otp_parse("", 0, "empty", &d, &ps), -1);
	problems_done(&ps);
}

static void test_truncated(void **state)
{
	(void)state;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse_file("otp-3b-truncated.txt", &d, &v, &ps), -1);
	assert_int_equal(v.boot, OTP_BOOT_ENABLED); /* row 17 was there */
	assert_false(v.has_serial);
	assert_int_equal(problems_count(&ps, PROBLEM_WARNING), 1); /* stops at row 22 */
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 2);   /* rows 28 and 29 missing */
	problems_done(&ps);
	/* a line cut in the middle of its value */
	problems_init(&ps);
	const char *cut = "16:24280000\n17:3020000a\n18:3020000a\n28:9ffefdef\n29:600102\n";
	assert_int_equal(otp_parse(cut, strlen(cut), "cut", &d, &ps), -1);
	assert_true(problems_has_errors(&ps));
	problems_done(&ps);
}

static void test_serial_and_row18(void **state)
{
	(void)state;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	const char *t = "  17 : 3020000A \n18:1020000a\n28:90cdf785\n29:6f32087b\n30:00a02082\n";
	assert_int_equal(otp_parse(t, strlen(t), "x", &d, &ps), 0);
	otp_evaluate(&d, "x", &v, &ps);
	assert_int_equal(v.boot, OTP_BOOT_ENABLED);
	assert_true(v.row18_mismatch);
	assert_false(v.serial_ok); /* 6f32087b is not ~90cdf785 (6f32087a) */
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 1);
	problems_done(&ps);
	problems_init(&ps);
	const char *dup = "17:3020000a\n17:3020000a\n28:90cdf785\n29:6f32087a\n99:00000000\n";
	assert_int_equal(otp_parse(dup, strlen(dup), "dup", &d, &ps), 0);
	otp_evaluate(&d, "dup", &v, &ps);
	assert_true(v.serial_ok);
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 1);   /* row 17 twice */
	assert_int_equal(ps.items[0].line, 2);
	problems_done(&ps);
}

UNIT_MAIN(
	cmocka_unit_test(test_factory),
	cmocka_unit_test(test_enabled_crlf_chatter),
	cmocka_unit_test(test_garbage),
	cmocka_unit_test(test_truncated),
	cmocka_unit_test(test_serial_and_row18))
