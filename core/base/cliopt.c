/* cliopt — getopt_long and --help, both made from one option table per command. */
#include "core/base/cliopt.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/place.h"
#include "core/base/util.h"

#define HELP_WIDTH 79
#define HELP_COL_MAX 26 /* a left column wider than this puts the text on the next line */

static const struct cli_opt help_opt = {"help", 'h', NULL, "this help", .kind = CLIOPT_KEY};

static bool is_short(int key)
{
	return key > ' ' && key < 127;
}

static bool arg_optional(const struct cli_opt *o)
{
	return o->arg && o->arg[0] == '[';
}

/* A long-only option may leave key 0: it is then CLIOPT_LONG + its index in the table. */
static int key_of(const struct cli_opt *opts, const struct cli_opt *o)
{
	return o->key ? o->key : CLIOPT_LONG + (int)(o - opts);
}

static bool has_help(const struct cli_opt *opts)
{
	for (const struct cli_opt *o = opts; o && (o->name || o->help); o++)
		if (o->name && o->key == 'h')
			return true;
	return false;
}

void cliopt_init(struct cli_parse *p, const struct cli_cmd *cmd, const char *who_cmd, int argc,
		 char **argv)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->who = who_cmd;
	p->argc = argc;
	p->argv = argv;
	size_t n = 0, s = 0;
	p->shortopts[s++] = ':'; /* a missing argument returns ':', told apart from unknown */
	bool own_help = has_help(cmd->opts);
	for (const struct cli_opt *o = cmd->opts;; o++) {
		if (!o->name && !o->help) {
			if (own_help || o == &help_opt)
				break;
			o = &help_opt; /* every command takes -h/--help: add it last */
		}
		if (!o->name)
			continue;
		assert(n < CLIOPT_MAX);
		p->longopts[n].name = o->name;
		p->longopts[n].has_arg = !o->arg	   ? no_argument
					 : arg_optional(o) ? optional_argument
							   : required_argument;
		p->longopts[n].flag = NULL;
		p->longopts[n].val = key_of(cmd->opts, o);
		n++;
		if (is_short(o->key)) {
			p->shortopts[s++] = (char)o->key;
			if (o->arg)
				p->shortopts[s++] = ':';
			if (arg_optional(o))
				p->shortopts[s++] = ':';
		}
		if (o == &help_opt)
			break;
	}
	p->shortopts[s] = 0;
	opterr = 0;
	optind = 1;
}

static void who(const char *who_cmd, FILE *f)
{
	fprintf(f, "pinetboot%s%s", who_cmd ? " " : "", who_cmd ? who_cmd : "");
}

int cliopt_vusage(const char *who_cmd, const char *fmt, va_list ap)
{
	who(who_cmd, stderr);
	fputs(": ", stderr);
	char *msg = xvasprintf(fmt, ap);
	/* messages quote what was typed: no control byte reaches the terminal */
	char *shown = place_term(msg);
	fputs(shown, stderr);
	free(shown);
	free(msg);
	fputs("\nTry '", stderr);
	who(who_cmd, stderr);
	fputs(" --help'.\n", stderr);
	return 2;
}

int cliopt_usage(const char *who_cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cliopt_vusage(who_cmd, fmt, ap);
	va_end(ap);
	return 2;
}

int cliopt_error(const struct cli_parse *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cliopt_vusage(p->who, fmt, ap);
	va_end(ap);
	return 2;
}

static const struct cli_opt *find_key(const struct cli_opt *opts, int key)
{
	for (const struct cli_opt *o = opts; o->name || o->help; o++)
		if (o->name && key_of(opts, o) == key)
			return o;
	return key == 'h' ? &help_opt : NULL;
}

int cliopt_distance(const char *a, const char *b)
{
	size_t d = str_distance(a, b, false);
	return d > 9 ? 9 : (int)d;
}

