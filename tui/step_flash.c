/* step_flash — write a Pi's image to an SD card or USB disk. The drive list follows the udev
 * monitor live; unsafe drives (system, mounted, read-only, too small) are shown with the reason
 * and can only be chosen through an explicit override; the write runs in a worker thread
 * (core/flash_job) whose pipe is in the wizard's poll loop, and Esc cancels it. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/disk/drives.h"
#include "core/disk/flash_job.h"
#include "core/disk/image.h"
#include "core/base/util.h"
#include "tui/steps.h"

struct flash_step {
	struct drive_monitor *mon;
	bool watching;
	char mon_err[256];
	struct drive_list drives;
	unsigned sel;
	char *image;        /* from the first Pi with image = … */
	char *image_pi;
	uint64_t image_size;
	struct flash_job *job;
	char target[64];
	struct flash_progress prog;
	bool have_result;
	int rc;
	char result[700];
};

static void rescan(struct flash_step *st)
{
	char err[256];
	drive_list_done(&st->drives);
	if (drives_scan(&st->drives, err, sizeof(err)) < 0)
		snprintf(st->mon_err, sizeof(st->mon_err), "%s", err);
	if (st->sel >= st->drives.n)
		st->sel = st->drives.n ? (unsigned)st->drives.n - 1 : 0;
}

/* The image of the first Pi that names one; its size when the format records it. */
static void pick_image(const struct wiz *w, struct flash_step *st)
{
	free(st->image);
	free(st->image_pi);
	st->image = st->image_pi = NULL;
	st->image_size = 0;
	for (size_t i = 0; i < w->site.n_pis && !st->image; i++) {
		const char *v = w->site.pis[i].val[PK_IMAGE];
		if (v && *v) {
			st->image = xstrdup(v);
			st->image_pi = xstrdup(w->site.pis[i].name);
		}
	}
	char err[300];
	struct image *im = st->image ? image_open(st->image, err, sizeof(err)) : NULL;
	if (im) {
		st->image_size = image_size(im);
		image_free(im);
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
	wiz_status(w, st->rc == 0 ? MSG_OK : MSG_ERROR, "%s", st->result);
	loop_remove(&w->loop, flash_job_fd(st->job));
	flash_job_free(st->job);
	st->job = NULL;
	rescan(st);
	return WIZ_REDRAW;
}

static void *flash_init(struct wiz *w)
{
	(void)w;
	struct flash_step *st = xcalloc(1, sizeof(*st));
	return st;
}

static void flash_done(void *p)
{
	struct flash_step *st = p;
	flash_job_free(st->job);
	drive_monitor_free(st->mon);
	drive_list_done(&st->drives);
	free(st->image);
	free(st->image_pi);
	free(st);
}

static void flash_enter(struct wiz *w, void *p)
{
	struct flash_step *st = p;
	pick_image(w, st);
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

static int start(struct wiz *w, struct flash_step *st, const struct drive *d)
{
	snprintf(st->target, sizeof(st->target), "%s", d->devnode);
	/* no expected hash: the writer checks against IMAGE.sha256 when there is one */
	st->job = flash_job_start(st->image, d->devnode, true, NULL);
	if (!st->job) {
		wiz_status(w, MSG_ERROR, "cannot start the writer thread");
		return WIZ_REDRAW;
	}
	memset(&st->prog, 0, sizeof(st->prog));
	st->have_result = false;
	loop_add(&w->loop, flash_job_fd(st->job), POLLIN, on_job, st);
	wiz_status(w, MSG_INFO, "writing %s to %s — Esc cancels", st->image, d->devnode);
	return WIZ_REDRAW;
}

/* Popup choices: 0 = back out, 1 = write (for an unsafe drive: the override). */
static int on_confirm(struct wiz *w, void *ctx, unsigned index)
{
	struct flash_step *st = ctx;
	if (index != 1 || st->sel >= st->drives.n) {
		wiz_status(w, MSG_INFO, "nothing written");
		return WIZ_REDRAW;
	}
	return start(w, st, &st->drives.d[st->sel]);
}

static int choose(struct wiz *w, struct flash_step *st)
{
	if (st->job || st->sel >= st->drives.n)
		return WIZ_HANDLED;
	if (!st->image) {
		wiz_status(w, MSG_ERROR, "no Pi has an image = … to write (set one in the Pis step)");
		return WIZ_REDRAW;
	}
	const struct drive *d = &st->drives.d[st->sel];
	char *why;
	enum drive_verdict v = drive_verdict(d, st->image_size, &why);
	char size[24];
	size_format(d->size, size);
	if (v == DRIVE_REFUSE) {
		wiz_status(w, MSG_ERROR, "%s: %s", d->devnode, why);
		free(why);
		return WIZ_REDRAW;
	}
	char *title = xasprintf("Write %s to %s (%s %s %s)?", st->image, d->devnode, size, d->vendor, d->model);
	char *yes = v == DRIVE_CONFIRM ? xasprintf("Write: everything on %s is lost", d->devnode)
				    : xasprintf("Override: %s is UNSAFE (%s); write anyway", d->devnode, why);
	const char *items[] = {"Cancel", yes};
	wiz_popup_open(w, title, items, 2, 0, on_confirm, st);
	free(title);
	free(yes);
	free(why);
	return WIZ_REDRAW;
}

static int flash_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	(void)ch;
	struct flash_step *st = p;
	size_t sel = st->sel;
	if (wiz_list_move(a, st->drives.n, 0, &sel)) {
		st->sel = (unsigned)sel;
		return WIZ_REDRAW;
	}
	switch (a) {
	case ACT_ENTER: return choose(w, st);
	case ACT_QUIT:
		if (st->job) {
			wiz_status(w, MSG_ERROR, "a write is running: Esc cancels it, then q quits");
			return WIZ_REDRAW;
		}
		return WIZ_IGNORED;
	case ACT_CANCEL:
		if (st->job) {
			flash_job_cancel(st->job);
			wiz_status(w, MSG_INFO, "cancelling…");
			return WIZ_REDRAW;
		}
		return WIZ_IGNORED;
	default: return WIZ_IGNORED;
	}
}

static void draw_drive(const struct flash_step *st, const struct drive *d, bool sel, int y, struct rect r)
{
	char *why;
	bool safe = drive_verdict(d, st->image_size, &why) == DRIVE_CONFIRM;
	char size[24];
	size_format(d->size, size);
	enum wiz_colour col = sel ? CP_SELECT : safe ? CP_NORMAL : CP_DIM;
	if (sel)
		draw_fill(y, r.x, r.w, CP_SELECT);
	char desc[96];
	snprintf(desc, sizeof(desc), "%s %s", d->vendor, d->model);
	draw_textf(y, r.x + 1, r.w - 2, col, "%c %-14s %7s %-6s %-26.26s", sel ? '>' : ' ', d->devnode,
		   size, drive_bus_names[d->bus], desc);
	if (r.w > 62)
		draw_text(y, r.x + 60, r.w - 61, sel ? CP_SELECT : safe ? CP_OK : CP_ERROR, why);
	free(why);
}

static void draw_progress(const struct flash_step *st, int y, struct rect r)
{
	const struct flash_progress *p = &st->prog;
	double frac = p->total ? (double)p->done / (double)p->total
		    : p->src_total ? (double)p->src_done / (double)p->src_total : 0;
	if (frac > 1)
		frac = 1;
	int bw = r.w - 12 > 10 ? r.w - 12 : 10;
	char bar[256];
	int fill = (int)(frac * bw);
	for (int i = 0; i < bw && i < (int)sizeof(bar) - 1; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[bw < (int)sizeof(bar) - 1 ? bw : (int)sizeof(bar) - 1] = 0;
	draw_textf(y, r.x + 1, r.w - 2, CP_NORMAL, "%-9s [%s] %3.0f%%", flash_phase_names[p->phase], bar, frac * 100);
	char wr[24], vr[24], eta[32] = "";
	size_format(p->written, wr);
	size_format(p->verified, vr);
	if (p->eta >= 0)
		snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)p->eta / 60, (int)p->eta % 60);
	draw_textf(y + 1, r.x + 1, r.w - 2, CP_DIM, "written %s  verified %s  %.0f MiB/s%s  (Esc cancels)",
		   wr, vr, p->rate / (1 << 20), eta);
}

