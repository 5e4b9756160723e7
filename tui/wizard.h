/* wizard — the ncurses wizard's entry point. */
#ifndef PNB_TUI_WIZARD_H
#define PNB_TUI_WIZARD_H

#include "core/base/cliopt.h"

/* The wizard's options (its --help, and the completions cli/ makes from it). */
extern const struct cli_cmd wizard_spec;

/* Runs the wizard; argv[0] is "wizard" (or the program name), options follow. Returns an exit
 * code. The terminal is restored on every path out. */
int wizard_main(int argc, char **argv);

#endif
