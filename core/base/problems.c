/* problems — collected findings with file:line:key positions. */
#include "core/base/problems.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/place.h"
#include "core/base/util.h"

void problems_init(struct problems *ps)
{
	ps->items = NULL;
	ps->n = ps->cap = 0;
}

void problems_done(struct problems *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->items[i].file);
		free(ps->items[i].section);
		free(ps->items[i].key);
		free(ps->items[i].message);
	}
	free(ps->items);
	problems_init(ps);
}

void problems_add(struct problems *ps, enum problem_severity sev, const char *file, int line,
		  const char *section, const char *key, const char *fmt, ...)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 8;
		ps->items = xrealloc(ps->items, ps->cap * sizeof(*ps->items));
	}
	struct problem *p = &ps->items[ps->n++];
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* Messages quote what the user or a file wrote: control bytes (a terminal escape, a line
	 * break) and broken UTF-8 are kept as \xHH so no problem list can drive a terminal or
	 * split a line, wherever it is shown. */
	p->message = place_term(msg);
	free(msg);
	p->severity = sev;
	p->file = file ? place_term(file) : NULL;
	p->line = line;
	p->section = section ? place_term(section) : NULL;
	p->key = key ? place_term(key) : NULL;
}

size_t problems_count(const struct problems *ps, enum problem_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i++)
		n += ps->items[i].severity == sev;
	return n;
}

bool problems_has_errors(const struct problems *ps)
{
	return problems_count(ps, PROBLEM_ERROR) > 0;
}

const struct problem *problems_first_error(const struct problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->items[i].severity == PROBLEM_ERROR)
			return &ps->items[i];
	return NULL;
}

char *problems_first_text(const struct problems *ps, const char *fallback)
{
	const struct problem *p = problems_first_error(ps);
	if (!p && ps->n)
		p = &ps->items[0];
	return p ? problem_format(p) : xstrdup(fallback);
}

static int cmp_problem(const struct problem *x, const struct problem *y)
{
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Insertion sort: stable, so problems at one position keep the order they were found in. */
void problems_sort(struct problems *ps)
{
	for (size_t i = 1; i < ps->n; i++) {
		struct problem t = ps->items[i];
		size_t j = i;
		while (j > 0 && cmp_problem(&ps->items[j - 1], &t) > 0) {
			ps->items[j] = ps->items[j - 1];
			j--;
		}
		ps->items[j] = t;
	}
}

char *problem_format(const struct problem *p)
{
	struct sbuf b;
	sbuf_init(&b);
	if (p->file) {
		sbuf_add(&b, p->file);
		if (p->line > 0)
			sbuf_printf(&b, ":%d", p->line);
		sbuf_add(&b, ": ");
	}
	if (p->section) {
		sbuf_add(&b, p->section);
		sbuf_add(&b, " ");
	}
	if (p->key) {
		sbuf_add(&b, p->key);
		sbuf_add(&b, ": ");
	}
	if (p->severity == PROBLEM_WARNING)
		sbuf_add(&b, "warning: ");
	else if (p->severity == PROBLEM_NOTE)
		sbuf_add(&b, "note: ");
	sbuf_add(&b, p->message);
	return sbuf_take(&b);
}

void problems_print(const struct problems *ps, FILE *f)
{
	for (size_t i = 0; i < ps->n; i++) {
		char *s = problem_format(&ps->items[i]);
		fprintf(f, "%s\n", s);
		free(s);
	}
}
