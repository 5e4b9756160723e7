/* Unit tests: the per-value checks of the site profile (what is accepted, what is refused,
 * and the canonical form that is stored). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/site/profile.h"
#include "core/base/util.h"

static void ok_pi(enum profile_pi_key k, const char *v)
{
	char *err = profile_check_pi_value(k, v);
	if (err)
		fail_msg("%s = %s refused: %s", profile_pi_key_names[k], v, err);
}

static void bad_pi(enum profile_pi_key k, const char *v, const char *fragment)
{
	char *err = profile_check_pi_value(k, v);
	if (!err)
		fail_msg("%s = %s accepted", profile_pi_key_names[k], v);
	if (!strstr(err, fragment))
		fail_msg("%s = %s: \"%s\" lacks \"%s\"", profile_pi_key_names[k], v, err, fragment);
	free(err);
}

static void ok_server(enum profile_server_key k, const char *v)
{
	char *err = profile_check_server_value(k, v);
	if (err)
		fail_msg("%s = %s refused: %s", profile_server_key_names[k], v, err);
}

static void bad_server(enum profile_server_key k, const char *v, const char *fragment)
{
	char *err = profile_check_server_value(k, v);
	if (!err)
		fail_msg("%s = %s accepted", profile_server_key_names[k], v);
	if (!strstr(err, fragment))
		fail_msg("%s = %s: \"%s\" lacks \"%s\"", profile_server_key_names[k], v, err, fragment);
	free(err);
}

static void test_mac(void **state)
{
	(void)state;
	ok_pi(PK_MAC, "dc:a6:32:1c:6a:2a");
	ok_pi(PK_MAC, "DC-A6-32-1C-6A-2A");
	ok_pi(PK_MAC, "dca6321c6a2a");
	char *err = profile_check_pi_value(PK_MAC, "dc:a6:32:1c:6a");
	assert_string_equal(err, "\"dc:a6:32:1c:6a\" is not a MAC address (expected 6 hex pairs, "
				 "e.g. dc:a6:32:1c:6a:2a)");
	free(err);
	bad_pi(PK_MAC, "dc:a6-32:1c:6a:2a", "not a MAC");
	bad_pi(PK_MAC, "dc:a6:32:1c:6a:2a:00", "not a MAC");
	bad_pi(PK_MAC, "01:00:5e:00:00:01", "multicast");
	bad_pi(PK_MAC, "00:00:00:00:00:00", "all zeros");
	bad_pi(PK_MAC, "", "not a MAC");
}

static void test_serial(void **state)
{
	(void)state;
	char out[9];
	assert_true(serial_normalise("10000000511E57F7", out));
	assert_string_equal(out, "511e57f7");
	assert_true(serial_normalise("0x511e57f7", out));
	assert_string_equal(out, "511e57f7");
	assert_false(serial_normalise("511e57f", out));
	assert_false(serial_normalise("1000000511e57f7", out));
	assert_false(serial_normalise("511g57f7", out));
	bad_pi(PK_SERIAL, "12", "8 or 16 hex digits");
}

static void test_model(void **state)
{
	(void)state;
	static const char *const ok[] = {"2B", "3B", "3b+", "3A+", "CM3", "cm3+", "4B", "400",
					 "CM4", "5", "500", "CM5", "pi4", "3bplus"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ok_pi(PK_MODEL, ok[i]);
	bad_pi(PK_MODEL, "6", "expected one of 2B, 3B");
	bad_pi(PK_MODEL, "zero", "not a Raspberry Pi model");
}

static void test_iqn(void **state)
{
	(void)state;
	assert_true(iqn_valid("iqn.2026-11.lan.example:kitchen"));
	assert_true(iqn_valid("iqn.2001-04.com.example"));
	assert_true(iqn_valid("iqn.2001-04.com.example:storage:disk2.sys1.xyz"));
	assert_false(iqn_valid("iqn.2026-13.lan.example:k"));
	assert_false(iqn_valid("iqn.2026-00.lan.example:k"));
	assert_false(iqn_valid("iqn.26-11.lan.example:k"));
	/* a NAS's spelling (RFC 3722 folds case: the same name) */
	assert_true(iqn_valid("iqn.2000-01.com.synology:BlackSyno.PiTarget"));
	assert_true(iqn_equal("iqn.2000-01.com.synology:BlackSyno.PiTarget",
			      "iqn.2000-01.com.synology:blacksyno.pitarget"));
	assert_false(iqn_equal("iqn.2026-11.lan.example:a", "iqn.2026-11.lan.example:b"));
	assert_false(iqn_valid("iqn.2026-11.lan.ex_ample:k"));
	assert_false(iqn_valid("iqn.2026-11.lan.example:"));
	assert_false(iqn_valid("iqn.2026-11..example:k"));
	assert_false(iqn_valid("iqn.2026-11.lan.example:my disk"));
	assert_false(iqn_valid("eui.02004567A425678D"));
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big, "iqn.2026-11.x:", 14);
	big[299] = '\0';
	assert_false(iqn_valid(big));
	bad_server(SK_IQN_BASE, "iqn.2026-11.lan.example:x", "IQN prefix");
	ok_server(SK_IQN_BASE, "iqn.2026-11.lan.example");
	bad_pi(PK_INITIATOR, "kitchen", "iqn.yyyy-mm");
}

