/* profile_csv — CSV inventory import (parsed with libcsv), validated row by row. */
#include "core/site/profile_csv.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/site/profile_priv.h"
#include "core/base/util.h"

#define COL_NAME (-2)
#define COL_UNKNOWN (-1)

struct csv_ctx {
	const char *file;
	struct problems *ps;
	struct site *s;
	size_t first_new;     /* index of the first Pi made from a row */
	int line;             /* physical line being fed to libcsv */
	int row_line;         /* line the current row started on */
	size_t field;         /* index of the field in the current row */
	bool header_done;
	int *cols;            /* per header column: COL_NAME, a pi key, or COL_UNKNOWN */
	size_t n_cols;
	char **row;           /* the current row's fields */
	size_t row_cap;
};

/* Spreadsheet headers: "TFTP Prefix" and "tftp-prefix" both name tftp_prefix. */
static char *header_key(const char *name)
{
	char *k = xstrdup(name);
	for (char *p = k; *p; p++)
		*p = (*p == ' ' || *p == '-') ? '_' : (char)tolower((unsigned char)*p);
	static const char *const alias[][2] = {{"mac_address", "mac"},
						 {"serial_number", "serial"},
						 {"ip_address", "ip"},
						 {"pi", "name"}};
	for (size_t i = 0; i < PNB_ARRAY_LEN(alias); i++)
		if (!strcmp(k, alias[i][0])) {
			free(k);
			return xstrdup(alias[i][1]);
		}
	return k;
}

static void add_header_column(struct csv_ctx *c, const char *name)
{
	c->cols = xrealloc(c->cols, (c->n_cols + 1) * sizeof(*c->cols));
	char *key = header_key(name);
	int k = !strcmp(key, "name") ? COL_NAME : profile_pi_key_find(key);
	free(key);
	if (k == COL_UNKNOWN) {
		char *msg = profile_unknown_key_message(name, false);
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, NULL,
			     "column \"%s\" %s (or name)", name, msg);
		free(msg);
	}
	for (size_t i = 0; i < c->n_cols; i++)
		if (c->cols[i] == k && k != COL_UNKNOWN)
			problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, NULL,
				     "column \"%s\" appears twice (expected each column once)", name);
	c->cols[c->n_cols++] = k;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct csv_ctx *c = ctx;
	if (c->field == 0)
		c->row_line = c->line;
	char *v = xstrndup(data ? data : "", len);
	if (!c->header_done) {
		add_header_column(c, str_trim(v));
		free(v);
	} else {
		if (c->field >= c->row_cap) {
			c->row_cap = c->field + 8;
			c->row = xrealloc(c->row, c->row_cap * sizeof(*c->row));
		}
		c->row[c->field] = v;
	}
	c->field++;
}

static char *column_label(int k)
{
	return xasprintf("column %s", k == COL_NAME ? "name" : profile_pi_key_names[k]);
}

static struct pi *find_pi_nocase(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->n_pis; i++)
		if (!strcasecmp(s->pis[i].name, name))
			return &s->pis[i];
	return NULL;
}

/* Checks one field; stores it into p when p is not NULL (the row's Pi). */
static void take_field(struct csv_ctx *c, struct pi *p, int k, const char *v)
{
	if (k < 0 || !*v)
		return;
	if (p)
		p->key_line[k] = c->row_line;
	char *err = profile_check_pi_value((enum profile_pi_key)k, v);
	if (err) {
		char *col = column_label(k);
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, col, "%s", err);
		free(col);
		free(err);
	} else if (p) {
		profile_store_pi(p, (enum profile_pi_key)k, v);
	}
}

/* Validates one row's fields and turns it into a Pi of c->s. */
static void take_row(struct csv_ctx *c)
{
	const char *name = NULL;
	for (size_t i = 0; i < c->field && i < c->n_cols; i++)
		if (c->cols[i] == COL_NAME)
			name = str_trim(c->row[i]);
	if (c->field != c->n_cols)
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, NULL,
			     "has %zu fields but the header has %zu (expected one per column; "
			     "quote fields that contain commas)",
			     c->field, c->n_cols);
	char *bad = name ? profile_check_name("Pi name", name) : xstrdup("is empty (expected "
									 "the Pi's name)");
	struct pi *p = NULL;
	if (bad) {
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, "column name", "%s",
			     bad);
		free(bad);
	} else if ((p = find_pi_nocase(c->s, name)) != NULL) {
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, "column name",
			     "\"%s\" is also the name of %s Pi (line %d) (expected each Pi to have "
			     "its own name; case does not count)",
			     name, (size_t)(p - c->s->pis) < c->first_new ? "an existing" : "an earlier",
			     p->line);
		p = NULL;
	} else {
		p = site_add_pi(c->s, name);
		p->line = c->row_line;
	}
	for (size_t i = 0; i < c->field && i < c->n_cols; i++)
		take_field(c, p, c->cols[i], str_trim(c->row[i]));
}

