/* form — labelled fields over the wizard model, with as-you-type checks. */
#include "tui/form.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

#define LABEL_W 15

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

static int open_choices(struct wiz *w, struct form *f)
{
	const struct form_field *fd = &f->fields[f->sel];
	unsigned n = 0, sel = 0;
	while (fd->choices[n]) {
		if (*fd->slot && !strcmp(*fd->slot, fd->choices[n]))
			sel = n;
		n++;
	}
	wiz_popup_open(w, fd->label, fd->choices, n, sel, pick_choice, f);
	return WIZ_REDRAW;
}

static int edit_key(struct wiz *w, struct form *f, enum wiz_action a, int ch)
{
	size_t len = strlen(f->buf);
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
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (f->cur > 0) {
			memmove(f->buf + f->cur - 1, f->buf + f->cur, len - f->cur + 1);
			f->cur--;
		}
	} else if (ch == KEY_DC) {
		if (f->cur < len)
			memmove(f->buf + f->cur, f->buf + f->cur + 1, len - f->cur);
	} else if (ch == KEY_LEFT) {
		if (f->cur > 0)
			f->cur--;
	} else if (ch == KEY_RIGHT) {
		if (f->cur < len)
			f->cur++;
	} else if (ch == KEY_HOME || ch == 1) {
		f->cur = 0;
	} else if (ch == KEY_END || ch == 5) {
		f->cur = len;
	} else if (ch == 21) { /* C-u */
		f->buf[0] = '\0';
		f->cur = 0;
	} else if (ch >= 32 && ch < 127 && len + 1 < sizeof(f->buf)) {
		memmove(f->buf + f->cur + 1, f->buf + f->cur, len - f->cur + 1);
		f->buf[f->cur++] = (char)ch;
	} else {
		return WIZ_HANDLED;
	}
	recheck(f);
	return WIZ_REDRAW;
}

int form_key(struct wiz *w, struct form *f, enum wiz_action a, int ch)
{
	if (f->editing)
		return edit_key(w, f, a, ch);
	size_t sel = f->sel;
	if (wiz_list_move(a, f->n, 0, &sel)) {
		f->sel = (unsigned)sel;
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
		if (f->fields[f->sel].required)
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
	const char *v = *fd->slot;
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
	if (rows < 1 || f->n == 0)
		return;
	int top = f->top;
	if ((int)f->sel < top)
		top = (int)f->sel;
	if ((int)f->sel >= top + rows)
		top = (int)f->sel - rows + 1;
	for (int i = 0; i < rows && top + i < (int)f->n; i++)
		draw_field(w, f, (unsigned)(top + i), r.y + i, r);
	int my = r.y + (rows < (int)f->n ? rows : (int)f->n) + 1;
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

int form_step_key(struct wiz *w, void *st, enum wiz_action a, int ch)
{
	return form_key(w, (struct form *)st, a, ch);
}

void form_step_draw(const struct wiz *w, const void *st, struct rect r)
{
	form_draw(w, (const struct form *)st, r);
}

void form_step_done(void *st)
{
	form_done((struct form *)st);
	free(st);
}