/* An unknown long option: say which one was typed, and the nearest real one. */
static int unknown_long(struct cli_parse *p, const char *typed)
{
	char name[64];
	size_t len = strcspn(typed + 2, "=");
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, typed + 2, len);
	name[len] = 0;
	/* getopt_long took a unique prefix already; two or more names starting so are ambiguous */
	const char *first = NULL, *second = NULL;
	for (int i = 0; p->longopts[i].name; i++) {
		const char *n = p->longopts[i].name;
		if (!len || strncmp(n, name, len) != 0)
			continue;
		if (!first)
			first = n;
		else if (!second)
			second = n;
	}
	if (second)
		return cliopt_error(p, "option '--%s' is ambiguous (--%s, --%s...)", name, first,
				    second);
	const char *best = NULL;
	int best_d = 3;
	for (int i = 0; p->longopts[i].name; i++) {
		int d = cliopt_distance(name, p->longopts[i].name);
		if (d < best_d) {
			best_d = d;
			best = p->longopts[i].name;
		}
	}
	if (best)
		return cliopt_error(p, "unknown option '--%s' (did you mean '--%s'?)", name, best);
	return cliopt_error(p, "unknown option '--%s'", name);
}

int cliopt_next(struct cli_parse *p)
{
	int prev = optind;
	int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
	if (c == -1)
		return CLIOPT_DONE;
	/* the word that held the option: argv[optind - 1] unless getopt is inside a cluster */
	const char *typed = optind > prev ? p->argv[optind - 1] : p->argv[prev];
	bool was_long = typed && strncmp(typed, "--", 2) == 0;
	p->status = 2;
	if (c == ':') {
		const struct cli_opt *o = find_key(p->cmd->opts, optopt);
		const char *arg = o && o->arg ? o->arg : "a value";
		if (was_long && o)
			cliopt_error(p, "option '--%s' needs an argument (%s)", o->name, arg);
		else
			cliopt_error(p, "option '-%c' needs an argument (%s)", optopt, arg);
		return CLIOPT_EXIT;
	}
	if (c == '?') {
		if (was_long && optopt) {
			const struct cli_opt *o = find_key(p->cmd->opts, optopt);
			cliopt_error(p, "option '--%s' takes no argument", o ? o->name : typed + 2);
		} else if (was_long)
			unknown_long(p, typed);
		else if (is_short(optopt))
			cliopt_error(p, "unknown option '-%c'", optopt);
		else
			cliopt_error(p, "unknown option '%s'", typed ? typed : "?");
		return CLIOPT_EXIT;
	}
	if (c == 'h' && !has_help(p->cmd->opts)) {
		cliopt_help(p->cmd, stdout);
		p->status = 0;
		return CLIOPT_EXIT;
	}
	p->status = 0;
	return c;
}

/* Which of the words "a|b|c" arg is, or -1. */
static int choice_index(const char *words, const char *arg)
{
	size_t len = strlen(arg);
	int i = 0;
	for (const char *w = words; w; i++) {
		const char *bar = strchr(w, '|');
		size_t wl = bar ? (size_t)(bar - w) : strlen(w);
		if (wl == len && strncmp(w, arg, len) == 0)
			return i;
		w = bar ? bar + 1 : NULL;
	}
	return -1;
}

/* Stores arg where o says; returns CLIOPT_DONE, or the exit status after a usage error. */
static int store(const struct cli_parse *p, const struct cli_opt *o, void *opts, const char *arg)
{
	char *field = (char *)opts + o->off;
	char *end;
	long v;
	switch (o->kind) {
	case CLIOPT_STR:
		*(const char **)field = arg;
		return CLIOPT_DONE;
	case CLIOPT_SET:
	case CLIOPT_CLEAR:
		*(bool *)field = o->kind == CLIOPT_SET;
		return CLIOPT_DONE;
	case CLIOPT_INT:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (end == arg || *end || errno || v < o->min || v > o->max)
			return cliopt_error(p, o->bad, arg);
		*(int *)field = (int)v;
		return CLIOPT_DONE;
	case CLIOPT_CHOICE:
		v = choice_index(o->arg, arg);
		if (v < 0)
			return cliopt_error(p, o->bad, arg);
		*(int *)field = (int)v;
		return CLIOPT_DONE;
	case CLIOPT_LIST: {
		struct cliopt_list *l = (struct cliopt_list *)(void *)field;
		if (o->max > 0 && l->n >= (size_t)o->max)
			return cliopt_error(p, o->bad, o->max);
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = arg;
		return CLIOPT_DONE;
	}
	case CLIOPT_FN:
		return o->fn(opts, arg);
	case CLIOPT_KEY:
		break;
	}
	assert(!"cliopt_parse: an option without a destination");
	return 2;
}

