/* screen — shared chrome: title, step list, status, help bar, help screen, choice lists. */
#include <stdbool.h>

#include "tui/screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

struct wiz_popup {
	char *title;
	char **items;
	unsigned n, sel;
	wiz_pick_fn pick;
	void *ctx;
};

void wiz_status(struct wiz *w, enum wiz_msg_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->status, sizeof(w->status), fmt, ap);
	va_end(ap);
	w->status_kind = kind;
}

void wiz_popup_open(struct wiz *w, const char *title, const char *const *items, unsigned n,
		    unsigned sel, wiz_pick_fn pick, void *ctx)
{
	popup_close(w);
	struct wiz_popup *p = xcalloc(1, sizeof(*p));
	p->title = xstrdup(title);
	p->items = xcalloc(n ? n : 1, sizeof(char *));
	for (unsigned i = 0; i < n; i++)
		p->items[i] = xstrdup(items[i]);
	p->n = n;
	p->sel = sel < n ? sel : 0;
	p->pick = pick;
	p->ctx = ctx;
	w->popup = p;
}

void popup_close(struct wiz *w)
{
	struct wiz_popup *p = w->popup;
	if (!p)
		return;
	for (unsigned i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
	free(p->title);
	free(p);
	w->popup = NULL;
}

int popup_key(struct wiz *w, enum wiz_action a)
{
	struct wiz_popup *p = w->popup;
	size_t cur = p->sel;
	if (wiz_list_move(a, p->n, 0, &cur)) {
		p->sel = (unsigned)cur;
		return WIZ_REDRAW;
	}
	switch (a) {
	case ACT_CANCEL:
		popup_close(w);
		return WIZ_REDRAW;
	case ACT_ENTER: {
		wiz_pick_fn pick = p->pick;
		void *ctx = p->ctx;
		unsigned sel = p->sel, n = p->n;
		popup_close(w);
		return n ? pick(w, ctx, sel) | WIZ_REDRAW : WIZ_REDRAW;
	}
	case ACT_QUIT:
		popup_close(w);
		return WIZ_REDRAW;
	default:
		return WIZ_HANDLED; /* modal: nothing else reaches the step */
	}
}

struct rect screen_step_area(void)
{
	return (struct rect){.y = 3, .x = 1, .h = LINES - 5, .w = COLS - 2};
}

static void draw_title(const struct wiz *w, const char *clock)
{
	draw_fill(0, 0, COLS, CP_TITLE);
	draw_textf(0, 1, COLS - 12, CP_TITLE, "pinetboot %s - site %s%s", PNB_VERSION, w->site_path,
		   w->dirty ? " [modified]" : "");
	if (clock)
		draw_text(0, COLS - 9, 8, CP_TITLE, clock);
}

/* Writes step i's label (" 8 Monitor!") into out; returns its length. */
static int step_label(const struct wiz *w, unsigned i, char *out, size_t n)
{
	const struct wiz_step_ops *s = wiz_steps[i];
	char mark = s->mark ? s->mark(w, w->step_state[i]) : ' ';
	snprintf(out, n, " %u %s%c", i + 1, s->name, mark);
	return (int)strlen(out);
}

/* "1 Site+ > 2 Pis! > …": the step list with each step's mark and the current step lit. When
 * the list is wider than the screen it scrolls like a tab bar, so the current step is always
 * shown; "..." at either end says more steps are hidden there. */
static void draw_steps(const struct wiz *w)
{
	char label[48];
	int width[32];
	unsigned n = wiz_n_steps < 32 ? wiz_n_steps : 32;
	for (unsigned i = 0; i < n; i++)
		width[i] = step_label(w, i, label, sizeof(label)) + 2;
	unsigned start = 0;
	for (;;) {
		int need = start ? 5 : 1;
		for (unsigned i = start; i <= w->cur && i < n; i++)
			need += width[i];
		if (need <= COLS - 2 || start >= w->cur)
			break;
		start++;
	}
	int x = 1;
	if (start) {
		draw_text(1, 1, 4, CP_DIM, "... ");
		x = 5;
	}
	for (unsigned i = start; i < n; i++) {
		int len = step_label(w, i, label, sizeof(label));
		if (x + len > COLS - 4 && i > w->cur) {
			draw_text(1, x, COLS - x, CP_DIM, " ...");
			break;
		}
		draw_text(1, x, COLS - x, i == w->cur ? CP_STEP_CUR : CP_STEP, label);
		if (label[len - 1] == '!')
			draw_text(1, x + len - 1, 1, i == w->cur ? CP_STEP_CUR : CP_ERROR, "!");
		x += len;
		if (i + 1 < n) {
			draw_text(1, x, COLS - x, CP_DIM, " >");
			x += 2;
		}
	}
	attrset(draw_attr(CP_DIM));
	mvhline(2, 0, ACS_HLINE, COLS);
	attrset(A_NORMAL);
}

static void draw_status(const struct wiz *w)
{
	static const enum wiz_colour kind_colour[] = {CP_NORMAL, CP_OK, CP_ERROR};
	draw_fill(LINES - 2, 0, COLS, CP_NORMAL);
	draw_text(LINES - 2, 1, COLS - 2, kind_colour[w->status_kind], w->status);
}

/* Global actions plus the current step's, from the action table. */
static void draw_help_bar(const struct wiz *w)
{
	static const uint64_t global = WIZ_ACT_BIT(ACT_NEXT_STEP) | WIZ_ACT_BIT(ACT_PREV_STEP) |
				       WIZ_ACT_BIT(ACT_SAVE) | WIZ_ACT_BIT(ACT_HELP) |
				       WIZ_ACT_BIT(ACT_QUIT);
	uint64_t shown = global | wiz_steps[w->cur]->actions;
	if (w->text_mode)
		shown = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_CANCEL);
	draw_fill(LINES - 1, 0, COLS, CP_NORMAL);
	int x = 0;
	for (int a = 1; a < ACT_COUNT && x < COLS; a++) {
		const struct wiz_action_info *ai = wiz_action_info((enum wiz_action)a);
		if (!(shown & WIZ_ACT_BIT(a)) || !ai->bar)
			continue;
		const char *key = ai->label;
		char k[16];
		snprintf(k, sizeof(k), "%.*s", (int)strcspn(key + 1, "/") + 1, key); /* "s/F2": s */
		const char *word = a == ACT_ENTER && w->text_mode ? "accept" : ai->bar;
		int need = (int)strlen(k) + (int)strlen(word) + 2;
		if (x + need > COLS)
			break;
		draw_text(LINES - 1, x, COLS - x, CP_KEY, k);
		x += (int)strlen(k);
		draw_textf(LINES - 1, x, COLS - x, CP_NORMAL, " %s ", word);
		x += (int)strlen(word) + 2;
	}
}

