/* step_pis — the Pis of the site: a list (add, edit, remove) and a form per Pi whose fields are
 * checked as you type with the profile loader's own checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/util.h"
#include "tui/form.h"
#include "tui/screen.h"
#include "tui/steps.h"

enum pis_mode { PIS_LIST, PIS_ADD, PIS_EDIT, PIS_FILTER };

struct pis_step {
	enum pis_mode mode;
	size_t sel; /* selected Pi in the list */
	int top;
	struct form form;
	struct form_field fields[1 + PK_COUNT];
	char *new_name; /* the name being typed for a new Pi */
	char *filter;	/* the list shows only Pis matching this (NULL: all) */
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
	return draft_check_pi_name(&st->w->site, v, self);
}

/* The name field, the same when a Pi is edited and when a new one is named: required and
 * checked against the other Pis' names (check_name knows which mode it is in). */
static struct form_field name_field(struct pis_step *st, const char *label, const char *help,
				    char **slot)
{
	struct form_field fd = form_text(label, "name", help, slot, check_name);
	fd.check_ctx = st;
	fd.required = true;
	return fd;
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
	struct draft_pi *p = &w->site.pis[i];
	struct form_field *fd = st->fields;
	fd[0] = name_field(st, "Name", "the Pi's name: letters, digits and '-'", &p->name);
	for (int k = 0; k < PK_COUNT; k++) {
		struct form_field *x = &fd[1 + k];
		*x = form_text(profile_pi_key_names[k], profile_pi_key_names[k],
			       profile_pi_key_help[k], &p->val[k], form_check_pi);
		x->placeholder = "";
		x->key = k;
	}
	fd[1 + PK_MODEL].kind = FIELD_CHOICE;
	fd[1 + PK_MODEL].choices = st->model_choices;
	fd[1 + PK_MODEL].placeholder = "(required)";
	fd[1 + PK_CHAP].kind = FIELD_CHOICE;
	fd[1 + PK_CHAP].choices = yes_no;
	fd[1 + PK_SERIAL].placeholder = "(serial or mac required)";
	fd[1 + PK_MAC].placeholder = "(serial or mac required)";
	fd[1 + PK_SIZE].placeholder = "(size of the image)";
	static const enum profile_pi_key iscsi_only[] = {PK_BACKING, PK_SIZE, PK_CHAP,
							 PK_INITIATOR, PK_TARGET};
	for (size_t j = 0; j < PNB_ARRAY_LEN(iscsi_only); j++)
		fd[1 + iscsi_only[j]].applies = form_root_iscsi;
	fd[1 + PK_NFS_PATH].applies = form_root_nfs;
	fd[1 + PK_IP].applies = form_dhcp_full;
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
	free(st->filter);
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
	draft_add_pi(&w->site, st->new_name);
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
		char *bad = draft_check_pi_name(&w->site, name, SIZE_MAX);
		free(bad);
		if (!bad)
			break;
	}
	draft_set(&st->new_name, NULL);
	st->fields[0] = name_field(st, "New Pi's name", "letters, digits and '-'", &st->new_name);
	form_reset(&st->form, st->fields, 1, "[pi]");
	st->form.changed = add_named;
	st->form.ctx = st;
	st->mode = PIS_ADD;
	form_begin_edit(w, &st->form, name);
	return WIZ_REDRAW;
}

/* The filter in force: the text being typed, or the accepted one. */
static const char *list_filter(const struct pis_step *st)
{
	if (st->mode == PIS_FILTER)
		return st->form.buf;
	return st->filter ? st->filter : "";
}

static bool pi_matches(const struct draft_pi *p, const char *f)
{
	return !*f || strcasestr(p->name, f) || (p->val[PK_MAC] && strcasestr(p->val[PK_MAC], f)) ||
	       (p->val[PK_SERIAL] && strcasestr(p->val[PK_SERIAL], f)) ||
	       (p->val[PK_MODEL] && !strcasecmp(p->val[PK_MODEL], f));
}

/* Position of Pi idx among the shown ones, and the Pi shown at position pos (SIZE_MAX when
 * there is none): the list moves over shown rows only. */
static size_t shown_pos(const struct wiz *w, const struct pis_step *st, size_t idx)
{
	size_t pos = 0;
	for (size_t i = 0; i < idx && i < w->site.n_pis; i++)
		pos += pi_matches(&w->site.pis[i], list_filter(st));
	return pos;
}

static size_t shown_at(const struct wiz *w, const struct pis_step *st, size_t pos)
{
	for (size_t i = 0; i < w->site.n_pis; i++)
		if (pi_matches(&w->site.pis[i], list_filter(st)) && pos-- == 0)
			return i;
	return SIZE_MAX;
}

static size_t shown_count(const struct wiz *w, const struct pis_step *st)
{
	return shown_pos(w, st, w->site.n_pis);
}

