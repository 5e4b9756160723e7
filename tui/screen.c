/* screen — shared chrome: title, step list, status, help bar, help screen, choice lists. */
#include <stdbool.h>

#include "tui/overlay.h"
#include "tui/screen.h"
#include "tui/steps.h"

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
	char keys[8]; /* hot keys, one per item ("yn"), or "" */
	struct rect at; /* where it was last drawn, for the mouse */
};

/* Where the step bar's labels and the help bar's keys were drawn, for the mouse. Drawing
 * fills these; only the terminal's size and the current step change them. */
static struct {
	int x0[32], x1[32]; /* step i spans columns x0..x1-1 of row 1 (x1 = 0: not shown) */
	int bar_x0[ACT_COUNT], bar_x1[ACT_COUNT]; /* action a on the last row */
} hits;

void wiz_status(struct wiz *w, enum wiz_msg_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->status, sizeof(w->status), fmt, ap);
	va_end(ap);
	w->status_kind = kind;
	w->status_seq++;
	if (!w->status[0])
		return;
	if (w->log_n && !strcmp(w->log[w->log_n - 1], w->status))
		return; /* the same message again (e.g. every tick) */
	if (w->log_n == WIZ_LOG_N) {
		free(w->log[0]);
		memmove(w->log, w->log + 1, (WIZ_LOG_N - 1) * sizeof(w->log[0]));
		memmove(w->log_kind, w->log_kind + 1, (WIZ_LOG_N - 1) * sizeof(w->log_kind[0]));
		w->log_n--;
	}
	w->log_kind[w->log_n] = kind;
	w->log[w->log_n++] = xstrdup(w->status);
}

