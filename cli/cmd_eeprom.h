/* cmd_eeprom — pieces shared by the eeprom subcommands (show/set in cmd_eeprom.c, bootstrap in
 * cmd_eeprom_bootstrap.c). */
#ifndef PNB_CLI_CMD_EEPROM_H
#define PNB_CLI_CMD_EEPROM_H

#include <stdint.h>

#include "core/base/cliopt.h"

extern const struct cli_cmd eeprom_bootstrap_spec;
int eeprom_bootstrap_main(int argc, char **argv);
/* ts for a .sig: given when >= 0, else $SOURCE_DATE_EPOCH, else now (as rpi-eeprom-digest). */
int64_t eeprom_cli_sig_ts(long long given);
/* Parses unix seconds 0..4294967294 into *out; -1 when s is not that. */
int eeprom_cli_parse_ts(const char *s, long long *out);

#endif
