/* cli — usage errors and helpers shared by the commands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/place.h"
#include "core/base/problems.h"
#include "core/base/util.h"

/* "pinetboot CMD: MESSAGE" on stderr, without the newline. */
static void vreport(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "pinetboot%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	/* messages quote file names and values: no control byte reaches the terminal */
	char *msg = xvasprintf(fmt, ap);
	char *shown = place_term(msg);
	fputs(shown, stderr);
	free(shown);
	free(msg);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cliopt_vusage(cmd, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

void cli_problems(const char *cmd, const struct problems *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		char *s = problem_format(&ps->items[i]);
		if (ps->items[i].line > 0)
			fprintf(stderr, "%s\n", s);
		else
			cli_error(cmd, "%s", s);
		free(s);
	}
}
