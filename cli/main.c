/* main — the one entry point: picks a subcommand from the table in cli/cli.h, or starts the
 * wizard when there is none. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "tui/wizard.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

#define PNB_CMD_ENTRY(name, fn, summary) {name, fn, summary},
static const struct command commands[] = {PNB_COMMANDS(PNB_CMD_ENTRY)};
#undef PNB_CMD_ENTRY

static void usage(FILE *f)
{
	fputs("Usage: pinetboot [COMMAND] [OPTIONS]\n"
	      "Make Raspberry Pi network boot work, and explain it when it doesn't.\n\n"
	      "With no command, pinetboot opens the wizard.\n\nCommands:\n",
	      f);
	fprintf(f, "  %-13s %s\n", "wizard", "the interactive setup and monitoring wizard (the default)");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fputs("\nOptions:\n"
	      "  -h, --help     this help; 'pinetboot COMMAND --help' for a command's options\n"
	      "  -V, --version  print the version\n\n"
	      "Exit status: 0 ok, 1 problems found, 2 usage or input error.\n"
	      "See pinetboot(1) for the site profile format and examples.\n",
	      f);
}

int cmd_version(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("Usage: pinetboot version\nPrints the version of pinetboot.");
		return EXIT_OK;
	}
	printf("pinetboot %s\n", PNB_VERSION);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return wizard_main(argc, argv);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			char *sub[] = {argv[2], "--help", NULL};
			for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].fn(2, sub);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "wizard"))
		return wizard_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, cmd))
			return commands[i].fn(argc - 1, argv + 1);
	if (cmd[0] == '-') {
		/* options before a command belong to the wizard (e.g. --replay) */
		return wizard_main(argc, argv);
	}
	fprintf(stderr, "pinetboot: '%s' is not a command.\nTry 'pinetboot --help'.\n", cmd);
	return EXIT_USAGE;
}