void wiz_show_log(struct wiz *w)
{
	size_t len = 1;
	for (unsigned i = 0; i < w->log_n; i++)
		len += strlen(w->log[i]) + 16;
	char *text = xmalloc(len), *o = text;
	*o = 0;
	static const char *const tag[] = {"", "ok: ", "error: "};
	for (unsigned i = w->log_n; i-- > 0;) /* newest first */
		o += sprintf(o, "%s%s\n", tag[w->log_kind[i]], w->log[i]);
	wiz_viewer_open(w, w->log_n ? "Messages, newest first" : "Messages",
			w->log_n ? text : "No messages yet.");
	free(text);
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

void wiz_popup_hotkeys(struct wiz *w, const char *keys)
{
	if (w->popup)
		snprintf(w->popup->keys, sizeof(w->popup->keys), "%s", keys);
}

/* The item a typed letter picks: a hot key when the list has them, else an item's unique
 * first letter; -1: none. */
static int popup_hotkey(const struct wiz_popup *p, int ch)
{
	if (ch <= ' ' || ch >= 127)
		return -1;
	int lc = ch | 0x20, found = -1;
	if (p->keys[0]) {
		for (unsigned i = 0; i < p->n && p->keys[i]; i++)
			if (p->keys[i] != ' ' && (p->keys[i] | 0x20) == lc)
				return (int)i;
		return -1;
	}
	for (unsigned i = 0; i < p->n; i++)
		if ((p->items[i][0] | 0x20) == lc) {
			if (found >= 0)
				return -1; /* two items start so: the letter means neither */
			found = (int)i;
		}
	return found;
}

static int popup_pick(struct wiz *w, unsigned sel)
{
	struct wiz_popup *p = w->popup;
	wiz_pick_fn pick = p->pick;
	void *ctx = p->ctx;
	unsigned n = p->n;
	popup_close(w);
	return n ? pick(w, ctx, sel) | WIZ_REDRAW : WIZ_REDRAW;
}

void popup_close(struct wiz *w)
{
	struct wiz_popup *p = w->popup;
	if (!p)
		return;
	strv_free(p->items, p->n);
	free(p->title);
	free(p);
	w->popup = NULL;
}

int popup_key(struct wiz *w, enum wiz_action a, int ch)
{
	struct wiz_popup *p = w->popup;
	int hot = popup_hotkey(p, ch);
	size_t cur = p->sel;
	bool moves = a == ACT_ENTER || a == ACT_CANCEL || wiz_list_move(a, p->n, 0, &cur);
	if (hot >= 0 && (!moves || p->keys[0])) /* listed hot keys win over j/k */
		return popup_pick(w, (unsigned)hot);
	cur = p->sel;
	if (wiz_list_move(a, p->n, 0, &cur)) {
		p->sel = (unsigned)cur;
		return WIZ_REDRAW;
	}
	switch (a) {
	case ACT_CANCEL:
		popup_close(w);
		return WIZ_REDRAW;
	case ACT_ENTER:
		return popup_pick(w, p->sel);
	case ACT_QUIT:
		popup_close(w);
		return WIZ_REDRAW;
	default:
		return WIZ_HANDLED; /* modal: nothing else reaches the step */
	}
}

int popup_click(struct wiz *w, int y, int x)
{
	struct wiz_popup *p = w->popup;
	struct rect r = p->at;
	if (y < r.y || y >= r.y + r.h || x < r.x || x >= r.x + r.w) {
		popup_close(w);
		return WIZ_REDRAW;
	}
	size_t k;
	if (!wiz_list_hit(y, r.y + 1, r.h - 2, p->sel, &k) || k >= p->n)
		return WIZ_HANDLED;
	return popup_pick(w, (unsigned)k);
}

int screen_step_at(int y, int x)
{
	if (y != 1)
		return -1;
	for (unsigned i = 0; i < wiz_n_steps && i < 32; i++)
		if (hits.x1[i] && x >= hits.x0[i] && x < hits.x1[i])
			return (int)i;
	return -1;
}

enum wiz_action screen_bar_at(int y, int x)
{
	if (y != LINES - 1)
		return ACT_NONE;
	for (int a = 1; a < ACT_COUNT; a++)
		if (hits.bar_x1[a] && x >= hits.bar_x0[a] && x < hits.bar_x1[a])
			return (enum wiz_action)a;
	return ACT_NONE;
}

struct rect screen_step_area(void)
{
	return (struct rect){.y = 3, .x = 1, .h = LINES - 5, .w = COLS - 2};
}

struct rect screen_step_body(void)
{
	struct rect a = screen_step_area();
	a.y += 2;
	a.h -= 2;
	return a;
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
static int step_label(const struct wiz *w, unsigned i, bool short_name, char *out, size_t n)
{
	const struct wiz_step_ops *s = wiz_steps[i];
	char mark = wiz_step_mark(w, i);
	snprintf(out, n, " %u %s%c", i + 1, short_name && s->short_name ? s->short_name : s->name,
		 mark);
	return (int)strlen(out);
}

/* The width of the whole bar in a style: 0 full names with " >" between, 1 full names, 2 short
 * names. */
static int bar_width(const struct wiz *w, unsigned n, int style)
{
	char label[48];
	int need = 1;
	for (unsigned i = 0; i < n; i++)
		need += step_label(w, i, style == 2, label, sizeof(label)) + (style == 0 ? 2 : 0);
	return need;
}

/* "1 Site+ > 2 Pis! > …": the step list with each step's mark and the current step lit. It
 * shows every step: at 80 columns the " >" go, then the names shorten ("Ready", "Mon"). Only a
 * list wider than that scrolls like a tab bar ("..." at either end says steps are hidden). */
static void draw_steps(const struct wiz *w)
{
	char label[48];
	int width[32];
	unsigned n = wiz_n_steps < 32 ? wiz_n_steps : 32;
	int style = 0;
	while (style < 2 && bar_width(w, n, style) > COLS - 2)
		style++;
	bool sep = style == 0, shrt = style == 2;
	for (unsigned i = 0; i < n; i++) {
		width[i] = step_label(w, i, shrt, label, sizeof(label)) + (sep ? 2 : 0);
		hits.x0[i] = hits.x1[i] = 0;
	}
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
		int len = step_label(w, i, shrt, label, sizeof(label));
		if (x + len > COLS - (i + 1 < n ? 4 : 0) && i > w->cur) {
			draw_text(1, x, COLS - x, CP_DIM, " ...");
			break;
		}
		draw_text(1, x, COLS - x, i == w->cur ? CP_STEP_CUR : CP_STEP, label);
		char mark = label[len - 1];
		if (mark == '!' || mark == '+')
			draw_text(1, x + len - 1, 1,
				  i == w->cur ? CP_STEP_CUR : mark == '!' ? CP_ERROR : CP_OK,
				  mark == '!' ? "!" : "+");
		hits.x0[i] = x;
		hits.x1[i] = x + len;
		x += len;
		if (sep && i + 1 < n) {
			draw_text(1, x, COLS - x, CP_DIM, " >");
			x += 2;
		}
	}
	attrset(draw_attr(CP_DIM));
	mvhline(2, 0, ACS_HLINE, COLS);
	attrset(A_NORMAL);
}

/* The status line. A message longer than the line wraps upwards over the step's last rows (at
 * most STATUS_ROWS); one longer still ends in "... (m: messages)", where it is read in full. */
#define STATUS_ROWS 3
static void draw_status(const struct wiz *w)
{
	static const enum wiz_colour kind_colour[] = {CP_NORMAL, CP_OK, CP_ERROR};
	enum wiz_colour c = kind_colour[w->status_kind];
	int width = COLS - 2;
	draw_fill(LINES - 2, 0, COLS, CP_NORMAL);
	if ((int)strlen(w->status) <= width) {
		draw_text(LINES - 2, 1, width, c, w->status);
		return;
	}
	int rows = draw_wrapped_count(width, w->status);
	static const char more[] = " ... (m: messages)";
	int shown = rows < STATUS_ROWS ? rows : STATUS_ROWS;
	int y = LINES - 1 - shown;
	for (int i = 0; i < shown; i++)
		draw_fill(y + i, 0, COLS, CP_NORMAL);
	attrset(draw_attr(CP_DIM));
	if (y > 3)
		mvhline(y - 1, 0, ACS_HLINE, COLS);
	attrset(A_NORMAL);
	if (rows <= STATUS_ROWS) {
		draw_wrapped(y, 1, width, shown, c, w->status);
		return;
	}
	draw_wrapped(y, 1, width, shown - 1, c, w->status);
	/* the last row: what is left of the message, cut to leave room for the pointer */
	const char *rest = draw_wrapped_skip(width, shown - 1, w->status);
	draw_textf(y + shown - 1, 1, width, c, "%.*s", width - (int)sizeof(more) + 1, rest);
	draw_text(y + shown - 1, COLS - (int)sizeof(more), (int)sizeof(more) - 1, CP_DIM, more);
}

/* Global actions plus the current step's, from the action table; the step may name its own
 * word for an action ("write" for Enter on Flash). */
static void draw_help_bar(const struct wiz *w)
{
	static const uint64_t global = WIZ_ACT_BIT(ACT_NEXT_STEP) | WIZ_ACT_BIT(ACT_PREV_STEP) |
				       WIZ_ACT_BIT(ACT_SAVE) | WIZ_ACT_BIT(ACT_HELP) |
				       WIZ_ACT_BIT(ACT_QUIT);
	uint64_t shown = global | wiz_step_actions(w->cur);
	if (w->text_mode)
		shown = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_CANCEL);
	draw_fill(LINES - 1, 0, COLS, CP_NORMAL);
	int x = 0;
	for (int a = 1; a < ACT_COUNT; a++)
		hits.bar_x0[a] = hits.bar_x1[a] = 0;
	/* ? help and q quit always show: a step's own keys give way first */
	int reserve = (shown & WIZ_ACT_BIT(ACT_HELP) ? 7 : 0) + (shown & WIZ_ACT_BIT(ACT_QUIT) ? 7 : 0);
	for (int a = 1; a < ACT_COUNT && x < COLS; a++) {
		const struct wiz_action_info *ai = wiz_action_info((enum wiz_action)a);
		if (!(shown & WIZ_ACT_BIT(a)) || !ai->bar)
			continue;
		const char *key = ai->label;
		char k[16];
		snprintf(k, sizeof(k), "%.*s", (int)strcspn(key + 1, "/") + 1, key); /* "s/F2": s */
		const char *own = w->text_mode ? NULL : wiz_step_bar_word(w, (enum wiz_action)a);
		const char *word = own ? own : ai->bar;
		if (w->text_mode && a == ACT_ENTER)
			word = "accept";
		int need = (int)strlen(k) + (int)strlen(word) + 2;
		bool kept = a == ACT_HELP || a == ACT_QUIT;
		if (x + need > COLS - (kept ? 0 : reserve))
			continue;
		if (kept)
			reserve -= 7;
		hits.bar_x0[a] = x;
		draw_text(LINES - 1, x, COLS - x, CP_KEY, k);
		x += (int)strlen(k);
		draw_textf(LINES - 1, x, COLS - x, CP_NORMAL, " %s ", word);
		x += (int)strlen(word) + 2;
		hits.bar_x1[a] = x;
	}
}

