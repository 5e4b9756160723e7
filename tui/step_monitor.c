/* step_monitor — the Monitor step: per-Pi boot-stage checklist, the decoded packet timeline of
 * the selected Pi (or of all), and the diagnosis (cause, evidence, fix). Fed live from the
 * site's interface through the wizard's poll loop, or from a file with --replay. Keys and the
 * feed do the I/O (tui/monitor_feed.c); drawing reads memory only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/base/util.h"
#include "tui/monitor_feed.h"
#include "tui/monitor_step.h"
#include "tui/screen.h"
#include "tui/steps.h"
#include "tui/testboot.h"

#define MON_TICK_MS 50
#define LIVE_BATCH 1024	   /* packets per wake-up of the pcap fd: the terminal stays responsive */
#define REPLAY_BATCH 1000  /* packets per pump of a replay */
#define REPLAY_SLICE_MS 30 /* at most this long per tick reading a replay */
#define LOG_BATCH 2000	   /* log events per tick beside a live capture */

static bool monitor_shown(const struct wiz *w)
{
	return wiz_steps[w->cur] == &step_monitor;
}

/* ---- the feed in the loop ---- */

static void watch_fd(struct mon_step *st, bool on);
static void no_capture(struct wiz *w, struct mon_step *st);

static int on_pcap(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)fd;
	(void)revents;
	struct mon_step *st = ctx;
	int n = monfeed_pump(st->feed, loop_now_ms(), LIVE_BATCH);
	if (st->feed->connect_failed) { /* ssh:// did not connect: as a capture that cannot open */
		snprintf(st->err, sizeof(st->err), "%s", st->feed->message);
		no_capture(w, st);
		return WIZ_REDRAW;
	}
	if (st->feed->state != MONFEED_RUNNING) { /* the interface went away */
		watch_fd(st, false);
		wiz_status(w, MSG_ERROR, "capture stopped: %s", st->feed->message);
		return WIZ_REDRAW;
	}
	return n && monitor_shown(w) ? WIZ_REDRAW : WIZ_HANDLED;
}

static void watch_fd(struct mon_step *st, bool on)
{
	int fd = monfeed_fd(st->feed);
	if (on && st->fd < 0 && fd >= 0) {
		st->fd = fd;
		loop_add(&st->w->loop, fd, POLLIN, on_pcap, st);
	} else if (!on && st->fd >= 0) {
		loop_remove(&st->w->loop, st->fd);
		st->fd = -1;
	}
}

/* The profile for cross-checks when it is valid (moved into the feed), else NULL. */
static struct site *valid_site(struct wiz *w, struct site *out)
{
	struct problems ps;
	problems_init(&ps);
	int rc = draft_build(&w->site, w->site_path, out, &ps);
	problems_done(&ps);
	if (rc == 0)
		return out;
	site_done(out);
	return NULL;
}

void mon_open_feed(struct wiz *w, struct mon_step *st)
{
	struct site site;
	st->tried = true;
	st->reopen = false;
	st->err[0] = 0;
	watch_fd(st, false);
	monfeed_free(st->feed);
	st->feed = NULL;
	st->sel_key[0] = 0;
	st->scroll = 0;
	const char *iface = NULL;
	switch (st->cap) {
	case MON_CAP_REPLAY:
		st->feed = monfeed_open_replay(w->replay, w->replay_speed, valid_site(w, &site),
					       st->err, sizeof(st->err));
		break;
	case MON_CAP_NONE:
		st->feed = monfeed_open_logs(valid_site(w, &site));
		break;
	case MON_CAP_SITE:
		iface = w->site.server[SK_INTERFACE];
		if (!iface)
			snprintf(st->err, sizeof(st->err),
				 "no capture interface: set the interface in the Site step");
		break;
	case MON_CAP_IFACE:
		iface = st->cap_iface;
		break;
	}
	if (iface)
		st->feed = monfeed_open_live(iface, valid_site(w, &site), st->err, sizeof(st->err));
	if (!st->feed) {
		no_capture(w, st);
		return;
	}
	mon_sources_add_all(w, st);
	watch_fd(st, true);
}

/* The capture could not start (st->err says why): the logs alone when there are some. */
static void no_capture(struct wiz *w, struct mon_step *st)
{
	struct site site;
	watch_fd(st, false);
	monfeed_free(st->feed);
	st->feed = NULL;
	if (!st->n_logs)
		return;
	wiz_status(w, MSG_ERROR, "%s - reading the logs only (a: sources)", st->err);
	st->feed = monfeed_open_logs(valid_site(w, &site));
	mon_sources_add_all(w, st);
}

/* ---- ops ---- */

