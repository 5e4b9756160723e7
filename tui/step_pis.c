/* step_pis — the Pis of the site: a list (add, edit, remove) and a form per Pi whose fields are
 * checked as you type with the profile loader's own checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/form.h"
#include "tui/steps.h"

enum pis_mode { PIS_LIST, PIS_ADD, PIS_EDIT };

struct pis_step {
	enum pis_mode mode;
	size_t sel; /* selected Pi in the list */
	int top;
	struct form form;
	struct form_field fields[1 + PK_COUNT];
	char *new_name; /* the name being typed for a new Pi */
	const char *model_choices[PI_MODEL_COUNT];
	char dflt[PK_COUNT][128]; /* "VALUE (default)" for keys the loader fills in */
	struct wiz *w;		  /* for the name check, which needs the other Pis' names */
};

static const char *const yes_no[] = {"yes", "no", NULL};

static char *check_name(const void *ctx, int key, const char *v)
{
	const struct pis_step *st = ctx;
	(void)key;
	size_t self = st->mode == PIS_EDIT ? st->sel : SIZE_MAX;
	return wsite_check_pi_name(&st->w->site, v, self);
}

static void set_section(struct form *f, const char *name)
{
	snprintf(f->section, sizeof(f->section), "[pi \"%s\"]", name);
}

/* Uses the server's value of key for d when it is valid (else d keeps the loader's default). */
static void take_server(const struct wiz *w, enum profile_server_key key, char **field)
{
	const char *v = w->site.server[key];
	char *err = v ? profile_check_server_value(key, v) : NULL;
	if (v && !err) {
		free(*field);
		*field = xstrdup(v);
	}
	free(err);
}

/* The values the loader would give the Pi's absent keys, computed by the loader's own
 * site_apply_defaults, so the form shows what an export will use. */
static void fill_defaults(const struct wiz *w, struct pis_step *st, const char *name)
{
	struct site d;
	site_init(&d);
	take_server(w, SK_IQN_BASE, &d.iqn_base);
	take_server(w, SK_NFS_ROOT, &d.nfs_root);
	site_add_pi(&d, name);
	site_apply_defaults(&d);
	for (int k = 0; k < PK_COUNT; k++) {
		char *v = profile_pi_value(&d.pis[0], (enum profile_pi_key)k);
		snprintf(st->dflt[k], sizeof(st->dflt[k]), "%s (default)", v ? v : "");
		if (v)
			st->fields[1 + k].placeholder = st->dflt[k];
		free(v);
	}
	site_done(&d);
}

static int name_changed(struct wiz *w, struct form *f, unsigned index)
{
	struct pis_step *st = f->ctx;
	if (index == 0 && st->mode == PIS_EDIT) {
		set_section(f, w->site.pis[st->sel].name);
		fill_defaults(w, st, w->site.pis[st->sel].name);
	}
	return 0;
}

/* Binds the form to Pi number i (pointers into the model change when Pis are added). */
static void bind_form(struct wiz *w, struct pis_step *st, size_t i)
{
	struct wsite_pi *p = &w->site.pis[i];
	struct form_field *fd = st->fields;
	fd[0] = (struct form_field){.label = "Name",
				    .key_name = "name",
				    .help = "the Pi's name: letters, digits and '-'",
				    .kind = FIELD_TEXT,
				    .slot = &p->name,
				    .check = check_name,
				    .check_ctx = st,
				    .required = true};
	for (int k = 0; k < PK_COUNT; k++) {
		struct form_field *x = &fd[1 + k];
		*x = (struct form_field){.label = profile_pi_key_names[k],
					 .key_name = profile_pi_key_names[k],
					 .help = profile_pi_key_help[k],
					 .kind = FIELD_TEXT,
					 .slot = &p->val[k],
					 .placeholder = "",
					 .check = form_check_pi,
					 .key = k};
	}
	fd[1 + PK_MODEL].kind = FIELD_CHOICE;
	fd[1 + PK_MODEL].choices = st->model_choices;
	fd[1 + PK_MODEL].placeholder = "(required)";
	fd[1 + PK_CHAP].kind = FIELD_CHOICE;
	fd[1 + PK_CHAP].choices = yes_no;
	fd[1 + PK_SERIAL].placeholder = "(serial or mac required)";
	fd[1 + PK_MAC].placeholder = "(serial or mac required)";
	fd[1 + PK_SIZE].placeholder = "(size of the image)";
	fill_defaults(w, st, p->name);
	char section[96];
	snprintf(section, sizeof(section), "[pi \"%s\"]", p->name);
	form_reset(&st->form, st->fields, 1 + PK_COUNT, section);
	st->form.changed = name_changed;
	st->form.ctx = st;
}

