/* step_review — the generated files: a file list over a viewer showing either a file or its
 * diff against the installed copy under --root. Everything is rendered and diffed when the
 * step is entered; drawing only reads what was prepared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fsutil.h"
#include "core/server/render.h"
#include "core/base/util.h"
#include "tui/review.h"
#include "tui/steps.h"
#include "tui/testboot.h"

enum file_state { FS_NOT_INSTALLED, FS_NEW, FS_SAME, FS_CHANGED };
static const char *const file_state_names[] = {"", "new", "same", "changed"};

struct view_text {
	char *text;
	const char **lines;
	size_t n;
};

/* One row of the file list: the profile as it would be saved, then every generated file. */
struct entry {
	char *path;
	char *installed; /* a changed file: the installed copy's path ... */
	char *content;	 /* ... and the generated text, for diff(1) */
	size_t len;
	enum file_state state;
	struct view_text body, diff;
	bool diffed; /* diff holds the diff; it is made when first shown (diff(1) per file) */
};

struct review_step {
	bool ok; /* rendered */
	struct entry *e;
	size_t n;
	struct view_text problems;
	size_t sel;
	size_t scroll;
	bool show_diff;
	bool wrap; /* long lines go on below instead of being cut at the edge */
};

static void view_set(struct view_text *v, char *owned)
{
	free(v->text);
	free(v->lines);
	v->text = owned;
	v->n = 0;
	v->lines = NULL;
	size_t cap = 0;
	for (char *p = owned; p && *p;) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 64;
			v->lines = xrealloc(v->lines, cap * sizeof(*v->lines));
		}
		v->lines[v->n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

static void view_done(struct view_text *v)
{
	free(v->text);
	free(v->lines);
	memset(v, 0, sizeof(*v));
}

static void review_clear(struct review_step *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->e[i].path);
		free(st->e[i].installed);
		free(st->e[i].content);
		view_done(&st->e[i].body);
		view_done(&st->e[i].diff);
	}
	free(st->e);
	st->e = NULL;
	st->n = 0;
	st->ok = false;
	view_done(&st->problems);
}

/* Fills e with content and its diff against the file at installed (NULL: not installed). */
static void prepare_entry(struct entry *e, const char *installed, const char *content, size_t len)
{
	view_set(&e->body, xstrndup(content, len));
	e->diffed = true;
	if (!installed) {
		e->state = FS_NOT_INSTALLED;
		view_set(&e->diff, xstrdup("(this file is not installed by pinetboot apply)"));
		return;
	}
	size_t have_len = 0;
	char *have = fs_read_file(installed, &have_len);
	if (!have) {
		e->state = FS_NEW;
		view_set(&e->diff, xasprintf("(not installed: %s does not exist; the whole file is "
					     "new)",
					     installed));
	} else if (have_len == len && !memcmp(have, content, len)) {
		e->state = FS_SAME;
		view_set(&e->diff, xasprintf("(identical to %s)", installed));
	} else {
		e->state = FS_CHANGED;
		e->installed = xstrdup(installed);
		e->content = xstrndup(content, len);
		e->len = len;
		e->diffed = false;
	}
	free(have);
}

/* Runs diff(1) for the selected entry when its diff is about to be shown. */
static void ensure_diff(struct review_step *st)
{
	if (!st->ok || !st->show_diff || st->sel >= st->n || st->e[st->sel].diffed)
		return;
	struct entry *e = &st->e[st->sel];
	int same;
	view_set(&e->diff, review_diff(e->installed, e->content, e->len, &same));
	e->diffed = true;
}

static void add_profile_entry(const struct wiz *w, struct review_step *st, const struct site *s)
{
	size_t len = 0;
	char *existing = fs_read_file(w->site_path, &len);
	char *text = profile_render_text(s, existing);
	struct entry *e = &st->e[st->n++];
	e->path = xasprintf("%s (site profile)", w->site_path);
	prepare_entry(e, w->site_path, text, strlen(text));
	free(text);
	free(existing);
}

static void add_rendered(const struct wiz *w, struct review_step *st, const struct render_set *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct rendered_file *f = &rs->files[i];
		struct entry *e = &st->e[st->n++];
		e->path = xstrdup(f->path);
		char *installed =
		    f->install_path ? xasprintf("%s%s", strcmp(w->root_dir, "/") ? w->root_dir : "",
						f->install_path)
				    : NULL;
		prepare_entry(e, installed, f->content, f->len);
		free(installed);
	}
}

