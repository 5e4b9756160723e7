/* cli — shared pieces of the headless commands: exit codes, usage errors, the command table. */
#ifndef PNB_CLI_CLI_H
#define PNB_CLI_CLI_H

#include <stdio.h>

#include "core/base/cliopt.h"

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
struct problems;
/* Prints the problems to stderr: those with a FILE:LINE as they are (the compilers' and lint's
 * convention), every other one as "pinetboot CMD: MESSAGE", like the command's own errors. */
void cli_problems(const char *cmd, const struct problems *ps);
/* A command made of subcommands (cmd->subs, each with its run): -h/--help prints cmd's help, a
 * subcommand's word runs it with argv from that word on, anything else is a usage error naming
 * the subcommands there are. */
int cli_subcommand(const struct cli_cmd *cmd, int argc, char **argv);
/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* The options many commands take, spelled once: {name, key, argument} and the most used helps.
 * DEST is where the value goes, CLIOPT_TO(STR, ...) (SET for --json). */
#define CLI_OPT_SITE(HELP, DEST) {"site", 's', "SITE", HELP, DEST}
#define CLI_OPT_PI(HELP, DEST) {"pi", 0, "NAME", HELP, DEST}
#define CLI_OPT_JSON(HELP, DEST) {"json", 'j', NULL, HELP, DEST}
#define CLI_SITE_FIRST "the site profile (or give it as the first operand)"
#define CLI_SITE_OPERAND "the site profile (or give it as the operand)"
#define CLI_PI_OF_SITE "the Pi of --site"
#define CLI_JSON_OBJECT "one JSON object instead of text"

/* X(NAME): every headless subcommand, in the order a user meets them (`pinetboot --help` lists
 * them so; keep it when adding or merging a command). Each lives in cli/cmd_NAME.c with its
 * entry cmd_NAME and its spec cmd_NAME_spec (core/base/cliopt.h), which holds its name, its line
 * in `pinetboot --help` and its options: --help, the completions and the man page test are made
 * from it. The wizard is started by main.c itself (cli/ does not include tui/). */
#define PNB_COMMANDS(X)                                                                            \
	X(check) X(eeprom) X(devices) X(flash) X(provision) X(adopt) X(export) X(apply) X(lint)    \
	X(profile) X(monitor) X(iscsi_check) X(simulate) X(version)

#define PNB_CMD_DECL(name)                                                                         \
	int cmd_##name(int argc, char **argv);                                                     \
	extern const struct cli_cmd cmd_##name##_spec;
PNB_COMMANDS(PNB_CMD_DECL)
#undef PNB_CMD_DECL

#endif
