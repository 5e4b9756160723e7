/* completion — the hidden `pinetboot completion bash|zsh|man|options`: the shell completions,
 * the man page's OPTIONS section and a plain option list, all made from the commands' option
 * tables. */
#ifndef PNB_CLI_COMPLETION_H
#define PNB_CLI_COMPLETION_H

#include "core/base/cliopt.h"

/* argv[1] is bash, zsh, man or options; specs is NULL-ended, the wizard's first (its options are
 * also the top-level ones). Prints to stdout; returns an exit status. */
int cli_completion(int argc, char **argv, const struct cli_cmd *const *specs);

#endif
