/* step_readiness — "Pi readiness": per Pi, the model, serial, MAC, bootloader version and the
 * OTP/EEPROM verdict from what the Pi said (saved by `pinetboot check --save` in pis/NAME/ next
 * to the profile), and the one action that fixes what is missing. Enter writes the bootstrap SD
 * card files for the selected Pi (core/bootstrap) where the user says: cards/NAME beside the
 * profile by default, never inside the export directory (an export replaces it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/pi/bootstrap.h"
#include "core/pi/readiness.h"
#include "core/server/lint.h"
#include "core/base/util.h"
#include "core/base/fsutil.h"
#include "tui/adopt_job.h"
#include "tui/screen.h"
#include "tui/steps.h"

struct ready_row {
	char *name;
	bool checked; /* facts were found for this Pi */
	char *ssh;    /* USER@HOST it was read through (pis/NAME/ssh), or NULL: no Adopt */
	struct readiness r;
	char *verdict, *action; /* what the step shows */
	struct problems initramfs; /* the initramfs it will load, as Review looks into it */
};

struct ready_step {
	struct ready_row *rows;
	size_t n, sel;
	int top;
	bool site_ok;
	struct adopt_job *adopt; /* the last Adopt started here */
};

static void rows_free(struct ready_step *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->rows[i].name);
		free(st->rows[i].verdict);
		free(st->rows[i].action);
		free(st->rows[i].ssh);
		readiness_done(&st->rows[i].r);
		problems_done(&st->rows[i].initramfs);
	}
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
}

/* Verdict and action for a Pi nothing was read from: what the model table already tells. */
static void unchecked_text(const struct wiz *w, const struct pi *p, struct ready_row *row)
{
	const struct pi_model_info *mi = model_info(p->model);
	if (mi->enable == NETBOOT_NEVER) {
		row->verdict = xasprintf("a %s cannot network boot", mi->long_name);
		row->action = xstrdup("use a Pi with Ethernet network boot");
		return;
	}
	row->verdict = xstrdup(mi->enable == NETBOOT_FACTORY
				       ? "not checked (a 3B+ network boots from the factory)"
				       : "not checked yet");
	row->action = xasprintf("pinetboot check --ssh USER@HOST --site %s --pi %s --save",
				w->site_path, p->name);
}

static void evaluate_row(const struct wiz *w, const struct site *s, const struct pi *p,
			 const struct problems *initramfs, struct ready_row *row)
{
	row->name = xstrdup(p->name);
	/* the server's side of the boot: Review's initramfs findings that name this Pi */
	char *section = xasprintf("[pi \"%s\"]", p->name);
	problems_init(&row->initramfs);
	for (size_t i = 0; i < initramfs->n; i++) {
		const struct problem *q = &initramfs->items[i];
		if (q->section && !strcmp(q->section, section))
			problems_add(&row->initramfs, q->severity, q->file, q->line, q->section,
				     q->key, "%s", q->message);
	}
	free(section);
	struct pi_facts f;
	pi_facts_init(&f);
	char *dir = pi_facts_default_dir(w->site_path, p->name);
	row->checked = pi_facts_load_dir(&f, dir) > 0;
	/* where adopt or check --save reached it: a USER@HOST that ssh cannot take as an option */
	char *sp = xasprintf("%s/ssh", dir);
	size_t len;
	char *ssh = fs_read_file_max(sp, 256, &len);
	if (ssh && *str_trim(ssh) && ssh[0] != '-' && !strpbrk(str_trim(ssh), " \t\n'\"\\;$`"))
		row->ssh = xstrdup(str_trim(ssh));
	free(ssh);
	free(sp);
	free(dir);
	readiness_evaluate(&f, s, p, &row->r);
	pi_facts_done(&f);
	if (!row->checked) {
		unchecked_text(w, p, row);
		return;
	}
	row->verdict = xasprintf("%s%s", row->r.ready ? "READY: " : "NOT READY: ", row->r.verdict);
	row->action = row->r.action ? xstrdup(row->r.action) : NULL;
}

/* Re-reads the facts of every Pi. quiet: a profile with problems is not reported on the
 * status line (at start-up, where the step only needs its mark). */
