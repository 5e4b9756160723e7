/* overlay — the two boxes that open over any step: a scrolled, wrapped text viewer (the message
 * log, a Pi's full diagnosis, the Readiness details) and a one-line question (a path, a search,
 * the device name that confirms an unsafe write). Both are modal: while one is up, keys go to
 * it only. */
#include "tui/overlay.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

struct wiz_viewer {
	char *title, *text;
	char *question; /* "apply these changes now?", or NULL */
	wiz_accept_fn accept;
	void *ctx;
	int top;
	struct rect at; /* where it was last drawn */
};

struct wiz_prompt {
	char *title, *explain;
	char buf[256];
	size_t cur;
	wiz_accept_fn accept;
	void *ctx;
};

void wiz_viewer_open(struct wiz *w, const char *title, const char *text)
{
	overlay_close(w);
	struct wiz_viewer *v = xcalloc(1, sizeof(*v));
	v->title = xstrdup(title);
	v->text = xstrdup(text);
	w->viewer = v;
}

void wiz_prompt_open(struct wiz *w, const char *title, const char *explain, const char *text,
		     wiz_accept_fn accept, void *ctx)
{
	overlay_close(w);
	struct wiz_prompt *p = xcalloc(1, sizeof(*p));
	p->title = xstrdup(title);
	p->explain = xstrdup(explain ? explain : "");
	snprintf(p->buf, sizeof(p->buf), "%s", text ? text : "");
	p->cur = strlen(p->buf);
	p->accept = accept;
	p->ctx = ctx;
	w->prompt = p;
	w->text_mode = true;
}

void overlay_close(struct wiz *w)
{
	if (w->viewer) {
		free(w->viewer->title);
		free(w->viewer->text);
		free(w->viewer->question);
		free(w->viewer);
		w->viewer = NULL;
	}
	if (w->prompt) {
		free(w->prompt->title);
		free(w->prompt->explain);
		free(w->prompt);
		w->prompt = NULL;
		w->text_mode = false;
	}
}

bool overlay_up(const struct wiz *w)
{
	return w->viewer || w->prompt;
}

/* The viewer's box: most of the screen, leaving the title and the help bar. */
static struct rect viewer_rect(void)
{
	int wd = COLS - 4 < 110 ? COLS - 4 : 110;
	return (struct rect){.y = 1, .x = (COLS - wd) / 2, .h = LINES - 2, .w = wd};
}

static int viewer_shown(const struct wiz_viewer *v)
{
	return viewer_rect().h - 2 - (v->question ? 2 : 0);
}

static int viewer_rows(const struct wiz_viewer *v)
{
	return draw_wrapped_count(viewer_rect().w - 4, v->text);
}

void wiz_viewer_ask(struct wiz *w, const char *question, wiz_accept_fn accept, void *ctx)
{
	struct wiz_viewer *v = w->viewer;
	if (!v)
		return;
	free(v->question);
	v->question = xstrdup(question);
	v->accept = accept;
	v->ctx = ctx;
}

static int viewer_key(struct wiz *w, enum wiz_action a, int ch)
{
	struct wiz_viewer *v = w->viewer;
	if (v->question && (ch == 'y' || ch == 'Y')) {
		wiz_accept_fn accept = v->accept;
		void *ctx = v->ctx;
		overlay_close(w);
		return accept(w, ctx, NULL) | WIZ_REDRAW;
	}
	if (v->question && (ch == 'n' || ch == 'N')) {
		overlay_close(w);
		return WIZ_REDRAW;
	}
	int page = viewer_shown(v) - 1, max = viewer_rows(v) - viewer_shown(v);
	size_t top = (size_t)v->top;
	if (wiz_list_move(a, max > 0 ? (size_t)max + 1 : 1, page > 0 ? (size_t)page : 1, &top)) {
		v->top = (int)top;
		return WIZ_REDRAW;
	}
	if (a == ACT_CANCEL || a == ACT_QUIT || a == ACT_ENTER || a == ACT_MESSAGES ||
	    a == ACT_TOGGLE) {
		overlay_close(w);
		return WIZ_REDRAW;
	}
	return WIZ_HANDLED;
}

static int prompt_key(struct wiz *w, enum wiz_action a, int ch)
{
	struct wiz_prompt *p = w->prompt;
	if (a == ACT_CANCEL) {
		overlay_close(w);
		return WIZ_REDRAW;
	}
	if (a == ACT_ENTER) {
		char typed[sizeof(p->buf)];
		snprintf(typed, sizeof(typed), "%s", p->buf);
		wiz_accept_fn accept = p->accept;
		void *ctx = p->ctx;
		overlay_close(w);
		return accept(w, ctx, typed) | WIZ_REDRAW;
	}
	return wiz_line_edit(p->buf, sizeof(p->buf), &p->cur, ch) ? WIZ_REDRAW : WIZ_HANDLED;
}

