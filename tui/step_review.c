/* step_review — the generated files: a file list over a viewer showing either a file or its
 * diff against the installed copy under --root. Each file's state and diff come from apply's
 * own plan (apply_plan), so Review shows exactly what `pinetboot apply --dry-run` would do,
 * config.txt line merges and files of Pis that left the profile included. Everything is
 * rendered and planned when the step is entered; drawing only reads what was prepared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fsutil.h"
#include "core/server/apply.h"
#include "core/server/lint.h"
#include "core/server/export.h"
#include "core/server/render.h"
#include "core/base/util.h"
#include "tui/screen.h"
#include "tui/steps.h"
#include "tui/testboot.h"

enum file_state { FS_NOT_INSTALLED, FS_NEW, FS_SAME, FS_CHANGED, FS_REMOVED };
static const char *const file_state_names[] = {"", "new", "same", "changed", "removed"};

struct view_text {
	char *text;
	const char **lines;
	size_t n;
};

/* One row of the file list: the profile as it would be saved, then every generated file. */
struct entry {
	char *path;
	struct apply_item *item; /* its item in the plan (NULL: apply does not install it) */
	enum file_state state;
	struct view_text body, diff;
	bool diffed; /* diff holds the diff; it is made when first shown (diff(1) per file) */
};

struct review_step {
	bool ok;		 /* rendered */
	unsigned rendered_at;	 /* w->changes when rendered: an older render says nothing */
	struct apply_plan plan;	 /* what apply would do with the rendered files */
	struct render_set files; /* what the plan's items point into */
	struct apply_item profile; /* the site profile as it would be saved */
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

/* What one row owns: its path and the two texts (item points into the plan). */
static void entry_done(struct entry *e)
{
	free(e->path);
	view_done(&e->body);
	view_done(&e->diff);
}

static void review_clear(struct review_step *st)
{
	for (size_t i = 0; i < st->n; i++)
		entry_done(&st->e[i]);
	free(st->e);
	st->e = NULL;
	st->n = 0;
	apply_plan_done(&st->plan);
	render_set_done(&st->files);
	free(st->profile.target);
	free(st->profile.content);
	memset(&st->profile, 0, sizeof(st->profile));
	st->ok = false;
	view_done(&st->problems);
}

static const enum file_state state_of[] = {
    [APPLY_SAME] = FS_SAME, [APPLY_NEW] = FS_NEW, [APPLY_CHANGED] = FS_CHANGED,
    [APPLY_REMOVED] = FS_REMOVED};

/* Fills e with body as its text and it (NULL: not installed by apply) as its plan item; the
 * diff is made when first shown. */
static void set_entry(struct entry *e, char *path, const char *body, size_t len,
		      struct apply_item *it)
{
	e->path = path;
	e->item = it;
	view_set(&e->body, xstrndup(body, len));
	e->state = it ? state_of[it->change] : FS_NOT_INSTALLED;
	e->diffed = !it;
	if (!it)
		view_set(&e->diff, xstrdup("(this file is not installed by pinetboot apply)"));
}

/* Runs diff(1) for the selected entry when its diff is about to be shown. */
static void ensure_diff(struct review_step *st)
{
	if (!st->ok || !st->show_diff || st->sel >= st->n || st->e[st->sel].diffed)
		return;
	struct entry *e = &st->e[st->sel];
	view_set(&e->diff, apply_item_diff(e->item));
	e->diffed = true;
}

/* The profile as the wizard would save it, compared as apply compares a plain file. */
static void add_profile_entry(const struct wiz *w, struct review_step *st, const struct site *s)
{
	size_t len = 0;
	char *existing = fs_read_file(w->site_path, &len);
	struct apply_item *it = &st->profile;
	it->target = xstrdup(w->site_path);
	it->content = profile_render_text(s, existing);
	it->len = strlen(it->content);
	it->change = !existing				      ? APPLY_NEW
		     : len == it->len && !memcmp(existing, it->content, len) ? APPLY_SAME
									      : APPLY_CHANGED;
	free(existing);
	set_entry(&st->e[st->n++], xasprintf("%s (site profile)", w->site_path), it->content,
		  it->len, it);
}

static struct apply_item *item_of(struct apply_plan *plan, const struct rendered_file *f)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->items[i].f == f)
			return &plan->items[i];
	return NULL;
}