static void reload_rows(struct wiz *w, struct ready_step *st, bool quiet)
{
	rows_free(st);
	struct site s;
	if (quiet) {
		struct problems ps;
		problems_init(&ps);
		st->site_ok = draft_build(&w->site, w->site_path, &s, &ps) == 0;
		problems_done(&ps);
	} else {
		st->site_ok = wiz_build_site(w, &s) == 0;
	}
	if (st->site_ok) {
		struct problems initramfs;
		problems_init(&initramfs);
		lint_initramfs(&s, w->root_dir, &initramfs);
		st->rows = xcalloc(s.n_pis ? s.n_pis : 1, sizeof(*st->rows));
		for (size_t i = 0; i < s.n_pis; i++)
			evaluate_row(w, &s, &s.pis[i], &initramfs, &st->rows[i]);
		st->n = s.n_pis;
		problems_done(&initramfs);
	}
	site_done(&s);
	if (st->sel >= st->n)
		st->sel = st->n ? st->n - 1 : 0;
}

static void ready_enter(struct wiz *w, void *p)
{
	reload_rows(w, p, false);
}

/* The facts are read at start-up too, so the step bar's mark is true before a visit. */
static void *ready_init(struct wiz *w)
{
	struct ready_step *st = xcalloc(1, sizeof(struct ready_step));
	reload_rows(w, st, true);
	return st;
}

static void ready_done(void *p)
{
	struct ready_step *st = p;
	adopt_job_free(NULL, st->adopt);
	rows_free(st);
	free(st);
}

/* A: adopt the selected Pi over ssh (only one adoption at a time). */
static int start_adopt(struct wiz *w, struct ready_step *st)
{
	if (!st->n)
		return WIZ_HANDLED;
	const struct ready_row *row = &st->rows[st->sel];
	if (!row->ssh) {
		wiz_status(w, MSG_ERROR, "%s: not read over ssh yet (pinetboot check --ssh USER@HOST "
					 "--site %s --pi %s --save)",
			   row->name, w->site_path, row->name);
		return WIZ_REDRAW;
	}
	if (adopt_job_running(st->adopt)) {
		wiz_status(w, MSG_ERROR, "adopting %s: one at a time", adopt_job_pi(st->adopt));
		return WIZ_REDRAW;
	}
	struct adopt_job *j = adopt_job_start(w, row->name, row->ssh);
	if (j) {
		adopt_job_free(w, st->adopt);
		st->adopt = j;
	}
	return WIZ_REDRAW;
}

/* The default place for a Pi's bootstrap card: cards/NAME beside the profile, outside the
 * export directory (which an export replaces). Heap string. */
static char *default_card_dir(const struct wiz *w, const char *name)
{
	const char *slash = strrchr(w->site_path, '/');
	if (!slash)
		return xasprintf("cards/%s", name);
	return xasprintf("%.*s/cards/%s", (int)(slash - w->site_path), w->site_path, name);
}

/* True when dir is the export directory or lies inside it (compared as written and, for the
 * parts that exist, as resolved). */
static bool inside_export(const struct wiz *w, const char *dir)
{
	size_t n = strlen(w->out_dir);
	while (n > 1 && w->out_dir[n - 1] == '/')
		n--;
	const char *d = !strncmp(dir, "./", 2) ? dir + 2 : dir;
	const char *o = !strncmp(w->out_dir, "./", 2) ? w->out_dir + 2 : w->out_dir;
	if (o != w->out_dir)
		n -= 2;
	if (!strncmp(d, o, n) && (d[n] == '/' || !d[n]))
		return true;
	char *ro = realpath(w->out_dir, NULL), *parent = xstrdup(dir), *rp = NULL;
	for (char *cut; ro && !rp && (cut = strrchr(parent, '/'));) {
		*cut = 0;
		rp = realpath(*parent ? parent : "/", NULL);
	}
	if (ro && !rp)
		rp = realpath(".", NULL);
	bool in = ro && rp && !strncmp(rp, ro, strlen(ro)) &&
		  (rp[strlen(ro)] == '/' || !rp[strlen(ro)]);
	free(ro);
	free(rp);
	free(parent);
	return in;
}

