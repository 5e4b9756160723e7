/* Unit tests: the template language (fields, lists, conditions, standalone lines, errors with
 * file:line) and the byte-exact facts render encodes (option 43, LUN numbering, root args). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/server/render.h"
#include "core/site/secrets.h"
#include "core/server/template.h"

static const char *const root_f[] = {"server.address", "server.dhcp", "site.empty"};
static const char *const pi_f[] = {"pi.name", "pi.mac"};
static const struct tmpl_list_schema lists[] = {{"pis", pi_f, 2}};
static const struct tmpl_schema schema = {root_f, 3, lists, 1};

static const char *const root_v[] = {"192.168.20.1", "proxy", ""};
static const char *const pi_v[] = {"kitchen", "dc:a6:32:1c:6a:2a", "garage", ""};
static const struct tmpl_list_data list_v[] = {{2, pi_v}};
static const struct tmpl_data data = {root_v, list_v};

/* Renders text; returns the output (caller frees) or NULL, with the first problem in *err. */
static char *render(const char *text, char **err)
{
	struct problems ps;
	problems_init(&ps);
	struct tmpl *t = tmpl_parse("t.tmpl", text, strlen(text), &schema, &ps);
	char *out = NULL;
	if (t) {
		struct sbuf b;
		sbuf_init(&b);
		tmpl_render(t, &data, &b);
		out = sbuf_take(&b);
		tmpl_free(t);
	}
	if (err)
		*err = ps.n ? problem_format(&ps.items[0]) : NULL;
	problems_done(&ps);
	return out;
}

static void expect(const char *text, const char *want)
{
	char *err = NULL;
	char *got = render(text, &err);
	if (!got)
		fail_msg("parse failed: %s", err ? err : "?");
	assert_string_equal(got, want);
	free(got);
	free(err);
}