static void *pis_init(struct wiz *w)
{
	struct pis_step *st = xcalloc(1, sizeof(*st));
	st->w = w;
	for (int m = 1; m < PI_MODEL_COUNT; m++)
		st->model_choices[m - 1] = model_info((enum pi_model)m)->name;
	return st;
}

static void pis_done(void *p)
{
	struct pis_step *st = p;
	form_done(&st->form);
	free(st->new_name);
	free(st);
}

static void pis_leave(struct wiz *w, void *p)
{
	struct pis_step *st = p;
	(void)w;
	form_done(&st->form);
	st->form.editing = false;
	st->mode = PIS_LIST;
}

static int add_named(struct wiz *w, struct form *f, unsigned index)
{
	struct pis_step *st = f->ctx;
	(void)index;
	wsite_add_pi(&w->site, st->new_name);
	st->sel = w->site.n_pis - 1;
	st->mode = PIS_EDIT;
	bind_form(w, st, st->sel);
	st->form.sel = 1 + PK_MODEL;
	wiz_status(w, MSG_INFO, "added Pi \"%s\" - set its model and its mac or serial",
		   w->site.pis[st->sel].name);
	return WIZ_CHANGED | WIZ_REDRAW;
}

static int start_add(struct wiz *w, struct pis_step *st)
{
	char name[32];
	for (unsigned n = w->site.n_pis + 1;; n++) {
		snprintf(name, sizeof(name), "pi%u", n);
		char *bad = wsite_check_pi_name(&w->site, name, SIZE_MAX);
		free(bad);
		if (!bad)
			break;
	}
	wsite_set(&st->new_name, NULL);
	st->fields[0] = (struct form_field){.label = "New Pi's name",
					    .key_name = "name",
					    .help = "letters, digits and '-'",
					    .kind = FIELD_TEXT,
					    .slot = &st->new_name,
					    .check = check_name,
					    .check_ctx = st,
					    .required = true};
	form_reset(&st->form, st->fields, 1, "[pi]");
	st->form.changed = add_named;
	st->form.ctx = st;
	st->mode = PIS_ADD;
	form_begin_edit(w, &st->form, name);
	return WIZ_REDRAW;
}

static int remove_pick(struct wiz *w, void *ctx, unsigned index)
{
	struct pis_step *st = ctx;
	if (index != 0 || st->sel >= w->site.n_pis)
		return WIZ_REDRAW;
	wiz_status(w, MSG_INFO, "removed Pi \"%s\"", w->site.pis[st->sel].name);
	wsite_remove_pi(&w->site, st->sel);
	if (st->sel > 0 && st->sel >= w->site.n_pis)
		st->sel--;
	return WIZ_CHANGED | WIZ_REDRAW;
}

static int list_key(struct wiz *w, struct pis_step *st, enum wiz_action a)
{
	size_t n = w->site.n_pis;
	size_t page = LINES > 14 ? (size_t)LINES - 12 : 1; /* the list's height (draw_list) */
	switch (a) {
	case ACT_UP:
		if (st->sel > 0)
			st->sel--;
		return WIZ_REDRAW;
	case ACT_DOWN:
		if (st->sel + 1 < n)
			st->sel++;
		return WIZ_REDRAW;
	case ACT_HOME:
		st->sel = 0;
		return WIZ_REDRAW;
	case ACT_END:
		st->sel = n ? n - 1 : 0;
		return WIZ_REDRAW;
	case ACT_PAGE_UP:
		st->sel = st->sel > page ? st->sel - page : 0;
		return WIZ_REDRAW;
	case ACT_PAGE_DOWN:
		st->sel = st->sel + page < n ? st->sel + page : n ? n - 1 : 0;
		return WIZ_REDRAW;
	case ACT_ADD:
		return start_add(w, st);
	case ACT_ENTER:
		if (!n)
			return start_add(w, st);
		st->mode = PIS_EDIT;
		bind_form(w, st, st->sel);
		st->form.sel = 0;
		return WIZ_REDRAW;
	case ACT_DELETE: {
		if (!n)
			return WIZ_HANDLED;
		static const char *const items[] = {"Remove it", "Keep it"};
		char title[96];
		snprintf(title, sizeof(title), "Remove Pi \"%s\"?", w->site.pis[st->sel].name);
		wiz_popup_open(w, title, items, 2, 1, remove_pick, st);
		return WIZ_REDRAW;
	}
	default:
		return WIZ_IGNORED;
	}
}

