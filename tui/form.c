/* form — labelled fields over the wizard model, with as-you-type checks. */
#include "tui/form.h"
#include "tui/screen.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

#define LABEL_W 15

static bool server_is(const struct wiz *w, enum profile_server_key k, const char *v, bool dflt)
{
	const char *cur = w->site.server[k];
	return cur ? !strcmp(cur, v) : dflt;
}

bool form_root_iscsi(const struct wiz *w)
{
	return server_is(w, SK_ROOT, "iscsi", true);
}

bool form_root_nfs(const struct wiz *w)
{
	return server_is(w, SK_ROOT, "nfs", false);
}

bool form_dhcp_full(const struct wiz *w)
{
	return server_is(w, SK_DHCP, "full", false) || server_is(w, SK_DHCP, "isc", false) ||
	       server_is(w, SK_DHCP, "kea", false);
}

bool form_dhcp_proxy(const struct wiz *w)
{
	return server_is(w, SK_DHCP, "proxy", true);
}

char *form_check_server(const void *ctx, int key, const char *v)
{
	(void)ctx;
	return profile_check_server_value((enum profile_server_key)key, v);
}

char *form_check_pi(const void *ctx, int key, const char *v)
{
	(void)ctx;
	return profile_check_pi_value((enum profile_pi_key)key, v);
}

struct form_field form_text(const char *label, const char *key_name, const char *help, char **slot,
			    char *(*check)(const void *ctx, int key, const char *v))
{
	return (struct form_field){.label = label,
				   .key_name = key_name,
				   .help = help,
				   .kind = FIELD_TEXT,
				   .slot = slot,
				   .check = check};
}

struct form_field form_server_text(struct wiz *w, enum profile_server_key k, const char *label,
				   const char *placeholder)
{
	struct form_field fd =
	    form_text(label, profile_server_key_names[k], profile_server_key_help[k],
		      &w->site.server[k], form_check_server);
	fd.placeholder = placeholder;
	fd.key = k;
	return fd;
}

struct form_field form_server_choice(struct wiz *w, enum profile_server_key k, const char *label,
				     const char *const *choices, const char *placeholder)
{
	struct form_field fd = form_server_text(w, k, label, placeholder);
	fd.kind = FIELD_CHOICE;
	fd.choices = choices;
	return fd;
}

void form_reset(struct form *f, struct form_field *fields, unsigned n, const char *section)
{
	free(f->msg);
	f->msg = NULL;
	f->fields = fields;
	f->n = n;
	if (f->sel >= n)
		f->sel = 0;
	f->editing = false;
	snprintf(f->section, sizeof(f->section), "%s", section);
}

void form_done(struct form *f)
{
	free(f->msg);
	f->msg = NULL;
}

static void recheck(struct form *f)
{
	const struct form_field *fd = &f->fields[f->sel];
	free(f->msg);
	f->msg = fd->check && (f->buf[0] || fd->required)
		     ? fd->check(fd->check_ctx, fd->key, f->buf)
		     : NULL;
}

void form_begin_edit(struct wiz *w, struct form *f, const char *text)
{
	const struct form_field *fd = &f->fields[f->sel];
	const char *v = text ? text : *fd->slot ? *fd->slot : "";
	snprintf(f->buf, sizeof(f->buf), "%s", v);
	f->cur = strlen(f->buf);
	f->editing = true;
	w->text_mode = true;
	recheck(f);
}

static void end_edit(struct wiz *w, struct form *f)
{
	f->editing = false;
	w->text_mode = false;
	free(f->msg);
	f->msg = NULL;
}

int form_set_value(struct wiz *w, struct form *f, const char *v)
{
	char **slot = f->fields[f->sel].slot;
	if ((!v || !*v) && !*slot)
		return WIZ_REDRAW;
	if (v && *slot && !strcmp(v, *slot))
		return WIZ_REDRAW;
	draft_set(slot, v);
	int r = WIZ_REDRAW | (f->fields[f->sel].local ? 0 : WIZ_CHANGED);
	if (f->changed)
		r |= f->changed(w, f, f->sel);
	return r;
}

static int pick_choice(struct wiz *w, void *ctx, unsigned index)
{
	struct form *f = ctx;
	return form_set_value(w, f, f->fields[f->sel].choices[index]);
}

static const char *choice_help(const struct form_field *fd, const char *choice)
{
	for (const struct form_choice_help *h = fd->choice_help; h->choice; h++)
		if (!strcmp(h->choice, choice))
			return h->help;
	return "";
}