static int card_to(struct wiz *w, void *ctx, const char *dir)
{
	struct ready_step *st = ctx;
	if (!*dir) {
		wiz_status(w, MSG_INFO, "no card written");
		return WIZ_REDRAW;
	}
	if (inside_export(w, dir)) {
		wiz_status(w, MSG_ERROR,
			   "%s is inside the export directory %s, which every export replaces: "
			   "choose a directory outside it (the default is cards/NAME beside the "
			   "profile)",
			   dir, w->out_dir);
		return WIZ_REDRAW;
	}
	struct site s;
	if (st->sel >= st->n || wiz_build_site(w, &s) != 0) {
		site_done(&s);
		return WIZ_REDRAW;
	}
	const struct pi *p = site_find_pi(&s, st->rows[st->sel].name);
	struct bootstrap_opts o = {p->model, p, NULL, NULL, (int64_t)time(NULL), dir};
	struct bootstrap_result res;
	struct problems ps;
	problems_init(&ps);
	enum bootstrap_status bs = bootstrap_card(&o, &res, &ps);
	if (bs == BOOTSTRAP_FAILED) {
		char *m = problems_first_text(&ps, "failed");
		wiz_status(w, MSG_ERROR, "bootstrap card for %s: %s", p->name, m);
		free(m);
		rmdir(dir); /* only when the failure left it empty */
	} else if (bs == BOOTSTRAP_WRITTEN) {
		wiz_status(w, MSG_OK, "%s. Next: insert an SD card; 7 (Flash) writes this card to it",
			   res.message);
		free(w->card_dir);
		w->card_dir = xstrdup(dir);
	} else {
		wiz_status(w, MSG_INFO, "%s", res.message);
	}
	bootstrap_result_done(&res);
	problems_done(&ps);
	site_done(&s);
	return WIZ_REDRAW;
}

/* Enter: asks where the card's files go (cards/NAME beside the profile by default). */
static int write_card(struct wiz *w, struct ready_step *st)
{
	if (!st->n)
		return WIZ_HANDLED;
	char *dflt = default_card_dir(w, st->rows[st->sel].name);
	char *explain = xasprintf(
	    "The bootstrap SD card for %s: the files that make it network-boot (EEPROM update "
	    "and settings). Boot the Pi once from this card. Directory (created when missing; "
	    "not inside the export directory %s):",
	    st->rows[st->sel].name, w->out_dir);
	wiz_prompt_open(w, "Write the bootstrap card", explain, dflt, card_to, st);
	free(dflt);
	free(explain);
	return WIZ_REDRAW;
}

static int show_details(struct wiz *w, const struct ready_step *st);

static int ready_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	struct ready_step *st = p;
	if (a == ACT_NONE && ch == 'A')
		return start_adopt(w, st);
	if (wiz_list_move(a, st->n, 0, &st->sel))
		return WIZ_REDRAW;
	switch (a) {
	case ACT_ENTER:
		return write_card(w, st);
	case ACT_TOGGLE:
		return show_details(w, st);
	default:
		return WIZ_IGNORED;
	}
}

/* The profile's value of key for Pi name, or NULL. */
static const char *profile_value(const struct wiz *w, const char *name, enum profile_pi_key key)
{
	for (size_t i = 0; i < w->site.n_pis; i++)
		if (w->site.pis[i].name && !strcmp(w->site.pis[i].name, name))
			return w->site.pis[i].val[key];
	return NULL;
}

/* Serial and MAC: what the Pi said, else the profile's (dim, in parentheses' place: "~"), so an
 * unchecked Pi does not read as one without them. */
static void draw_row(const struct wiz *w, const struct ready_row *row, int y, int x, int width,
		     bool sel)
{
	const struct readiness *r = &row->r;
	char mac[18] = "-", bl[11] = "-", serial[20] = "-";
	const char *pserial = profile_value(w, row->name, PK_SERIAL);
	const char *pmac = profile_value(w, row->name, PK_MAC);
	if (r->has_mac)
		mac_format(r->mac, ':', mac);
	else if (pmac)
		snprintf(mac, sizeof(mac), "%s", pmac);
	if (r->has_serial)
		snprintf(serial, sizeof(serial), "%s", r->serial);
	else if (pserial)
		snprintf(serial, sizeof(serial), "%s", pserial);
	if (r->has_blv)
		bootloader_date(r->blv.timestamp, bl);
	bool serial_differs = r->has_serial && pserial && strcasecmp(pserial, r->serial);
	enum wiz_colour c = sel ? CP_SELECT : !row->checked ? CP_DIM : r->ready ? CP_OK : CP_ERROR;
	if (sel)
		draw_fill(y, x, width, CP_SELECT);
	draw_textf(y, x, width, c, "%-10.10s %-5.5s %-8.8s %-17.17s %-10.10s %s", row->name,
		   model_info(r->model)->name, serial, mac, bl,
		   !row->checked ? "not checked" : r->ready ? "READY" : "NOT READY");
	if (serial_differs) /* the profile names another Pi: say it where the eye is */
		draw_text(y, x + 25, 1, sel ? CP_SELECT : CP_ERROR, "!");
}

