/* Unit tests: bootconf.txt parsing and validation (every key's range, unknown keys, filters, the
 * 98-character limit, [config.txt]), BOOT_ORDER in words, evaluation for one Pi, KEY=VALUE
 * editing and the minimum bootloader dates (spec eeprom-otp.md §2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/pi/bootconf.h"
#include "core/pi/bootloader.h"

static int parse(const char *text, struct bootconf *bc, struct problems *ps)
{
	return bootconf_parse(text, strlen(text), "bootconf.txt", bc, ps);
}

static void test_valid(void **state)
{
	(void)state;
	const char *t = "# network boot\n[all]\r\nBOOT_UART=0\nBOOT_ORDER=0xf21\nTFTP_PREFIX=2\n"
			"TFTP_IP=192.168.20.1\nDHCP_TIMEOUT=45000\nDHCP_REQ_TIMEOUT=4000\n"
			"NET_BOOT_MAX_RETRIES=-1\nMAC_ADDRESS=dc:a6:32:01:36:c2\nMAC_ADDRESS_OTP=0,1\n"
			"NETCONSOLE=6665@169.254.1.1/,6666@/\nHTTP_HOST=boot.example.lan\n"
			"DHCP_OPTION97=0x34695052\nTFTP_PREFIX_STR=\n";
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse(t, &bc, &ps), 0);
	assert_int_equal(ps.n, 0);
	assert_int_equal(bc.n, 13);
	struct bootconf_target tg = {PI_4B, -1, false, 0};
	const struct bootconf_entry *e = bootconf_lookup(&bc, &tg, "BOOT_ORDER");
	assert_non_null(e);
	assert_string_equal(e->value, "0xf21");
	assert_int_equal(e->line, 4);
	assert_null(bootconf_lookup(&bc, &tg, "USE_IPV6"));
	bootconf_done(&bc);
	problems_done(&ps);
}

/* Every key with a type or range, given a value outside it: each line of
 * tests/data/bootconf/bad-values.txt alone under [all] must be an error on that key. */
static void check_bad_line(char *line, void *user)
{
	(void)user;
	char key[64];
	assert_int_equal(sscanf(line, "%63[A-Z0-9_]=", key), 1);
	char text[300];
	snprintf(text, sizeof(text), "[all]\n%s\n", line);
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	if (parse(text, &bc, &ps) != -1)
		fail_msg("%s was accepted", line);
	assert_int_equal(ps.items[0].line, 2);
	assert_string_equal(ps.items[0].key, key);
	assert_string_equal(ps.items[0].section, "[all]");
	bootconf_done(&bc);
	problems_done(&ps);
}

static void test_every_key_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(unit_each_line("tests/data/bootconf/", "bad-values.txt", check_bad_line, NULL),
			 59);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	const char *t = "BOOT_ORDER=0xf21\nboot_order=0xf21\nDISABLE_SELF_UPDATE=1\nFOO=1\n"
			"just words\nTFTP_PREFIX=1\n";
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse(t, &bc, &ps), 0); /* warnings only */
	assert_int_equal(problems_count(&ps, PROBLEM_WARNING), 5);
	assert_non_null(strstr(ps.items[0].message, "did you mean BOOT_ORDER"));
	assert_non_null(strstr(ps.items[1].message, "does not exist"));
	assert_non_null(strstr(ps.items[2].message, "unknown key"));
	assert_int_equal(ps.items[3].line, 5);
	assert_non_null(strstr(ps.items[4].message, "TFTP_PREFIX_STR"));
	bootconf_done(&bc);
	problems_done(&ps);
}

