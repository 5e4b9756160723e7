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
/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* X(name, function, one-line summary) — every headless subcommand; each lives in
 * cli/cmd_NAME.c. The wizard is started by main.c itself (cli/ does not include tui/).
 * Order = the order a user meets them (`pinetboot --help` lists them so): check, eeprom,
 * devices, flash, provision, adopt, export, apply, lint, profile, monitor, iscsi-check, simulate,
 * version. Keep it when adding or merging a command. */
#define PNB_COMMANDS(X)                                                                            \
	X("check", cmd_check, "is this Pi ready to network boot? (local, --ssh, or saved outputs)") \
	X("eeprom", cmd_eeprom, "show/edit a Pi 4/5 bootloader image; make a bootstrap SD card")   \
	X("devices", cmd_devices, "list drives that can be flashed, and which are unsafe")         \
	X("flash", cmd_flash, "write an image (or a directory) to an SD card, USB disk or file")   \
	X("provision", cmd_provision, "make one Pi's iSCSI backing file and TFTP directory")       \
	X("adopt", cmd_adopt, "move a running Pi (over ssh) to a network root, step by step")      \
	X("export", cmd_export, "render the boot server's files for a site profile")           \
	X("apply", cmd_apply, "install the rendered files and reload the changed daemons")     \
	X("lint", cmd_lint, "validate a site profile and the installed server files")              \
	X("profile", cmd_profile, "site profile tools: import-csv (fleet inventory to [pi] sections)") \
	X("monitor", cmd_monitor, "decode netboot traffic (live or from a pcap), per-Pi boot stages")     \
	X("iscsi-check", cmd_iscsi_check, "check a Pi's iSCSI root target as the Pi will use it")  \
	X("simulate", cmd_simulate, "boot a virtual Pi of a profile's Pi against the real server")  \
	X("version", cmd_version, "print the version")

/* Each command also defines its option table, fn##_spec (core/base/cliopt.h): --help, the
 * completions and the man page test are made from it. */
#define PNB_CMD_DECL(name, fn, summary)                                                            \
	int fn(int argc, char **argv);                                                             \
	extern const struct cli_cmd fn##_spec;
PNB_COMMANDS(PNB_CMD_DECL)
#undef PNB_CMD_DECL

#endif
