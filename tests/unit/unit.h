/* What the cmocka unit test binaries share: the one main() and where the test data lives.
 * Include it after <cmocka.h> (which needs setjmp.h, stdarg.h, stddef.h and stdint.h first). */
#ifndef PNB_TESTS_UNIT_H
#define PNB_TESTS_UNIT_H

#include <stdio.h>
#include <stdlib.h>

/* main() for a binary whose cases need nothing prepared: list the cases, run them as one group. */
#define UNIT_MAIN(...) UNIT_MAIN_SETUP(NULL, __VA_ARGS__)

/* The same with a group setup, int setup(void **state), that runs once before the first case
 * (and fails the group when it returns non-zero). */
#define UNIT_MAIN_SETUP(setup, ...)                                                                \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, setup, NULL);                                 \
	}

/* DIR NAME below the source tree into buf: tests/run.sh sets PNB_TOP, a binary started by hand
 * from the top of the tree finds its data too. */
static inline void unit_path(char *buf, size_t size, const char *dir, const char *name)
{
	const char *top = getenv("PNB_TOP");
	snprintf(buf, size, "%s/%s%s", top ? top : ".", dir, name);
}

#endif
