/* Unit tests: saving the site profile — byte-for-byte round trips, in-place edits that keep
 * comments, appended keys and Pis, dropped sections, fresh files, and the atomic write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/site/profile.h"

static const char *hand_written =
	"# our lab: edited by hand and by the wizard\n"
	"[server]\n"
	"interface = eth0   ; the lab switch\n"
	"address = 192.168.20.1/24\n"
	"dhcp = proxy            ; proxy | full | isc | kea | none\n"
	"iqn_base = iqn.2026-11.lan.example\n"
	"\n"
	"; the kitchen Pi, bought 2025\n"
	"[pi \"kitchen\"]\n"
	"  model = 4b\n"
	"serial = 10000000511E57F7\n"
	"mac = DC-A6-32-1C-6A-2A   ; from the sticker\n"
	"tftp_prefix = mac\n"
	"size = 16G\n"
	"\n"
	"[pi \"garage\"]\n"
	"model = 3B\n"
	"serial = 2caf9c61\n"
	"# no mac yet\n";

static void load(const char *text, struct site *s)
{
	struct problems ps;
	problems_init(&ps);
	int rc = profile_load_string("site.conf", text, s, &ps);
	if (rc != 0) {
		problems_print(&ps, stderr);
		fail_msg("profile did not load");
	}
	problems_done(&ps);
}

static void assert_same_site(const struct site *a, const struct site *b)
{
	for (int k = 0; k < SK_COUNT; k++) {
		char *x = profile_server_value(a, (enum profile_server_key)k);
		char *y = profile_server_value(b, (enum profile_server_key)k);
		if ((x || y) && (!x || !y || strcmp(x, y)))
			fail_msg("server %s: %s vs %s", profile_server_key_names[k], x, y);
		free(x);
		free(y);
	}
	assert_int_equal(a->n_pis, b->n_pis);
	for (size_t i = 0; i < a->n_pis; i++) {
		assert_string_equal(a->pis[i].name, b->pis[i].name);
		for (int k = 0; k < PK_COUNT; k++) {
			char *x = profile_pi_value(&a->pis[i], (enum profile_pi_key)k);
			char *y = profile_pi_value(&b->pis[i], (enum profile_pi_key)k);
			if ((x || y) && (!x || !y || strcmp(x, y)))
				fail_msg("pi %s %s: %s vs %s", a->pis[i].name, profile_pi_key_names[k],
					 x, y);
			free(x);
			free(y);
		}
	}
}

/* Loads text, checks it holds the same values as s, and frees text and s. */
static void reload_matches(struct site *s, char *text)
{
	struct site t;
	load(text, &t);
	assert_same_site(s, &t);
	site_done(&t);
	free(text);
	site_done(s);
}

static void test_unchanged_is_byte_identical(void **state)
{
	(void)state;
	struct site s;
	load(hand_written, &s);
	char *text = profile_render_text(&s, hand_written);
	assert_string_equal(text, hand_written);
	free(text);
	site_done(&s);
}

/* dhcp_option repeats: all of its lines come back, in order, and a fresh save writes each */
static void test_repeated_dhcp_option(void **state)
{
	(void)state;
	static const char text[] = "[server]\ninterface = eth0\naddress = 10.0.0.1/24\ndhcp = full\n"
				   "\n[pi \"a\"]\nmodel = 4B\nserial = 511e57f7\n"
				   "dhcp_option = 17,iscsi:10.0.0.2:::1:iqn.2024-01.local:a\n"
				   "dhcp_option = 224,pivot\n";
	struct site s;
	load(text, &s);
	assert_int_equal(s.pis[0].n_dhcp_options, 2);
	char *kept = profile_render_text(&s, text);
	assert_string_equal(kept, text);
	free(kept);
	reload_matches(&s, profile_render_text(&s, NULL));
}

static void test_crlf_kept(void **state)
{
	(void)state;
	const char *crlf = "[server]\r\ninterface = eth0\r\naddress = 192.168.20.1/24\r\n"
			   "; Windows editor\r\n[pi \"a\"]\r\nmodel = 4B\r\nserial = 511e57f7\r\n";
	struct site s;
	load(crlf, &s);
	char *text = profile_render_text(&s, crlf);
	assert_string_equal(text, crlf);
	free(text);
	s.pis[0].size = 8ull << 30;
	text = profile_render_text(&s, crlf);
	assert_non_null(strstr(text, "serial = 511e57f7\r\nsize = 8G\n"));
	reload_matches(&s, text);
}

/* Edits to the hand-written profile, one row each: what is changed, what the saved text must
 * then hold (the edit in place, comments and layout kept) and what it must no longer hold. */