static int pis_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	struct pis_step *st = p;
	if (st->mode == PIS_LIST)
		return list_key(w, st, a);
	if (!st->form.editing && (a == ACT_CANCEL || (a == ACT_ADD && st->mode == PIS_EDIT))) {
		st->mode = PIS_LIST;
		return a == ACT_ADD ? start_add(w, st) : WIZ_REDRAW;
	}
	int r = form_key(w, &st->form, a, ch);
	if (st->mode == PIS_ADD && !st->form.editing)
		st->mode = PIS_LIST; /* the name was cancelled */
	return r;
}

static void draw_list(const struct wiz *w, const struct pis_step *st, struct rect r)
{
	size_t n = w->site.n_pis;
	if (!n) {
		draw_text(r.y, r.x + 1, r.w - 2, CP_DIM, "No Pis yet. Press a to add one.");
		return;
	}
	draw_textf(r.y, r.x + 1, r.w - 2, CP_DIM, "  %-16s %-6s %-18s %-17s %s", "name", "model",
		   "mac", "serial", "state");
	int rows = r.h - 4;
	int top = (int)st->sel >= rows ? (int)st->sel - rows + 1 : 0;
	for (int i = 0; i < rows && (size_t)(top + i) < n; i++) {
		const struct wsite_pi *p = &w->site.pis[top + i];
		bool sel = (size_t)(top + i) == st->sel;
		size_t np = wsite_pi_problem_count(&w->problems, p->name);
		int y = r.y + 1 + i;
		if (sel)
			draw_fill(y, r.x, r.w, CP_SELECT);
		draw_textf(y, r.x + 1, r.w - 10, sel ? CP_SELECT : CP_NORMAL,
			   "%c %-16s %-6s %-18s %-17s", np ? '!' : ' ', p->name,
			   p->val[PK_MODEL] ? p->val[PK_MODEL] : "?",
			   p->val[PK_MAC] ? p->val[PK_MAC] : "-",
			   p->val[PK_SERIAL] ? p->val[PK_SERIAL] : "-");
		char state[32];
		snprintf(state, sizeof(state), np ? "%zu problem%s" : "ok", np, np == 1 ? "" : "s");
		draw_text(y, r.x + 64, r.w - 64, sel ? CP_SELECT : np ? CP_ERROR : CP_OK, state);
	}
	const struct wsite_pi *p = &w->site.pis[st->sel];
	char *label = xasprintf("[pi \"%s\"]", p->name);
	for (size_t i = 0; i < w->problems.n; i++) {
		const struct problem *pr = &w->problems.items[i];
		if (pr->section && !strcmp(pr->section, label)) {
			draw_textf(r.y + r.h - 2, r.x + 1, r.w - 2, CP_ERROR, "%s%s%s",
				   pr->key ? pr->key : "", pr->key ? ": " : "", pr->message);
			break;
		}
	}
	free(label);
}

static void pis_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct pis_step *st = p;
	if (st->mode == PIS_LIST) {
		draw_list(w, st, r);
		return;
	}
	if (st->mode == PIS_EDIT)
		draw_textf(r.y - 1, r.x + 40, r.w - 40, CP_DIM, "Esc: back to the list");
	form_draw(w, &st->form, r);
}

static char pis_mark(const struct wiz *w, const void *p)
{
	(void)p;
	for (size_t i = 0; i < w->site.n_pis; i++)
		if (wsite_pi_problem_count(&w->problems, w->site.pis[i].name))
			return '!';
	return w->site.n_pis ? '+' : ' ';
}

const struct wiz_step_ops step_pis = {
    .name = "Pis",
    .title = "Pis: the Raspberry Pis that boot from this server",
    .actions = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_ADD) | WIZ_ACT_BIT(ACT_DELETE),
    .init = pis_init,
    .done = pis_done,
    .leave = pis_leave,
    .key = pis_key,
    .draw = pis_draw,
    .mark = pis_mark,
};
