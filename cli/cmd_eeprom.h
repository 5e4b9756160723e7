/* cmd_eeprom — pieces shared by the eeprom subcommands (show/set in cmd_eeprom.c, bootstrap in
 * cmd_eeprom_bootstrap.c). */
#ifndef PNB_CLI_CMD_EEPROM_H
#define PNB_CLI_CMD_EEPROM_H

#include <stdint.h>

#include "core/base/cliopt.h"

extern const struct cli_cmd eeprom_bootstrap_spec;
int eeprom_bootstrap_main(int argc, char **argv);

#endif