/* Keeps the selection on a shown Pi after the filter changed. */
static void select_shown(const struct wiz *w, struct pis_step *st)
{
	if (st->sel < w->site.n_pis && pi_matches(&w->site.pis[st->sel], list_filter(st)))
		return;
	size_t first = shown_at(w, st, 0);
	st->sel = first == SIZE_MAX ? 0 : first;
}

static int remove_pick(struct wiz *w, void *ctx, unsigned index)
{
	struct pis_step *st = ctx;
	if (index != 0 || st->sel >= w->site.n_pis)
		return WIZ_REDRAW;
	wiz_status(w, MSG_INFO, "removed Pi \"%s\"", w->site.pis[st->sel].name);
	draft_remove_pi(&w->site, st->sel);
	if (st->sel > 0 && st->sel >= w->site.n_pis)
		st->sel--;
	select_shown(w, st);
	return WIZ_CHANGED | WIZ_REDRAW;
}

static int start_filter(struct wiz *w, struct pis_step *st)
{
	st->fields[0] = (struct form_field){.label = "Filter",
					    .key_name = "filter",
					    .help = "name, MAC or serial (part of it), or a model",
					    .kind = FIELD_TEXT,
					    .slot = &st->filter,
					    .local = true};
	form_reset(&st->form, st->fields, 1, "[filter]");
	st->form.changed = NULL;
	st->mode = PIS_FILTER;
	form_begin_edit(w, &st->form, NULL);
	return WIZ_REDRAW;
}

static int filter_key(struct wiz *w, struct pis_step *st, enum wiz_action a, int ch)
{
	if (a == ACT_CANCEL)
		draft_set(&st->filter, NULL);
	int r = form_key(w, &st->form, a, ch);
	if (!st->form.editing) {
		st->mode = PIS_LIST;
		wiz_status(w, MSG_INFO,
			   st->filter ? "showing %zu of %zu Pis (/ changes the filter, "
					"Esc in it clears it)"
				      : "showing all %zu Pis",
			   shown_count(w, st), w->site.n_pis);
	}
	select_shown(w, st);
	return r | WIZ_REDRAW;
}

/* Up/Down/Home/End/PgUp/PgDn over the shown rows; false for any other action. */
static bool list_move(const struct wiz *w, struct pis_step *st, enum wiz_action a)
{
	size_t page = LINES > 14 ? (size_t)LINES - 12 : 1; /* the list's height (draw_list) */
	size_t count = shown_count(w, st), to = shown_pos(w, st, st->sel);
	if (!wiz_list_move(a, count, page, &to))
		return false;
	if (count)
		st->sel = shown_at(w, st, to);
	return true;
}

