/* cli — shared pieces of the headless commands: exit codes, usage errors, the command table. */
#ifndef PNB_CLI_CLI_H
#define PNB_CLI_CLI_H

#include <stdio.h>

/* Exit codes: every command uses these. */
enum {
	EXIT_OK = 0,       /* done, nothing wrong */
	EXIT_PROBLEMS = 1, /* ran, and found problems (lint errors, a failed boot, a not-ready Pi) */
	EXIT_USAGE = 2,    /* bad command line or bad input (unreadable/invalid file) */
};

/* Prints "pinetboot CMD: MESSAGE" and "Try 'pinetboot CMD --help'." to stderr; returns
 * EXIT_USAGE so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "pinetboot CMD: MESSAGE" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* X(name, function, one-line summary) — every headless subcommand; each lives in
 * cli/cmd_NAME.c. The wizard is started by main.c itself (cli/ does not include tui/). */
#define PNB_COMMANDS(X)                                                                            \
	X("iscsi-check", cmd_iscsi_check, "check a Pi's iSCSI root target as the Pi will use it")  \
	X("simulate", cmd_simulate, "boot a virtual Pi of a profile's Pi against the real server")  \
	X("version", cmd_version, "print the version")

#define PNB_CMD_DECL(name, fn, summary) int fn(int argc, char **argv);
PNB_COMMANDS(PNB_CMD_DECL)
#undef PNB_CMD_DECL

#endif