static void test_filters(void **state)
{
	(void)state;
	const char *t = "[all]\nBOOT_ORDER=0xf41\n[pi4]\nBOOT_ORDER=0xf21\n[pi5]\nBOOT_ORDER=0xf12\n"
			"[cm4]\nTFTP_PREFIX=2\n[all]\n[board-type=0x11]\nTFTP_PREFIX=1\n[pi4]\n"
			"[0x5b154510]\nBOOT_UART=1\n[all]\n[gpio4=1]\nBOOT_ORDER=0xf1\n[EDID=VSC-TD2220]\nBOOT_ORDER=0x1\n"
			"[none]\nBOOT_ORDER=0x1\n[all]\nDHCP_TIMEOUT=6000\n[config.txt]\nnot=bootconf\n";
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse(t, &bc, &ps), 0);
	/* [EDID=…], and TFTP_PREFIX=1 without TFTP_PREFIX_STR */
	assert_int_equal(problems_count(&ps, PROBLEM_WARNING), 2);
	assert_int_equal(bc.config_txt_line, 24);
	struct bootconf_target pi4 = {PI_4B, -1, true, 0x5b154510}, pi5 = {PI_5, -1, false, 0},
			       cm4 = {PI_CM4, -1, false, 0}, p3 = {PI_3B, -1, false, 0};
	assert_string_equal(bootconf_lookup(&bc, &pi4, "BOOT_ORDER")->value, "0xf21");
	assert_string_equal(bootconf_lookup(&bc, &cm4, "BOOT_ORDER")->value, "0xf21");
	assert_string_equal(bootconf_lookup(&bc, &pi5, "BOOT_ORDER")->value, "0xf12");
	assert_string_equal(bootconf_lookup(&bc, &p3, "BOOT_ORDER")->value, "0xf41");
	assert_string_equal(bootconf_lookup(&bc, &cm4, "TFTP_PREFIX")->value, "2");
	/* board-type 0x11 is the 4B */
	assert_string_equal(bootconf_lookup(&bc, &pi4, "TFTP_PREFIX")->value, "1");
	/* [pi4] and [0x5b154510] are different kinds: both must hold */
	assert_string_equal(bootconf_lookup(&bc, &pi4, "BOOT_UART")->value, "1");
	assert_null(bootconf_lookup(&bc, &cm4, "BOOT_UART"));
	struct bootconf_target other4 = {PI_4B, -1, true, 0x12345678};
	assert_null(bootconf_lookup(&bc, &other4, "BOOT_UART"));
	assert_string_equal(bootconf_lookup(&bc, &pi5, "DHCP_TIMEOUT")->value, "6000");
	assert_null(bootconf_lookup(&bc, &pi5, "not"));
	bootconf_done(&bc);
	problems_done(&ps);
}

static void test_long_line(void **state)
{
	(void)state;
	char t[256];
	snprintf(t, sizeof(t), "PXE_OPTION43=%0100d\nBOOT_ORDER=0xf21\n", 0);
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse(t, &bc, &ps), 0);
	assert_int_equal(problems_count(&ps, PROBLEM_WARNING), 1);
	assert_int_equal(strlen(bc.entries[0].value), 98 - strlen("PXE_OPTION43="));
	bootconf_done(&bc);
	problems_done(&ps);
}

static void test_boot_order_words(void **state)
{
	(void)state;
	struct boot_order bo;
	assert_true(boot_order_parse("0xf21", &bo));
	char *w = boot_order_describe(&bo);
	assert_string_equal(w, "SD card, then network, then restart");
	free(w);
	assert_true(boot_order_reaches(&bo, 2));
	assert_true(boot_order_parse("0xF461", &bo));
	w = boot_order_describe(&bo);
	assert_string_equal(w, "SD card, then NVMe, then USB mass storage, then restart");
	free(w);
	assert_false(boot_order_reaches(&bo, 2));
	assert_true(boot_order_parse("0x2f1", &bo)); /* restart comes before network */
	assert_false(boot_order_reaches(&bo, 2));
	assert_true(boot_order_parse("0x231", &bo)); /* rpiboot waits forever */
	assert_false(boot_order_reaches(&bo, 2));
	assert_true(boot_order_parse("0x7e", &bo));
	w = boot_order_describe(&bo);
	assert_string_equal(w, "stop, then HTTP");
	free(w);
	assert_false(boot_order_parse("f21", &bo));
	assert_false(boot_order_parse("0x", &bo));
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(parse("BOOT_ORDER=0xf921\n", &bc, &ps), 0);
	assert_int_equal(problems_count(&ps, PROBLEM_WARNING), 1); /* mode 9 */
	bootconf_done(&bc);
	problems_done(&ps);
}

