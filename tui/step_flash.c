/* step_flash — write a Pi's image or a bootstrap card to an SD card or USB disk, safe by default
 * as rpi-imager is: the drive list (following the udev monitor live) hides system disks, loop
 * devices and mounted drives until `v` shows them; the source is checked (exists, readable,
 * format, size) before any question; a safe drive is written after y, an unsafe one
 * (core drive_verdict: OVERRIDE) only after its device name is typed. The write runs in a worker
 * thread (core/flash_job) whose pipe is in the wizard's poll loop, and Esc cancels it. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/util.h"
#include "core/disk/drives.h"
#include "core/disk/flash_job.h"
#include "tui/flash_source.h"
#include "tui/screen.h"
#include "tui/steps.h"

#define MAX_SHOWN 64

struct flash_step {
	struct drive_monitor *mon;
	bool watching;
	char mon_err[256];
	struct drive_list drives;
	bool show_all;		 /* v: system disks, loop devices and mounted drives too */
	size_t shown[MAX_SHOWN]; /* indexes into drives.d of the rows shown */
	size_t n_shown, hidden;
	size_t sel; /* 0: the Source row; 1..n_shown: a drive */
	struct flash_sources src;
	size_t cur_src;
	const char *seen_card; /* w->card_dir when last entered: a new card is selected */
	char *tmp_image;       /* a card directory made into a FAT32 image, unlinked after */
	char *write_path;      /* what the job writes (the image, or tmp_image) */
	struct flash_job *job;
	char target[64];
	struct flash_progress prog;
	bool have_result, written;
	int rc;
	char result[700];
};

/* Hidden unless shown: what belongs to the running system or to someone else. */
static bool hidden_drive(const struct drive *d)
{
	return d->system || d->bus == BUS_LOOP || d->mounted;
}

/* The core's verdict, plus: a drive that is hidden by default is someone else's (a loop device
 * over another program's image file), so even when the core finds it safe, writing it takes the
 * typed name. */
static enum drive_verdict flash_verdict(const struct drive *d, uint64_t size, char **why)
{
	enum drive_verdict v = drive_verdict(d, size, why);
	if (v == DRIVE_CONFIRM && hidden_drive(d)) {
		free(*why);
		*why = xasprintf("a loop device over %s, likely another program's",
				 d->backing ? d->backing : "a file");
		v = DRIVE_OVERRIDE;
	}
	return v;
}

static void rescan(struct flash_step *st)
{
	char err[256];
	drive_list_done(&st->drives);
	if (drives_scan(&st->drives, err, sizeof(err)) < 0)
		snprintf(st->mon_err, sizeof(st->mon_err), "%s", err);
	st->n_shown = st->hidden = 0;
	for (size_t i = 0; i < st->drives.n; i++) {
		if (!st->show_all && hidden_drive(&st->drives.d[i]))
			st->hidden++;
		else if (st->n_shown < MAX_SHOWN)
			st->shown[st->n_shown++] = i;
	}
	if (st->sel > st->n_shown)
		st->sel = st->n_shown;
	if (st->sel == 0 && st->n_shown)
		st->sel = 1;
}

static const struct drive *sel_drive(const struct flash_step *st)
{
	return st->sel >= 1 && st->sel <= st->n_shown ? &st->drives.d[st->shown[st->sel - 1]]
						      : NULL;
}

static const struct flash_src *cur_source(const struct flash_step *st)
{
	return st->cur_src < st->src.n ? &st->src.s[st->cur_src] : NULL;
}

static void drop_tmp(struct flash_step *st)
{
	if (st->tmp_image) {
		unlink(st->tmp_image);
		free(st->tmp_image);
		st->tmp_image = NULL;
	}
}

static int on_udev(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)w;
	(void)fd;
	(void)revents;
	struct flash_step *st = ctx;
	struct drive_event ev;
	bool any = false;
	while (drive_monitor_next(st->mon, &ev))
		any = true;
	if (any)
		rescan(st);
	return any ? WIZ_REDRAW : WIZ_HANDLED;
}

