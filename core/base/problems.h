/* problems — a list of findings about user input (a profile, a bootconf.txt, an otp dump).
 * Each says where (file:line, section, key), what is wrong and what is accepted. Loading
 * keeps going after a problem so the user sees all of them at once; the caller decides what
 * to do with the list (print it, show it in the wizard, refuse to write). */
#ifndef PNB_CORE_PROBLEMS_H
#define PNB_CORE_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum problem_severity { PROBLEM_ERROR, PROBLEM_WARNING, PROBLEM_NOTE };

struct problem {
	enum problem_severity severity;
	char *file;    /* may be NULL */
	int line;      /* 0 when not tied to a line */
	char *section; /* e.g. `[pi "kitchen"]`, or NULL */
	char *key;     /* e.g. "mac", or NULL */
	char *message; /* one sentence, no trailing newline */
};

struct problems {
	struct problem *items;
	size_t n, cap;
};

void problems_init(struct problems *ps);
/* Frees every problem's strings and the array. */
void problems_done(struct problems *ps);
/* Adds a problem; all strings are copied. */
void problems_add(struct problems *ps, enum problem_severity sev, const char *file, int line,
		  const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
size_t problems_count(const struct problems *ps, enum problem_severity sev);
bool problems_has_errors(const struct problems *ps);
/* The first error, or NULL. */
const struct problem *problems_first_error(const struct problems *ps);
/* The one line a status bar or an error message shows for a failure: the first error
 * formatted as problem_format does, else the first problem, else a copy of fallback. Returns a
 * heap string the caller frees. */
char *problems_first_text(const struct problems *ps, const char *fallback);
/* Sorts by file then line (stable), so output follows the file. */
void problems_sort(struct problems *ps);
/* Formats one as `site.conf:14: [pi "kitchen"] mac: <message>` (with "warning: " before the
 * message for warnings). Returns a heap string the caller frees. */
char *problem_format(const struct problem *p);
/* Prints every problem, one per line, to f. */
void problems_print(const struct problems *ps, FILE *f);

#endif
