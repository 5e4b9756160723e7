/* provision — placeholder until core/provision lands (same branch, next commit). */
#include "cli/cli.h"
int cmd_provision(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("provision", "not built yet");
}
