/* profile_save — writes the site profile back, atomically, keeping what the user wrote by
 * hand: comments, blank lines, key order, the spelling of values that did not change, and the
 * inline comment of a value that did. New keys go at the end of their section, sections of
 * removed Pis are dropped, new Pis are appended. A fresh file gets a tidy layout. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/fsutil.h"
#include "core/site/profile_priv.h"
#include "core/base/util.h"

#define MAX_KEYS 32
_Static_assert((int)SK_COUNT <= MAX_KEYS && (int)PK_COUNT <= MAX_KEYS, "MAX_KEYS too small");

/* One line of the existing file, split the way the loader reads it. */
struct save_line {
	const char *text; /* the line without its newline */
	size_t len;
	int section;      /* index into sections, -1 before the first header */
	bool header;
	char *key;        /* key of a key = value line, else NULL */
	char *value;      /* its value as the loader sees it (no inline comment, no quotes) */
	size_t comment;   /* offset of the inline comment's leading blanks, or len */
	bool crlf;        /* ended in \r\n: written back the same way */
};

struct save_section {
	bool server;
	char *pi_name;    /* [pi "NAME"], or NULL */
	int last_key;     /* index of the last key line (or the header) */
};

struct save_doc {
	struct save_line *lines;
	size_t n;
	struct save_section *sections;
	size_t n_sections;
};

static void doc_done(struct save_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->lines[i].key);
		free(d->lines[i].value);
	}
	for (size_t i = 0; i < d->n_sections; i++)
		free(d->sections[i].pi_name);
	free(d->lines);
	free(d->sections);
}

static char *section_pi_name(const char *inner, size_t n)
{
	char *t = xstrndup(inner, n);
	char *s = str_trim(t);
	char *name = NULL;
	if (!strncmp(s, "pi", 2) && isspace((unsigned char)s[2])) {
		char *q = str_trim(s + 2);
		size_t qn = strlen(q);
		if (qn >= 2 && q[0] == '"' && q[qn - 1] == '"')
			name = xstrndup(q + 1, qn - 2);
	}
	free(t);
	return name;
}

static void parse_header(struct save_doc *d, struct save_line *l, const char *p)
{
	const char *e = memchr(p, ']', l->len - (size_t)(p - l->text));
	if (!e)
		return;
	d->sections = xrealloc(d->sections, (d->n_sections + 1) * sizeof(*d->sections));
	struct save_section *sec = &d->sections[d->n_sections];
	char *inner = xstrndup(p + 1, (size_t)(e - p - 1));
	sec->server = !strcmp(str_trim(inner), "server");
	free(inner);
	sec->pi_name = sec->server ? NULL : section_pi_name(p + 1, (size_t)(e - p - 1));
	sec->last_key = (int)(l - d->lines);
	l->header = true;
	l->section = (int)d->n_sections++;
}

/* key = value ; comment — the inline comment starts at a ';' after white space (inih). */
static void parse_key(struct save_doc *d, struct save_line *l, const char *p)
{
	const char *end = l->text + l->len;
	const char *eq = memchr(p, '=', (size_t)(end - p));
	if (!eq)
		return;
	char *k = xstrndup(p, (size_t)(eq - p));
	l->key = xstrdup(str_trim(k));
	free(k);
	const char *v = eq + 1, *c = end;
	for (const char *q = v; q < end; q++)
		if (*q == ';' && q > v && isspace((unsigned char)q[-1])) {
			c = q;
			break;
		}
	while (c > v && isspace((unsigned char)c[-1]))
		c--;
	l->comment = (size_t)(c - l->text);
	char *val = xstrndup(v, (size_t)(c - v));
	char *t = str_trim(val);
	size_t tn = strlen(t);
	if (tn >= 2 && t[0] == '"' && t[tn - 1] == '"') {
		t[tn - 1] = '\0';
		t++;
	}
	l->value = xstrdup(t);
	free(val);
	if (l->section >= 0)
		d->sections[l->section].last_key = (int)(l - d->lines);
}

/* Splits text (kept alive by the caller) into lines and sections. */
static void doc_parse(struct save_doc *d, const char *text)
{
	memset(d, 0, sizeof(*d));
	size_t lines = 1;
	for (const char *q = text; (q = strchr(q, '\n')); q++)
		lines++;
	d->lines = xmalloc(lines * sizeof(*d->lines));
	int section = -1;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t advance = nl ? len + 1 : len; /* before the \r is taken off len */
		struct save_line *l = &d->lines[d->n++];
		*l = (struct save_line){.text = p, .len = len, .section = section, .comment = len};
		if (len && p[len - 1] == '\r') {
			l->len = l->comment = --len;
			l->crlf = true;
		}
		const char *q = p;
		while (q < p + len && isspace((unsigned char)*q))
			q++;
		if (q < p + len && *q == '[') {
			parse_header(d, l, q);
			if (l->header)
				section = l->section;
		} else if (q < p + len && *q != ';' && *q != '#' && section >= 0) {
			parse_key(d, l, q);
		}
		p += advance;
	}
}