/* The `?` box: what the current step is for, its keys, then every other key (help text wrapped
 * under itself), then the step marks. It is as tall as the screen allows (title row to status
 * line) and scrolls when the rows do not fit, so the lists can grow without a size limit. */
#define HELP_NAME_X 14 /* columns inside the box: label at 2, name, help text */
#define HELP_TEXT_X 29
#define HELP_MAX_ROWS (4 * ACT_COUNT + 40)

struct help_row {
	int action;	  /* 0: not an action row (blank, heading or text when text is set) */
	const char *text; /* this row's part of the help text, or a heading/text line */
	int len;
	bool heading;
};

static struct rect help_rect(int rows)
{
	int h = rows + 2 < LINES - 2 ? rows + 2 : LINES - 2;
	int wd = COLS - 2 < 100 ? COLS - 2 : 100;
	return (struct rect){.y = 1 + (LINES - 2 - h) / 2, .x = (COLS - wd) / 2, .h = h, .w = wd};
}

/* Appends t wrapped at width as rows of action a (0: plain text); returns the new count. */
static int help_text_rows(struct help_row *rows, int n, int a, const char *t, int width)
{
	do {
		int len = (int)draw_wrap_next(t, width);
		rows[n++] = (struct help_row){a, t, len, false};
		t += len;
		while (*t == ' ' || *t == '\n')
			t++;
	} while (*t && n < HELP_MAX_ROWS - 8);
	return n;
}

