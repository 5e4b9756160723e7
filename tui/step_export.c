/* step_export — where the profile is saved and the files are written; Enter on "Export"
 * saves the profile (profile_save) and writes the files with the code `pinetboot export`
 * uses. */
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "core/server/export.h"
#include "tui/apply.h"
#include "tui/form.h"
#include "tui/steps.h"

struct export_step {
	struct form form; /* first: a form step (struct wiz_step_ops) */
	struct form_field fields[4];
};

#define FIELD_EXPORT 2
#define FIELD_APPLY 3

static int do_export(struct wiz *w, struct form *f)
{
	int r = wiz_save(w);
	if (!(r & WIZ_SAVED))
		return r;
	struct render_opts o = {.format = RENDER_FILES, .templates_dir = w->templates_dir};
	struct site s;
	struct render_set rs;
	struct problems ps;
	problems_init(&ps);
	if (export_site(w->site_path, &o, true, w->out_dir, &s, &rs, &ps) == 0) {
		wiz_status(w, MSG_OK, "saved %s and exported %zu files to %s", w->site_path, rs.n,
			   w->out_dir);
		render_set_done(&rs);
		site_done(&s);
		w->exported = true;
		w->exported_at = w->changes;
		f->sel = FIELD_APPLY; /* what comes next: the Next line says so */
	} else {
		char *m = problems_first_text(&ps, "unknown error");
		wiz_status(w, MSG_ERROR, "export failed: %s", m);
		free(m);
	}
	problems_done(&ps);
	return r;
}

static int run_apply(struct wiz *w, void *ctx, const char *typed)
{
	(void)ctx;
	(void)typed;
	char msg[1024];
	int rc = wiz_apply_run(w->site_path, w->root_dir, w->templates_dir, msg, sizeof(msg));
	wiz_status(w, rc == 0 ? MSG_OK : MSG_ERROR, "%s", msg);
	return WIZ_REDRAW;
}

/* Apply: the dry run first (what changes, with diffs and reloads) in the viewer; y there
 * installs. */
static int do_apply(struct wiz *w, struct form *f)
{
	(void)f;
	int r = wiz_save(w);
	if (!(r & WIZ_SAVED))
		return r;
	char err[512];
	size_t changes = 0;
	char *text = wiz_apply_preview(w->site_path, w->root_dir, w->templates_dir, &changes, err,
				       sizeof(err));
	if (!text) {
		wiz_status(w, MSG_ERROR, "apply: %s", err);
		return r;
	}
	char title[300];
	snprintf(title, sizeof(title), "Dry run: pinetboot apply %s --root %s", w->site_path,
		 w->root_dir);
	wiz_viewer_open(w, title, changes ? text : "Nothing to change: the installed files "
						    "already match this profile.");
	if (changes)
		wiz_viewer_ask(w, "Install these files now (the old ones are kept as backups)?",
			       run_apply, NULL);
	free(text);
	return r | WIZ_REDRAW;
}

static char *check_path(const void *ctx, int key, const char *v)
{
	(void)ctx;
	(void)key;
	if (!*v)
		return xstrdup("a path is required (expected e.g. site.conf or out/)");
	if (strchr(v, '\n'))
		return xstrdup("the path may not hold a line break");
	return NULL;
}

/* Where the profile and the export go: wizard settings (not in the profile), required, checked
 * as paths. */
static struct form_field path_field(const char *label, const char *key_name, const char *help,
				    char **slot)
{
	struct form_field fd = form_text(label, key_name, help, slot, check_path);
	fd.required = true;
	fd.local = true;
	return fd;
}

/* A button: Enter runs pick; placeholder says what it does. */
static struct form_field button_field(const char *label, const char *key_name, const char *help,
				      const char *placeholder,
				      int (*pick)(struct wiz *, struct form *))
{
	return (struct form_field){.label = label,
				   .key_name = key_name,
				   .help = help,
				   .kind = FIELD_BUTTON,
				   .placeholder = placeholder,
				   .pick = pick};
}

static void *export_init(struct wiz *w)
{
	struct export_step *st = xcalloc(1, sizeof(*st));
	struct form_field fields[] = {
	    path_field("Profile", "profile",
		       "the site profile is saved here (comments and key order are kept)",
		       &w->site_path),
	    path_field("Output dir", "output",
		       "the generated files go here, as with pinetboot export -o DIR", &w->out_dir),
	    button_field("Export", "export",
			 "saves the profile, then renders every file into the output directory",
			 "Enter: save the profile and write the files", do_export),
	    button_field("Apply", "apply",
			 "installs the files at their system paths, as sudo pinetboot apply SITE: "
			 "the dry run with every diff comes first, y there installs",
			 "Enter: show what apply changes on this machine, then apply", do_apply),
	};
	memcpy(st->fields, fields, sizeof(fields));
	form_reset(&st->form, st->fields, PNB_ARRAY_LEN(st->fields), "[export]");
	return st;
}

static void export_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct export_step *st = p;
	struct rect fr = r;
	fr.h = 9;
	form_draw(w, &st->form, fr);
	int y = r.y + fr.h;
	size_t n = problems_count(&w->problems, PROBLEM_ERROR);
	if (n) {
		draw_textf(y++, r.x + 1, r.w - 2, CP_ERROR,
			   "The profile has %zu problem%s; fix %s before exporting:", n,
			   n == 1 ? "" : "s", n == 1 ? "it" : "them");
		for (size_t i = 0; i < w->problems.n && y < r.y + r.h; i++) {
			const struct problem *pr = &w->problems.items[i];
			draw_textf(y++, r.x + 3, r.w - 4, CP_ERROR, "%s %s%s%s",
				   pr->section ? pr->section : "", pr->key ? pr->key : "",
				   pr->key ? ": " : "", pr->message);
		}
	} else {
		draw_text(y, r.x + 1, r.w - 2, CP_OK, "The profile is valid and ready to export.");
	}
}

static bool up_to_date(const struct wiz *w)
{
	return w->exported && w->exported_at == w->changes;
}

static char export_mark(const struct wiz *w, const void *p)
{
	(void)p;
	return problems_has_errors(&w->problems) ? '!' : up_to_date(w) ? '+' : ' ';
}

static void export_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	(void)p;
	if (problems_has_errors(&w->problems))
		snprintf(out, n, "fix the problems listed below, then Enter on Export");
	else if (!up_to_date(w))
		snprintf(out, n, "Enter on Export writes the files into %s", w->out_dir);
	else
		snprintf(out, n, "Enter on Apply: see what changes here (dry run), then y installs");
}

static const char *export_bar_word(const struct wiz *w, const void *p, enum wiz_action a)
{
	const struct export_step *st = p;
	(void)w;
	if (a != ACT_ENTER)
		return NULL;
	return st->form.sel == FIELD_EXPORT ? "export" : st->form.sel == FIELD_APPLY ? "apply" : NULL;
}

const struct wiz_step_ops step_export = {
    .name = "Export",
    .title = "Export: save the profile and write the generated files",
    .form = true,
    .init = export_init,
    .draw = export_draw,
    .mark = export_mark,
    .help = "Saves the profile and writes the generated files into the output directory, as "
	    "pinetboot export SITE -o DIR. Apply then installs them on this machine, as sudo "
	    "pinetboot apply SITE: it shows the dry run (each file's diff and the reloads) first.",
    .next = export_next,
    .bar_word = export_bar_word,
};