/* ---- which values to write ---- */

/* The value a key would have if it were not written at all (heap or NULL). */
static char *server_default(enum profile_server_key k)
{
	struct site d;
	site_init(&d);
	char *v = profile_server_value(&d, k);
	site_done(&d);
	return v;
}

static char *pi_default(const struct site *s, const struct pi *p, enum profile_pi_key k)
{
	struct site d;
	site_init(&d);
	free(d.iqn_base);
	free(d.nfs_root);
	d.iqn_base = xstrdup(s->iqn_base);
	d.nfs_root = xstrdup(s->nfs_root);
	site_add_pi(&d, p->name);
	site_apply_defaults(&d);
	char *v = profile_pi_value(&d.pis[0], k);
	site_done(&d);
	return v;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *value_of(const struct site *s, const struct pi *p, int k)
{
	return p ? profile_pi_value(p, (enum profile_pi_key)k)
		 : profile_server_value(s, (enum profile_server_key)k);
}

/* The written value old of key k (a [pi] key when pi), normalised the way the loader would
 * store it (heap or NULL when old is not a valid value). Comparing that with the site's value
 * tells "unchanged" apart from "written differently" (DC-A6-… vs dc:a6:…). */
static char *canonical(bool pi, int k, const char *old)
{
	char *err = pi ? profile_check_pi_value((enum profile_pi_key)k, old)
		       : profile_check_server_value((enum profile_server_key)k, old);
	if (err) {
		free(err);
		return NULL;
	}
	struct site d;
	site_init(&d);
	struct pi *p = pi ? site_add_pi(&d, "x") : NULL;
	if (p)
		profile_store_pi(p, (enum profile_pi_key)k, old);
	else
		profile_store_server(&d, (enum profile_server_key)k, old);
	char *v = value_of(&d, p, k);
	site_done(&d);
	return v;
}

/* Keys a fresh file always spells out, even at their default, so a reader sees the choices. */
static bool always_written(const struct site *s, const struct pi *p, int k)
{
	if (p)
		return k == PK_MODEL || k == PK_TFTP_PREFIX;
	switch (k) {
	case SK_DHCP:
	case SK_TFTP:
	case SK_TFTP_ROOT:
	case SK_ROOT: return true;
	case SK_ISCSI_TARGET:
	case SK_IQN_BASE: return s->root == ROOT_ISCSI;
	case SK_NFS_ROOT: return s->root == ROOT_NFS;
	default: return false;
	}
}

/* The value to write for a key the file does not have yet, or NULL to leave it out. */
static char *value_to_add(const struct site *s, const struct pi *p, int k, bool fresh)
{
	char *v = value_of(s, p, k);
	if (!v || (fresh && always_written(s, p, k)))
		return v;
	char *def = p ? pi_default(s, p, (enum profile_pi_key)k)
		      : server_default((enum profile_server_key)k);
	bool same = str_eq(v, def);
	free(def);
	if (same) {
		free(v);
		return NULL;
	}
	return v;
}

/* ---- writing ---- */

static void emit_raw(struct sbuf *out, const struct save_line *l)
{
	sbuf_addn(out, l->text, l->len);
	sbuf_add(out, l->crlf ? "\r\n" : "\n");
}

static void emit_key(struct sbuf *out, const char *key, const char *value)
{
	sbuf_printf(out, "%s = %s\n", key, value);
}

/* Rewrites or keeps one key line; drops it when the key has no value any more. */
static void emit_existing_key(struct sbuf *out, const struct site *s, const struct pi *p,
			      const struct save_line *l, int k, bool *done)
{
	if (k < 0) {
		emit_raw(out, l);
		return;
	}
	if (done[k])
		return; /* a repeated key: the first one carries the value */
	done[k] = true;
	char *now = value_of(s, p, k);
	char *old = canonical(p != NULL, k, l->value);
	if (str_eq(now, old)) {
		emit_raw(out, l);
	} else if (now) {
		const char *t = l->text;
		while (isspace((unsigned char)*t) && t < l->text + l->len)
			sbuf_addc(out, *t++);
		sbuf_printf(out, "%s = %s", l->key, now);
		sbuf_addn(out, l->text + l->comment, l->len - l->comment);
		sbuf_add(out, l->crlf ? "\r\n" : "\n");
	}
	free(now);
	free(old);
}

static void emit_new_keys(struct sbuf *out, const struct site *s, const struct pi *p,
			  const bool *done, bool fresh)
{
	int n = p ? PK_COUNT : SK_COUNT;
	for (int k = 0; k < n; k++) {
		if (done[k])
			continue;
		char *v = value_to_add(s, p, k, fresh);
		if (v)
			emit_key(out, p ? profile_pi_key_names[k] : profile_server_key_names[k], v);
		free(v);
	}
}

static void emit_fresh_section(struct sbuf *out, const struct site *s, const struct pi *p)
{
	bool done[MAX_KEYS] = {false};
	if (p)
		sbuf_printf(out, "[pi \"%s\"]\n", p->name);
	else
		sbuf_add(out, "[server]\n");
	emit_new_keys(out, s, p, done, true);
}

struct save_state {
	const struct site *s;
	struct sbuf *out;
	bool *pi_written;   /* per Pi of s */
	bool server_written;
};

/* Resolves a section of the file to what it stands for now: the server, a Pi still in the
 * site (returned through pi), or nothing (dropped). Returns false to drop the section. */
static bool section_target(struct save_state *st, const struct save_section *sec,
			   const struct pi **pi)
{
	*pi = NULL;
	if (sec->server) {
		bool first = !st->server_written;
		st->server_written = true;
		return first;
	}
	if (!sec->pi_name)
		return true; /* not ours: keep it as written */
	const struct pi *p = site_find_pi(st->s, sec->pi_name);
	if (!p || st->pi_written[p - st->s->pis])
		return false;
	st->pi_written[p - st->s->pis] = true;
	*pi = p;
	return true;
}

static bool is_blank(const struct save_line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->text[i]))
			return false;
	return true;
}

