/* cliopt — one table per command for its options: the table makes the getopt_long array, the
 * "Options:" block of --help, the shell completions and the list tests diff against the man
 * page, so these cannot drift apart (dnsmasq's usage table, tig's request table). */
#ifndef PNB_BASE_CLIOPT_H
#define PNB_BASE_CLIOPT_H

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Keys from CLIOPT_LONG up name options that have no short letter (getopt's convention). */
#define CLIOPT_LONG 256

/* Where cliopt_parse puts an option's value: a field of the command's options struct. */
enum cliopt_kind {
	CLIOPT_KEY,    /* nowhere: cliopt_next hands the key to the caller's own loop */
	CLIOPT_STR,    /* const char *: the argument (NULL: an optional one not given) */
	CLIOPT_SET,    /* bool: set */
	CLIOPT_CLEAR,  /* bool: cleared (--no-verify) */
	CLIOPT_INT,    /* int: a whole decimal number from min to max, else the usage error `bad` */
	CLIOPT_CHOICE, /* int (or an enum): which of arg's words "a|b|c" was given, else `bad` */
	CLIOPT_LIST,   /* struct cliopt_list: appended; at most max when max > 0, else `bad` */
	CLIOPT_FN,     /* fn(options struct, argument): values with a grammar of their own */
};

/* A repeatable option's arguments, in order; v is heap memory the command free()s. */
struct cliopt_list {
	const char **v;
	size_t n;
};

/* One option; a table ends with {0}. */
struct cli_opt {
	const char *name; /* long name without "--"; NULL with help set: a heading in --help */
	int key;	  /* a letter (also the short option -KEY), CLIOPT_LONG+n, or 0: long only,
			     CLIOPT_LONG + the entry's index (for tables cliopt_parse reads) */
	const char *arg;  /* NULL: takes no argument; "FILE": needs one; "[DIR]": optional
			     (given as --name=DIR) */
	const char *help; /* one sentence, wrapped by the help printer */
	/* the value's destination, for cliopt_parse (CLIOPT_TO and friends fill these) */
	enum cliopt_kind kind;
	size_t off;	 /* offsetof the field in the options struct */
	int min, max;	 /* CLIOPT_INT's range; CLIOPT_LIST's most entries (0: no limit) */
	const char *bad; /* CLIOPT_INT/CHOICE: the usage error, a printf format whose one
			    conversion is %s, the argument as typed; CLIOPT_LIST: one past max,
			    its one conversion (if any) %d, max */
	/* CLIOPT_FN: returns CLIOPT_DONE to go on, or the exit status to stop with (after
	   printing why) */
	int (*fn)(void *opts, const char *arg);
};

/* A heading line in --help: CLIOPT_HEADING("Other options:"). */
#define CLIOPT_HEADING(TEXT) {NULL, 0, NULL, (TEXT), .kind = CLIOPT_KEY}
/* The tail of a table entry: {"pi", 0, "NAME", "the Pi", CLIOPT_TO(STR, struct o, pi)}. */
#define CLIOPT_TO(KIND, TYPE, FIELD) .kind = CLIOPT_##KIND, .off = offsetof(TYPE, FIELD)
#define CLIOPT_TO_INT(TYPE, FIELD, MIN, MAX, BAD)                                                  \
	CLIOPT_TO(INT, TYPE, FIELD), .min = (MIN), .max = (MAX), .bad = (BAD)
#define CLIOPT_TO_CHOICE(TYPE, FIELD, BAD) CLIOPT_TO(CHOICE, TYPE, FIELD), .bad = (BAD)
#define CLIOPT_TO_LIST(TYPE, FIELD, MAX, BAD)                                                      \
	CLIOPT_TO(LIST, TYPE, FIELD), .max = (MAX), .bad = (BAD)
#define CLIOPT_TO_FN(FN) .kind = CLIOPT_FN, .fn = (FN)

/* One command's interface. -h/--help is added to every command by the parser. */
struct cli_cmd {
	const char *name;    /* "monitor", "eeprom set", "wizard" */
	const char *summary; /* a top-level command's line in `pinetboot --help` (else NULL) */
	int (*run)(int argc, char **argv); /* its entry, argv[0] being its (last) word */
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
/* The whole option parse of a command whose table says where every value goes: stores each
 * option into the struct opts points at (its fields named by the table's offsets). Returns
 * CLIOPT_DONE with the operands left from optind on, or the exit status to return now: 0 after
 * --help, 2 after a usage error (printed, as cliopt_next does, naming cmd), or what an fn
 * returned. */
int cliopt_parse(const struct cli_cmd *cmd, int argc, char **argv, void *opts);
/* The same, naming who_cmd in errors instead (as for cliopt_init). */
int cliopt_parse_as(const struct cli_cmd *cmd, const char *who_cmd, int argc, char **argv,
		    void *opts);
/* After the options: the one operand a command takes (optional) goes into *operand unless an
 * option set it already; operand NULL: the command takes none. Any operand left over is a usage
 * error naming who_cmd, "unexpected argument 'X'" followed by hint (NULL: nothing). Returns
 * CLIOPT_DONE or 2. Both faces' commands end their parse here. */
int cliopt_operand(const char *who_cmd, int argc, char **argv, const char **operand,
		   const char *hint);
/* Prints a usage error: "WHO: MESSAGE" and "Try 'WHO --help'." on stderr (WHO: "pinetboot"
 * and p's command), control bytes of the message shown as \xHH; returns 2. */
int cliopt_error(const struct cli_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same for the command who_cmd ("eeprom set"; NULL: pinetboot alone). */
int cliopt_usage(const char *who_cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cliopt_vusage(const char *who_cmd, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The whole --help text: usage, the Options block (wrapped at 79 columns), after. */
void cliopt_help(const struct cli_cmd *cmd, FILE *f);
/* Just the Options block. */
void cliopt_print_opts(const struct cli_opt *opts, FILE *f);

/* The Damerau-free edit distance between a and b (for "did you mean"), capped at 9. */
int cliopt_distance(const char *a, const char *b);

#endif