static void *monitor_init(struct wiz *w)
{
	struct mon_step *st = xcalloc(1, sizeof(*st));
	st->w = w;
	st->fd = -1;
	mon_sources_init(w, st);
	return st;
}

static void monitor_done(void *p)
{
	struct mon_step *st = p;
	watch_fd(st, false);
	monfeed_free(st->feed);
	mon_sources_done(st);
	free(st->find);
	free(st);
}

/* The capture keeps running when another step is shown: a Pi booting meanwhile is not lost. */
static void monitor_enter(struct wiz *w, void *p)
{
	struct mon_step *st = p;
	if (!st->tried)
		mon_open_feed(w, st);
}

/* Selects the Pi of a new test boot (tui/testboot.c) once the capture has seen it. */
static int follow_test_boot(struct wiz *w, struct mon_step *st)
{
	unsigned gen = 0;
	const uint8_t *mac = testboot_mac(w, &gen);
	if (!mac || gen == st->tb_gen)
		return WIZ_IGNORED;
	struct fleet fl;
	mon_fleet(st, &fl);
	int r = WIZ_IGNORED;
	for (size_t i = 0; i < fl.n && r == WIZ_IGNORED; i++)
		if (fl.rows[i].p && !memcmp(fl.rows[i].p->mac, mac, 6)) {
			fleet_key(&fl.rows[i], st->sel_key, sizeof(st->sel_key));
			st->scroll = 0;
			st->tb_gen = gen;
			r = WIZ_REDRAW;
		}
	fleet_done(&fl);
	return r;
}

static int monitor_tick(struct wiz *w, void *p)
{
	struct mon_step *st = p;
	if (st->reopen) { /* a source was chosen: the screen has said what comes */
		mon_open_feed(w, st);
		return WIZ_REDRAW;
	}
	if (!st->feed)
		return WIZ_IGNORED;
	int followed = follow_test_boot(w, st);
	int64_t now = loop_now_ms();
	if (st->feed->live) {
		/* the logs beside a live capture: what they hold now, never waiting */
		int n = monfeed_pump_logs(st->feed, LOG_BATCH);
		const char *why = monfeed_log_failure(st->feed);
		if (why)
			wiz_status(w, MSG_ERROR, "%s", why);
		if (now - st->last_stats < 1000)
			return n || why ? WIZ_REDRAW : followed;
		st->last_stats = now;
		monfeed_tick(st->feed);
		return WIZ_REDRAW;
	}
	enum monfeed_state before = st->feed->state;
	/* as fast as possible, but in slices: the terminal is read between ticks */
	int n = 0, got;
	do
		n += got = monfeed_pump(st->feed, now, REPLAY_BATCH);
	while (got == REPLAY_BATCH && loop_now_ms() - now < REPLAY_SLICE_MS);
	const char *why = monfeed_log_failure(st->feed);
	if (why)
		wiz_status(w, MSG_ERROR, "%s", why);
	else if (st->feed->state != before)
		wiz_status(w, st->feed->state == MONFEED_FAILED ? MSG_ERROR : MSG_OK, "%s",
			   st->feed->message);
	return n || why || st->feed->state != before ? WIZ_REDRAW : followed;
}

/* pinetboot-capture-YYYYMMDD-HHMMSS.pcap in the current directory, not overwriting. */
static void save_name(char *out, size_t n)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	struct stat sb;
	snprintf(out, n, "pinetboot-capture-%s.pcap", stamp);
	for (int i = 2; stat(out, &sb) == 0 && i < 100; i++)
		snprintf(out, n, "pinetboot-capture-%s-%d.pcap", stamp, i);
}

static int save_capture(struct wiz *w, struct mon_step *st)
{
	if (!st->feed) {
		wiz_status(w, MSG_ERROR, "nothing captured to save");
		return WIZ_REDRAW;
	}
	char path[96], err[512];
	save_name(path, sizeof(path));
	if (monfeed_save(st->feed, path, err, sizeof(err)) != 0)
		wiz_status(w, MSG_ERROR, "cannot save the capture: %s", err);
	else
		wiz_status(w, MSG_OK, "saved %llu packets to %s",
			   (unsigned long long)st->feed->packets, path);
	return WIZ_REDRAW;
}

static int toggle_pause(struct wiz *w, struct mon_step *st)
{
	if (!st->feed || st->feed->state != MONFEED_RUNNING)
		return WIZ_HANDLED;
	bool pause = !st->feed->paused;
	monfeed_set_paused(st->feed, pause, loop_now_ms());
	watch_fd(st, !pause);
	if (pause)
		wiz_status(w, MSG_INFO, "%s",
			   st->feed->live ? "paused: packets wait in the kernel buffer (drops are "
					    "counted); p resumes"
					  : "replay paused; p resumes");
	else
		wiz_status(w, MSG_INFO, "resumed");
	return WIZ_REDRAW;
}

