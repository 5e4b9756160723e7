/* jsonw — just enough JSON writing for the headless commands' --json output: strings escaped
 * per RFC 8259, everything else printed by the caller. */
#ifndef PNB_CLI_JSONW_H
#define PNB_CLI_JSONW_H

#include <stdio.h>

/* Writes s as a JSON string (with quotes), or null when s is NULL. */
void jsonw_str(FILE *f, const char *s);
/* Writes "key": and then the string value (or null). */
void jsonw_kv(FILE *f, const char *key, const char *value);

#endif