static void test_edit(void **state)
{
	(void)state;
	const char *t = "[all]\nBOOT_UART=0\n# comment\nBOOT_ORDER=0xf41\n\n[pi5]\nBOOT_ORDER=0xf461\n";
	char *set[] = {"BOOT_ORDER=0xf21", "TFTP_PREFIX=2"};
	struct problems ps;
	problems_init(&ps);
	char *out = bootconf_edit(t, strlen(t), set, 2, &ps);
	assert_non_null(out);
	assert_string_equal(out, "[all]\nBOOT_UART=0\n# comment\nBOOT_ORDER=0xf21\nTFTP_PREFIX=2\n\n"
				 "[pi5]\nBOOT_ORDER=0xf461\n");
	free(out);
	char *badv[] = {"TFTP_PREFIX=7"};
	assert_null(bootconf_edit(t, strlen(t), badv, 1, &ps));
	char *unk[] = {"NOPE=1"};
	assert_null(bootconf_edit(t, strlen(t), unk, 1, &ps));
	char *noeq[] = {"BOOT_ORDER"};
	assert_null(bootconf_edit(t, strlen(t), noeq, 1, &ps));
	assert_int_equal(problems_count(&ps, PROBLEM_ERROR), 3);
	out = bootconf_edit("", 0, set, 1, &ps);
	assert_string_equal(out, "BOOT_ORDER=0xf21\n");
	free(out);
	problems_done(&ps);
}

static void test_versions(void **state)
{
	(void)state;
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	const char *t = "BOOT_ORDER=0xf21\nTFTP_PREFIX=2\nMAC_ADDRESS_OTP=0,1\n";
	assert_int_equal(parse(t, &bc, &ps), 0);
	struct bootconf_target tg = {PI_4B, -1, false, 0};
	/* 2020-05-01: network and TFTP_PREFIX fine, MAC_ADDRESS_OTP (2022-11-02) too old */
	assert_int_equal(bootloader_check_features(&bc, &tg, "2711", 1588291200, "v", &ps), 1);
	assert_string_equal(ps.items[0].key, "MAC_ADDRESS_OTP");
	problems_done(&ps);
	problems_init(&ps);
	/* Pi 5 first release (2023-09-13) builds: the reset fix of 2023-10-18 is a warning */
	assert_int_equal(bootloader_check_features(&bc, &tg, "2712", 1694563200, "v", &ps), 0);
	assert_true(problems_count(&ps, PROBLEM_WARNING) >= 1);
	problems_done(&ps);
	problems_init(&ps);
	assert_int_equal(bootloader_check_features(&bc, &tg, "2711", 0, "v", &ps), 0);
	assert_int_equal(ps.n, 0);
	bootconf_done(&bc);
	struct bootloader_version bv;
	const char *out = "2023/01/11 17:40:52\nversion 8ba17717fbce (release)\ntimestamp 0\n"
			  "update-time 1675769444\ncapabilities 0x0000007f\n";
	assert_int_equal(bootloader_version_parse(out, strlen(out), "v", &bv, &ps), 0);
	assert_int_equal(bv.timestamp, BOOTLOADER_FIRST_VERSION);
	assert_int_equal(bv.capabilities, 0x7f);
	assert_string_equal(bv.date, "2023/01/11 17:40:52");
	assert_int_equal(bootloader_version_parse("junk", 4, "v", &bv, &ps), -1);
	problems_done(&ps);
}

UNIT_MAIN(
	cmocka_unit_test(test_valid),
	cmocka_unit_test(test_every_key_out_of_range),
	cmocka_unit_test(test_unknown_keys),
	cmocka_unit_test(test_filters),
	cmocka_unit_test(test_long_line),
	cmocka_unit_test(test_boot_order_words),
	cmocka_unit_test(test_edit),
	cmocka_unit_test(test_versions))