static void test_size(void **state)
{
	(void)state;
	uint64_t b;
	assert_true(size_parse("16G", &b));
	assert_int_equal(b, 16ull << 30);
	assert_true(size_parse("512MiB", &b));
	assert_int_equal(b, 512ull << 20);
	assert_true(size_parse("1048576", &b));
	assert_false(size_parse("16Q", &b));
	assert_false(size_parse("-1G", &b));
	assert_false(size_parse("99999999999999T", &b));
	char out[24];
	size_format(16ull << 30, out);
	assert_string_equal(out, "16G");
	size_format(1500, out);
	assert_string_equal(out, "1500");
	bad_pi(PK_SIZE, "10M", "too small");
	bad_pi(PK_SIZE, "100T", "larger than 64T");
}

static void test_paths_and_names(void **state)
{
	(void)state;
	ok_pi(PK_IMAGE, "/srv/images/raspios-lite.img.xz");
	ok_pi(PK_IMAGE, "/srv/images/a.zip");
	bad_pi(PK_IMAGE, "/srv/images/a.iso", "OS image name");
	bad_pi(PK_BACKING, "srv/x.img", "absolute path");
	/* judged after lexical normalisation (//, ., ..) */
	bad_pi(PK_BACKING, "/srv/../etc/x.img", "inside /etc");
	bad_pi(PK_BACKING, "/srv/a b.img", "cannot carry safely");
	bad_pi(PK_BACKING, "/srv/x.img|/tmp/evil", "holds '|'");
	bad_pi(PK_BACKING, "/srv/x.img>/etc/passwd", "holds '>'");
	bad_pi(PK_BACKING, "/srv/caf\xc3\xa9.img", "\\xc3");
	ok_pi(PK_BACKING, "/dev/disk/by-id/usb-x");
	ok_pi(PK_BACKING, "/srv//iscsi/./a.img");
	bad_pi(PK_NFS_PATH, "/", "whole file system");
	bad_pi(PK_NFS_PATH, "//", "whole file system");
	bad_pi(PK_NFS_PATH, "/srv/nfs/..", "system directory /srv");
	bad_server(SK_TFTP_ROOT, "/", "whole file system");
	bad_server(SK_TFTP_ROOT, "//", "whole file system");
	bad_server(SK_TFTP_ROOT, "///", "whole file system");
	bad_server(SK_TFTP_ROOT, "/etc/x", "inside /etc");
	bad_server(SK_NFS_ROOT, "/home", "system directory /home");
	ok_server(SK_TFTP_ROOT, "/var/lib/tftpboot");
	ok_pi(PK_HOSTNAME, "kitchen-pi");
	bad_pi(PK_HOSTNAME, "-kitchen", "start or end");
	ok_pi(PK_ROOT_UUID, "3b1c7e36-9d2f-4a5e-8a41-6c0d2f7b9e10");
	ok_pi(PK_ROOT_UUID, "1A2B-3C4D");
	bad_pi(PK_ROOT_UUID, "3b1c7e369d2f4a5e8a416c0d2f7b9e10abcd", "filesystem UUID");
	ok_pi(PK_TFTP_PREFIX, "string:pis/");
	bad_pi(PK_TFTP_PREFIX, "string:", "no usable directory name");
	bad_pi(PK_TFTP_PREFIX, "string:.hidden", "may not start with '.'");
	ok_pi(PK_CHAP, "Yes");
	ok_pi(PK_CHAP, "off");
	bad_pi(PK_CHAP, "maybe", "yes or no");
}