static int on_job(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)fd;
	(void)revents;
	struct flash_step *st = ctx;
	if (!st->job)
		return WIZ_HANDLED;
	if (!flash_job_poll(st->job, &st->prog))
		return WIZ_REDRAW;
	const struct flash_result *r = flash_job_result(st->job, &st->rc);
	char wr[24], vr[24];
	size_format(r->written, wr);
	size_format(r->verified, vr);
	if (st->rc == 0)
		snprintf(st->result, sizeof(st->result), "%s written (%s) and verified (%s) in %.1f s",
			 st->target, wr, vr, r->seconds);
	else
		snprintf(st->result, sizeof(st->result), "%s", r->message);
	st->have_result = true;
	st->written |= st->rc == 0;
	wiz_status(w, st->rc == 0 ? MSG_OK : MSG_ERROR, "%s", st->result);
	loop_remove(&w->loop, flash_job_fd(st->job));
	flash_job_free(st->job);
	st->job = NULL;
	drop_tmp(st);
	rescan(st);
	return WIZ_REDRAW;
}

static void *flash_init(struct wiz *w)
{
	(void)w;
	return xcalloc(1, sizeof(struct flash_step));
}

static void flash_done(void *p)
{
	struct flash_step *st = p;
	flash_job_free(st->job);
	drop_tmp(st);
	free(st->write_path);
	drive_monitor_free(st->mon);
	drive_list_done(&st->drives);
	flash_sources_done(&st->src);
	free(st);
}

static void flash_enter(struct wiz *w, void *p)
{
	struct flash_step *st = p;
	char *keep = cur_source(st) ? xstrdup(cur_source(st)->path) : NULL;
	flash_sources_done(&st->src);
	flash_sources_find(w, &st->src);
	int k = keep ? flash_sources_find_path(&st->src, keep) : -1;
	if (w->card_dir && w->card_dir != st->seen_card) /* a card was just written: offer it */
		k = flash_sources_find_path(&st->src, w->card_dir);
	st->seen_card = w->card_dir;
	st->cur_src = k >= 0 ? (size_t)k : 0;
	free(keep);
	if (!st->mon)
		st->mon = drive_monitor_new(st->mon_err, sizeof(st->mon_err));
	if (st->mon && !st->watching) {
		loop_add(&w->loop, drive_monitor_fd(st->mon), POLLIN, on_udev, st);
		st->watching = true;
	}
	rescan(st);
}

static void flash_leave(struct wiz *w, void *p)
{
	struct flash_step *st = p;
	if (st->watching)
		loop_remove(&w->loop, drive_monitor_fd(st->mon));
	st->watching = false;
}

static int start(struct wiz *w, struct flash_step *st, const char *devnode)
{
	snprintf(st->target, sizeof(st->target), "%s", devnode);
	/* no expected hash: the writer checks against IMAGE.sha256 when there is one */
	st->job = flash_job_start(st->write_path, devnode, true, NULL);
	if (!st->job) {
		drop_tmp(st);
		wiz_status(w, MSG_ERROR, "cannot start the writer thread");
		return WIZ_REDRAW;
	}
	memset(&st->prog, 0, sizeof(st->prog));
	st->have_result = false;
	loop_add(&w->loop, flash_job_fd(st->job), POLLIN, on_job, st);
	wiz_status(w, MSG_INFO, "writing %s to %s - Esc cancels", cur_source(st)->path, devnode);
	return WIZ_REDRAW;
}

/* The question is about the drive selected when it was asked; a hotplug may have moved rows. */
static int start_if_there(struct wiz *w, struct flash_step *st)
{
	const struct drive *d = drive_list_find(&st->drives, st->target);
	if (!d) {
		drop_tmp(st);
		wiz_status(w, MSG_ERROR, "%s went away: nothing written", st->target);
		return WIZ_REDRAW;
	}
	return start(w, st, d->devnode);
}

static int on_confirm(struct wiz *w, void *ctx, unsigned index)
{
	struct flash_step *st = ctx;
	if (index != 1) {
		drop_tmp(st);
		wiz_status(w, MSG_INFO, "nothing written");
		return WIZ_REDRAW;
	}
	return start_if_there(w, st);
}

/* The override of an unsafe drive: the device name typed in full (as dd-style tools ask). */
static int on_typed(struct wiz *w, void *ctx, const char *typed)
{
	struct flash_step *st = ctx;
	const char *base = strrchr(st->target, '/') ? strrchr(st->target, '/') + 1 : st->target;
	if (strcmp(typed, st->target) && strcmp(typed, base)) {
		drop_tmp(st);
		wiz_status(w, MSG_INFO, "nothing written: \"%s\" is not %s", typed, st->target);
		return WIZ_REDRAW;
	}
	return start_if_there(w, st);
}