static void edit_in_place(struct site *s)
{
	struct pi *k = site_find_pi(s, "kitchen");
	k->mac[5] = 0x2b;
	k->size = 32ull << 30;
}

static void new_keys(struct site *s)
{
	s->dhcp = DHCP_FULL;
	s->router = 0xc0a81401 + 1; /* 192.168.20.2 */
	struct pi *g = site_find_pi(s, "garage");
	g->has_mac = true;
	memcpy(g->mac, "\xb8\x27\xeb\xaf\x9c\x61", 6);
}

static void remove_and_add_pis(struct site *s)
{
	site_remove_pi(s, 0); /* kitchen */
	struct pi *p = site_add_pi(s, "hall");
	p->model = PI_5;
	p->has_mac = true;
	memcpy(p->mac, "\x2c\xcf\x67\x00\x00\x01", 6);
	p->prefix = TFTP_PREFIX_MAC;
	site_apply_defaults(s);
}

static const struct edit_case {
	void (*edit)(struct site *s);
	const char *want[4];
	const char *gone[2];
} edit_cases[] = {
    {edit_in_place,
     {"mac = dc:a6:32:1c:6a:2b   ; from the sticker\n", "size = 32G\n",
      "; the kitchen Pi, bought 2025\n[pi \"kitchen\"]\n  model = 4b\n",
      "serial = 10000000511E57F7\n"},
     {NULL}},
    /* a new key goes at the end of its section */
    {new_keys,
     {"dhcp = full            ; proxy | full | isc | kea | none\n"
      "iqn_base = iqn.2026-11.lan.example\nrouter = 192.168.20.2\n\n",
      "serial = 2caf9c61\nmac = b8:27:eb:af:9c:61\n# no mac yet\n"},
     {NULL}},
    {remove_and_add_pis,
     {"# no mac yet\n\n[pi \"hall\"]\nmodel = 5\nmac = 2c:cf:67:00:00:01\ntftp_prefix = mac\n"},
     {"kitchen\"]", "from the sticker"}},
};

static void test_edits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edit_cases) / sizeof(edit_cases[0]); i++) {
		const struct edit_case *c = &edit_cases[i];
		struct site s;
		load(hand_written, &s);
		c->edit(&s);
		char *text = profile_render_text(&s, hand_written);
		for (size_t k = 0; k < 4 && c->want[k]; k++)
			if (!strstr(text, c->want[k]))
				fail_msg("case %zu: no \"%s\" in\n%s", i, c->want[k], text);
		for (size_t k = 0; k < 2 && c->gone[k]; k++)
			if (strstr(text, c->gone[k]))
				fail_msg("case %zu: \"%s\" still in\n%s", i, c->gone[k], text);
		reload_matches(&s, text);
	}
}

static void test_fresh_file_round_trip(void **state)
{
	(void)state;
	struct site s;
	load(hand_written, &s);
	char *text = profile_render_text(&s, NULL);
	assert_true(strncmp(text, "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n", 51) == 0);
	struct site t;
	load(text, &t);
	assert_same_site(&s, &t);
	char *again = profile_render_text(&t, NULL);
	assert_string_equal(text, again);
	free(again);
	site_done(&t);
	free(text);
	site_done(&s);
}

static void test_save_atomic(void **state)
{
	(void)state;
	char dir[] = "/tmp/pnb-save-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/site.conf", dir);
	FILE *f = fopen(path, "w");
	fputs(hand_written, f);
	fclose(f);
	chmod(path, 0640);
	struct site s;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(profile_load(path, &s, &ps), 0);
	site_find_pi(&s, "kitchen")->chap = false;
	assert_int_equal(profile_save(&s, path), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	struct site t;
	assert_int_equal(profile_load(path, &t, &ps), 0);
	assert_false(site_find_pi(&t, "kitchen")->chap);
	assert_same_site(&s, &t);
	DIR *d = opendir(dir);
	int entries = 0;
	for (struct dirent *e; (e = readdir(d));)
		entries += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(entries, 1); /* no temp file left behind */
	char bad[80];
	snprintf(bad, sizeof(bad), "%s/missing/site.conf", dir);
	assert_int_equal(profile_save(&s, bad), -1);
	unlink(path);
	rmdir(dir);
	site_done(&s);
	site_done(&t);
	problems_done(&ps);
}

UNIT_MAIN(
	cmocka_unit_test(test_unchanged_is_byte_identical),
	cmocka_unit_test(test_repeated_dhcp_option),
	cmocka_unit_test(test_crlf_kept),
	cmocka_unit_test(test_edits),
	cmocka_unit_test(test_fresh_file_round_trip),
	cmocka_unit_test(test_save_atomic))
