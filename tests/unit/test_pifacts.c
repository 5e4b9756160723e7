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

/* What the ssh script's output must give one fact: its text ('t', '~' when holding want), the
 * reason it is missing ('m') or the name of where it came from ('n'); want NULL: no text. */
struct fact_want {
	enum pi_fact k;
	char what;
	const char *want;
};

/* The script's output, split into facts, and what each must then hold. */
static const struct remote_case {
	const char *out;
	struct fact_want want[8];
	const char *ready_order; /* readiness then judges the Pi ready, with this BOOT_ORDER */
} remote_cases[] = {
    /* every section present; vcgencmd failing on one; junk after the end marker */
    {"Welcome to the Pi\n@@pnb cpuinfo\nRevision\t: c03114\nSerial\t\t: 100000005b154510\n"
     "@@pnb mac\ndc:a6:32:2e:f8:ed\n@@pnb otp_dump\n17:1020000a\n@@pnb-rc 0\n"
     "@@pnb bootloader_version\nerror=1\n@@pnb-rc 255\n"
     "@@pnb bootloader_config\n[all]\nBOOT_ORDER=0xf21\n@@pnb-rc 0\n"
     "@@pnb end\ntrailing junk\n@@pnb mac\n00:00:00:00:00:00\n",
     {{FACT_CPUINFO, '~', "c03114"},
      {FACT_MAC, 't', "dc:a6:32:2e:f8:ed\n"},
      {FACT_OTP, 't', "17:1020000a\n"},
      {FACT_BLVERSION, 't', NULL},
      {FACT_BLVERSION, 'm', "vcgencmd failed on the Pi"},
      {FACT_BOOTCONF, 't', "[all]\nBOOT_ORDER=0xf21\n"},
      {FACT_BOOTCONF, 'n', "vcgencmd bootloader_config on pi@x"}},
     NULL},
    /* no vcgencmd: the blconfig nvmem device and the device tree's build time stand in */
    {"@@pnb cpuinfo\nRevision\t: c03114\n@@pnb mac\n"
     "@@pnb blconfig\n[all]\nBOOT_ORDER=0xf21\n\n"
     "@@pnb otp_dump\n@@pnb-missing\n@@pnb bootloader_version\n@@pnb-missing\n"
     "@@pnb bootloader_config\n@@pnb-missing\n"
     "@@pnb dt_build_ts\n 63 be e8 a4\n@@pnb end\n",
     {{FACT_MAC, 't', NULL}, /* empty section */
      {FACT_OTP, 'm', "vcgencmd is not installed on the Pi"},
      {FACT_BOOTCONF, 't', "[all]\nBOOT_ORDER=0xf21\n\n"},
      {FACT_BOOTCONF, 'n', "the blconfig nvmem device on pi@x"},
      {FACT_BLVERSION, 't', "timestamp 1673455780\n"}},
     "0xf21"},
};

static void check_fact(const struct pi_facts *f, const struct fact_want *w)
{
	const struct pi_text *t = &f->t[w->k];
	const char *got = w->what == 'm' ? t->missing : w->what == 'n' ? t->name : t->text;
	if (!w->want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	if (w->what == '~')
		assert_non_null(strstr(got, w->want));
	else
		assert_string_equal(got, w->want);
}

static void test_remote(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(remote_cases) / sizeof(remote_cases[0]); i++) {
		const struct remote_case *c = &remote_cases[i];
		struct pi_facts f;
		pi_facts_init(&f);
		pi_facts_parse_remote(&f, "pi@x", c->out, strlen(c->out));
		for (size_t k = 0; k < 8 && c->want[k].what; k++)
			check_fact(&f, &c->want[k]);
		if (c->ready_order) {
			struct readiness r;
			assert_int_equal(readiness_evaluate(&f, NULL, NULL, &r), 0);
			assert_true(r.ready);
			assert_string_equal(r.boot_order, c->ready_order);
			readiness_done(&r);
		}
		pi_facts_done(&f);
	}
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
	cmocka_unit_test(test_remote),
	cmocka_unit_test(test_cpuinfo))