static void set_problems(struct review_step *st, const struct problems *ps)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "");
	for (size_t i = 0; i < ps->n; i++) {
		char *m = problem_format(&ps->items[i]);
		sbuf_printf(&b, "%s\n", m);
		free(m);
	}
	view_set(&st->problems, sbuf_take(&b));
}

static void review_enter(struct wiz *w, void *p)
{
	struct review_step *st = p;
	review_clear(st);
	struct site s;
	struct render_set rs = {0};
	struct problems ps;
	problems_init(&ps);
	if (draft_build(&w->site, w->site_path, &s, &ps) == 0) {
		struct render_opts o = {.format = RENDER_FILES, .templates_dir = w->templates_dir};
		review_prepare_site(w->site_path, &s, &ps);
		st->ok = render_site(&s, &o, &rs, &ps) == 0;
	}
	set_problems(st, &ps);
	problems_done(&ps);
	if (st->ok) {
		st->e = xcalloc(rs.n + 1, sizeof(*st->e));
		add_profile_entry(w, st, &s);
		add_rendered(w, st, &rs);
		if (st->sel >= st->n)
			st->sel = 0;
	}
	render_set_done(&rs);
	site_done(&s);
	st->scroll = 0;
	ensure_diff(st);
}

static void *review_init(struct wiz *w)
{
	(void)w;
	return xcalloc(1, sizeof(struct review_step));
}

static void review_done(void *p)
{
	review_clear(p);
	free(p);
}

static const struct view_text *current_view(const struct review_step *st)
{
	if (!st->ok)
		return &st->problems;
	if (!st->n)
		return NULL;
	return st->show_diff ? &st->e[st->sel].diff : &st->e[st->sel].body;
}

/* Generated files that apply would change on this host (the profile itself not counted). */
static unsigned differing(const struct review_step *st)
{
	unsigned n = 0;
	for (size_t i = 1; st->ok && i < st->n; i++)
		n += st->e[i].state == FS_CHANGED || st->e[i].state == FS_NEW;
	return n;
}

static int list_rows(const struct review_step *st, struct rect r)
{
	int rows = r.h / 3;
	return st->n < (size_t)rows ? (int)st->n : rows;
}

static int review_action(struct wiz *w, struct review_step *st, enum wiz_action a)
{
	const struct view_text *v = current_view(st);
	size_t page = (size_t)(LINES > 16 ? LINES - 16 : 4);
	switch (a) {
	case ACT_UP:
		if (st->sel > 0) {
			st->sel--;
			st->scroll = 0;
		}
		return WIZ_REDRAW;
	case ACT_DOWN:
		if (st->ok && st->sel + 1 < st->n) {
			st->sel++;
			st->scroll = 0;
		}
		return WIZ_REDRAW;
	case ACT_PAGE_DOWN:
		if (v && st->scroll + page < v->n)
			st->scroll += page;
		return WIZ_REDRAW;
	case ACT_PAGE_UP:
		st->scroll = st->scroll > page ? st->scroll - page : 0;
		return WIZ_REDRAW;
	case ACT_HOME:
		st->scroll = 0;
		return WIZ_REDRAW;
	case ACT_END:
		st->scroll = v && v->n > page ? v->n - page : 0;
		return WIZ_REDRAW;
	case ACT_TOGGLE:
		st->show_diff = !st->show_diff;
		st->scroll = 0;
		wiz_status(w, MSG_INFO,
			   st->show_diff ? "showing the diff against %s"
					 : "showing the generated file (root %s)",
			   w->root_dir);
		return WIZ_REDRAW;
	case ACT_WRAP:
		st->wrap = !st->wrap;
		wiz_status(w, MSG_INFO, "long lines %s", st->wrap ? "wrapped" : "cut at the edge");
		return WIZ_REDRAW;
	case ACT_TEST_BOOT:
		return testboot_ask(w, differing(st));
	case ACT_ENTER:
		review_enter(w, st);
		wiz_status(w, MSG_INFO, "rendered again");
		return WIZ_REDRAW;
	default:
		return WIZ_IGNORED;
	}
}

