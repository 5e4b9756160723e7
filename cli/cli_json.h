/* cli_json — JSON output shared by the commands' --json modes (strings, "key":"value" pairs,
 * problem lists, the lines of an iSCSI root check); everything else is printed by the caller. */
#ifndef PNB_CLI_CLI_JSON_H
#define PNB_CLI_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/problems.h"
#include "core/lab/iscsi_check.h"

/* Writes n bytes of s as a JSON string (quotes, escapes; NULL writes null). */
void cli_json_strn(FILE *f, const char *s, size_t n);
void cli_json_str(FILE *f, const char *s);
/* One problem as a JSON object: severity, file, line, section, key, message. */
void cli_json_problem(FILE *f, const struct problem *p);
/* [{"severity":…,"file":…,"line":…,"section":…,"key":…,"message":…}, …] */
void cli_json_problems(FILE *f, const struct problems *ps);

/* Writes "key": and then the string value (or null). */
void cli_json_kv(FILE *f, const char *key, const char *value);
/* Writes "key":value pairs joined by commas: key, value, key, value, ..., then NULL after the last
 * value (a value may be NULL: null). */
void cli_json_kvs(FILE *f, const char *key, ...);
/* [{"step":…,"level":…,"text":…}, …] — the lines of an iSCSI root check (c may be NULL: []). */
void cli_json_icheck_lines(FILE *f, const struct iscsi_check *c);

#endif
