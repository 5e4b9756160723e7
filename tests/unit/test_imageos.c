/* Unit tests: core/disk/imageos — which OS an image carries and where it mounts the boot
 * partition, from os-release and debian_version text as Raspberry Pi OS and Ubuntu ship them
 * (32-bit Raspbian says ID=raspbian, 64-bit Raspberry Pi OS ID=debian); hostile text is
 * shown printable only. And the host-name check first-boot customisation uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <string.h>

#include "core/disk/customize.h"
#include "core/disk/imageos.h"

static void test_releases(void **state)
{
	(void)state;
	struct imageos os;
	imageos_parse("PRETTY_NAME=\"Raspbian GNU/Linux 10 (buster)\"\nVERSION_ID=\"10\"\nID=raspbian\n"
		      "ID_LIKE=debian\n", NULL, &os);
	assert_true(os.known);
	assert_int_equal(os.major, 10);
	assert_string_equal(os.boot_dir, "/boot");
	assert_string_equal(os.name, "Raspbian GNU/Linux 10 (buster)");
	imageos_parse("PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nVERSION_ID=\"11\"\nID=debian\n", NULL, &os);
	assert_string_equal(os.boot_dir, "/boot");
	imageos_parse("VERSION_ID=\"12\"\nID=debian\n", NULL, &os);
	assert_int_equal(os.major, 12);
	assert_string_equal(os.boot_dir, "/boot/firmware");
	assert_string_equal(os.name, "Debian 12");
	imageos_parse("NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n", NULL, &os);
	assert_true(os.known);
	assert_int_equal(os.major, 0);
	assert_string_equal(os.boot_dir, "/boot/firmware");
	/* no os-release: debian_version, whose testing form names no number */
	imageos_parse(NULL, "11.7\n", &os);
	assert_int_equal(os.major, 11);
	assert_string_equal(os.boot_dir, "/boot");
	imageos_parse(NULL, "bookworm/sid\n", &os);
	assert_false(os.known);
	assert_string_equal(os.boot_dir, "/boot/firmware");
	imageos_parse(NULL, NULL, &os);
	assert_false(os.known);
}

static void test_hostile_text(void **state)
{
	(void)state;
	struct imageos os;
	imageos_parse("PRETTY_NAME=\"\x1b]0;owned\x07" "Evil\"\nID=debian\nVERSION_ID=\"9x\"\n", NULL, &os);
	assert_null(strchr(os.name, 0x1b));
	assert_null(strchr(os.name, 0x07));
	assert_int_equal(os.major, 9);
	assert_string_equal(os.boot_dir, "/boot");
	imageos_parse("ID=debian\nVERSION_ID=\"-1\"\n", NULL, &os);
	assert_int_equal(os.major, 0);
	assert_string_equal(os.boot_dir, "/boot/firmware");
}

/* Host names: RFC 1123 labels, no dots, up to 63 characters. */
static const struct unit_verdict hostnames[] = {
    {"kitchen-pi", true}, {"Pi4", true},   {"", false},    {"-pi", false},        {"pi-", false},
    {"a'b", false},       {"a b", false},  {"a.b", false}, {"$(reboot)", false},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false}, /* 64 */
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},   /* 63 */
};

static void test_hostname(void **state)
{
	(void)state;
	UNIT_VERDICTS(customize_hostname_ok, hostnames);
}

UNIT_MAIN(cmocka_unit_test(test_releases), cmocka_unit_test(test_hostile_text),
	  cmocka_unit_test(test_hostname))
