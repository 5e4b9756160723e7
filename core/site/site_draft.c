/* site_draft — a profile as typed: key = value text read with inih, validated by
 * the profile loader. */
#include "core/site/site_draft.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/util.h"

void draft_init(struct site_draft *ws)
{
	memset(ws, 0, sizeof(*ws));
}

static void pi_done(struct draft_pi *p)
{
	free(p->name);
	for (int k = 0; k < PK_COUNT; k++)
		free(p->val[k]);
	free(p->extra);
}

void draft_done(struct site_draft *ws)
{
	for (int k = 0; k < SK_COUNT; k++)
		free(ws->server[k]);
	for (size_t i = 0; i < ws->n_pis; i++)
		pi_done(&ws->pis[i]);
	free(ws->pis);
	free(ws->extra);
	memset(ws, 0, sizeof(*ws));
}

void draft_set(char **slot, const char *v)
{
	char *old = *slot;
	*slot = v && *v ? xstrdup(v) : NULL;
	free(old);
}

struct draft_pi *draft_add_pi(struct site_draft *ws, const char *name)
{
	ws->pis = xrealloc(ws->pis, (ws->n_pis + 1) * sizeof(*ws->pis));
	struct draft_pi *p = &ws->pis[ws->n_pis++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	return p;
}

void draft_remove_pi(struct site_draft *ws, size_t index)
{
	if (index >= ws->n_pis)
		return;
	pi_done(&ws->pis[index]);
	array_erase(ws->pis, ws->n_pis--, sizeof(*ws->pis), index);
}

static void add_extra(char **extra, const char *key, const char *value)
{
	char *line = xasprintf("%s%s = %s\n", *extra ? *extra : "", key, value);
	free(*extra);
	*extra = line;
}

static int lookup(const char *const *names, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/* A known key's first value goes to its slot; unknown keys and repeats stay as extra lines. */
static void keep_value(char **slot, char **extra, const char *key, const char *value)
{
	if (slot && !*slot)
		*slot = xstrdup(value);
	else
		add_extra(extra, key, value);
}

static int on_pair(void *user, const char *section, const char *key, const char *value)
{
	struct site_draft *ws = user;
	if (!strcmp(section, "server")) {
		int k = lookup(profile_server_key_names, SK_COUNT, key);
		keep_value(k >= 0 ? &ws->server[k] : NULL, &ws->extra, key, value);
		return 1;
	}
	char *name = profile_pi_section_name(section);
	if (!name)
		return 1; /* the loader reports unknown sections when the model is built */
	struct draft_pi *p = NULL;
	for (size_t i = 0; i < ws->n_pis; i++)
		if (!strcmp(ws->pis[i].name, name))
			p = &ws->pis[i];
	if (!p)
		p = draft_add_pi(ws, name);
	free(name);
	int k = lookup(profile_pi_key_names, PK_COUNT, key);
	keep_value(k >= 0 ? &p->val[k] : NULL, &p->extra, key, value);
	return 1;
}

/* Debian's inih does not report sections without keys (INI_CALL_HANDLER_ON_NEW_SECTION is 0),
 * so a [pi] section with no keys at all is not part of the model. */
int draft_load(struct site_draft *ws, const char *path, struct problems *ps)
{
	draft_init(ws);
	int rc = ini_parse(path, on_pair, ws);
	if (rc < 0) {
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read: %s",
			     strerror(errno));
		return -1;
	}
	if (rc > 0) {
		problems_add(ps, PROBLEM_ERROR, path, rc, NULL, NULL,
			     "cannot be parsed (expected [section] or key = value)");
		return -1;
	}
	draft_read_lines(ws, path);
	return 0;
}

void draft_read_lines(struct site_draft *ws, const char *path)
{
	struct site s;
	struct problems ps;
	problems_init(&ps);
	profile_load(path, &s, &ps); /* lines are set for what was read, valid or not */
	problems_done(&ps);
	ws->line = s.line;
	memcpy(ws->key_line, s.key_line, sizeof(ws->key_line));
	for (size_t i = 0; i < ws->n_pis; i++) {
		struct draft_pi *p = &ws->pis[i];
		const struct pi *sp = site_find_pi(&s, p->name);
		p->line = sp ? sp->line : 0;
		for (int k = 0; k < PK_COUNT; k++)
			p->key_line[k] = sp ? sp->key_line[k] : 0;
	}
	site_done(&s);
}

/* The generated text and, per generated line, the file's line (0: not in the file). */
struct gen {
	struct sbuf b;
	int *map; /* map[generated line] */
	int n, cap;
};

/* Appends text, whose first line is the file's line `file_line`. */
static void emit(struct gen *g, int file_line, const char *text)
{
	sbuf_add(&g->b, text);
	for (const char *c = text; *c; c++) {
		if (*c != '\n')
			continue;
		if (g->n + 2 > g->cap) {
			g->cap = g->cap ? 2 * g->cap : 64;
			g->map = xrealloc(g->map, (size_t)g->cap * sizeof(int));
		}
		g->map[++g->n] = file_line;
		file_line = 0; /* a value's own line breaks are no file line */
	}
}

static void add_pairs(struct gen *g, const char *const *names, char *const *vals,
		      const int *lines, int n)
{
	for (int k = 0; k < n; k++)
		if (vals[k]) {
			char *l = xasprintf("%s = %s\n", names[k], vals[k]);
			emit(g, lines[k], l);
			free(l);
		}
}

static char *render(const struct site_draft *ws, struct gen *g)
{
	memset(g, 0, sizeof(*g));
	sbuf_init(&g->b);
	emit(g, ws->line, "[server]\n");
	add_pairs(g, profile_server_key_names, ws->server, ws->key_line, SK_COUNT);
	if (ws->extra)
		emit(g, 0, ws->extra);
	for (size_t i = 0; i < ws->n_pis; i++) {
		const struct draft_pi *p = &ws->pis[i];
		emit(g, 0, "\n");
		char *h = xasprintf("[pi \"%s\"]\n", p->name);
		emit(g, p->line, h);
		free(h);
		add_pairs(g, profile_pi_key_names, p->val, p->key_line, PK_COUNT);
		if (p->extra)
			emit(g, 0, p->extra);
	}
	return sbuf_take(&g->b);
}

char *draft_to_ini(const struct site_draft *ws)
{
	struct gen g;
	char *text = render(ws, &g);
	free(g.map);
	return text;
}

static int file_line(const struct gen *g, int gen_line)
{
	return gen_line > 0 && gen_line <= g->n ? g->map[gen_line] : 0;
}

/* "… (line 14) …" in a message names a generated line: the file's instead, when known. */
static char *remap_message(const struct gen *g, const char *m)
{
	struct sbuf b;
	sbuf_init(&b);
	const char *c = m;
	for (const char *hit; (hit = strstr(c, "line ")) != NULL;) {
		const char *d = hit + 5;
		char *end;
		long n = strtol(d, &end, 10);
		sbuf_addn(&b, c, (size_t)(d - c));
		bool word = hit == m || !isalpha((unsigned char)hit[-1]); /* not "pipeline 3" */
		if (word && end > d && *d >= '0' && *d <= '9' && n > 0 && n < INT32_MAX &&
		    file_line(g, (int)n)) {
			sbuf_printf(&b, "%d", file_line(g, (int)n));
			c = end;
		} else {
			c = d;
		}
	}
	sbuf_add(&b, c);
	return sbuf_take(&b);
}

static void remap_site(const struct gen *g, struct site *s)
{
	s->line = file_line(g, s->line);
	for (int k = 0; k < SK_COUNT; k++)
		s->key_line[k] = file_line(g, s->key_line[k]);
	for (size_t i = 0; i < s->n_pis; i++) {
		struct pi *p = &s->pis[i];
		p->line = file_line(g, p->line);
		for (int k = 0; k < PK_COUNT; k++)
			p->key_line[k] = file_line(g, p->key_line[k]);
	}
}

int draft_build(const struct site_draft *ws, const char *name, struct site *out,
		struct problems *ps)
{
	struct gen g;
	char *text = render(ws, &g);
	struct problems raw;
	problems_init(&raw);
	int rc = profile_load_string(name, text, out, &raw);
	free(text);
	remap_site(&g, out);
	/* The problems' own lines refer to the generated text: drop them (the wizard shows
	 * section and key); lines inside the messages become the file's. */
	for (size_t i = 0; i < raw.n; i++) {
		const struct problem *p = &raw.items[i];
		char *m = remap_message(&g, p->message);
		problems_add(ps, p->severity, NULL, 0, p->section, p->key, "%s", m);
		free(m);
	}
	problems_done(&raw);
	free(g.map);
	return rc;
}

char *draft_check_pi_name(const struct site_draft *ws, const char *name, size_t self)
{
	for (size_t i = 0; i < ws->n_pis; i++)
		if (i != self && !strcasecmp(ws->pis[i].name, name)) /* as the loader: case does
									   not count */
			return xasprintf("the name \"%s\" is used by another Pi (case does not count)",
					 name);
	if (strchr(name, '"') || strchr(name, '\n') || strchr(name, ']'))
		return xasprintf(
		    "\"%s\" is not a Pi name (expected 1 to 63 letters, digits or '-')", name);
	/* Ask the loader, so the message is the one `pinetboot lint` prints. */
	char *text = xasprintf("[server]\n[pi \"%s\"]\nmodel = 4B\nmac = 02:00:00:00:00:01\n"
			       "tftp_prefix = mac\n",
			       name);
	struct site s;
	struct problems ps;
	problems_init(&ps);
	profile_load_string("name", text, &s, &ps);
	char *msg = NULL;
	for (size_t i = 0; i < ps.n && !msg; i++)
		if (ps.items[i].line == 2 && !ps.items[i].key)
			msg = xstrdup(ps.items[i].message);
	problems_done(&ps);
	site_done(&s);
	free(text);
	return msg;
}

size_t draft_pi_problem_count(const struct problems *ps, const char *name)
{
	char *label = xasprintf("[pi \"%s\"]", name);
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i++)
		n += ps->items[i].section && !strcmp(ps->items[i].section, label) &&
		     ps->items[i].severity == PROBLEM_ERROR;
	free(label);
	return n;
}
