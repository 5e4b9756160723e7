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

int cli_subcommand(const struct cli_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		cliopt_help(cmd, stdout);
		return EXIT_OK;
	}
	size_t skip = strlen(cmd->name) + 1; /* "eeprom set" is set */
	struct sbuf names;
	sbuf_init(&names);
	for (size_t i = 0; cmd->subs[i]; i++) {
		if (argc >= 2 && !strcmp(cmd->subs[i]->name + skip, argv[1])) {
			sbuf_done(&names);
			return cmd->subs[i]->run(argc - 1, argv + 1);
		}
		sbuf_printf(&names, "%s%s", !i ? "" : cmd->subs[i + 1] ? ", " : " or ",
			    cmd->subs[i]->name + skip);
	}
	int rc = argc < 2 ? cli_usage_error(cmd->name, "expected a subcommand (%s)", names.buf)
			  : cli_usage_error(cmd->name, "'%s' is not a subcommand of %s (expected %s)",
					    argv[1], cmd->name, names.buf);
	sbuf_done(&names);
	return rc;
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
