/* wizard — placeholder until the wizard framework lands. */
#include "tui/wizard.h"

#include <stdio.h>

int wizard_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("pinetboot: the wizard is not built yet; try 'pinetboot --help'\n", stderr);
	return 2;
}
