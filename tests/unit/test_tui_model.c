/* Unit tests: the wizard's model (core/site_draft), its action table (tui/actions) and its poll
 * loop (tui/loop) — no terminal needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "tui/actions.h"
#include "tui/loop.h"
#include "core/site/site_draft.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/pnb-draft-%d.conf", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Values stay as typed, bad ones included, and the loader's messages come back per key. */
static void test_load_keeps_bad_values(void **state)
{
	(void)state;
	char *path =
	    write_tmp("# hand-written\n[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
		      "colour = blue\n\n[pi \"kitchen\"]\nmodel = 4B\nmac = dc:a6:32:1c:6a\n");
	struct site_draft ws;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(draft_load(&ws, path, &ps), 0);
	unlink(path);
	assert_int_equal(ws.n_pis, 1);
	assert_string_equal(ws.pis[0].val[PK_MAC], "dc:a6:32:1c:6a");
	assert_null(ws.server[SK_DHCP]);
	struct site s;
	assert_int_equal(draft_build(&ws, "site.conf", &s, &ps), -1);
	site_done(&s);
	bool mac = false, colour = false;
	for (size_t i = 0; i < ps.n; i++) {
		const struct problem *p = &ps.items[i];
		assert_int_equal(p->line, 0);
		if (p->key && !strcmp(p->key, "mac"))
			mac = strstr(p->message, "is not a MAC address") != NULL;
		if (p->key && !strcmp(p->key, "colour"))
			colour = strstr(p->message, "is not a known key") != NULL;
	}
	assert_true(mac);
	assert_true(colour);
	assert_int_equal(draft_pi_problem_count(&ps, "kitchen"), 1);
	problems_done(&ps);
	draft_done(&ws);
}

static void test_edit_and_build(void **state)
{
	(void)state;
	struct site_draft ws;
	draft_init(&ws);
	draft_set(&ws.server[SK_INTERFACE], "eth0");
	draft_set(&ws.server[SK_ADDRESS], "192.168.20.1/24");
	struct draft_pi *p = draft_add_pi(&ws, "a");
	draft_set(&p->val[PK_MODEL], "3B");
	draft_set(&p->val[PK_SERIAL], "2caf9c61");
	p = draft_add_pi(&ws, "b");
	draft_set(&p->val[PK_MODEL], "4B");
	draft_set(&p->val[PK_MAC], "dc:a6:32:1c:6a:2a");
	draft_set(&p->val[PK_TFTP_PREFIX], "mac");
	draft_set(&p->val[PK_SIZE], ""); /* empty = absent */
	assert_null(p->val[PK_SIZE]);
	struct site s;
	struct problems ps;
	problems_init(&ps);
	assert_int_equal(draft_build(&ws, "x.conf", &s, &ps), 0);
	assert_int_equal(s.n_pis, 2);
	assert_int_equal(s.pis[1].prefix, TFTP_PREFIX_MAC);
	site_done(&s);
	draft_remove_pi(&ws, 0);
	assert_int_equal(ws.n_pis, 1);
	assert_string_equal(ws.pis[0].name, "b");
	char *ini = draft_to_ini(&ws);
	assert_non_null(strstr(ini, "[pi \"b\"]\nmodel = 4B\n"));
	assert_null(strstr(ini, "[pi \"a\"]"));
	free(ini);
	problems_done(&ps);
	draft_done(&ws);
}

static void test_pi_names(void **state)
{
	(void)state;
	struct site_draft ws;
	draft_init(&ws);
	draft_add_pi(&ws, "kitchen");
	assert_null(draft_check_pi_name(&ws, "garage", SIZE_MAX));
	assert_null(draft_check_pi_name(&ws, "kitchen", 0)); /* its own name */
	char *m = draft_check_pi_name(&ws, "kitchen", SIZE_MAX);
	assert_non_null(strstr(m, "is used by another Pi"));
	free(m);
	m = draft_check_pi_name(&ws, "bad_name", SIZE_MAX);
	assert_non_null(m);
	assert_non_null(strstr(m, "is not a Pi name"));
	free(m);
	m = draft_check_pi_name(&ws, "", SIZE_MAX);
	assert_non_null(m);
	free(m);
	m = draft_check_pi_name(&ws, "a\"]\n[server", SIZE_MAX);
	assert_non_null(m);
	free(m);
	draft_done(&ws);
}

/* Every bound key leads back to its own action: no key is bound twice. (An action without a
 * key, such as the digits' jump, is handled from the raw key.) */
static void test_action_keys_unique(void **state)
{
	(void)state;
	for (int a = 1; a < ACT_COUNT; a++) {
		const struct wiz_action_info *ai = wiz_action_info((enum wiz_action)a);
		assert_int_equal(ai->id, a);
		assert_non_null(ai->help);
		if (!ai->key)
			continue;
		assert_int_equal(wiz_action_for_key(ai->key, false), a);
		if (ai->key2)
			assert_int_equal(wiz_action_for_key(ai->key2, false), a);
	}
	/* while typing, letters are text but Enter and Esc still act */
	assert_int_equal(wiz_action_for_key('q', true), ACT_NONE);
	assert_int_equal(wiz_action_for_key(KEY_LEFT, true), ACT_NONE);
	assert_int_equal(wiz_action_for_key('\r', true), ACT_ENTER);
	assert_int_equal(wiz_action_for_key(27, true), ACT_CANCEL);
}

static int on_pipe(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)w;
	char c;
	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	*(char *)ctx = c;
	return 0x40;
}

/* Any descriptor can join the loop; its callback's flags come back from loop_poll. */
static void test_loop_sources(void **state)
{
	(void)state;
	int a[2], b[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	struct loop l;
	loop_init(&l);
	char got_a = 0, got_b = 0;
	loop_add(&l, a[0], POLLIN, on_pipe, &got_a);
	loop_add(&l, b[0], POLLIN, on_pipe, &got_b);
	int64_t t0 = loop_now_ms();
	assert_int_equal(loop_poll(&l, NULL, 50), 0); /* nothing ready: times out */
	assert_true(loop_now_ms() - t0 >= 40);
	assert_int_equal(write(b[1], "x", 1), 1);
	assert_int_equal(loop_poll(&l, NULL, 1000), 0x40);
	assert_int_equal(got_b, 'x');
	assert_int_equal(got_a, 0);
	loop_remove(&l, b[0]);
	assert_int_equal(write(b[1], "y", 1), 1);
	assert_int_equal(loop_poll(&l, NULL, 20), 0); /* removed: not watched any more */
	assert_int_equal(write(a[1], "z", 1), 1);
	assert_int_equal(loop_poll(&l, NULL, 1000), 0x40);
	assert_int_equal(got_a, 'z');
	loop_done(&l);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

UNIT_MAIN(
	cmocka_unit_test(test_load_keeps_bad_values),
	cmocka_unit_test(test_edit_and_build),
	cmocka_unit_test(test_pi_names),
	cmocka_unit_test(test_action_keys_unique),
	cmocka_unit_test(test_loop_sources))
