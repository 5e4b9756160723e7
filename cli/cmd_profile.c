/* cmd_profile — `pinetboot profile SUBCOMMAND`: tools for the site profile (import-csv). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_profile(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		puts("Usage: pinetboot profile import-csv INVENTORY.csv");
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	return cli_usage_error("profile", "'%s' is not a profile subcommand (expected import-csv)",
			       argv[1]);
}
