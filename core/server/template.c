/* template — parser and renderer of the template language described in template.h. Names are
 * resolved to indices at parse time, so rendering 1,000 Pis is a walk over a small tree with no
 * string lookups. */
#include "core/server/template.h"

#include "core/base/place.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum tnode_kind { TN_TEXT, TN_FIELD, TN_LIST, TN_IF };
enum tfilter { TF_NONE, TF_JSON, TF_YAML, TF_SH };
enum tcmp { TC_SET, TC_EMPTY, TC_EQ, TC_NE };

struct tref {
	int list; /* -1: a root field; otherwise the list whose item holds it */
	size_t idx;
};

struct tnode;
struct tblock {
	struct tnode *v;
	size_t n, cap;
};

struct tnode {
	enum tnode_kind kind;
	const char *text; /* TN_TEXT: points into the template's own copy of its text */
	size_t len;
	struct tref ref; /* TN_FIELD, TN_IF */
	enum tfilter filter;
	enum tcmp cmp;
	char *lit;   /* TN_IF with == / != */
	size_t list; /* TN_LIST */
	struct tblock body, alt;
};

struct tmpl {
	char *text;
	struct tblock root;
	const struct tmpl_schema *sc; /* owned by the caller, outlives the template */
};

/* What ended a block: the end of the text, {{else}}, or a closing tag. */
enum tend { END_EOF, END_ELSE, END_CLOSE, END_ERROR };

struct parser {
	const char *name;
	const char *s;
	size_t len, pos;
	int line; /* line of s[pos] */
	const struct tmpl_schema *sc;
	struct problems *ps;
	int errors;
	int cur_list;	 /* list we are inside, or -1 */
	char closer[64]; /* name in the last closing tag */
	int tag_line;
	int depth; /* blocks open around the current position */
};

/* Blocks nest at most this deep: parsing and rendering recurse once per level, and a
 * --templates file is input like any other (50,000 nested {{#if}} must be an error, not a
 * stack overflow). */
#define TMPL_MAX_DEPTH 64

static void perr(struct parser *p, int line, const char *fmt, const char *a, const char *b)
{
	problems_add(p->ps, PROBLEM_ERROR, p->name, line, NULL, NULL, fmt, a, b ? b : "");
	p->errors++;
}

static struct tnode *block_push(struct tblock *b, enum tnode_kind kind)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	struct tnode *n = &b->v[b->n++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

static void block_free(struct tblock *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].lit);
		block_free(&b->v[i].body);
		block_free(&b->v[i].alt);
	}
	free(b->v);
}

static void advance(struct parser *p, size_t to)
{
	for (; p->pos < to; p->pos++)
		if (p->s[p->pos] == '\n')
			p->line++;
}

static void add_text(struct tblock *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	struct tnode *t = block_push(b, TN_TEXT);
	t->text = s;
	t->len = n;
}

static bool find_field(const char *const *fields, size_t n, const char *name, size_t *idx)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0) {
			*idx = i;
			return true;
		}
	return false;
}

static bool resolve(struct parser *p, const char *name, struct tref *ref)
{
	if (p->cur_list >= 0) {
		const struct tmpl_list_schema *l = &p->sc->lists[p->cur_list];
		if (find_field(l->fields, l->n_fields, name, &ref->idx)) {
			ref->list = p->cur_list;
			return true;
		}
	}
	if (find_field(p->sc->fields, p->sc->n_fields, name, &ref->idx)) {
		ref->list = -1;
		return true;
	}
	for (size_t i = 0; i < p->sc->n_lists; i++) {
		size_t dummy;
		const struct tmpl_list_schema *l = &p->sc->lists[i];
		if ((int)i != p->cur_list && find_field(l->fields, l->n_fields, name, &dummy)) {
			perr(p, p->tag_line, "{{%s}} is only known inside {{#%s}} … {{/…}}", name,
			     l->name);
			return false;
		}
	}
	perr(p, p->tag_line, "unknown field {{%s}} (see TEMPLATES in pinetboot(1) for the fields)",
	     name, NULL);
	return false;
}

