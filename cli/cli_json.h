/* cli_json — JSON output shared by the commands' --json modes (check, eeprom show; others can
 * move their private copies here). */
#ifndef PNB_CLI_CLI_JSON_H
#define PNB_CLI_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/problems.h"

/* Writes n bytes of s as a JSON string (quotes, escapes; NULL writes null). */
void cli_json_strn(FILE *f, const char *s, size_t n);
void cli_json_str(FILE *f, const char *s);
/* One problem as a JSON object: severity, file, line, section, key, message. */
void cli_json_problem(FILE *f, const struct problem *p);
/* [{"severity":…,"file":…,"line":…,"section":…,"key":…,"message":…}, …] */
void cli_json_problems(FILE *f, const struct problems *ps);

#endif
