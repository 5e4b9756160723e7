/* jsonw — "key":"value" pairs for the --json output of iscsi-check and simulate (strings are
 * escaped by cli_json); everything else is printed by the caller. */
#ifndef PNB_CLI_JSONW_H
#define PNB_CLI_JSONW_H

#include <stdio.h>

#include "core/lab/iscsi_check.h"

/* Writes "key": and then the string value (or null). */
void jsonw_kv(FILE *f, const char *key, const char *value);

/* [{"step":…,"level":…,"text":…}, …] — the lines of an iSCSI root check. */
void jsonw_icheck_lines(FILE *f, const struct iscsi_check *c);

#endif
