/* cliopt — one table per command for its options: the table makes the getopt_long array, the
 * "Options:" block of --help, the shell completions and the list tests diff against the man
 * page, so these cannot drift apart (dnsmasq's usage table, tig's request table). */
#ifndef PNB_BASE_CLIOPT_H
#define PNB_BASE_CLIOPT_H

#include <getopt.h>
#include <stdio.h>

/* Keys from CLIOPT_LONG up name options that have no short letter (getopt's convention). */
#define CLIOPT_LONG 256
/* One option; a table ends with {0}. */
struct cli_opt {
	const char *name; /* long name without "--"; NULL with help set: a heading in --help */
	int key;	  /* a letter (also the short option -KEY), or CLIOPT_LONG+n */
	const char *arg;  /* NULL: takes no argument; "FILE": needs one; "[DIR]": optional
			     (given as --name=DIR) */
	const char *help; /* one sentence, wrapped by the help printer */
};

/* One command's interface. -h/--help is added to every command by the parser. */
struct cli_cmd {
	const char *name;  /* "monitor", "eeprom set", "wizard" */
	const char *usage; /* the Usage lines and what the command does, ending in "\n" */
	const struct cli_opt *opts;
	const char *after;   /* examples and exit status after the Options block ("" or "\n..."),
				or NULL */
	const char *operand; /* what the operands complete to: "file", "dir", "none" (NULL:
				file) */
	const struct cli_cmd *const *subs; /* subcommands (eeprom show|set|bootstrap), NULL-ended,
					      or NULL */
};

#define CLIOPT_MAX 40 /* options per command, help included */
/* The parser of one command line; everything lives inside it (no allocation). */
struct cli_parse {
	const struct cli_cmd *cmd;
	const char *who; /* "pinetboot CMD" as errors start; "pinetboot" for top-level options */
	int argc;
	char **argv;
	int status; /* after CLIOPT_EXIT: 0 (help printed) or 2 (usage error printed) */
	struct option longopts[CLIOPT_MAX + 1];
	char shortopts[3 * CLIOPT_MAX + 2];
};

enum { CLIOPT_DONE = -1, CLIOPT_EXIT = -2 };

/* Prepares p for argv. who_cmd is the command named in errors (NULL: "pinetboot" alone, for
 * options given before any command). Resets getopt's optind. */
void cliopt_init(struct cli_parse *p, const struct cli_cmd *cmd, const char *who_cmd, int argc,
		 char **argv);
/* The next option's key (optarg holds its argument), CLIOPT_DONE at the end of the options
 * (operands start at optind), or CLIOPT_EXIT after printing the help (status 0) or a usage
 * error naming what was wrong (status 2): an unknown option (with the nearest one), a missing
 * argument (with its name), an argument given to an option that takes none. */
int cliopt_next(struct cli_parse *p);
/* Prints a usage error: "WHO: MESSAGE" and "Try 'WHO --help'." on stderr; returns 2. */
int cliopt_error(const struct cli_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The whole --help text: usage, the Options block (wrapped at 79 columns), after. */
void cliopt_help(const struct cli_cmd *cmd, FILE *f);
/* Just the Options block. */
void cliopt_print_opts(const struct cli_opt *opts, FILE *f);

/* The Damerau-free edit distance between a and b (for "did you mean"), capped at 9. */
int cliopt_distance(const char *a, const char *b);

#endif