/* Moves the selection to row `to` of the fleet (clamped); it follows the Pi, not the row, as
 * rows move when Pis change state. */
static int select_row(struct mon_step *st, long to)
{
	struct fleet fl;
	mon_fleet(st, &fl);
	if (fl.n) {
		size_t k = to < 0 ? 0 : (size_t)to >= fl.n ? fl.n - 1 : (size_t)to;
		fleet_key(&fl.rows[k], st->sel_key, sizeof(st->sel_key));
		st->scroll = 0;
	}
	fleet_done(&fl);
	return WIZ_REDRAW;
}

static int select_pi(struct mon_step *st, int delta)
{
	struct fleet fl;
	long cur = (long)mon_fleet(st, &fl);
	fleet_done(&fl);
	return select_row(st, cur + delta);
}

/* Enter: the selected Pi's whole diagnosis in the viewer (wrapped, scrolled). */
static int show_diagnosis(struct wiz *w, struct mon_step *st)
{
	struct fleet fl;
	size_t si = mon_fleet(st, &fl);
	if (fl.n) {
		char *text = fleet_diagnosis(st->feed, &fl.rows[si]);
		char title[96];
		snprintf(title, sizeof(title), "Diagnosis of %s", fleet_name(&fl.rows[si]));
		wiz_viewer_open(w, title, text);
		free(text);
	}
	fleet_done(&fl);
	return WIZ_REDRAW;
}

static int search(struct wiz *w, void *ctx, const char *typed)
{
	struct mon_step *st = ctx;
	free(st->find);
	st->find = *typed ? xstrdup(typed) : NULL;
	st->sel_key[0] = 0; /* the first match */
	st->scroll = 0;
	struct fleet fl;
	mon_fleet(st, &fl);
	if (st->find)
		wiz_status(w, fl.n ? MSG_INFO : MSG_ERROR,
			   "%zu of %zu Pis match \"%s\" (name, MAC, serial or IP); with v, the "
			   "packets that hold it; Esc shows all again",
			   fl.n, fl.total, st->find);
	fleet_done(&fl);
	return WIZ_REDRAW;
}

/* Timeline lines the current filter shows. */
static size_t shown_lines(const struct mon_step *st)
{
	const struct diag_pi *p = mon_sel_pi(st);
	if (!st->feed)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < st->feed->n_lines; i++)
		n += mon_line_shown(st, p, monfeed_line(st->feed, i));
	return n;
}

/* Scrolls by delta lines, never past the oldest page. */
static int scroll_by(struct mon_step *st, long delta, int page)
{
	long s = (long)st->scroll + delta, max = (long)shown_lines(st) - page;
	if (s > max)
		s = max;
	st->scroll = s < 0 ? 0 : (size_t)s;
	return WIZ_REDRAW;
}

static int monitor_key(struct wiz *w, void *p, enum wiz_action a, int ch)
{
	(void)ch;
	struct mon_step *st = p;
	int page = mon_layout(st).timeline.h - 1;
	if (page < 1)
		page = 1;
	switch (a) {
	case ACT_UP:
		return select_pi(st, -1);
	case ACT_DOWN:
		return select_pi(st, 1);
	case ACT_CANCEL:
		if (!st->find)
			return WIZ_IGNORED;
		free(st->find);
		st->find = NULL;
		wiz_status(w, MSG_INFO, "showing every Pi");
		return WIZ_REDRAW;
	case ACT_PAGE_UP:
		return scroll_by(st, page, page);
	case ACT_PAGE_DOWN:
		return scroll_by(st, -page, page);
	case ACT_HOME:
		return scroll_by(st, (long)shown_lines(st), page);
	case ACT_END:
		st->scroll = 0;
		return WIZ_REDRAW;
	case ACT_FILTER:
		wiz_prompt_open(w, "Find Pis",
				"Part of a name, MAC, serial or IP address: the fleet shows the Pis "
				"that match, and with v (every packet) the timeline shows the "
				"packets that hold it. Empty shows everything.",
				st->find, search, st);
		return WIZ_REDRAW;
	case ACT_TOGGLE:
		st->all = !st->all;
		st->scroll = 0;
		wiz_status(w, MSG_INFO, "timeline: %s",
			   st->all ? (st->find ? "every packet that holds the search" : "every packet")
				   : "the selected Pi");
		return WIZ_REDRAW;
	case ACT_WRAP:
		st->wrap = !st->wrap;
		wiz_status(w, MSG_INFO, "packet lines %s", st->wrap ? "wrapped" : "cut at the edge");
		return WIZ_REDRAW;
	case ACT_PAUSE:
		return toggle_pause(w, st);
	case ACT_WRITE:
		return save_capture(w, st);
	case ACT_ADD:
		return mon_sources_open(w, st);
	case ACT_ENTER:
		if (st->feed)
			return show_diagnosis(w, st);
		mon_open_feed(w, st); /* retry, e.g. after fixing the interface or permissions */
		return WIZ_REDRAW;
	default:
		return WIZ_IGNORED;
	}
}

