/* monitor_step — the Monitor step's state and layout, shared by its key/feed half
 * (tui/step_monitor.c) and its drawing half (tui/monitor_draw.c). */
#ifndef PNB_TUI_MONITOR_STEP_H
#define PNB_TUI_MONITOR_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/monitor_feed.h"
#include "tui/monitor_fleet.h"
#include "tui/wiz.h"

/* What the step captures from (tui/monitor_sources.c lets the operator choose). */
enum mon_cap {
	MON_CAP_SITE,	/* the site's interface (the default) */
	MON_CAP_REPLAY, /* --replay FILE */
	MON_CAP_IFACE,	/* cap_iface: another interface here, or ssh://USER@HOST[:PORT]/IFACE */
	MON_CAP_NONE,	/* no capture: the logs only */
};

#define MON_MAX_LOGS 16

struct mon_step {
	struct wiz *w;
	struct monfeed *feed;
	enum mon_cap cap;
	char cap_iface[300];
	char *logs[MON_MAX_LOGS]; /* the logs read beside the capture (specs as typed) */
	size_t n_logs;
	bool reopen; /* open the feed on the next tick, once the screen said what comes */
	int src_order[8]; /* the sources list as shown (tui/monitor_sources.c) */
	unsigned n_src_order;
	bool tried;
	char err[512]; /* why there is no feed */
	char sel_key[64]; /* the selected Pi's fleet_key; "" = the first row */
	char *find;	  /* the search (/): rows and packet lines that hold it, or NULL */
	bool all;	  /* timeline of every packet, not only the selected Pi's */
	bool wrap;	  /* W: timeline lines wrapped, not cut at the edge */
	size_t scroll; /* timeline lines hidden below the view; 0 = follow the newest */
	int fd;	       /* registered in the loop, or -1 */
	int64_t last_stats;
	unsigned tb_gen; /* the test boot whose Pi was last selected */
};

/* Where each panel goes: stacked and condensed at 80x24, side by side when there is room. pis
 * is the fleet table (a header row, then one row per Pi); src the line that says which sources
 * feed it (always when wide; stacked, only with logs: h 0 when not shown). */
struct mon_layout {
	struct rect head, src, pis, check, diag, timeline;
	bool wide;
};

struct mon_layout mon_layout_for(struct rect area, size_t n_pis, bool logs);
/* The layout of the step now. */
struct mon_layout mon_layout(const struct mon_step *st);
/* The fleet as shown now (search applied) and the selected row in it. fleet_done(fl) after. */
size_t mon_fleet(const struct mon_step *st, struct fleet *fl);
/* The step's drawing area for the current terminal size (below the step title). */
struct rect mon_area(void);
size_t mon_pi_count(const struct mon_step *st);
/* The selected Pi as the capture saw it, or NULL (none yet, or a profile Pi not seen yet). */
const struct diag_pi *mon_sel_pi(const struct mon_step *st);
/* True when the timeline shows line l with Pi p selected (p may be NULL): p's packets, or
 * with `all` every packet (those holding the search, when there is one). */
bool mon_line_shown(const struct mon_step *st, const struct diag_pi *p, const struct mon_line *l);
/* (Re)opens the feed from st->cap and st->logs: a capture that cannot start leaves the logs
 * alone when there are some (said on the status line); a log that cannot be read is said and
 * dropped. (tui/step_monitor.c) */
void mon_open_feed(struct wiz *w, struct mon_step *st);
/* The sources: the step's start (--replay, --log) and release; `a` opens the choice of the
 * capture and of logs to add. (tui/monitor_sources.c) */
void mon_sources_init(struct wiz *w, struct mon_step *st);
void mon_sources_done(struct mon_step *st);
int mon_sources_open(struct wiz *w, struct mon_step *st);
/* Adds st->logs to the new feed, dropping (and saying) those that cannot be read. */
void mon_sources_add_all(struct wiz *w, struct mon_step *st);
/* The step's draw callback: reads st and the feed only. */
void mon_draw(const struct wiz *w, const void *st, struct rect area);

#endif