static int help_actions(struct help_row *rows, int n, uint64_t which, int width)
{
	for (int a = 1; a < ACT_COUNT && n < HELP_MAX_ROWS - 8; a++)
		if (which & WIZ_ACT_BIT(a))
			n = help_text_rows(rows, n, a, wiz_action_info((enum wiz_action)a)->help,
					   width);
	return n;
}

/* The box's rows for a box w columns wide; returns how many. */
static int help_layout(const struct wiz *w, int bw, struct help_row *rows)
{
	int width = bw - HELP_TEXT_X - 2 < 10 ? 10 : bw - HELP_TEXT_X - 2, n = 0;
	const struct wiz_step_ops *s = wiz_steps[w->cur];
	static char heading[80];
	snprintf(heading, sizeof(heading), "Step %u, %s", w->cur + 1, s->name);
	rows[n++] = (struct help_row){0, heading, (int)strlen(heading), true};
	if (s->help)
		n = help_text_rows(rows, n, 0, s->help, bw - 4);
	uint64_t mine = wiz_step_actions(w->cur) & ~WIZ_ACT_BIT(ACT_NONE);
	n = help_actions(rows, n, mine, width);
	rows[n++] = (struct help_row){0, NULL, 0, false};
	static const char every[] = "Every step";
	rows[n++] = (struct help_row){0, every, (int)strlen(every), true};
	n = help_actions(rows, n, ~mine & ~WIZ_ACT_BIT(ACT_NONE), width);
	rows[n++] = (struct help_row){0, NULL, 0, false};
	static const char marks[] = "Step marks: + complete, ! has problems (messages show under "
				    "the fields); m shows the last messages in full";
	n = help_text_rows(rows, n, 0, marks, bw - 4);
	return n;
}

/* The box for the current size, its rows and the largest first row (0 when all fit). */
static struct rect help_geometry(const struct wiz *w, struct help_row *rows, int *n, int *max_top)
{
	*n = help_layout(w, help_rect(0).w, rows);
	struct rect r = help_rect(*n);
	*max_top = *n > r.h - 2 ? *n - (r.h - 2) : 0;
	return r;
}

static void draw_help_row(struct rect r, int y, const struct help_row *row, bool first)
{
	if (!row->action) {
		if (row->text)
			draw_textf(y, r.x + 2, r.w - 4, row->heading ? CP_OK : CP_DIM, "%.*s",
				   row->len, row->text);
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
	struct rect r = help_geometry(w, rows, &n, &max_top);
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
	int page = help_geometry(w, rows, &n, &max_top).h - 3;
	size_t top = w->help_top > 0 ? (size_t)w->help_top : 0;
	if (max_top == 0 || !wiz_list_move(a, (size_t)max_top + 1, (size_t)page, &top))
		return false;
	w->help_top = (int)top;
	return true;
}

static void draw_popup(struct wiz_popup *p)
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
	p->at = r;
	size_t top = wiz_list_top(p->sel, rows);
	for (int i = 0; i < rows; i++) {
		size_t k = top + (size_t)i;
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
	struct rect body = screen_step_body();
	char next[256];
	wiz_step_next(w, next, sizeof(next));
	if (next[0]) {
		draw_text(area.y + 1, area.x, 6, CP_DIM, "Next: ");
		draw_text(area.y + 1, area.x + 6, area.w - 6, CP_NORMAL, next);
	}
	wiz_step_draw(w, body);
	draw_status(w);
	draw_help_bar(w);
	if (w->popup)
		draw_popup(w->popup);
	if (w->show_help)
		draw_help(w);
	overlay_draw(w);
	refresh();
}