static void on_row(int term, void *ctx)
{
	struct csv_ctx *c = ctx;
	(void)term;
	if (!c->header_done) {
		c->header_done = true;
		bool has_name = false;
		for (size_t i = 0; i < c->n_cols; i++)
			has_name |= c->cols[i] == COL_NAME;
		if (!has_name)
			problems_add(c->ps, PROBLEM_ERROR, c->file, c->row_line, NULL, NULL,
				     "the header row has no name column (expected a first row "
				     "naming the columns: name, model, serial, mac, …)");
	} else {
		take_row(c);
		for (size_t i = 0; i < c->field; i++)
			free(c->row[i]);
	}
	c->field = 0;
}

/* Feeds the file to libcsv one physical line at a time, so each row knows its line. */
static int parse_file(struct csv_ctx *c, FILE *f)
{
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		char *p = buf;
		if (++c->line == 1) {
			/* spreadsheets write a UTF-8 byte order mark, and ';' in some locales */
			if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
				p += 3;
				n -= 3;
			}
			if (strchr(p, ';') && !strchr(p, ','))
				csv_set_delim(&parser, ';');
		}
		if (csv_parse(&parser, p, (size_t)n, on_field, on_row, c) != (size_t)n) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && csv_fini(&parser, on_field, on_row, c) != 0)
		rc = -1;
	if (rc)
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->line, NULL, NULL,
			     "cannot be parsed as CSV: %s (expected comma-separated fields, "
			     "\"quoted\" when they hold commas or quotes, with \"\" for a quote)",
			     csv_strerror(csv_error(&parser)));
	csv_free(&parser);
	free(buf);
	return rc;
}

/* Keeps the cross-row findings about the imported Pis, named by column. */
static void keep_row_problems(struct csv_ctx *c, const struct problems *all)
{
	for (size_t i = 0; i < all->n; i++) {
		const struct problem *p = &all->items[i];
		if (!p->section || strncmp(p->section, "[pi \"", 5) != 0)
			continue;
		bool imported = false;
		for (size_t j = c->first_new; j < c->s->n_pis && !imported; j++) {
			char *label = profile_pi_label(c->s->pis[j].name);
			imported = !strcmp(label, p->section);
			free(label);
		}
		if (!imported)
			continue;
		char *col = p->key ? xasprintf("column %s", p->key) : NULL;
		problems_add(c->ps, p->severity, c->file, p->line, col ? NULL : p->section, col,
			     "%s", p->message);
		free(col);
	}
}

static char *sections_text(const struct csv_ctx *c)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = c->first_new; i < c->s->n_pis; i++) {
		const struct pi *p = &c->s->pis[i];
		sbuf_printf(&b, "\n[pi \"%s\"]\n", p->name);
		for (int k = 0; k < PK_COUNT; k++) {
			if (!p->key_line[k])
				continue;
			char *v = profile_pi_value(p, (enum profile_pi_key)k);
			if (v)
				sbuf_printf(&b, "%s = %s\n", profile_pi_key_names[k], v);
			free(v);
		}
	}
	if (!b.buf)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}

/* The site the rows join: the given profile, or a stand-in that accepts fixed addresses. */
static int load_base(const char *site_path, struct site *s, struct problems *ps)
{
	if (site_path) {
		if (profile_load(site_path, s, ps) != 0)
			return -1;
		free(s->path);
		s->path = NULL;
		return 0;
	}
	site_init(s);
	s->dhcp = DHCP_FULL;
	return 0;
}

char *profile_csv_import(const char *csv_path, const char *site_path, struct problems *ps)
{
	struct site s;
	if (load_base(site_path, &s, ps) != 0) {
		site_done(&s);
		return NULL;
	}
	FILE *f = fopen(csv_path, "r");
	if (!f) {
		problems_add(ps, PROBLEM_ERROR, csv_path, 0, NULL, NULL, "cannot be read: %s",
			     strerror(errno));
		site_done(&s);
		return NULL;
	}
	struct csv_ctx c = {.file = csv_path, .ps = ps, .s = &s, .first_new = s.n_pis};
	parse_file(&c, f);
	fclose(f);
	if (!c.header_done)
		problems_add(ps, PROBLEM_ERROR, csv_path, 0, NULL, NULL,
			     "is empty (expected a header row naming the columns, then one row per "
			     "Pi)");
	site_apply_defaults(&s);
	struct problems all;
	problems_init(&all);
	profile_validate(&s, &all);
	keep_row_problems(&c, &all);
	problems_done(&all);
	problems_sort(ps);
	char *text = problems_has_errors(ps) ? NULL : sections_text(&c);
	free(c.cols);
	free(c.row);
	site_done(&s);
	return text;
}