static int choose_source(struct wiz *w, void *ctx, unsigned index)
{
	struct flash_step *st = ctx;
	st->cur_src = index;
	wiz_status(w, MSG_INFO, "source: %s", st->src.s[index].label);
	return WIZ_REDRAW;
}

static int open_sources(struct wiz *w, struct flash_step *st)
{
	if (!st->src.n) {
		wiz_status(w, MSG_ERROR, "nothing to write: set a Pi's image (step 2), or write a "
					 "bootstrap card (step 6)");
		return WIZ_REDRAW;
	}
	const char **items = xcalloc(st->src.n, sizeof(char *));
	char **text = xcalloc(st->src.n, sizeof(char *));
	for (size_t i = 0; i < st->src.n; i++)
		items[i] = text[i] = xasprintf("%s: %s", st->src.s[i].label, st->src.s[i].path);
	wiz_popup_open(w, "Write what?", items, (unsigned)st->src.n, (unsigned)st->cur_src,
		       choose_source, st);
	for (size_t i = 0; i < st->src.n; i++)
		free(text[i]);
	free(text);
	free(items);
	return WIZ_REDRAW;
}

/* Enter on a drive: the source is checked first (a card directory becomes its image), then
 * the core's verdict decides: refuse, y/n, or type the device name. */
static int choose(struct wiz *w, struct flash_step *st)
{
	const struct drive *d = sel_drive(st);
	if (st->job || !d)
		return WIZ_HANDLED;
	const struct flash_src *src = cur_source(st);
	if (!src)
		return open_sources(w, st);
	char msg[600];
	uint64_t size;
	drop_tmp(st);
	if (flash_source_check(src, &size, &st->tmp_image, msg, sizeof(msg)) != 0) {
		wiz_status(w, MSG_ERROR, "cannot write the source: %s (nothing written)", msg);
		return WIZ_REDRAW;
	}
	free(st->write_path);
	st->write_path = xstrdup(st->tmp_image ? st->tmp_image : src->path);
	snprintf(st->target, sizeof(st->target), "%s", d->devnode);
	char *why;
	enum drive_verdict v = flash_verdict(d, size, &why);
	char dsize[24];
	size_format(d->size, dsize);
	if (v == DRIVE_REFUSE) {
		drop_tmp(st);
		wiz_status(w, MSG_ERROR, "%s: %s (nothing written)", d->devnode, why);
	} else if (v == DRIVE_CONFIRM) {
		char *title = xasprintf("Write %s (%s) to %s (%s %s %s)?", src->path, msg, d->devnode,
					dsize, d->vendor, d->model);
		char *yes = xasprintf("y  Write: everything on %s is lost", d->devnode);
		const char *items[] = {"n  Cancel", yes};
		wiz_popup_open(w, title, items, 2, 0, on_confirm, st);
		wiz_popup_hotkeys(w, "ny");
		free(title);
		free(yes);
	} else {
		char *title = xasprintf("%s is UNSAFE", d->devnode);
		char *explain = xasprintf(
		    "%s (%s %s %s): %s. Writing %s destroys what is on it. To write anyway, type "
		    "the device name (%s); anything else writes nothing.",
		    d->devnode, dsize, d->vendor, d->model, why, src->path, d->devnode);
		wiz_prompt_open(w, title, explain, "", on_typed, st);
		free(title);
		free(explain);
	}
	free(why);
	return WIZ_REDRAW;
}

static int toggle_all(struct wiz *w, struct flash_step *st)
{
	st->show_all = !st->show_all;
	rescan(st);
	wiz_status(w, MSG_INFO, "%s",
		   st->show_all ? "showing every drive: system disks, loop devices and mounted "
				  "drives need their name typed to be written"
				: "showing removable drives only");
	return WIZ_REDRAW;
}

static int flash_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	(void)ch;
	struct flash_step *st = p;
	if (!st->job && wiz_list_move(a, st->n_shown + 1, 0, &st->sel))
		return WIZ_REDRAW;
	switch (a) {
	case ACT_ENTER:
		if (st->job)
			return WIZ_HANDLED;
		return st->sel == 0 ? open_sources(w, st) : choose(w, st);
	case ACT_TOGGLE:
		return toggle_all(w, st);
	case ACT_QUIT:
		if (st->job) {
			wiz_status(w, MSG_ERROR, "a write is running: Esc cancels it, then q quits");
			return WIZ_REDRAW;
		}
		return WIZ_IGNORED;
	case ACT_CANCEL:
		if (st->job) {
			flash_job_cancel(st->job);
			wiz_status(w, MSG_INFO, "cancelling...");
			return WIZ_REDRAW;
		}
		return WIZ_IGNORED;
	default:
		return WIZ_IGNORED;
	}
}