static int list_height(const struct ready_step *st, struct rect r)
{
	return (int)st->n < r.h / 2 ? (int)st->n : r.h / 2;
}

/* The details of a Pi as coloured paragraphs; returns how many (at most max). The texts are
 * heap strings the caller frees. */
static size_t details(const struct ready_row *row, struct wiz_para *out, size_t max)
{
	const struct readiness *rd = &row->r;
	size_t n = 0;
	if (rd->has_revision && n < max)
		out[n++] = (struct wiz_para){CP_NORMAL, xasprintf("%s: %s rev %s, %u MB, %s, %s",
								  row->name, rd->rev.board,
								  rd->rev.pcb_revision, rd->rev.ram_mb,
								  rd->rev.soc, rd->rev.manufacturer)};
	if (rd->has_bootconf && n < max)
		out[n++] = (struct wiz_para){CP_NORMAL,
					     xasprintf("Boot order: %s (%s), TFTP_PREFIX=%d",
						       rd->boot_order_words, rd->boot_order,
						       rd->tftp_prefix)};
	if (rd->has_otp && !model_uses_eeprom(rd->model) && n < max)
		out[n++] = (struct wiz_para){CP_NORMAL, xasprintf("OTP row 17: %08x", rd->otp.row17)};
	if (n < max)
		out[n++] = (struct wiz_para){!row->checked ? CP_DIM : rd->ready ? CP_OK : CP_ERROR,
					     xstrdup(row->verdict)};
	if (row->action && n < max)
		out[n++] = (struct wiz_para){CP_NORMAL, xasprintf("Action: %s", row->action)};
	for (size_t i = 0; row->checked && i < rd->ps.n && n < max; i++)
		out[n++] = (struct wiz_para){rd->ps.items[i].severity == PROBLEM_ERROR ? CP_ERROR
										       : CP_DIM,
					     problem_format(&rd->ps.items[i])};
	for (size_t i = 0; i < row->initramfs.n && n < max; i++)
		out[n++] = (struct wiz_para){
		    row->initramfs.items[i].severity == PROBLEM_ERROR ? CP_ERROR : CP_DIM,
		    problem_format(&row->initramfs.items[i])};
	return n;
}

/* Wrapped, never cut mid-sentence: when the paragraphs need more rows than there are, the last
 * row says so and `v` shows them all. */
static void draw_details(const struct ready_row *row, struct rect r, int y)
{
	struct wiz_para ps[64];
	size_t n = details(row, ps, PNB_ARRAY_LEN(ps));
	draw_paragraphs(y, r.x + 1, r.w - 2, r.y + r.h - 1 - y, ps, n,
			"... more: v shows the full details");
	for (size_t i = 0; i < n; i++)
		free(ps[i].text);
}

static int show_details(struct wiz *w, const struct ready_step *st)
{
	if (!st->n)
		return WIZ_HANDLED;
	struct wiz_para ps[64];
	size_t n = details(&st->rows[st->sel], ps, PNB_ARRAY_LEN(ps));
	char *text = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s\n", text, ps[i].text);
		free(text);
		free(ps[i].text);
		text = t;
	}
	char title[96];
	snprintf(title, sizeof(title), "Readiness of %s", st->rows[st->sel].name);
	wiz_viewer_open(w, title, text);
	free(text);
	return WIZ_REDRAW;
}