/* Every generated file, then the files apply would take away. */
static void add_planned(struct review_step *st)
{
	for (size_t i = 0; i < st->files.n; i++) {
		const struct rendered_file *f = &st->files.files[i];
		set_entry(&st->e[st->n++], xstrdup(f->path), f->content, f->len,
			  item_of(&st->plan, f));
	}
	for (size_t i = 0; i < st->plan.n; i++) {
		struct apply_item *it = &st->plan.items[i];
		if (it->change == APPLY_REMOVED)
			set_entry(&st->e[st->n++], xasprintf("%s (removed)", it->target), "", 0, it);
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

/* The profile's file name, as apply names the site in its manifest. */
static const char *site_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void review_enter(struct wiz *w, void *p)
{
	struct review_step *st = p;
	review_clear(st);
	st->rendered_at = w->changes;
	struct site s;
	struct problems ps;
	problems_init(&ps);
	if (draft_build(&w->site, w->site_path, &s, &ps) == 0) {
		struct render_opts o = {.format = RENDER_FILES, .templates_dir = w->templates_dir};
		st->ok = export_render(&s, w->site_path, &o, false, &st->files, &ps) == 0 &&
			 apply_plan(&st->files, w->root_dir, site_name(w->site_path), &st->plan,
				    &ps) == 0;
		/* the initramfs each Pi will load, looked into: one line when it cannot log in */
		lint_initramfs(&s, w->root_dir, &ps);
	}
	set_problems(st, &ps);
	problems_done(&ps);
	if (st->ok) {
		st->e = xcalloc(st->files.n + st->plan.n + 1, sizeof(*st->e));
		add_profile_entry(w, st, &s);
		add_planned(st);
		if (st->sel >= st->n)
			st->sel = 0;
	}
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
		n += st->e[i].state == FS_CHANGED || st->e[i].state == FS_NEW ||
		     st->e[i].state == FS_REMOVED;
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
	size_t top = wiz_list_top(st->sel, rows);
	for (int i = 0; i < rows; i++) {
		size_t k = top + (size_t)i;
		const struct entry *f = &st->e[k];
		bool sel = k == st->sel;
		enum file_state fs = f->state;
		if (sel)
			draw_fill(r.y + i, r.x, r.w, CP_SELECT);
		draw_text(r.y + i, r.x + 1, r.w - 12, sel ? CP_SELECT : CP_NORMAL, f->path);
		draw_text(r.y + i, r.x + r.w - 9, 9,
			  sel		     ? CP_SELECT
			  : fs == FS_CHANGED || fs == FS_REMOVED ? CP_ERROR
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

/* + once the files rendered and every one matches what is installed (nothing left to apply). */
static char review_mark(const struct wiz *w, const void *p)
{
	const struct review_step *st = p;
	if (problems_has_errors(&w->problems))
		return '!';
	return st->ok && st->n && st->rendered_at == w->changes && !differing(st) ? '+' : ' ';
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

/* A click on a file selects it (its text or diff shows below). */
static int review_click(struct wiz *w, void *p, int y, int x)
{
	struct review_step *st = p;
	(void)w;
	(void)x;
	struct rect r = screen_step_body();
	size_t k;
	if (!st->ok || !wiz_list_hit(y, r.y, list_rows(st, r), st->sel, &k) || k >= st->n)
		return WIZ_HANDLED;
	st->sel = k;
	st->scroll = 0;
	ensure_diff(st);
	return WIZ_REDRAW;
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
    .bar_words = {[ACT_ENTER] = "render"},
    .click = review_click,
};
