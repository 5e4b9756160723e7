/* main — the one entry point: picks a subcommand from the table in cli/cli.h, or starts the
 * wizard when there is none. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/site_arg.h"
#include "cli/completion.h"
#include "tui/wizard.h"

#define PNB_CMD_ENTRY(name) &cmd_##name##_spec,
static const struct cli_cmd *const commands[] = {PNB_COMMANDS(PNB_CMD_ENTRY)};
#undef PNB_CMD_ENTRY

static void usage(FILE *f)
{
	fputs("Usage: pinetboot [COMMAND] [OPTIONS]\n"
	      "Make Raspberry Pi network boot work, and explain it when it doesn't.\n\n"
	      "With no command, pinetboot opens the wizard.\n\nCommands:\n",
	      f);
	fprintf(f, "  %-13s %s\n", "wizard", "the interactive setup and monitoring wizard (the default)");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nOptions:\n"
	      "  -h, --help     this help; 'pinetboot COMMAND --help' for a command's options\n"
	      "  -V, --version  print the version\n\n"
	      "Exit status: 0 ok, 1 problems found, 2 usage or input error.\n"
	      "See pinetboot(1) for the site profile format and examples.\n",
	      f);
}

static const struct cli_opt cmd_version_opts[] = {{0}};
const struct cli_cmd cmd_version_spec = {
    .name = "version",
    .summary = "print the version",
    .run = cmd_version,
    .usage = "Usage: pinetboot version\nPrints the version of pinetboot.\n",
    .opts = cmd_version_opts,
    .operand = "none",
};

int cmd_version(int argc, char **argv)
{
	int rc = cli_parse(&cmd_version_spec, argc, argv, NULL, NULL, false);
	if (rc != CLIOPT_DONE)
		return rc;
	printf("pinetboot %s\n", PNB_VERSION);
	return EXIT_OK;
}

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* "'expotr' is not a command" with the nearest ones, as git does. */
static int not_a_command(const char *cmd)
{
	fprintf(stderr, "pinetboot: '%s' is not a command.", cmd);
	int best = 3;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		int d = cliopt_distance(cmd, commands[i]->name);
		if (d < best)
			best = d;
	}
	if (best < 3 && (size_t)best < strlen(cmd)) {
		fputs(" The most similar:", stderr);
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (cliopt_distance(cmd, commands[i]->name) == best)
				fprintf(stderr, " %s", commands[i]->name);
		fputc('.', stderr);
	}
	fputs("\nTry 'pinetboot --help'.\n", stderr);
	return EXIT_USAGE;
}

/* The hidden `pinetboot completion bash|zsh|options`: every command's table, the wizard's
 * included. */
static int completion(int argc, char **argv)
{
	const struct cli_cmd *specs[N_COMMANDS + 2];
	size_t n = 0;
	specs[n++] = &wizard_spec;
	for (size_t i = 0; i < N_COMMANDS; i++)
		specs[n++] = commands[i];
	specs[n] = NULL;
	return cli_completion(argc, argv, specs);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return wizard_main(argc, argv);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			char *sub[] = {argv[2], "--help", NULL};
			if (!strcmp(argv[2], "wizard"))
				return wizard_main(2, sub);
			for (size_t i = 0; i < N_COMMANDS; i++)
				if (!strcmp(commands[i]->name, argv[2]))
					return commands[i]->run(2, sub);
			return not_a_command(argv[2]);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "wizard"))
		return wizard_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "completion"))
		return completion(argc - 1, argv + 1);
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, cmd))
			return commands[i]->run(argc - 1, argv + 1);
	if (cmd[0] == '-') {
		/* options before a command belong to the wizard (e.g. --replay); its errors then
		 * name "pinetboot" alone, as the user never typed "wizard" */
		return wizard_main(argc, argv);
	}
	return not_a_command(cmd);
}
