/* What the cmocka unit test binaries share: the one main() and where the test data lives.
 * Include it after <cmocka.h> (which needs setjmp.h, stdarg.h, stddef.h and stdint.h first). */
#ifndef PNB_TESTS_UNIT_H
#define PNB_TESTS_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Calls each(line, user) for every line of the fixture DIR NAME (as unit_path finds it) but
 * blank lines and # comments, its newline cut off; returns how many lines each saw. */
static inline int unit_each_line(const char *dir, const char *name,
				 void (*each)(char *line, void *user), void *user)
{
	char path[4096], line[1024];
	unit_path(path, sizeof(path), dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		each(line, user);
		n++;
	}
	fclose(f);
	return n;
}

/* One input of a yes/no check and the answer it must give. */
struct unit_verdict {
	const char *text;
	bool ok;
};

/* Asks check (called name in a failure) about each of the n inputs. */
static inline void unit_verdicts(const char *name, bool (*check)(const char *),
				 const struct unit_verdict *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (check(v[i].text) != v[i].ok)
			fail_msg("%s(\"%s\") is not %s", name, v[i].text, v[i].ok ? "true" : "false");
}

/* UNIT_VERDICTS(check, table): unit_verdicts over a whole array. */
#define UNIT_VERDICTS(check, table)                                                                \
	unit_verdicts(#check, check, table, sizeof(table) / sizeof(table[0]))

#endif