/* The `?` box: the actions from the table (help text wrapped under itself), a blank row, the
 * step marks. It is as tall as the screen allows (title row to status line) and scrolls when
 * the rows do not fit, so the action list can grow without a size limit. */
#define HELP_NAME_X 14 /* columns inside the box: label at 2, name, help text */
#define HELP_TEXT_X 29
#define HELP_MAX_ROWS (4 * ACT_COUNT + 2)

struct help_row {
	int action;     /* 0: not an action row (blank, or the marks when text is set) */
	const char *text; /* this row's part of the help text, or the marks line */
	int len;
};

static struct rect help_rect(int rows)
{
	int h = rows + 2 < LINES - 2 ? rows + 2 : LINES - 2;
	int wd = COLS - 2 < 100 ? COLS - 2 : 100;
	return (struct rect){.y = 1 + (LINES - 2 - h) / 2, .x = (COLS - wd) / 2, .h = h, .w = wd};
}

/* The box's rows for a box w columns wide; returns how many. */
static int help_layout(int w, struct help_row *rows)
{
	int width = w - HELP_TEXT_X - 2 < 10 ? 10 : w - HELP_TEXT_X - 2, n = 0;
	for (int a = 1; a < ACT_COUNT; a++) {
		const char *t = wiz_action_info((enum wiz_action)a)->help;
		do {
			int len = (int)strlen(t);
			if (len > width) { /* break at the last space that fits */
				int cut = width;
				while (cut > 0 && t[cut] != ' ')
					cut--;
				len = cut > 0 ? cut : width;
			}
			rows[n++] = (struct help_row){a, t, len};
			t += len;
			while (*t == ' ')
				t++;
		} while (*t && n < HELP_MAX_ROWS - 2);
	}
	rows[n++] = (struct help_row){0, NULL, 0};
	static const char marks[] = "Step marks: + complete, ! has problems (messages show under "
				    "the fields)";
	rows[n++] = (struct help_row){0, marks, (int)strlen(marks)};
	return n;
}

/* The box for the current size, its rows and the largest first row (0 when all fit). */
static struct rect help_geometry(struct help_row *rows, int *n, int *max_top)
{
	*n = help_layout(help_rect(0).w, rows);
	struct rect r = help_rect(*n);
	*max_top = *n > r.h - 2 ? *n - (r.h - 2) : 0;
	return r;
}