static int find_list(const struct parser *p, const char *name)
{
	for (size_t i = 0; i < p->sc->n_lists; i++)
		if (strcmp(p->sc->lists[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A field tag: NAME or NAME|FILTER. */
static void parse_field(struct parser *p, struct tblock *b, char *tag)
{
	enum tfilter f = TF_NONE;
	char *bar = strchr(tag, '|');
	if (bar) {
		*bar = '\0';
		char *fname = str_trim(bar + 1);
		if (strcmp(fname, "json") == 0)
			f = TF_JSON;
		else if (strcmp(fname, "yaml") == 0)
			f = TF_YAML;
		else if (strcmp(fname, "sh") == 0)
			f = TF_SH;
		else {
			perr(p, p->tag_line, "unknown filter |%s (expected |json, |yaml or |sh)", fname,
			     NULL);
			return;
		}
	}
	str_trim(tag);
	struct tref ref;
	if (!resolve(p, tag, &ref))
		return;
	struct tnode *n = block_push(b, TN_FIELD);
	n->ref = ref;
	n->filter = f;
}

/* "#if [!]NAME [== "lit" | != "lit"]" (tag points past "if"). */
static bool parse_cond(struct parser *p, struct tnode *n, char *expr)
{
	expr = str_trim(expr);
	n->cmp = TC_SET;
	if (*expr == '!') {
		n->cmp = TC_EMPTY;
		expr = str_trim(expr + 1);
	}
	char *end = expr + strcspn(expr, " \t=!");
	char *rest = end;
	char saved = *end;
	*end = '\0';
	if (!*expr) {
		perr(p, p->tag_line, "{{#if}} needs a field name, e.g. {{#if pi.serial}}", "",
		     NULL);
		return false;
	}
	if (!resolve(p, expr, &n->ref))
		return false;
	*rest = saved;
	rest = str_trim(rest);
	if (!*rest)
		return true;
	if (n->cmp == TC_EMPTY || (strncmp(rest, "==", 2) != 0 && strncmp(rest, "!=", 2) != 0)) {
		perr(p, p->tag_line,
		     "cannot read condition \"%s\" (expected NAME, !NAME, NAME == \"text\" or NAME "
		     "!= \"text\")",
		     rest, NULL);
		return false;
	}
	n->cmp = rest[0] == '=' ? TC_EQ : TC_NE;
	char *lit = str_trim(rest + 2);
	size_t ll = strlen(lit);
	if (ll < 2 || lit[0] != '"' || lit[ll - 1] != '"') {
		perr(p, p->tag_line, "the text to compare with must be in double quotes, not %s",
		     lit, NULL);
		return false;
	}
	n->lit = xstrndup(lit + 1, ll - 2);
	return true;
}

/* True when the tag [a, e) stands alone on its line; then *ls is the start of the line and *next
 * the position after the line's newline. */
static bool standalone(const struct parser *p, size_t a, size_t e, size_t *ls, size_t *next)
{
	size_t i = a;
	while (i > 0 && (p->s[i - 1] == ' ' || p->s[i - 1] == '\t'))
		i--;
	if (i > 0 && p->s[i - 1] != '\n')
		return false;
	size_t j = e;
	while (j < p->len && (p->s[j] == ' ' || p->s[j] == '\t'))
		j++;
	if (j < p->len && p->s[j] != '\n')
		return false;
	*ls = i;
	*next = j < p->len ? j + 1 : j;
	return true;
}

static enum tend parse_block(struct parser *p, struct tblock *b);

static enum tend parse_list(struct parser *p, struct tblock *b, const char *name, int open_line)
{
	int li = find_list(p, name);
	if (li < 0) {
		perr(p, open_line,
		     "unknown list {{#%s}} (expected {{#pis}}, {{#files}} or {{#if …}})", name,
		     NULL);
		return END_ERROR;
	}
	if (p->cur_list >= 0) {
		perr(p, open_line, "{{#%s}} inside {{#%s}}: lists cannot be nested", name,
		     p->sc->lists[p->cur_list].name);
		return END_ERROR;
	}
	struct tnode *n = block_push(b, TN_LIST);
	n->list = (size_t)li;
	p->cur_list = li;
	struct tblock body = {0};
	enum tend e = parse_block(p, &body);
	p->cur_list = -1;
	n->body = body; /* the body has its own block, so parsing it did not move n */
	if (e == END_EOF)
		perr(p, open_line, "{{#%s}} is never closed (expected {{/%s}})", name, name);
	else if (e == END_ELSE)
		perr(p, p->tag_line, "{{else}} inside {{#%s}} belongs to no {{#if}}", name, NULL);
	else if (e == END_CLOSE && strcmp(p->closer, name) != 0)
		perr(p, p->tag_line, "{{/%s}} closes {{#%s}} (expected {{/%s}})", p->closer, name);
	return e == END_CLOSE && strcmp(p->closer, name) == 0 ? END_CLOSE : END_ERROR;
}

static enum tend parse_if(struct parser *p, struct tblock *b, char *expr, int open_line)
{
	struct tnode tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.kind = TN_IF;
	if (!parse_cond(p, &tmp, expr)) {
		free(tmp.lit);
		tmp.lit = NULL;
	}
	enum tend e = parse_block(p, &tmp.body);
	if (e == END_ELSE)
		e = parse_block(p, &tmp.alt);
	if (e == END_EOF)
		perr(p, open_line, "{{#if}} opened here is never closed (expected {{/if}})", "",
		     NULL);
	else if (e == END_ELSE)
		perr(p, p->tag_line, "a second {{else}} in one {{#if}}", "", NULL);
	else if (e == END_CLOSE && strcmp(p->closer, "if") != 0)
		perr(p, p->tag_line, "{{/%s}} closes an {{#if}} (expected {{/if}})", p->closer,
		     NULL);
	*block_push(b, TN_IF) = tmp;
	return e == END_CLOSE && strcmp(p->closer, "if") == 0 ? END_CLOSE : END_ERROR;
}

/* Parses text and tags into b until the end of the text, {{else}} or a closing tag. */
static enum tend parse_block_in(struct parser *p, struct tblock *b);

static enum tend parse_block(struct parser *p, struct tblock *b)
{
	if (p->depth >= TMPL_MAX_DEPTH) {
		perr(p, p->tag_line, "blocks nest deeper than %s levels here (expected at most that)",
		     "64", NULL);
		return END_ERROR;
	}
	p->depth++;
	enum tend e = parse_block_in(p, b);
	p->depth--;
	return e;
}

static enum tend parse_block_in(struct parser *p, struct tblock *b)
{
	while (p->pos < p->len) {
		const char *open = memmem(p->s + p->pos, p->len - p->pos, "{{", 2);
		if (!open) {
			add_text(b, p->s + p->pos, p->len - p->pos);
			advance(p, p->len);
			return END_EOF;
		}
		size_t a = (size_t)(open - p->s);
		if (a > p->pos && p->s[a - 1] == '\\') {
			/* \{{ is a literal "{{" (Jinja in the Ansible templates) */
			add_text(b, p->s + p->pos, a - 1 - p->pos);
			add_text(b, p->s + a, 2);
			advance(p, a + 2);
			continue;
		}
		const char *close = memmem(open + 2, p->len - a - 2, "}}", 2);
		size_t text_from = p->pos;
		advance(p, a);
		p->tag_line = p->line;
		if (!close) {
			perr(p, p->line, "\"{{\" is never closed (expected \"}}\")", "", NULL);
			return END_ERROR;
		}
		size_t e = (size_t)(close - p->s) + 2;
		char *tag = xstrndup(open + 2, (size_t)(close - open) - 2);
		char *t = str_trim(tag);
		bool block_tag =
		    t[0] == '#' || t[0] == '/' || t[0] == '!' || strcmp(t, "else") == 0;
		size_t ls = a, next = e;
		if (!block_tag || !standalone(p, a, e, &ls, &next))
			ls = a, next = e;
		add_text(b, p->s + text_from, ls - text_from);
		advance(p, next);
		enum tend r = END_EOF;
		bool done = false;
		if (t[0] == '!') {
			/* comment */
		} else if (strcmp(t, "else") == 0) {
			r = END_ELSE, done = true;
		} else if (t[0] == '/') {
			snprintf(p->closer, sizeof(p->closer), "%s", str_trim(t + 1));
			r = END_CLOSE, done = true;
		} else if (strncmp(t, "#if", 3) == 0 && (t[3] == ' ' || t[3] == '\t' || !t[3])) {
			if (parse_if(p, b, t + 3, p->tag_line) == END_ERROR)
				r = END_ERROR, done = true;
		} else if (t[0] == '#') {
			if (parse_list(p, b, str_trim(t + 1), p->tag_line) == END_ERROR)
				r = END_ERROR, done = true;
		} else {
			parse_field(p, b, t);
		}
		free(tag);
		if (done)
			return r;
	}
	return END_EOF;
}

struct tmpl *tmpl_parse(const char *name, const char *text, size_t len,
			const struct tmpl_schema *schema, struct problems *ps)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	t->text = xmalloc(len + 1); /* not strndup: the text may hold NUL bytes */
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->sc = schema;
	struct parser p = {.name = name,
			   .s = t->text,
			   .len = len,
			   .line = 1,
			   .sc = schema,
			   .ps = ps,
			   .cur_list = -1};
	enum tend e = parse_block(&p, &t->root);
	if (e == END_ELSE)
		perr(&p, p.tag_line, "{{else}} outside any {{#if}}", "", NULL);
	else if (e == END_CLOSE)
		perr(&p, p.tag_line, "{{/%s}} closes nothing (no block is open)", p.closer, NULL);
	if (p.errors) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	block_free(&t->root);
	free(t->text);
	free(t);
}

static void put_yaml(struct sbuf *out, const char *v)
{
	sbuf_addc(out, '\'');
	for (const char *c = v; *c; c++) {
		if (*c == '\'')
			sbuf_addc(out, '\'');
		sbuf_addc(out, *c == '\n' ? ' ' : *c);
	}
	sbuf_addc(out, '\'');
}

/* row is the offset of the current list item's first value in its list's values. */
static const char *value_of(const struct tmpl_data *d, struct tref r, size_t row)
{
	const char *v = r.list < 0 ? d->values[r.idx] : d->lists[r.list].values[row + r.idx];
	return v ? v : "";
}

struct rstate {
	const struct tmpl *t;
	const struct tmpl_data *d;
	size_t row;
};

static void render_block(const struct tblock *b, const struct rstate *st, struct sbuf *out);

static bool cond_true(const struct tnode *n, const struct rstate *st)
{
	const char *v = value_of(st->d, n->ref, st->row);
	switch (n->cmp) {
	case TC_SET:
		return *v != '\0';
	case TC_EMPTY:
		return *v == '\0';
	case TC_EQ:
		return strcmp(v, n->lit ? n->lit : "") == 0;
	case TC_NE:
		return strcmp(v, n->lit ? n->lit : "") != 0;
	}
	return false;
}

static void render_block(const struct tblock *b, const struct rstate *st, struct sbuf *out)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct tnode *n = &b->v[i];
		switch (n->kind) {
		case TN_TEXT:
			sbuf_addn(out, n->text, n->len);
			break;
		case TN_FIELD: {
			const char *v = value_of(st->d, n->ref, st->row);
			if (n->filter == TF_JSON)
				sbuf_add_json(out, v, strlen(v));
			else if (n->filter == TF_YAML)
				put_yaml(out, v);
			else if (n->filter == TF_SH)
				sbuf_add_sh(out, v);
			else
				sbuf_add(out, v);
			break;
		}
		case TN_LIST: {
			const struct tmpl_list_data *l = &st->d->lists[n->list];
			size_t w = st->t->sc->lists[n->list].n_fields;
			for (size_t k = 0; k < l->n_items; k++) {
				struct rstate in = *st;
				in.row = k * w;
				render_block(&n->body, &in, out);
			}
			break;
		}
		case TN_IF:
			render_block(cond_true(n, st) ? &n->body : &n->alt, st, out);
			break;
		}
	}
}

void tmpl_render(const struct tmpl *t, const struct tmpl_data *d, struct sbuf *out)
{
	struct rstate st = {.t = t, .d = d, .row = 0};
	render_block(&t->root, &st, out);
}