static int review_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	int r = review_action(w, p, a);
	ensure_diff(p);
	return r;
}

static enum wiz_colour line_colour(const struct review_step *st, const char *l)
{
	if (!st->ok)
		return CP_ERROR;
	if (!st->show_diff)
		return CP_NORMAL;
	if (!strncmp(l, "+++", 3) || !strncmp(l, "---", 3))
		return CP_DIM;
	return l[0] == '+' ? CP_ADD : l[0] == '-' ? CP_DEL : l[0] == '@' ? CP_HUNK : CP_NORMAL;
}

static void draw_files(const struct wiz *w, const struct review_step *st, struct rect r, int rows)
{
	(void)w;
	int top = (int)st->sel >= rows ? (int)st->sel - rows + 1 : 0;
	for (int i = 0; i < rows; i++) {
		size_t k = (size_t)(top + i);
		const struct entry *f = &st->e[k];
		bool sel = k == st->sel;
		enum file_state fs = f->state;
		if (sel)
			draw_fill(r.y + i, r.x, r.w, CP_SELECT);
		draw_text(r.y + i, r.x + 1, r.w - 12, sel ? CP_SELECT : CP_NORMAL, f->path);
		draw_text(r.y + i, r.x + r.w - 9, 9,
			  sel		     ? CP_SELECT
			  : fs == FS_CHANGED ? CP_ERROR
			  : fs == FS_NEW     ? CP_ADD
					     : CP_DIM,
			  file_state_names[fs]);
	}
}

static void review_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct review_step *st = p;
	int rows = 0;
	if (st->ok) {
		rows = list_rows(st, r);
		draw_files(w, st, r, rows);
		draw_textf(r.y + rows, r.x, r.w, CP_DIM, "-- %zu/%zu %s%s (v: %s) ", st->sel + 1,
			   st->n, st->e[st->sel].path,
			   st->show_diff ? ": diff against the installed file" : "",
			   st->show_diff ? "show the file" : "show the diff");
		rows++;
	} else {
		draw_text(r.y, r.x + 1, r.w - 2, CP_ERROR,
			  "Nothing to review until these are fixed:");
		rows = 1;
	}
	const struct view_text *v = current_view(st);
	int y = r.y + rows, width = r.w - 2;
	for (size_t k = st->scroll; v && k < v->n && y < r.y + r.h; k++) {
		const char *l = v->lines[k];
		size_t len = strlen(l), off = 0;
		do {
			draw_text(y++, r.x + 1, width, line_colour(st, l), l + off);
			off += (size_t)width;
		} while (st->wrap && off < len && y < r.y + r.h);
	}
}

static char review_mark(const struct wiz *w, const void *p)
{
	(void)p;
	return problems_has_errors(&w->problems) ? '!' : ' ';
}

static void review_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	const struct review_step *st = p;
	if (!st->ok)
		snprintf(out, n, "fix the problems listed (steps 1-3); the files render once they are gone");
	else if (differing(st))
		snprintf(out, n, "v shows each file's diff against %s; Tab or 5: export", w->root_dir);
	else
		snprintf(out, n, "Tab or 5: export the files (they match what is installed)");
}

static const char *review_bar_word(const struct wiz *w, const void *p, enum wiz_action a)
{
	(void)w;
	(void)p;
	return a == ACT_ENTER ? "render" : NULL;
}

const struct wiz_step_ops step_review = {
    .name = "Review",
    .title = "Review: the generated files (Enter renders again, t test-boots a Pi)",
    .actions = WIZ_ACT_BIT(ACT_TOGGLE) | WIZ_ACT_BIT(ACT_WRAP) | WIZ_ACT_BIT(ACT_TEST_BOOT),
    .init = review_init,
    .done = review_done,
    .enter = review_enter,
    .key = review_key,
    .draw = review_draw,
    .mark = review_mark,
    .help = "Every file this profile generates, and whether it is new, changed or the same as "
	    "the one installed under the root directory. v switches between the file and its "
	    "diff, W wraps long lines, t boots a virtual Pi against this server (root only: it "
	    "attaches to the site's interface).",
    .next = review_next,
    .bar_word = review_bar_word,
};