static void ready_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct ready_step *st = p;
	int y = r.y;
	if (!st->site_ok) {
		draw_text(y, r.x + 1, r.w - 2, CP_ERROR,
			  "The profile has problems (see the status line); fix them in the Pis step.");
		return;
	}
	if (!st->n) {
		draw_text(y, r.x + 1, r.w - 2, CP_DIM, "No Pis yet: add them in the Pis step.");
		return;
	}
	draw_textf(y++, r.x + 1, r.w - 2, CP_DIM, "%-10s %-5s %-8s %-17s %-10s %s", "Pi", "Model",
		   "Serial", "MAC", "Bootloader", "Verdict");
	int list_h = list_height(st, r);
	size_t top = wiz_list_top(st->sel, list_h);
	for (int i = 0; i < list_h; i++)
		draw_row(w, &st->rows[top + (size_t)i], y++, r.x + 1, r.w - 2,
			 top + (size_t)i == st->sel);
	y++;
	const struct ready_row *row = &st->rows[st->sel];
	if (row->ssh)
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "Adopt (A): over ssh to %s", row->ssh);
	if (st->adopt && !strcmp(adopt_job_pi(st->adopt), row->name))
		y = adopt_job_draw(st->adopt, r, y);
	draw_details(row, r, y);
	char *dflt = default_card_dir(w, st->rows[st->sel].name);
	draw_textf(r.y + r.h - 1, r.x + 1, r.w - 2, CP_DIM,
		   "Enter: write the bootstrap SD card files for this Pi (into %s/)%s", dflt,
		   row->ssh ? "   A: adopt" : "");
	free(dflt);
}

static char ready_mark(const struct wiz *w, const void *p)
{
	const struct ready_step *st = p;
	(void)w;
	bool all = st->n > 0;
	for (size_t i = 0; i < st->n; i++) {
		if (st->rows[i].checked && !st->rows[i].r.ready)
			return '!';
		all &= st->rows[i].checked && st->rows[i].r.ready;
	}
	return all ? '+' : ' ';
}

/* A click on a Pi's row selects it; on the selected row, Enter. */
static int ready_click(struct wiz *w, void *p, int y, int x)
{
	struct ready_step *st = p;
	(void)x;
	struct rect r = screen_step_body();
	size_t k;
	if (!st->site_ok || !wiz_list_hit(y, r.y + 1, list_height(st, r), st->sel, &k))
		return WIZ_HANDLED;
	if (k == st->sel)
		return write_card(w, st);
	st->sel = k;
	return WIZ_REDRAW;
}

static void ready_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	const struct ready_step *st = p;
	size_t unchecked = 0, not_ready = 0;
	const char *name = NULL;
	for (size_t i = 0; i < st->n; i++) {
		if (!st->rows[i].checked)
			unchecked++;
		else if (!st->rows[i].r.ready && !not_ready++)
			name = st->rows[i].name;
	}
	if (!st->site_ok || !st->n)
		snprintf(out, n, "add the Pis (step 2) and fix any problems first");
	else if (not_ready)
		snprintf(out, n, "Enter writes a bootstrap card for %s; boot it once from the card",
			 name);
	else if (unchecked)
		snprintf(out, n, "check a Pi: pinetboot check --ssh USER@PI --site %s --save",
			 w->site_path);
	else
		snprintf(out, n, "every Pi is ready: 8 (Monitor) watches them boot");
}

const struct wiz_step_ops step_readiness = {
    .name = "Readiness",
    .title = "Pi readiness: can each Pi boot from the network, and what fixes it",
    .actions = WIZ_ACT_BIT(ACT_UP) | WIZ_ACT_BIT(ACT_DOWN) | WIZ_ACT_BIT(ACT_ENTER) |
	       WIZ_ACT_BIT(ACT_TOGGLE),
    .init = ready_init,
    .done = ready_done,
    .enter = ready_enter,
    .key = ready_key,
    .draw = ready_draw,
    .mark = ready_mark,
    .short_name = "Ready",
    .help = "Can each Pi boot from the network? From what a Pi said (pinetboot check --ssh "
	    "USER@PI --site SITE --save stores it in pis/NAME/ beside the profile): the model, "
	    "serial, MAC, bootloader and the OTP/EEPROM settings, with a verdict and the action "
	    "that fixes it. Enter writes a bootstrap SD card for the selected Pi (into cards/NAME "
	    "beside the profile, or where you say); 7 (Flash) writes it to a card. v shows all "
	    "details.",
    .next = ready_next,
    .bar_words = {[ACT_ENTER] = "card", [ACT_TOGGLE] = "details"},
    .click = ready_click,
};