/* ! when a Pi failed (not when a Pi was not seen: it may be off), + when every Pi seen
 * booted. */
static char monitor_mark(const struct wiz *w, const void *p)
{
	(void)w;
	const struct mon_step *st = p;
	if (!st->feed)
		return st->tried ? '!' : ' ';
	struct fleet fl;
	fleet_build(st->feed, NULL, &fl);
	char m = fl.count[FLEET_FAILED] ? '!'
		 : fl.count[FLEET_DONE] && !fl.count[FLEET_BOOTING] ? '+'
								     : ' ';
	fleet_done(&fl);
	return m;
}

static void monitor_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	(void)w;
	const struct mon_step *st = p;
	struct fleet fl;
	fleet_build(st->feed, NULL, &fl);
	if (!st->feed)
		snprintf(out, n, "fix what stops the capture (below), Enter retries; a: other sources");
	else if (fl.count[FLEET_FAILED])
		snprintf(out, n, "%zu Pi%s failed (listed first): Enter shows the diagnosis and the fix",
			 fl.count[FLEET_FAILED], fl.count[FLEET_FAILED] == 1 ? "" : "s");
	else if (!fl.total || fl.count[FLEET_NOT_SEEN] == fl.total)
		snprintf(out, n, "power a Pi on: it appears when it sends its first DHCP DISCOVER");
	else
		snprintf(out, n, "Up/Down selects a Pi, Enter shows its diagnosis, / finds one");
	fleet_done(&fl);
}

static const char *monitor_bar_word(const struct wiz *w, const void *p, enum wiz_action a)
{
	(void)w;
	const struct mon_step *st = p;
	if (a == ACT_ENTER)
		return st->feed ? "diagnosis" : "retry";
	if (a == ACT_TOGGLE)
		return st->all ? "this Pi" : "all pkts";
	if (a == ACT_ADD)
		return "sources";
	return NULL;
}

/* A click on a fleet row selects the Pi; on the selected one, its diagnosis. */
static int monitor_click(struct wiz *w, void *p, int y, int x)
{
	struct mon_step *st = p;
	(void)x;
	if (!st->feed)
		return WIZ_HANDLED;
	struct fleet fl;
	size_t si = mon_fleet(st, &fl);
	struct mon_layout l = mon_layout(st);
	size_t k;
	bool hit = wiz_list_hit(y, l.pis.y + 1, l.pis.h - 1, si, &k) && k < fl.n && x >= l.pis.x &&
		   x < l.pis.x + l.pis.w;
	fleet_done(&fl);
	if (!hit)
		return WIZ_HANDLED;
	if (k == si)
		return show_diagnosis(w, st);
	return select_row(st, (long)k);
}

const struct wiz_step_ops step_monitor = {
    .name = "Monitor",
    .title = "Monitor: watch the Pis boot, stage by stage",
    .actions = WIZ_ACT_BIT(ACT_ENTER) | WIZ_ACT_BIT(ACT_ADD) | WIZ_ACT_BIT(ACT_PAUSE) |
	       WIZ_ACT_BIT(ACT_FILTER) | WIZ_ACT_BIT(ACT_TOGGLE) | WIZ_ACT_BIT(ACT_WRITE) |
	       WIZ_ACT_BIT(ACT_WRAP),
    .init = monitor_init,
    .done = monitor_done,
    .enter = monitor_enter,
    .draw = mon_draw,
    .key = monitor_key,
    .tick = monitor_tick,
    .mark = monitor_mark,
    .help = "Watches the Pis boot, live on the site's interface or from --replay FILE. The fleet "
	    "table has a row per Pi, failures first, then Pis booting, booted, and the profile's "
	    "Pis not seen yet (grey: no failure while a Pi is off), with its eight stages "
	    "(+ done, ~ running, X failed, . not seen). Enter shows the selected Pi's whole "
	    "diagnosis. / finds Pis (Esc shows all), v switches the timeline between this Pi and "
	    "every packet, W wraps, p pauses, w saves a pcap file, a picks the sources (another "
	    "interface, ssh://USER@HOST/IFACE, logs to add: a file, a journal unit, ssh).",
    .next = monitor_next,
    .bar_word = monitor_bar_word,
    .click = monitor_click,
    .tick_ms = MON_TICK_MS,
};