/* Rows of the step body: the source (0), a blank, the header, the drives from LIST_Y. */
#define LIST_Y 4

static int list_rows(struct rect r)
{
	return r.h - LIST_Y - 4;
}

/* The drive list's row of the selection (sel 0 is the source line above the list). */
static size_t sel_row(const struct flash_step *st)
{
	return st->sel ? st->sel - 1 : 0;
}

static int flash_click(struct wiz *w, void *p, int y, int x)
{
	struct flash_step *st = p;
	(void)x;
	struct rect r = screen_step_body();
	if (st->job)
		return WIZ_HANDLED;
	if (y == r.y) {
		st->sel = 0;
		return open_sources(w, st);
	}
	size_t k;
	if (!wiz_list_hit(y, r.y + LIST_Y, list_rows(r), sel_row(st), &k) || k >= st->n_shown)
		return WIZ_HANDLED;
	if (st->sel == k + 1)
		return choose(w, st);
	st->sel = k + 1;
	return WIZ_REDRAW;
}

static int model_width(struct rect r)
{
	return r.w >= 100 ? 22 : 0;
}

static void draw_drive(const struct flash_step *st, const struct drive *d, bool sel, int y,
		       struct rect r)
{
	char size[24];
	size_format(d->size, size);
	char *why;
	enum drive_verdict v = flash_verdict(d, 0, &why);
	enum wiz_colour col = sel ? CP_SELECT : v == DRIVE_CONFIRM ? CP_NORMAL : CP_DIM;
	if (sel)
		draw_fill(y, r.x, r.w, CP_SELECT);
	char desc[96];
	snprintf(desc, sizeof(desc), "%s %s", d->vendor, d->model);
	int mw = model_width(r); /* narrow: the status, which says why, before the model */
	draw_textf(y, r.x + 1, r.w - 2, col, "%c %-14s %7s %-6s %-*.*s", sel ? '>' : ' ',
		   d->devnode, size, drive_bus_names[d->bus], mw, mw, desc);
	const char *shown = v == DRIVE_CONFIRM ? "safe" : why;
	char *text = v == DRIVE_OVERRIDE && st->show_all ? xasprintf("%s (type its name)", shown)
							  : xstrdup(shown);
	int sx = 33 + (mw ? mw + 1 : 0);
	draw_text(y, r.x + sx, r.w - sx - 1,
		  sel ? CP_SELECT : v == DRIVE_CONFIRM ? CP_OK : CP_ERROR, text);
	free(text);
	free(why);
}

static void draw_progress(const struct flash_step *st, int y, struct rect r)
{
	const struct flash_progress *p = &st->prog;
	double frac = p->total	    ? (double)p->done / (double)p->total
		      : p->src_total ? (double)p->src_done / (double)p->src_total
				     : 0;
	if (frac > 1)
		frac = 1;
	int bw = r.w - 12 > 10 ? r.w - 12 : 10;
	char bar[256];
	int fill = (int)(frac * bw);
	for (int i = 0; i < bw && i < (int)sizeof(bar) - 1; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[bw < (int)sizeof(bar) - 1 ? bw : (int)sizeof(bar) - 1] = 0;
	draw_textf(y, r.x + 1, r.w - 2, CP_NORMAL, "%-9s [%s] %3.0f%%",
		   flash_phase_names[p->phase], bar, frac * 100);
	char wr[24], vr[24], eta[32] = "";
	size_format(p->written, wr);
	size_format(p->verified, vr);
	if (p->eta >= 0)
		snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)p->eta / 60, (int)p->eta % 60);
	draw_textf(y + 1, r.x + 1, r.w - 2, CP_DIM,
		   "written %s  verified %s  %.0f MiB/s%s  (Esc cancels)", wr, vr,
		   p->rate / (1 << 20), eta);
}

