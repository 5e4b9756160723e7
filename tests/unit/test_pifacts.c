/* Unit tests: splitting the ssh script's output into facts (vcgencmd present, missing, failing;
 * the blconfig nvmem and device-tree fallbacks), and cpuinfo parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <string.h>

#include "core/pi/readiness.h"

static void test_remote_sections(void **state)
{
	(void)state;
	const char out[] = "Welcome to the Pi\n@@pnb cpuinfo\nRevision\t: c03114\nSerial\t\t: "
			   "100000005b154510\n@@pnb mac\ndc:a6:32:2e:f8:ed\n"
			   "@@pnb otp_dump\n17:1020000a\n@@pnb-rc 0\n"
			   "@@pnb bootloader_version\nerror=1\n@@pnb-rc 255\n"
			   "@@pnb bootloader_config\n[all]\nBOOT_ORDER=0xf21\n@@pnb-rc 0\n"
			   "@@pnb end\ntrailing junk\n@@pnb mac\n00:00:00:00:00:00\n";
	struct pi_facts f;
	pi_facts_init(&f);
	pi_facts_parse_remote(&f, "pi@x", out, sizeof(out) - 1);
	assert_non_null(f.t[FACT_CPUINFO].text);
	assert_non_null(strstr(f.t[FACT_CPUINFO].text, "c03114"));
	assert_string_equal(f.t[FACT_MAC].text, "dc:a6:32:2e:f8:ed\n");
	assert_string_equal(f.t[FACT_OTP].text, "17:1020000a\n");
	assert_null(f.t[FACT_BLVERSION].text);
	assert_string_equal(f.t[FACT_BLVERSION].missing, "vcgencmd failed on the Pi");
	assert_string_equal(f.t[FACT_BOOTCONF].text, "[all]\nBOOT_ORDER=0xf21\n");
	assert_string_equal(f.t[FACT_BOOTCONF].name, "vcgencmd bootloader_config on pi@x");
	pi_facts_done(&f);
}

static void test_remote_fallbacks(void **state)
{
	(void)state;
	const char out[] = "@@pnb cpuinfo\nRevision\t: c03114\n@@pnb mac\n"
			   "@@pnb blconfig\n[all]\nBOOT_ORDER=0xf21\n\n"
			   "@@pnb otp_dump\n@@pnb-missing\n@@pnb bootloader_version\n@@pnb-missing\n"
			   "@@pnb bootloader_config\n@@pnb-missing\n"
			   "@@pnb dt_build_ts\n 63 be e8 a4\n@@pnb end\n";
	struct pi_facts f;
	pi_facts_init(&f);
	pi_facts_parse_remote(&f, "pi@x", out, sizeof(out) - 1);
	assert_null(f.t[FACT_MAC].text); /* empty section */
	assert_string_equal(f.t[FACT_OTP].missing, "vcgencmd is not installed on the Pi");
	assert_string_equal(f.t[FACT_BOOTCONF].text, "[all]\nBOOT_ORDER=0xf21\n\n");
	assert_string_equal(f.t[FACT_BOOTCONF].name, "the blconfig nvmem device on pi@x");
	assert_string_equal(f.t[FACT_BLVERSION].text, "timestamp 1673455780\n");
	struct readiness r;
	assert_int_equal(readiness_evaluate(&f, NULL, NULL, &r), 0);
	assert_true(r.ready);
	assert_string_equal(r.boot_order, "0xf21");
	readiness_done(&r);
	pi_facts_done(&f);
}

static void test_cpuinfo(void **state)
{
	(void)state;
	struct cpuinfo ci;
	struct problems ps;
	problems_init(&ps);
	const char *t = "processor\t: 0\r\nRevision\t: 1000002\r\nSerial\t\t: 00000000ABCDEF12\r\n"
			"Model\t\t: Raspberry Pi Model B Rev 1\r\n";
	assert_int_equal(cpuinfo_parse(t, strlen(t), "c", &ci, &ps), 0);
	assert_int_equal(ci.revision, 0x1000002);
	assert_string_equal(ci.serial, "00000000abcdef12");
	assert_string_equal(ci.model, "Raspberry Pi Model B Rev 1");
	const char *bad = "Revision\t: zz\nSerial\t: 12\n";
	assert_int_equal(cpuinfo_parse(bad, strlen(bad), "c", &ci, &ps), -1);
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 2);
	assert_int_equal(ps.items[0].line, 1);
	problems_done(&ps);
}

UNIT_MAIN(
	cmocka_unit_test(test_remote_sections),
	cmocka_unit_test(test_remote_fallbacks),
	cmocka_unit_test(test_cpuinfo))
