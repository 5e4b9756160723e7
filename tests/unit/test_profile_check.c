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
#include "tests/unit/profile_fixture.h"

/* One value's check: a [pi] key (server false) or a [server] key; fragment NULL means the value
 * is accepted, else it is refused with a message holding fragment. */
struct value_case {
	bool server;
	int key;
	const char *value;
	const char *fragment;
};

static void check_value(const struct value_case *c)
{
	const char *name = c->server ? profile_server_key_names[c->key]
				     : profile_pi_key_names[c->key];
	char *err = c->server ? profile_check_server_value((enum profile_server_key)c->key, c->value)
			      : profile_check_pi_value((enum profile_pi_key)c->key, c->value);
	if (!c->fragment && err)
		fail_msg("%s = %s refused: %s", name, c->value, err);
	if (c->fragment && !err)
		fail_msg("%s = %s accepted", name, c->value);
	if (c->fragment && !strstr(err, c->fragment))
		fail_msg("%s = %s: \"%s\" lacks \"%s\"", name, c->value, err, c->fragment);
	free(err);
}

static void ok_pi(enum profile_pi_key k, const char *v)
{
	check_value(&(struct value_case){false, (int)k, v, NULL});
}

static void bad_pi(enum profile_pi_key k, const char *v, const char *fragment)
{
	check_value(&(struct value_case){false, (int)k, v, fragment});
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

static const struct unit_verdict iqns[] = {
    {"iqn.2026-11.lan.example:kitchen", true},
    {"iqn.2001-04.com.example", true},
    {"iqn.2001-04.com.example:storage:disk2.sys1.xyz", true},
    {"iqn.2026-13.lan.example:k", false},
    {"iqn.2026-00.lan.example:k", false},
    {"iqn.26-11.lan.example:k", false},
    {"iqn.2000-01.com.synology:BlackSyno.PiTarget", true}, /* a NAS's spelling */
    {"iqn.2026-11.lan.ex_ample:k", false},
    {"iqn.2026-11.lan.example:", false},
    {"iqn.2026-11..example:k", false},
    {"iqn.2026-11.lan.example:my disk", false},
    {"eui.02004567A425678D", false},
};

static void test_iqn(void **state)
{
	(void)state;
	UNIT_VERDICTS(iqn_valid, iqns);
	/* a NAS's spelling (RFC 3722 folds case: the same name) */
	assert_true(iqn_equal("iqn.2000-01.com.synology:BlackSyno.PiTarget",
			      "iqn.2000-01.com.synology:blacksyno.pitarget"));
	assert_false(iqn_equal("iqn.2026-11.lan.example:a", "iqn.2026-11.lan.example:b"));
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big, "iqn.2026-11.x:", 14);
	big[299] = '\0';
	assert_false(iqn_valid(big));
	check_value(&(struct value_case){true, SK_IQN_BASE, "iqn.2026-11.lan.example:x", "IQN prefix"});
	check_value(&(struct value_case){true, SK_IQN_BASE, "iqn.2026-11.lan.example", NULL});
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

/* Paths, names and the server's values: one row a value of
 * tests/data/profile-values/values.tsv (its head says the columns). */
static int key_index(const char *const *names, int n, const char *name)
{
	for (int k = 0; k < n; k++)
		if (strcmp(names[k], name) == 0)
			return k;
	fail_msg("no key %s", name);
	return -1;
}

static void check_value_line(char *line, void *user)
{
	(void)user;
	char *save, *section = strtok_r(line, "\t", &save), *key = strtok_r(NULL, "\t", &save);
	char *value = strtok_r(NULL, "\t", &save), *verdict = strtok_r(NULL, "\t", &save);
	if (!verdict || strtok_r(NULL, "\t", &save))
		fail_msg("values.tsv: a line without four fields");
	bool ok = strcmp(verdict, "ok") == 0;
	if (!ok && strncmp(verdict, "refused: ", 9) != 0)
		fail_msg("values.tsv: verdict %s is neither ok nor refused: TEXT", verdict);
	bool server = strcmp(section, "server") == 0;
	struct value_case c = {server,
			       server ? key_index(profile_server_key_names, SK_COUNT, key)
				      : key_index(profile_pi_key_names, PK_COUNT, key),
			       value, ok ? NULL : verdict + 9};
	check_value(&c);
}

static void test_values(void **state)
{
	(void)state;
	assert_int_equal(
	    unit_each_line("tests/data/profile-values/", "values.tsv", check_value_line, NULL), 51);
}

static void errors_in_order(const struct site *s, const struct problems *ps)
{
	(void)s;
	for (size_t i = 0; i < ps->n; i++)
		assert_int_equal(ps->items[i].line, (int)(i == 0 ? 3 : i + 4));
}

static void indented_and_quoted(const struct site *s, const struct problems *ps)
{
	(void)ps;
	assert_string_equal(s->pis[0].image, "/srv/a.img");
	assert_int_equal(s->pis[0].key_line[PK_SERIAL], 6);
}

static void mismatch_warns(const struct site *s, const struct problems *ps)
{
	(void)s;
	assert_int_equal(ps->items[0].severity, PROBLEM_WARNING);
	assert_non_null(strstr(ps->items[0].message, "mistyped"));
}

static void default_iqn_lowercase(const struct site *s, const struct problems *ps)
{
	(void)ps;
	assert_string_equal(s->pis[0].initiator, "iqn.2026-11.lan.pinetboot:kitchen");
	assert_true(iqn_valid(s->pis[0].target));
}

/* Whole profiles: every error reported, in line order; indented keys, a BOM and quotes; a
 * Pi 3 whose MAC does not end in its serial (a typo, only warned); a default IQN from a name
 * with capitals. */
static const struct load_case profiles[] = {
    {"[server]\ninterface = eth0\naddress = 192.168.20.1\n"
     "[pi \"a\"]\nmodel = 9\nmac = zz\nserial = 1\nsize = big\n",
     -1, 5, errors_in_order},
    {"\xef\xbb\xbf[server]\n  interface = eth0\n\taddress = 192.168.20.1/24\n"
     "[pi \"a\"]\n  model = 4B ; inline\n  serial = 511e57f7\n  image = \"/srv/a.img\"\n",
     0, 0, indented_and_quoted},
    {"[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
     "[pi \"g\"]\nmodel = 3B\nserial = 2caf9c61\nmac = b8:27:eb:af:9c:62\n",
     0, 1, mismatch_warns},
    {"[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
     "[pi \"Kitchen\"]\nmodel = 4B\nserial = 511e57f7\n",
     0, -1, default_iqn_lowercase},
};

static void test_profiles(void **state)
{
	(void)state;
	LOAD_CASES(profiles);
}

UNIT_MAIN(
	cmocka_unit_test(test_mac),
	cmocka_unit_test(test_serial),
	cmocka_unit_test(test_model),
	cmocka_unit_test(test_iqn),
	cmocka_unit_test(test_size),
	cmocka_unit_test(test_values),
	cmocka_unit_test(test_profiles))
