/* step_readiness — "Pi readiness": per Pi, the model, serial, MAC, bootloader version and the
 * OTP/EEPROM verdict from what the Pi said (saved by `pinetboot check --save` in pis/NAME/ next
 * to the profile), and the one action that fixes what is missing. Enter writes the bootstrap SD
 * card files for the selected Pi (core/bootstrap) into OUT/card-NAME/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pi/bootstrap.h"
#include "core/pi/readiness.h"
#include "core/base/util.h"
#include "core/base/fsutil.h"
#include "tui/adopt_job.h"
#include "tui/steps.h"

struct ready_row {
	char *name;
	bool checked; /* facts were found for this Pi */
	char *ssh;    /* USER@HOST it was read through (pis/NAME/ssh), or NULL: no Adopt */
	struct readiness r;
	char *verdict, *action; /* what the step shows */
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
			 struct ready_row *row)
{
	row->name = xstrdup(p->name);
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

static void ready_enter(struct wiz *w, void *p)
{
	struct ready_step *st = p;
	rows_free(st);
	struct site s;
	st->site_ok = wiz_build_site(w, &s) == 0;
	if (st->site_ok) {
		st->rows = xcalloc(s.n_pis ? s.n_pis : 1, sizeof(*st->rows));
		for (size_t i = 0; i < s.n_pis; i++)
			evaluate_row(w, &s, &s.pis[i], &st->rows[i]);
		st->n = s.n_pis;
	}
	site_done(&s);
	if (st->sel >= st->n)
		st->sel = st->n ? st->n - 1 : 0;
}

static void *ready_init(struct wiz *w)
{
	(void)w;
	return xcalloc(1, sizeof(struct ready_step));
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

static int write_card(struct wiz *w, struct ready_step *st)
{
	if (!st->n)
		return WIZ_HANDLED;
	struct site s;
	if (wiz_build_site(w, &s) != 0) {
		site_done(&s);
		return WIZ_REDRAW;
	}
	const struct pi *p = site_find_pi(&s, st->rows[st->sel].name);
	char *dir = xasprintf("%s/card-%s", w->out_dir, p->name);
	struct bootstrap_opts o = {p->model, p, NULL, NULL, (int64_t)time(NULL), dir};
	struct bootstrap_result res;
	struct problems ps;
	problems_init(&ps);
	enum bootstrap_status bs = bootstrap_card(&o, &res, &ps);
	if (bs == BOOTSTRAP_FAILED) {
		char *m = ps.n ? problem_format(&ps.items[0]) : xstrdup("failed");
		wiz_status(w, MSG_ERROR, "bootstrap card for %s: %s", p->name, m);
		free(m);
	} else
		wiz_status(w, bs == BOOTSTRAP_WRITTEN ? MSG_OK : MSG_INFO, "%s", res.message);
	bootstrap_result_done(&res);
	problems_done(&ps);
	free(dir);
	site_done(&s);
	return WIZ_REDRAW;
}

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
	default:
		return WIZ_IGNORED;
	}
}

static void draw_row(const struct ready_row *row, int y, int x, int w, bool sel)
{
	const struct readiness *r = &row->r;
	char mac[18] = "-", bl[11] = "-";
	if (r->has_mac)
		mac_format(r->mac, ':', mac);
	if (r->has_blv)
		bootloader_date(r->blv.timestamp, bl);
	enum wiz_colour c = sel ? CP_SELECT : !row->checked ? CP_DIM : r->ready ? CP_OK : CP_ERROR;
	if (sel)
		draw_fill(y, x, w, CP_SELECT);
	draw_textf(y, x, w, c, "%-10.10s %-5.5s %-8.8s %-17.17s %-10.10s %s", row->name,
		   model_info(r->model)->name, r->has_serial ? r->serial : "-", mac, bl,
		   !row->checked ? "not checked" : r->ready ? "READY" : "NOT READY");
}

static void draw_details(const struct ready_row *row, struct rect r, int y)
{
	int bottom = r.y + r.h;
	const struct readiness *rd = &row->r;
	if (y < bottom && rd->has_revision)
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "%s: %s rev %s, %u MB, %s, %s", row->name,
			   rd->rev.board, rd->rev.pcb_revision, rd->rev.ram_mb, rd->rev.soc,
			   rd->rev.manufacturer);
	if (y < bottom && rd->has_bootconf)
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "Boot order: %s (%s), TFTP_PREFIX=%d",
			   rd->boot_order_words, rd->boot_order, rd->tftp_prefix);
	if (y < bottom && rd->has_otp && !model_uses_eeprom(rd->model))
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "OTP row 17: %08x", rd->otp.row17);
	if (y < bottom)
		y += draw_wrapped(y, r.x + 1, r.w - 2, bottom - y,
				  !row->checked ? CP_DIM : rd->ready ? CP_OK : CP_ERROR, row->verdict);
	if (y < bottom && row->ssh)
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "Adopt (A): over ssh to %s", row->ssh);
	if (y < bottom && row->action) {
		char *a = xasprintf("Action: %s", row->action);
		y += draw_wrapped(y, r.x + 1, r.w - 2, bottom - y, CP_NORMAL, a);
		free(a);
	}
	for (size_t i = 0; row->checked && i < rd->ps.n && y < bottom; i++) {
		char *m = problem_format(&rd->ps.items[i]);
		draw_text(y++, r.x + 3, r.w - 4, rd->ps.items[i].severity == PROBLEM_ERROR ? CP_ERROR : CP_DIM,
			  m);
		free(m);
	}
}

static void ready_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct ready_step *st = p;
	(void)w;
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
	int list_h = (int)st->n < r.h / 2 ? (int)st->n : r.h / 2;
	int top = (int)st->sel >= list_h ? (int)st->sel - list_h + 1 : 0;
	for (int i = 0; i < list_h; i++)
		draw_row(&st->rows[top + i], y++, r.x + 1, r.w - 2, (size_t)(top + i) == st->sel);
	y++;
	if (st->adopt && !strcmp(adopt_job_pi(st->adopt), st->rows[st->sel].name))
		y = adopt_job_draw(st->adopt, r, y);
	draw_details(&st->rows[st->sel], r, y);
	draw_text(r.y + r.h - 1, r.x + 1, r.w - 2, CP_DIM,
		  "Enter: bootstrap card files into OUT/card-NAME/   A: adopt over ssh");
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

const struct wiz_step_ops step_readiness = {
    .name = "Readiness",
    .title = "Pi readiness: can each Pi boot from the network, and what fixes it",
    .actions = WIZ_ACT_BIT(ACT_UP) | WIZ_ACT_BIT(ACT_DOWN) | WIZ_ACT_BIT(ACT_ENTER),
    .init = ready_init,
    .done = ready_done,
    .enter = ready_enter,
    .key = ready_key,
    .draw = ready_draw,
    .mark = ready_mark,
};