static int open_choices(struct wiz *w, struct form *f)
{
	const struct form_field *fd = &f->fields[f->sel];
	unsigned n = 0, sel = 0;
	while (fd->choices[n]) {
		if (*fd->slot && !strcmp(*fd->slot, fd->choices[n]))
			sel = n;
		n++;
	}
	if (!fd->choice_help) {
		wiz_popup_open(w, fd->label, fd->choices, n, sel, pick_choice, f);
		return WIZ_REDRAW;
	}
	/* "proxy   your router keeps…": what each choice means, as dialog/rpi-imager show it */
	char **items = xcalloc(n, sizeof(char *));
	for (unsigned i = 0; i < n; i++)
		items[i] = xasprintf("%-16s %s", fd->choices[i], choice_help(fd, fd->choices[i]));
	wiz_popup_open(w, fd->label, (const char *const *)items, n, sel, pick_choice, f);
	for (unsigned i = 0; i < n; i++)
		free(items[i]);
	free(items);
	return WIZ_REDRAW;
}

static int edit_key(struct wiz *w, struct form *f, enum wiz_action a, int ch)
{
	if (a == ACT_CANCEL) {
		end_edit(w, f);
		wiz_status(w, MSG_INFO, "edit cancelled");
		return WIZ_REDRAW;
	}
	if (a == ACT_ENTER) {
		if (f->msg) {
			wiz_status(w, MSG_ERROR, "%s: not accepted (fix it, or Esc to cancel)",
				   f->fields[f->sel].key_name);
			return WIZ_REDRAW;
		}
		char value[sizeof(f->buf)];
		snprintf(value, sizeof(value), "%s", f->buf);
		end_edit(w, f);
		wiz_status(w, MSG_INFO, "%s set", f->fields[f->sel].label);
		return form_set_value(w, f, value);
	}
	if (!wiz_line_edit(f->buf, sizeof(f->buf), &f->cur, ch))
		return WIZ_HANDLED;
	recheck(f);
	return WIZ_REDRAW;
}

static const char *field_problem(const struct wiz *w, const struct form *f,
				 const struct form_field *fd);

bool form_shown(const struct wiz *w, const struct form *f, unsigned i)
{
	const struct form_field *fd = &f->fields[i];
	return !fd->applies || fd->applies(w) || (fd->slot && *fd->slot) ||
	       field_problem(w, f, fd) || i == f->sel;
}

/* The shown fields' indexes in order; returns how many. */
static unsigned shown_fields(const struct wiz *w, const struct form *f, unsigned *out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->n && i < 64; i++)
		if (form_shown(w, f, i))
			out[n++] = i;
	return n;
}

static unsigned pos_of(const unsigned *idx, unsigned n, unsigned sel)
{
	for (unsigned k = 0; k < n; k++)
		if (idx[k] == sel)
			return k;
	return 0;
}

int form_key(struct wiz *w, struct form *f, enum wiz_action a, int ch)
{
	if (f->editing)
		return edit_key(w, f, a, ch);
	unsigned idx[64], n = shown_fields(w, f, idx);
	size_t pos = pos_of(idx, n, f->sel);
	if (wiz_list_move(a, n, 0, &pos)) {
		f->sel = n ? idx[pos] : 0;
		return WIZ_REDRAW;
	}
	switch (a) {
	case ACT_ENTER: {
		const struct form_field *fd = &f->fields[f->sel];
		if (fd->pick)
			return fd->pick(w, f);
		if (fd->kind == FIELD_CHOICE)
			return open_choices(w, f);
		form_begin_edit(w, f, NULL);
		return WIZ_REDRAW;
	}
	case ACT_DELETE:
		if (f->fields[f->sel].required || f->fields[f->sel].kind == FIELD_BUTTON)
			return WIZ_HANDLED;
		wiz_status(w, MSG_INFO, "%s reset to its default", f->fields[f->sel].label);
		return form_set_value(w, f, NULL);
	default:
		return WIZ_IGNORED;
	}
}

/* The loader's message about key in this form's section, or NULL. */
static const char *field_problem(const struct wiz *w, const struct form *f,
				 const struct form_field *fd)
{
	for (size_t i = 0; i < w->problems.n; i++) {
		const struct problem *p = &w->problems.items[i];
		if (p->section && p->key && !strcmp(p->section, f->section) &&
		    !strcmp(p->key, fd->key_name))
			return p->message;
	}
	return NULL;
}

bool form_has_problem(const struct wiz *w, const struct form *f, bool warnings)
{
	for (size_t i = 0; i < w->problems.n; i++) {
		const struct problem *p = &w->problems.items[i];
		if ((!warnings && p->severity != PROBLEM_ERROR) || !p->section || !p->key ||
		    strcmp(p->section, f->section))
			continue;
		for (unsigned k = 0; k < f->n; k++)
			if (!strcmp(p->key, f->fields[k].key_name))
				return true;
	}
	return false;
}