static void flash_draw(const struct wiz *w, const void *p, struct rect r)
{
	(void)w;
	const struct flash_step *st = p;
	const struct flash_src *src = cur_source(st);
	enum wiz_colour sc = st->sel == 0 ? CP_SELECT : src ? CP_NORMAL : CP_ERROR;
	if (st->sel == 0)
		draw_fill(r.y, r.x, r.w, CP_SELECT);
	if (src)
		draw_textf(r.y, r.x + 1, r.w - 2, sc, "Source: %s: %s%s", src->label, src->path,
			   st->src.n > 1 ? "  (Enter here: choose another)" : "");
	else
		draw_text(r.y, r.x + 1, r.w - 2, sc,
			  "Source: nothing to write yet (a Pi's image = ..., or a bootstrap card)");
	if (!st->mon)
		draw_textf(r.y + 1, r.x + 1, r.w - 2, CP_ERROR, "No live updates: %s", st->mon_err);
	int y = r.y + LIST_Y - 1;
	draw_textf(y++, r.x + 1, r.w - 2, CP_DIM, "  %-14s %7s %-6s %-*s%s", "device", "size",
		   "bus", model_width(r) + (model_width(r) ? 1 : 0), model_width(r) ? "model" : "",
		   "status");
	int rows = list_rows(r);
	if (!st->n_shown)
		draw_text(y, r.x + 1, r.w - 2, CP_DIM, "No drives. Insert an SD card or a USB disk.");
	size_t top = wiz_list_top(sel_row(st), rows);
	for (size_t i = top; i < st->n_shown && (int)(i - top) < rows; i++)
		draw_drive(st, &st->drives.d[st->shown[i]], i + 1 == st->sel, y + (int)(i - top), r);
	if (st->hidden)
		draw_textf(r.y + r.h - 4, r.x + 1, r.w - 2, CP_DIM,
			   "%zu more hidden (system disks, loop devices, mounted drives): v shows "
			   "them",
			   st->hidden);
	int py = r.y + r.h - 3;
	if (st->job)
		draw_progress(st, py, r);
	else if (st->have_result)
		draw_wrapped(py, r.x + 1, r.w - 2, 3, st->rc == 0 ? CP_OK : CP_ERROR, st->result);
	else
		draw_wrapped(py, r.x + 1, r.w - 2, 2, CP_DIM,
			     "Enter on a drive checks the source, then asks: y writes a safe drive; "
			     "an unsafe one needs its device name typed.");
}

static void flash_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	(void)w;
	const struct flash_step *st = p;
	if (st->job)
		snprintf(out, n, "wait for the verify to finish (Esc cancels)");
	else if (!cur_source(st))
		snprintf(out, n, "set a Pi's image (step 2) or write a bootstrap card (step 6)");
	else if (!st->n_shown)
		snprintf(out, n, "insert an SD card or USB disk: it appears here");
	else if (st->written)
		snprintf(out, n, "put the card in the Pi and power it; 8 (Monitor) watches it boot");
	else
		snprintf(out, n, "select the card, Enter writes the source to it (after y)");
}

static const char *flash_bar_word(const struct wiz *w, const void *p, enum wiz_action a)
{
	(void)w;
	const struct flash_step *st = p;
	if (a == ACT_ENTER)
		return st->sel == 0 ? "choose" : "write";
	if (a == ACT_TOGGLE)
		return st->show_all ? "safe only" : "all drives";
	return NULL;
}

static char flash_mark(const struct wiz *w, const void *p)
{
	(void)w;
	const struct flash_step *st = p;
	return st->have_result && st->rc != 0 ? '!' : st->written ? '+' : ' ';
}

const struct wiz_step_ops step_flash = {
    .name = "Flash",
    .title = "Flash: write an image or a bootstrap card to an SD card or USB disk",
    .actions = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_TOGGLE) | WIZ_ACT_BIT(ACT_CANCEL),
    .init = flash_init,
    .done = flash_done,
    .enter = flash_enter,
    .leave = flash_leave,
    .key = flash_key,
    .draw = flash_draw,
    .mark = flash_mark,
    .help = "Writes the source (any Pi's image, or a bootstrap card directory from step 6) to "
	    "a drive, then reads it back to verify. Safe by default: system disks, loop devices "
	    "and mounted drives are hidden until v shows them, the source is checked before any "
	    "question, a safe drive is written after y, and an unsafe one only after you type its "
	    "device name. Esc cancels a write.",
    .next = flash_next,
    .bar_word = flash_bar_word,
    .click = flash_click,
};