static void test_server_values(void **state)
{
	(void)state;
	ok_server(SK_INTERFACE, "eth0");
	ok_server(SK_INTERFACE, "enp1s0.20");
	bad_server(SK_INTERFACE, "eth0:1", "interface name");
	bad_server(SK_INTERFACE, "eth0,lo", "no lists");
	bad_server(SK_INTERFACE, "eth*", "no lists");
	bad_server(SK_INTERFACE, "$(reboot)", "interface name");
	bad_server(SK_INTERFACE, "0123456789abcdefg", "1 to 15");
	ok_server(SK_ADDRESS, "10.1.2.3/8");
	bad_server(SK_ADDRESS, "192.168.20.255/24", "broadcast");
	bad_server(SK_ADDRESS, "127.0.0.1/8", "unicast");
	bad_server(SK_ADDRESS, "192.168.20.1/33", "prefix length");
	bad_server(SK_ADDRESS, "192.168.020.1/24x", "prefix length");
	ok_server(SK_DHCP, "Full");
	bad_server(SK_DHCP, "dnsmasq", "expected proxy, full, isc, kea or none");
	ok_server(SK_RANGE, "192.168.20.100 - 192.168.20.199");
	bad_server(SK_RANGE, "192.168.20.100", "first-last");
	ok_server(SK_REPLY_DELAY, "auto");
	ok_server(SK_REPLY_DELAY, "2");
	bad_server(SK_REPLY_DELAY, "-1", "0 to 5");
	bad_server(SK_ROUTER, "224.0.0.1", "unicast");
}

static int load(const char *text, struct site *s, struct problems *ps)
{
	problems_init(ps);
	return profile_load_string("site.conf", text, s, ps);
}

static void test_all_errors_in_order(void **state)
{
	(void)state;
	struct site s;
	struct problems ps;
	const char *text = "[server]\ninterface = eth0\naddress = 192.168.20.1\n"
			   "[pi \"a\"]\nmodel = 9\nmac = zz\nserial = 1\nsize = big\n";
	assert_int_equal(load(text, &s, &ps), -1);
	assert_int_equal(ps.n, 5);
	for (size_t i = 0; i < ps.n; i++)
		assert_int_equal(ps.items[i].line, (int)(i == 0 ? 3 : i + 4));
	site_done(&s);
	problems_done(&ps);
}

static void test_indented_and_quoted(void **state)
{
	(void)state;
	struct site s;
	struct problems ps;
	const char *text = "\xef\xbb\xbf[server]\n  interface = eth0\n\taddress = 192.168.20.1/24\n"
			   "[pi \"a\"]\n  model = 4B ; inline\n  serial = 511e57f7\n"
			   "  image = \"/srv/a.img\"\n";
	assert_int_equal(load(text, &s, &ps), 0);
	assert_int_equal(ps.n, 0);
	assert_string_equal(s.pis[0].image, "/srv/a.img");
	assert_int_equal(s.pis[0].key_line[PK_SERIAL], 6);
	site_done(&s);
	problems_done(&ps);
}

static void test_pi3_mac_serial_mismatch_warns(void **state)
{
	(void)state;
	struct site s;
	struct problems ps;
	const char *text = "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
			   "[pi \"g\"]\nmodel = 3B\nserial = 2caf9c61\nmac = b8:27:eb:af:9c:62\n";
	assert_int_equal(load(text, &s, &ps), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.items[0].severity, PROBLEM_WARNING);
	assert_non_null(strstr(ps.items[0].message, "mistyped"));
	site_done(&s);
	problems_done(&ps);
}

static void test_default_iqn_lowercase(void **state)
{
	(void)state;
	struct site s;
	struct problems ps;
	const char *text = "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
			   "[pi \"Kitchen\"]\nmodel = 4B\nserial = 511e57f7\n";
	assert_int_equal(load(text, &s, &ps), 0);
	assert_string_equal(s.pis[0].initiator, "iqn.2026-11.lan.pinetboot:kitchen");
	assert_true(iqn_valid(s.pis[0].target));
	site_done(&s);
	problems_done(&ps);
}

UNIT_MAIN(
	cmocka_unit_test(test_mac),
	cmocka_unit_test(test_serial),
	cmocka_unit_test(test_model),
	cmocka_unit_test(test_iqn),
	cmocka_unit_test(test_size),
	cmocka_unit_test(test_paths_and_names),
	cmocka_unit_test(test_server_values),
	cmocka_unit_test(test_all_errors_in_order),
	cmocka_unit_test(test_indented_and_quoted),
	cmocka_unit_test(test_pi3_mac_serial_mismatch_warns),
	cmocka_unit_test(test_default_iqn_lowercase))