bool wiz_line_edit(char *buf, size_t size, size_t *cur, int ch)
{
	size_t len = strlen(buf);
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (*cur > 0) {
			memmove(buf + *cur - 1, buf + *cur, len - *cur + 1);
			(*cur)--;
		}
	} else if (ch == KEY_DC) {
		if (*cur < len)
			memmove(buf + *cur, buf + *cur + 1, len - *cur);
	} else if (ch == KEY_LEFT) {
		*cur -= *cur > 0;
	} else if (ch == KEY_RIGHT) {
		*cur += *cur < len;
	} else if (ch == KEY_HOME || ch == 1) {
		*cur = 0;
	} else if (ch == KEY_END || ch == 5) {
		*cur = len;
	} else if (ch == 21) { /* C-u */
		buf[0] = 0;
		*cur = 0;
	} else if (ch >= 32 && ch < 127 && len + 1 < size) {
		memmove(buf + *cur + 1, buf + *cur, len - *cur + 1);
		buf[(*cur)++] = (char)ch;
	} else {
		return false;
	}
	return true;
}

int overlay_key(struct wiz *w, enum wiz_action a, int ch)
{
	if (w->prompt)
		return prompt_key(w, a, ch);
	return viewer_key(w, a, ch);
}

int overlay_click(struct wiz *w, int y, int x, int wheel)
{
	if (w->prompt)
		return WIZ_HANDLED;
	if (wheel)
		return viewer_key(w, wheel < 0 ? ACT_UP : ACT_DOWN, 0);
	struct rect r = w->viewer->at;
	if (y < r.y || y >= r.y + r.h || x < r.x || x >= r.x + r.w) {
		overlay_close(w); /* a click outside the box closes it */
		return WIZ_REDRAW;
	}
	return WIZ_HANDLED;
}

static void draw_viewer(struct wiz_viewer *v)
{
	struct rect r = viewer_rect();
	v->at = r;
	int rows = viewer_rows(v), shown = r.h - 2 - (v->question ? 2 : 0);
	int max = rows - shown > 0 ? rows - shown : 0;
	if (v->top > max)
		v->top = max;
	char title[200];
	if (max)
		snprintf(title, sizeof(title), "%s - lines %d-%d of %d (arrows scroll, Esc closes)",
			 v->title, v->top + 1, v->top + shown, rows);
	else
		snprintf(title, sizeof(title), "%s (Esc closes)", v->title);
	draw_box(r, title);
	const char *t = draw_wrapped_skip(r.w - 4, v->top, v->text);
	draw_wrapped(r.y + 1, r.x + 2, r.w - 4, shown, CP_NORMAL, t);
	if (v->top < max)
		draw_text(r.y + r.h - 1, r.x + r.w - 12, 10, CP_DIM, " v more ");
	if (v->question) {
		attrset(draw_attr(CP_DIM));
		mvhline(r.y + r.h - 3, r.x + 1, ACS_HLINE, r.w - 2);
		attrset(A_NORMAL);
		draw_textf(r.y + r.h - 2, r.x + 2, r.w - 4, CP_OK, "%s (y/n)", v->question);
	}
}

static void draw_prompt(const struct wiz_prompt *p)
{
	int wd = COLS - 8 < 90 ? COLS - 8 : 90;
	int ex = draw_wrapped_count(wd - 4, p->explain);
	if (ex > LINES - 10)
		ex = LINES - 10;
	struct rect r = {.y = (LINES - ex - 5) / 2, .x = (COLS - wd) / 2, .h = ex + 5, .w = wd};
	draw_box(r, p->title);
	draw_wrapped(r.y + 1, r.x + 2, r.w - 4, ex, CP_NORMAL, p->explain);
	int y = r.y + ex + 2, fw = r.w - 4;
	draw_fill(y, r.x + 2, fw, CP_EDIT);
	size_t start = p->cur >= (size_t)fw ? p->cur - (size_t)fw + 1 : 0;
	draw_text(y, r.x + 2, fw, CP_EDIT, p->buf + start);
	char c[2] = {p->buf[p->cur] ? p->buf[p->cur] : ' ', 0};
	draw_text(y, r.x + 2 + (int)(p->cur - start), 1, CP_SELECT, c);
	draw_text(y + 1, r.x + 2, fw, CP_DIM, "Enter accepts, Esc cancels");
}

void overlay_draw(const struct wiz *w)
{
	if (w->viewer)
		draw_viewer(w->viewer);
	if (w->prompt)
		draw_prompt(w->prompt);
}
