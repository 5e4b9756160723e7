/* Unit tests: the one child-process runner (core/base/runcmd) — captured output and exit
 * status, a program that cannot start, the deadline, the working directory, and output passed
 * through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/runcmd.h"

static void test_capture_status(void **state)
{
	(void)state;
	char *out;
	size_t len;
	char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	assert_int_equal(runcmd_capture(argv, NULL, 10, &out, &len), 3);
	assert_string_equal(out, "out\nerr\n");
	assert_int_equal(len, 8);
	free(out);
	char buf[64];
	assert_int_equal(runcmd(argv, NULL, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "out\nerr\n");
	char o[64], e[64] = "";
	assert_int_equal(runcmd_split(argv, o, sizeof(o), e, sizeof(e)), 3);
	assert_string_equal(o, "out\n");
	assert_string_equal(e, "err\n");
}

static void test_cannot_start(void **state)
{
	(void)state;
	char *out;
	size_t len;
	char *argv[] = {"pnb-no-such-program", NULL};
	assert_int_equal(runcmd_capture(argv, NULL, 10, &out, &len), 127);
	assert_int_equal(errno, ENOENT);
	assert_non_null(out);
	assert_int_equal(len, 0);
	free(out);
	assert_int_equal(runcmd_inherit(argv, NULL, 0), 127);
}

static void test_timeout_and_cwd(void **state)
{
	(void)state;
	char *out;
	size_t len;
	char *slow[] = {"sleep", "30", NULL};
	time_t t0 = time(NULL);
	assert_int_equal(runcmd_capture(slow, NULL, 1, &out, &len), -1);
	assert_true(time(NULL) - t0 < 10);
	free(out);
	char *pwd[] = {"pwd", NULL};
	assert_int_equal(runcmd_capture(pwd, "/", 10, &out, &len), 0);
	assert_string_equal(out, "/\n");
	free(out);
	char *sig[] = {"sh", "-c", "kill -TERM $$", NULL};
	assert_int_equal(runcmd_inherit(sig, "/", 10), 128 + 15);
}

/* Every wait has an end (issue 13 rule 7): endless output, a child that closed its output and
 * went on running, and a child on our own terminal are all stopped at the deadline. */
static void test_timeout_whatever_the_child_does(void **state)
{
	(void)state;
	char *children[][4] = {{"sh", "-c", "yes", NULL},
			       {"sh", "-c", "exec >&- 2>&-; sleep 30", NULL},
			       {"sleep", "30", NULL, NULL}};
	for (size_t i = 0; i < 3; i++) {
		char *out;
		size_t len;
		time_t t0 = time(NULL);
		assert_int_equal(runcmd_capture(children[i], NULL, 1, &out, &len), -1);
		assert_true(time(NULL) - t0 < 10);
		free(out);
	}
	time_t t0 = time(NULL);
	assert_int_equal(runcmd_inherit(children[2], NULL, 1), -1);
	assert_true(time(NULL) - t0 < 10);
}

UNIT_MAIN(
	cmocka_unit_test(test_capture_status),
	cmocka_unit_test(test_cannot_start),
	cmocka_unit_test(test_timeout_and_cwd),
	cmocka_unit_test(test_timeout_whatever_the_child_does))