static void draw_help_row(struct rect r, int y, const struct help_row *row, bool first)
{
	if (!row->action) {
		if (row->text)
			draw_textf(y, r.x + 2, r.w - 4, CP_DIM, "%.*s", row->len, row->text);
		return;
	}
	const struct wiz_action_info *ai = wiz_action_info((enum wiz_action)row->action);
	if (first) {
		draw_textf(y, r.x + 2, HELP_NAME_X - 2, CP_OK, "%s", ai->label);
		draw_textf(y, r.x + HELP_NAME_X, HELP_TEXT_X - HELP_NAME_X - 1, CP_DIM, "%s",
			   ai->name);
	}
	draw_textf(y, r.x + HELP_TEXT_X, r.w - HELP_TEXT_X - 2, CP_NORMAL, "%.*s", row->len,
		   row->text);
}

static void draw_help(const struct wiz *w)
{
	struct help_row rows[HELP_MAX_ROWS];
	int n, max_top;
	struct rect r = help_geometry(rows, &n, &max_top);
	int shown = r.h - 2;
	int top = w->help_top < 0 ? 0 : w->help_top > max_top ? max_top : w->help_top;
	if (max_top == 0) {
		draw_box(r, "Keys (any key closes)");
	} else {
		char title[80];
		snprintf(title, sizeof(title), "Keys %d-%d of %d (arrows scroll, other keys close)",
			 top + 1, top + shown, n);
		draw_box(r, title);
	}
	for (int i = 0; i < shown && top + i < n; i++) {
		const struct help_row *row = &rows[top + i];
		bool first = top + i == 0 || rows[top + i - 1].action != row->action;
		draw_help_row(r, r.y + 1 + i, row, first || i == 0);
	}
	if (top < max_top)
		draw_text(r.y + r.h - 1, r.x + r.w - 12, 10, CP_DIM, " v more ");
	if (top > 0)
		draw_text(r.y, r.x + r.w - 12, 10, CP_DIM, " ^ more ");
}

bool screen_help_key(struct wiz *w, enum wiz_action a)
{
	struct help_row rows[HELP_MAX_ROWS];
	int n, max_top;
	int page = help_geometry(rows, &n, &max_top).h - 3;
	size_t top = w->help_top > 0 ? (size_t)w->help_top : 0;
	if (max_top == 0 || !wiz_list_move(a, (size_t)max_top + 1, (size_t)page, &top))
		return false;
	w->help_top = (int)top;
	return true;
}

static void draw_popup(const struct wiz_popup *p)
{
	int width = (int)strlen(p->title) + 6;
	for (unsigned i = 0; i < p->n; i++)
		if ((int)strlen(p->items[i]) + 6 > width)
			width = (int)strlen(p->items[i]) + 6;
	if (width > COLS - 4)
		width = COLS - 4;
	int rows = (int)p->n < LINES - 8 ? (int)p->n : LINES - 8;
	struct rect r = {
	    .y = (LINES - rows - 2) / 2, .x = (COLS - width) / 2, .h = rows + 2, .w = width};
	draw_box(r, p->title);
	int top = (int)p->sel >= rows ? (int)p->sel - rows + 1 : 0;
	for (int i = 0; i < rows; i++) {
		unsigned k = (unsigned)(top + i);
		enum wiz_colour c = k == p->sel ? CP_SELECT : CP_NORMAL;
		draw_fill(r.y + 1 + i, r.x + 1, r.w - 2, c);
		draw_text(r.y + 1 + i, r.x + 2, r.w - 4, c, p->items[k]);
	}
}

static void draw_too_small(void)
{
	draw_wrapped(0, 0, COLS, LINES, CP_ERROR, "terminal too small");
	char msg[96];
	snprintf(msg, sizeof(msg),
		 "The wizard needs at least %dx%d; this one is %dx%d. "
		 "Make the window larger (q quits).",
		 WIZ_MIN_COLS, WIZ_MIN_ROWS, COLS, LINES);
	draw_wrapped(1, 0, COLS, LINES - 1, CP_NORMAL, msg);
}

void screen_draw(const struct wiz *w, const char *clock)
{
	erase();
	if (COLS < WIZ_MIN_COLS || LINES < WIZ_MIN_ROWS) {
		draw_too_small();
		refresh();
		return;
	}
	draw_title(w, clock);
	draw_steps(w);
	const struct wiz_step_ops *s = wiz_steps[w->cur];
	struct rect area = screen_step_area();
	draw_text(area.y, area.x, area.w, CP_OK, s->title);
	area.y += 2;
	area.h -= 2;
	if (s->draw)
		s->draw(w, w->step_state[w->cur], area);
	draw_status(w);
	draw_help_bar(w);
	if (w->popup)
		draw_popup(w->popup);
	if (w->show_help)
		draw_help(w);
	refresh();
}