static void flash_draw(const struct wiz *w, const void *p, struct rect r)
{
	(void)w;
	const struct flash_step *st = p;
	int y = r.y;
	if (st->image)
		draw_textf(y++, r.x + 1, r.w - 2, CP_NORMAL, "Image of [pi \"%s\"]: %s", st->image_pi, st->image);
	else
		draw_text(y++, r.x + 1, r.w - 2, CP_ERROR, "No Pi has an image = … yet (Pis step).");
	if (!st->mon)
		draw_textf(y++, r.x + 1, r.w - 2, CP_ERROR, "No live updates: %s", st->mon_err);
	y++;
	draw_textf(y++, r.x + 1, r.w - 2, CP_DIM, "  %-14s %7s %-6s %-26s %s", "device", "size", "bus",
		   "model", "status");
	int list_h = r.h - (y - r.y) - 4;
	if (st->drives.n == 0)
		draw_text(y, r.x + 1, r.w - 2, CP_DIM, "No drives. Insert an SD card or a USB disk.");
	unsigned top = st->sel >= (unsigned)list_h && list_h > 0 ? st->sel - (unsigned)list_h + 1 : 0;
	for (unsigned i = top; i < st->drives.n && (int)(i - top) < list_h; i++)
		draw_drive(st, &st->drives.d[i], i == st->sel, y + (int)(i - top), r);
	int py = r.y + r.h - 3;
	if (st->job)
		draw_progress(st, py, r);
	else if (st->have_result)
		draw_wrapped(py, r.x + 1, r.w - 2, 3, st->rc == 0 ? CP_OK : CP_ERROR, st->result);
	else
		draw_text(py, r.x + 1, r.w - 2, CP_DIM,
			  "Enter writes the image to the selected drive (unsafe drives need an override).");
}

const struct wiz_step_ops step_flash = {
    .name = "Flash",
    .title = "Flash: write the image to an SD card or USB disk",
    .actions = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_CANCEL),
    .init = flash_init,
    .done = flash_done,
    .enter = flash_enter,
    .leave = flash_leave,
    .key = flash_key,
    .draw = flash_draw,
};