static int list_key(struct wiz *w, struct pis_step *st, enum wiz_action a)
{
	size_t n = w->site.n_pis, count = shown_count(w, st);
	if (list_move(w, st, a))
		return WIZ_REDRAW;
	switch (a) {
	case ACT_CANCEL: /* as in htop and less: Esc clears a search */
		if (!st->filter)
			return WIZ_IGNORED;
		draft_set(&st->filter, NULL);
		wiz_status(w, MSG_INFO, "showing all %zu Pis", n);
		return WIZ_REDRAW;
	case ACT_FILTER:
		return start_filter(w, st);
	case ACT_ADD:
		return start_add(w, st);
	case ACT_ENTER:
		if (!n)
			return start_add(w, st);
		if (!count)
			return WIZ_HANDLED;
		st->mode = PIS_EDIT;
		bind_form(w, st, st->sel);
		st->form.sel = 0;
		return WIZ_REDRAW;
	case ACT_DELETE: {
		if (!count)
			return WIZ_HANDLED;
		static const char *const items[] = {"y  Remove it", "n  Keep it"};
		char title[96];
		snprintf(title, sizeof(title), "Remove Pi \"%s\"?", w->site.pis[st->sel].name);
		wiz_popup_open(w, title, items, 2, 1, remove_pick, st);
		wiz_popup_hotkeys(w, "yn");
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
	if (st->mode == PIS_FILTER)
		return filter_key(w, st, a, ch);
	if (!st->form.editing && (a == ACT_CANCEL || (a == ACT_ADD && st->mode == PIS_EDIT))) {
		st->mode = PIS_LIST;
		select_shown(w, st);
		return a == ACT_ADD ? start_add(w, st) : WIZ_REDRAW;
	}
	int r = form_key(w, &st->form, a, ch);
	if (st->mode == PIS_ADD && !st->form.editing)
		st->mode = PIS_LIST; /* the name was cancelled */
	return r;
}

static void draw_pi_row(const struct wiz *w, const struct draft_pi *p, bool sel, int y,
			struct rect r)
{
	size_t np = draft_pi_problem_count(&w->problems, p->name);
	if (sel)
		draw_fill(y, r.x, r.w, CP_SELECT);
	draw_textf(y, r.x + 1, r.w - 10, sel ? CP_SELECT : CP_NORMAL, "%c %-16s %-6s %-18s %-17s",
		   np ? '!' : ' ', p->name, p->val[PK_MODEL] ? p->val[PK_MODEL] : "?",
		   p->val[PK_MAC] ? p->val[PK_MAC] : "-",
		   p->val[PK_SERIAL] ? p->val[PK_SERIAL] : "-");
	char state[32];
	snprintf(state, sizeof(state), np ? "%zu problem%s" : "ok", np, np == 1 ? "" : "s");
	draw_text(y, r.x + 64, r.w - 64, sel ? CP_SELECT : np ? CP_ERROR : CP_OK, state);
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
	int y0 = r.y + 1, rows = r.h - 4;
	if (*list_filter(st)) {
		draw_textf(r.y + r.h - 3, r.x + 1, r.w - 2,
			   st->mode == PIS_FILTER ? CP_EDIT : CP_DIM,
			   "filter: %s%s  (%zu of %zu Pis)", list_filter(st),
			   st->mode == PIS_FILTER ? "_" : "", shown_count(w, st), n);
	} else if (st->mode == PIS_FILTER) {
		draw_text(r.y + r.h - 3, r.x + 1, r.w - 2, CP_EDIT,
			  "filter: _  (type part of a name, MAC or serial)");
	}
	size_t top = wiz_list_top(shown_pos(w, st, st->sel), rows);
	for (int i = 0; i < rows; i++) {
		size_t k = shown_at(w, st, top + (size_t)i);
		if (k == SIZE_MAX)
			break;
		draw_pi_row(w, &w->site.pis[k], k == st->sel, y0 + i, r);
	}
	if (!shown_count(w, st))
		return;
	const struct draft_pi *p = &w->site.pis[st->sel];
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
	if (st->mode == PIS_LIST || st->mode == PIS_FILTER) {
		draw_list(w, st, r);
		return;
	}
	form_draw(w, &st->form, r);
}

static char pis_mark(const struct wiz *w, const void *p)
{
	(void)p;
	for (size_t i = 0; i < w->site.n_pis; i++)
		if (draft_pi_problem_count(&w->problems, w->site.pis[i].name))
			return '!';
	return w->site.n_pis ? '+' : ' ';
}

static void pis_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	const struct pis_step *st = p;
	if (!w->site.n_pis)
		snprintf(out, n, "a: add the first Pi (a name, its model, and its MAC or serial)");
	else if (st->mode == PIS_EDIT)
		snprintf(out, n, "Enter edits a field, d resets it; Esc: back to the list");
	else if (pis_mark(w, p) == '!')
		snprintf(out, n, "open a Pi marked ! (Enter) and fix the field marked !");
	else
		snprintf(out, n, "Tab or 3: choose how the server answers (DHCP, TFTP, root)");
}

static const char *pis_bar_word(const struct wiz *w, const void *p, enum wiz_action a)
{
	const struct pis_step *st = p;
	(void)w;
	if (a == ACT_DELETE && st->mode == PIS_EDIT)
		return "reset";
	if (a == ACT_ENTER && st->mode == PIS_LIST)
		return w->site.n_pis ? "open" : "add";
	return NULL;
}

/* The list's rows start one below the header (draw_list); a click selects, a click on the
 * selected Pi opens it. In the form, the form's own click. */
static int pis_click(struct wiz *w, void *p, int y, int x)
{
	struct pis_step *st = p;
	(void)x;
	struct rect r = screen_step_body();
	if (st->mode != PIS_LIST)
		return st->mode == PIS_EDIT ? form_click(w, &st->form, r, y) : WIZ_HANDLED;
	size_t at;
	if (!wiz_list_hit(y, r.y + 1, r.h - 4, shown_pos(w, st, st->sel), &at))
		return WIZ_HANDLED;
	size_t k = shown_at(w, st, at);
	if (k == SIZE_MAX)
		return WIZ_HANDLED;
	if (k == st->sel)
		return list_key(w, st, ACT_ENTER);
	st->sel = k;
	return WIZ_REDRAW;
}

const struct wiz_step_ops step_pis = {
    .name = "Pis",
    .title = "Pis: the Raspberry Pis that boot from this server",
    .actions = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_ADD) | WIZ_ACT_BIT(ACT_DELETE) |
	       WIZ_ACT_BIT(ACT_FILTER),
    .init = pis_init,
    .done = pis_done,
    .leave = pis_leave,
    .key = pis_key,
    .draw = pis_draw,
    .mark = pis_mark,
    .help = "The Raspberry Pis that boot from this server: a name, the model, and the MAC or "
	    "serial that identifies it on the network (the serial is on the Pi's /proc/cpuinfo; "
	    "the MAC is printed on the box of a 4B or 5). Fields that do not apply to the "
	    "server's choices are hidden. / finds a Pi by name, MAC or serial; Esc clears it.",
    .next = pis_next,
    .bar_word = pis_bar_word,
    .click = pis_click,
};