static void emit_doc(struct save_state *st, const struct save_doc *d)
{
	bool done[MAX_KEYS];
	bool keep = true, ours = false;
	const struct pi *pi = NULL;
	if (!d->n_sections || !d->sections[0].server) {
		bool has_server = false;
		for (size_t i = 0; i < d->n_sections; i++)
			has_server |= d->sections[i].server;
		if (!has_server) {
			emit_fresh_section(st->out, st->s, NULL);
			sbuf_addc(st->out, '\n');
			st->server_written = true;
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct save_line *l = &d->lines[i];
		if (l->header) {
			const struct save_section *sec = &d->sections[l->section];
			keep = section_target(st, sec, &pi);
			ours = keep && (sec->server || pi);
			memset(done, 0, sizeof(done));
		}
		if (!keep) {
			/* a dropped section loses its keys; comments after its last key stay */
			if (l->section >= 0 && (int)i <= d->sections[l->section].last_key)
				continue;
			if (is_blank(l) && (!st->out->len || str_endswith(st->out->buf, "\n\n")))
				continue;
		}
		if (l->key && keep && ours && !l->header) {
			int k = pi ? profile_pi_key_find(l->key) : profile_server_key_find(l->key);
			emit_existing_key(st->out, st->s, pi, l, k, done);
		} else {
			emit_raw(st->out, l);
		}
		if (keep && ours && l->section >= 0 && (int)i == d->sections[l->section].last_key)
			emit_new_keys(st->out, st->s, pi, done, false);
	}
}

static void emit_new_pis(struct save_state *st)
{
	for (size_t i = 0; i < st->s->n_pis; i++) {
		if (st->pi_written[i])
			continue;
		if (st->out->len && !str_endswith(st->out->buf, "\n\n"))
			sbuf_addc(st->out, '\n');
		emit_fresh_section(st->out, st->s, &st->s->pis[i]);
	}
}

char *profile_render_text(const struct site *s, const char *existing)
{
	struct sbuf out;
	sbuf_init(&out);
	struct save_state st = {.s = s, .out = &out, .pi_written = xcalloc(s->n_pis + 1, 1)};
	if (existing && *existing) {
		struct save_doc d;
		doc_parse(&d, existing);
		emit_doc(&st, &d);
		doc_done(&d);
	}
	if (!st.server_written) {
		emit_fresh_section(&out, s, NULL);
		st.server_written = true;
	}
	emit_new_pis(&st);
	free(st.pi_written);
	return sbuf_take(&out);
}

int profile_save(const struct site *s, const char *path)
{
	mode_t mode = 0644;
	errno = 0;
	struct stat st;
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	size_t len;
	char *existing = fs_read_file(path, &len);
	if (!existing && errno != ENOENT)
		return -1;
	char *text = profile_render_text(s, existing);
	int rc = fs_write_atomic(path, text, strlen(text), mode);
	int saved = errno;
	free(text);
	free(existing);
	errno = saved;
	return rc;
}