/* A problem about the whole section (no key), e.g. a Pi with neither mac nor serial. */
static const char *section_problem(const struct wiz *w, const struct form *f)
{
	for (size_t i = 0; i < w->problems.n; i++) {
		const struct problem *p = &w->problems.items[i];
		if (p->section && !p->key && !strcmp(p->section, f->section))
			return p->message;
	}
	return NULL;
}

static void draw_edit(const struct form *f, int y, int x, int width)
{
	draw_fill(y, x, width, CP_EDIT);
	size_t start = f->cur >= (size_t)width ? f->cur - (size_t)width + 1 : 0;
	draw_text(y, x, width, CP_EDIT, f->buf + start);
	char c[2] = {f->buf[f->cur] ? f->buf[f->cur] : ' ', 0};
	draw_text(y, x + (int)(f->cur - start), 1, CP_SELECT, c);
}

static void draw_field(const struct wiz *w, const struct form *f, unsigned i, int y, struct rect r)
{
	const struct form_field *fd = &f->fields[i];
	bool sel = i == f->sel;
	const char *prob = field_problem(w, f, fd);
	int vx = r.x + LABEL_W + 2, vw = r.w - LABEL_W - 2;
	draw_text(y, r.x, 1, CP_ERROR, prob ? "!" : " ");
	draw_textf(y, r.x + 1, LABEL_W, sel ? CP_SELECT : CP_NORMAL, "%-*s", LABEL_W, fd->label);
	if (sel && f->editing) {
		draw_edit(f, y, vx, vw);
		return;
	}
	const char *v = fd->kind == FIELD_BUTTON ? fd->placeholder : *fd->slot;
	enum wiz_colour c = sel ? CP_SELECT : v ? CP_NORMAL : CP_DIM;
	if (sel)
		draw_fill(y, vx - 1, vw + 1, CP_SELECT);
	draw_textf(y, vx, vw, c, "%s%s",
		   v		     ? v
		   : fd->placeholder ? fd->placeholder
				     : "",
		   fd->kind == FIELD_CHOICE && sel ? "  [Enter: choose]" : "");
}

void form_draw(const struct wiz *w, const struct form *f, struct rect r)
{
	int rows = r.h - 4;
	unsigned idx[64], n = shown_fields(w, f, idx);
	if (rows < 1 || n == 0)
		return;
	int top = (int)wiz_list_top(pos_of(idx, n, f->sel), rows);
	for (int i = 0; i < rows && top + i < (int)n; i++)
		draw_field(w, f, idx[top + i], r.y + i, r);
	if (top > 0)
		draw_text(r.y, r.x + r.w - 8, 8, CP_DIM, "^ more");
	if (top + rows < (int)n)
		draw_text(r.y + rows - 1, r.x + r.w - 8, 8, CP_DIM, "v more");
	int my = r.y + (rows < (int)n ? rows : (int)n) + 1;
	const struct form_field *fd = &f->fields[f->sel];
	if (f->editing && f->msg)
		draw_wrapped(my, r.x + 1, r.w - 2, 3, CP_ERROR, f->msg);
	else if (f->editing)
		draw_wrapped(my, r.x + 1, r.w - 2, 3, CP_OK, "ok - Enter to accept, Esc to cancel");
	else if (field_problem(w, f, fd)) {
		char *m = xasprintf("%s: %s", fd->key_name, field_problem(w, f, fd));
		draw_wrapped(my, r.x + 1, r.w - 2, 3, CP_ERROR, m);
		free(m);
	} else if (section_problem(w, f))
		draw_wrapped(my, r.x + 1, r.w - 2, 3, CP_ERROR, section_problem(w, f));
	else
		draw_wrapped(my, r.x + 1, r.w - 2, 3, CP_DIM, fd->help);
}

int form_click(struct wiz *w, struct form *f, struct rect r, int y)
{
	int rows = r.h - 4;
	unsigned idx[64], n = shown_fields(w, f, idx);
	if (f->editing || rows < 1 || !n)
		return WIZ_HANDLED;
	size_t k;
	if (!wiz_list_hit(y, r.y, rows, pos_of(idx, n, f->sel), &k) || k >= n)
		return WIZ_HANDLED;
	if (idx[k] == f->sel)
		return form_key(w, f, ACT_ENTER, '\n');
	f->sel = idx[k];
	return WIZ_REDRAW;
}