int cliopt_parse(const struct cli_cmd *cmd, int argc, char **argv, void *opts)
{
	return cliopt_parse_as(cmd, cmd->name, argc, argv, opts);
}

int cliopt_parse_as(const struct cli_cmd *cmd, const char *who_cmd, int argc, char **argv,
		    void *opts)
{
	struct cli_parse p;
	cliopt_init(&p, cmd, who_cmd, argc, argv);
	int c;
	while ((c = cliopt_next(&p)) > 0) {
		int rc = store(&p, find_key(cmd->opts, c), opts, optarg);
		if (rc != CLIOPT_DONE)
			return rc;
	}
	return c == CLIOPT_EXIT ? p.status : CLIOPT_DONE;
}

int cliopt_operand(const char *who_cmd, int argc, char **argv, const char **operand,
		   const char *hint)
{
	if (operand && !*operand && optind < argc)
		*operand = argv[optind++];
	if (optind < argc)
		return cliopt_usage(who_cmd, "unexpected argument '%s'%s", argv[optind],
				    hint ? hint : "");
	return CLIOPT_DONE;
}

/* "-r, --read FILE" / "    --save[=DIR]" into buf. */
static int left_column(const struct cli_opt *o, char *buf, size_t size)
{
	const char *arg = o->arg ? o->arg : "";
	bool opt = arg_optional(o);
	if (is_short(o->key))
		return snprintf(buf, size, "  -%c, --%s%s%s", o->key, o->name,
				o->arg && !opt ? " "
				: opt	       ? "[="
					       : "",
				opt ? arg + 1 : arg);
	return snprintf(buf, size, "      --%s%s%s", o->name,
			o->arg && !opt ? " "
			: opt	       ? "[="
				       : "",
			opt ? arg + 1 : arg);
}

/* Writes text from column col on, wrapped at HELP_WIDTH; the first line continues at `at`. */
static void wrap(FILE *f, const char *text, int col, int at)
{
	const char *s = text;
	while (*s) {
		while (*s == ' ')
			s++;
		int room = HELP_WIDTH - (at > col ? at : col);
		size_t len = strlen(s);
		if ((int)len > room) {
			len = (size_t)room;
			while (len > 0 && s[len] != ' ')
				len--;
			if (!len)
				len = strcspn(s, " ");
		}
		if (at < col)
			fprintf(f, "%*s", col - at, "");
		fprintf(f, "%.*s\n", (int)len, s);
		s += len;
		at = 0;
	}
}

void cliopt_print_opts(const struct cli_opt *opts, FILE *f)
{
	char buf[96];
	int col = 0;
	bool own_help = has_help(opts);
	for (const struct cli_opt *o = opts; o->name || o->help; o++) {
		int w = o->name ? left_column(o, buf, sizeof(buf)) : 0;
		if (w <= HELP_COL_MAX - 2 && w + 2 > col)
			col = w + 2;
	}
	if (!own_help && col < 14)
		col = 14;
	if (opts[0].name || !opts[0].help)
		fputs("Options:\n", f);
	for (const struct cli_opt *o = opts;; o++) {
		if (!o->name && !o->help) {
			if (own_help || o == &help_opt)
				break;
			o = &help_opt;
		}
		if (!o->name) {
			if (o != opts)
				fputc('\n', f);
			wrap(f, o->help, 0, 0);
			continue;
		}
		int w = left_column(o, buf, sizeof(buf));
		fputs(buf, f);
		if (w + 2 > col) {
			fputc('\n', f);
			w = 0;
		}
		wrap(f, o->help, col, w);
		if (o == &help_opt)
			break;
	}
}

void cliopt_help(const struct cli_cmd *cmd, FILE *f)
{
	fputs(cmd->usage, f);
	fputc('\n', f);
	cliopt_print_opts(cmd->opts, f);
	if (cmd->after)
		fputs(cmd->after, f);
}
