/* Unit tests: core/base/cliopt — one option table makes the parser and the help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/cliopt.h"

enum { OPT_ALL = CLIOPT_LONG, OPT_SAVE };

static const struct cli_opt opts[] = {
	{"read", 'r', "FILE", "read a capture file"},
	{"json", 'j', NULL, "JSON lines"},
	{NULL, 0, NULL, "Other options:"},
	{"all", OPT_ALL, NULL,
	 "a long help text that has to be wrapped because it does not fit on one line of "
	 "seventy-nine columns"},
	{"save", OPT_SAVE, "[DIR]", "keep it"},
	{0}};

static const struct cli_cmd cmd = {"demo", "Usage: pinetboot demo\n", opts, NULL, "none", NULL};

/* Parses argv (NULL-ended) and returns the keys seen, as text: "r=x j A S=- ." */
static char *run(char **argv, int *status)
{
	static char out[256];
	int argc = 0;
	while (argv[argc])
		argc++;
	struct cli_parse p;
	cliopt_init(&p, &cmd, "demo", argc, argv);
	out[0] = 0;
	int c;
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	while ((c = cliopt_next(&p)) > 0) {
		char one[64];
		char k = c == OPT_ALL ? 'A' : c == OPT_SAVE ? 'S' : (char)c;
		snprintf(one, sizeof(one), "%c%s%s ", k, optarg ? "=" : "", optarg ? optarg : "");
		strcat(out, one);
	}
	fclose(stderr);
	stderr = saved;
	strcat(out, c == CLIOPT_EXIT ? "exit" : ".");
	*status = p.status;
	return out;
}

static void test_parse(void **state)
{
	(void)state;
	int st;
	char *a1[] = {"demo", "-r", "x.pcap", "--json", "op", "--all", "--save=d", "--save", NULL};
	assert_string_equal(run(a1, &st), "r=x.pcap j A S=d S .");
	assert_int_equal(optind, 7); /* operands are permuted to the end */
	char *a2[] = {"demo", "-jr", "f", NULL};
	assert_string_equal(run(a2, &st), "j r=f .");
	/* a missing argument, an unknown option, an argument to a flag: usage errors (2) */
	char *a3[] = {"demo", "-r", NULL};
	assert_string_equal(run(a3, &st), "exit");
	assert_int_equal(st, 2);
	char *a4[] = {"demo", "--jsno", NULL};
	assert_string_equal(run(a4, &st), "exit");
	assert_int_equal(st, 2);
	char *a5[] = {"demo", "--json=1", NULL};
	assert_string_equal(run(a5, &st), "exit");
	assert_int_equal(st, 2);
}

static void test_help(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cliopt_help(&cmd, f);
	fclose(f);
	/* one column for the help texts: the widest option plus two spaces */
	assert_non_null(strstr(buf, "Options:\n  -r, --read FILE   read a capture file\n"));
	assert_non_null(strstr(buf, "\nOther options:\n      --all         a long help"));
	assert_non_null(strstr(buf, "\n                    fit on one line"));
	assert_non_null(strstr(buf, "      --save[=DIR]  keep it\n"));
	assert_non_null(strstr(buf, "  -h, --help        this help\n"));
	for (char *line = buf; *line;) {
		size_t n = strcspn(line, "\n");
		assert_true(n <= 79);
		line += n + (line[n] == '\n');
	}
	free(buf);
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(cliopt_distance("expotr", "export"), 2);
	assert_int_equal(cliopt_distance("monitor", "monitor"), 0);
	assert_int_equal(cliopt_distance("", "abc"), 3);
}

UNIT_MAIN(
	cmocka_unit_test(test_parse),
	cmocka_unit_test(test_help),
	cmocka_unit_test(test_distance))