static void expect_error(const char *text, const char *want)
{
	char *err = NULL;
	char *got = render(text, &err);
	assert_null(got);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

static void test_fields(void **state)
{
	(void)state;
	expect("addr={{server.address}}\n", "addr=192.168.20.1\n");
	expect("{{ server.dhcp }}/{{site.empty}}.", "proxy/.");
	expect("{{server.address|json}} {{server.dhcp|yaml}}", "\"192.168.20.1\" 'proxy'");
	expect("jinja: \\{{ item }}", "jinja: {{ item }}");
}

static void test_lists_and_conditions(void **state)
{
	(void)state;
	expect("{{#pis}}{{pi.name}}@{{server.address}};{{/pis}}",
	       "kitchen@192.168.20.1;garage@192.168.20.1;");
	expect("{{#pis}}\n  {{#if pi.mac}}\nhost {{pi.mac}}\n  {{else}}\n# {{pi.name}}: none\n  "
	       "{{/if}}\n{{/pis}}\n",
	       "host dc:a6:32:1c:6a:2a\n# garage: none\n");
	expect("{{#if server.dhcp == \"proxy\"}}P{{else}}F{{/if}}", "P");
	expect("{{#if server.dhcp != \"proxy\"}}P{{else}}F{{/if}}", "F");
	expect("{{#if !site.empty}}empty{{/if}}", "empty");
	expect("a\n{{! comment line }}\nb\n", "a\nb\n");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("ok\n{{server.adress}}\n",
		     "t.tmpl:2: unknown field {{server.adress}} (see TEMPLATES in pinetboot(1) for "
		     "the fields)");
	expect_error("{{pi.name}}", "t.tmpl:1: {{pi.name}} is only known inside {{#pis}} … {{/…}}");
	expect_error("x\n{{#pis}}\n{{pi.name}}\n",
		     "t.tmpl:2: {{#pis}} is never closed (expected {{/pis}})");
	expect_error("{{#if server.dhcp}}\n{{/pis}}\n",
		     "t.tmpl:2: {{/pis}} closes an {{#if}} (expected {{/if}})");
	expect_error("\n\n{{/if}}", "t.tmpl:3: {{/if}} closes nothing (no block is open)");
	expect_error("{{server.address", "t.tmpl:1: \"{{\" is never closed (expected \"}}\")");
	expect_error(
	    "{{#nodes}}{{/nodes}}",
	    "t.tmpl:1: unknown list {{#nodes}} (expected {{#pis}}, {{#files}} or {{#if …}})");
	expect_error("{{server.dhcp|upper}}",
		     "t.tmpl:1: unknown filter |upper (expected |json, |yaml or |sh)");
	/* a --templates file is input too: deep nesting is an error, not a stack overflow */
	struct sbuf deep;
	sbuf_init(&deep);
	for (int i = 0; i < 50000; i++)
		sbuf_add(&deep, "{{#if server.dhcp}}");
	char *err = NULL;
	char *got = render(deep.buf, &err);
	assert_null(got);
	assert_non_null(strstr(err, "nest deeper than 64"));
	free(err);
	sbuf_done(&deep);
	expect("{{server.dhcp|sh}}", "'proxy'");
	expect_error("{{#if server.dhcp = proxy}}{{/if}}",
		     "t.tmpl:1: cannot read condition \"= proxy\" (expected NAME, !NAME, NAME == "
		     "\"text\" or NAME != \"text\")");
}

/* The spec's 32-byte dump of dnsmasq's pxe-service=0,"Raspberry Pi Boot" (eeprom-otp §5.2). */
static void test_option43(void **state)
{
	(void)state;
	static const unsigned char want[] = {0x06, 0x01, 0x03, 0x0a, 0x04, 0x00, 0x50, 0x58,
					     0x45, 0x09, 0x14, 0x00, 0x00, 0x11, 'R',  'a',
					     's',  'p',	 'b',  'e',  'r',  'r',	 'y',  ' ',
					     'P',  'i',	 ' ',  'B',  'o',  'o',	 't',  0xff};
	unsigned char got[64];
	assert_int_equal(sizeof(want), 32);
	assert_int_equal(render_option43("Raspberry Pi Boot", got, sizeof(got)), 32);
	assert_memory_equal(got, want, 32);
	/* with the three spaces the Pi 3B ROM needs: sub-option 9 grows by 3 */
	assert_int_equal(render_option43(render_pxe_menu, got, sizeof(got)), 35);
	assert_int_equal(got[10], 0x17);
	assert_int_equal(got[13], 20);
	assert_memory_equal(got + 14, "Raspberry Pi Boot   ", 20);
	assert_int_equal(got[34], 0xff);
	assert_string_equal(render_pxe_menu, "Raspberry Pi Boot   ");
}

static const char *site_text =
    "[server]\ninterface = eth0\naddress = 192.168.20.1/24\niqn_base = iqn.2026-11.lan.example\n"
    "iscsi_target = %s\ninitramfs = %s\nroot = %s\n"
    "[pi \"kitchen\"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\nchap = %s\n%s";

static char *root_args_for(const char *target, const char *flavour, const char *root,
			   const char *chap, const char *extra)
{
	char text[1024];
	snprintf(text, sizeof(text), site_text, target, flavour, root, chap, extra);
	struct site s;
	struct problems ps;
	problems_init(&ps);
	if (profile_load_string("site.conf", text, &s, &ps) != 0) {
		problems_print(&ps, stderr);
		fail_msg("profile did not load");
	}
	struct pi *p = &s.pis[0];
	if (p->chap) {
		p->chap_user = strdup("kitchen");
		p->chap_secret = strdup("abcdefghijklmnop");
	}
	char *a = render_root_args(&s, p);
	site_done(&s);
	problems_done(&ps);
	return a;
}

static void test_root_args(void **state)
{
	(void)state;
	char *a = root_args_for("tgt", "initramfs-tools", "iscsi", "yes", "");
	assert_string_equal(a, "iscsi_initiator=iqn.2026-11.lan.example:kitchen "
			       "iscsi_target_name=iqn.2026-11.lan.example:root-kitchen "
			       "iscsi_target_ip=192.168.20.1 iscsi_target_port=3260 "
			       "iscsi_username=kitchen iscsi_password=abcdefghijklmnop "
			       "root=/dev/disk/by-path/ip-192.168.20.1:3260-iscsi-"
			       "iqn.2026-11.lan.example:root-kitchen-lun-1-part2 rw");
	free(a);
	a = root_args_for("lio", "rfc4173", "iscsi", "no",
			  "root_uuid = 0b1e5c1a-1234-4cde-9f00-123456789abc\n");
	assert_string_equal(a,
			    "iscsi_initiator=iqn.2026-11.lan.example:kitchen "
			    "root=iscsi:192.168.20.1:6:3260:0:iqn.2026-11.lan.example:root-kitchen "
			    "root=UUID=0b1e5c1a-1234-4cde-9f00-123456789abc rw");
	free(a);
	a = root_args_for("tgt", "dracut", "iscsi", "yes", "");
	assert_non_null(
	    strstr(a, "rd.iscsi.initiator=iqn.2026-11.lan.example:kitchen "
		      "rd.iscsi.username=kitchen rd.iscsi.password=abcdefghijklmnop "
		      "netroot=iscsi:192.168.20.1::3260:1:iqn.2026-11.lan.example:root-kitchen "));
	free(a);
	a = root_args_for("tgt", "initramfs-tools", "nfs", "no", "");
	assert_string_equal(a, "root=/dev/nfs nfsroot=192.168.20.1:/srv/nfs/kitchen,vers=3 rw");
	free(a);
}

static void test_secrets(void **state)
{
	(void)state;
	char a[SECRET_LEN + 1], b[SECRET_LEN + 1];
	assert_true(secrets_random(a, SECRET_LEN));
	assert_true(secrets_random(b, SECRET_LEN));
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	char *p = secrets_path_for("/etc/pinetboot/site.conf");
	assert_string_equal(p, "/etc/pinetboot/site.secrets");
	free(p);
	p = secrets_path_for("lab");
	assert_string_equal(p, "lab.secrets");
	free(p);
}

UNIT_MAIN(
	cmocka_unit_test(test_fields),
	cmocka_unit_test(test_lists_and_conditions),
	cmocka_unit_test(test_errors),
	cmocka_unit_test(test_option43),
	cmocka_unit_test(test_root_args),
	cmocka_unit_test(test_secrets))
