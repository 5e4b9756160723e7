/* Unit tests: core/base/cliopt — one option table makes the parser and the help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/cliopt.h"

enum { OPT_ALL = CLIOPT_LONG, OPT_SAVE };

static const struct cli_opt opts[] = {
	{"read", 'r', "FILE", "read a capture file", .kind = CLIOPT_KEY},
	{"json", 'j', NULL, "JSON lines", .kind = CLIOPT_KEY},
	CLIOPT_HEADING("Other options:"),
	{"all", OPT_ALL, NULL,
	 "a long help text that has to be wrapped because it does not fit on one line of "
	 "seventy-nine columns",
	 .kind = CLIOPT_KEY},
	{"save", OPT_SAVE, "[DIR]", "keep it", .kind = CLIOPT_KEY},
	{0}};

static const struct cli_cmd cmd = {
    .name = "demo",
    .usage = "Usage: pinetboot demo\n",
    .opts = opts,
    .operand = "none",
};

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

/* ---- cliopt_parse: the table says where each value goes ---- */

struct demo {
	const char *file, *save;
	bool json, verify;
	int n, mode;
	struct cliopt_list tags;
	int fn_calls;
};

static int count_call(void *into, const char *arg)
{
	struct demo *d = into;
	d->fn_calls++;
	return strcmp(arg, "stop") == 0 ? 7 : CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct demo, FIELD)
static const struct cli_opt to_opts[] = {
	{"read", 'r', "FILE", "read a file", TO(STR, file)},
	{"json", 'j', NULL, "JSON", TO(SET, json)},
	{"no-verify", 0, NULL, "skip the check", TO(CLEAR, verify)},
	{"save", 0, "[DIR]", "keep it", TO(STR, save)},
	{"count", 'n', "N", "how many",
	 CLIOPT_TO_INT(struct demo, n, 1, 600, "--count %s: give 1 to 600")},
	{"mode", 0, "fast|slow|off", "the mode", CLIOPT_TO_CHOICE(struct demo, mode, "--mode %s?")},
	{"tag", 't', "TAG", "a tag (twice at most)",
	 CLIOPT_TO_LIST(struct demo, tags, 2, "too many tags")},
	{"call", 0, "WORD", "calls back", CLIOPT_TO_FN(count_call)},
	{0}};
#undef TO

static const struct cli_cmd to_cmd = {
    .name = "demo",
    .usage = "Usage: pinetboot demo\n",
    .opts = to_opts,
    .operand = "none",
};

/* Parses argv (NULL-ended) into d; returns what cliopt_parse returned. */
static int parse_into(struct demo *d, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	memset(d, 0, sizeof(*d));
	d->verify = true;
	FILE *saved = stderr, *saved_out = stdout;
	stderr = fopen("/dev/null", "w");
	stdout = fopen("/dev/null", "w");
	int rc = cliopt_parse(&to_cmd, argc, argv, d);
	fclose(stderr);
	fclose(stdout);
	stderr = saved;
	stdout = saved_out;
	return rc;
}

static void test_parse_into(void **state)
{
	(void)state;
	struct demo d;
	char *a1[] = {"demo", "-r", "x", "--json", "--no-verify", "--save", "-n", "42", "--mode",
		      "slow", "-t", "a", "op", "--tag=b", "--call", "go", NULL};
	assert_int_equal(parse_into(&d, a1), CLIOPT_DONE);
	assert_string_equal(d.file, "x");
	assert_true(d.json);
	assert_false(d.verify);
	assert_null(d.save);
	assert_int_equal(d.n, 42);
	assert_int_equal(d.mode, 1);
	assert_int_equal(d.tags.n, 2);
	assert_string_equal(d.tags.v[0], "a");
	assert_string_equal(d.tags.v[1], "b");
	assert_int_equal(d.fn_calls, 1);
	assert_int_equal(optind, 15);
	free(d.tags.v);
	char *a2[] = {"demo", "--save=d", "--mode", "off", NULL};
	assert_int_equal(parse_into(&d, a2), CLIOPT_DONE);
	assert_string_equal(d.save, "d");
	assert_int_equal(d.mode, 2);
	/* values outside what the table allows: usage errors (2) */
	char *bad[][4] = {{"demo", "-n", "0", NULL},	{"demo", "-n", "601", NULL},
			  {"demo", "-n", "10x", NULL},	{"demo", "-n", "", NULL},
			  {"demo", "--mode", "fas", NULL}, {"demo", "--mode", "fast|slow", NULL},
			  {"demo", "--bogus", NULL, NULL}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_into(&d, bad[i]), 2);
	char *a3[] = {"demo", "-ta", "-tb", "-tc", NULL};
	assert_int_equal(parse_into(&d, a3), 2);
	assert_int_equal(d.tags.n, 2);
	free(d.tags.v);
	/* a callback ends the parse with its own status; --help with 0 */
	char *a4[] = {"demo", "--call", "stop", "-j", NULL};
	assert_int_equal(parse_into(&d, a4), 7);
	assert_false(d.json);
	char *a5[] = {"demo", "--help", NULL};
	assert_int_equal(parse_into(&d, a5), 0);
}

/* The one optional operand: taken unless an option gave it; one more is a usage error (2). */
static void test_operand(void **state)
{
	(void)state;
	char *argv[] = {"demo", "a.conf", "b.conf", NULL};
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	const char *site = NULL;
	optind = 1;
	assert_int_equal(cliopt_operand("demo", 2, argv, &site, NULL), CLIOPT_DONE);
	assert_string_equal(site, "a.conf");
	optind = 1;
	site = NULL;
	assert_int_equal(cliopt_operand("demo", 3, argv, &site, " (one SITE at most)"), 2);
	assert_string_equal(site, "a.conf");
	optind = 1;
	site = "given.conf"; /* by an option: the operand is one too many */
	assert_int_equal(cliopt_operand("demo", 2, argv, &site, NULL), 2);
	assert_string_equal(site, "given.conf");
	optind = 1;
	assert_int_equal(cliopt_operand("demo", 2, argv, NULL, NULL), 2); /* takes none */
	optind = 3;
	site = NULL;
	assert_int_equal(cliopt_operand("demo", 3, argv, &site, NULL), CLIOPT_DONE);
	assert_null(site);
	fclose(stderr);
	stderr = saved;
}

UNIT_MAIN(
	cmocka_unit_test(test_parse),
	cmocka_unit_test(test_operand),
	cmocka_unit_test(test_parse_into),
	cmocka_unit_test(test_help),
	cmocka_unit_test(test_distance))
