/* monitor_draw — paints the Monitor step from memory: the feed line, the Pi selector, the
 * stage checklist, the diagnosis and the timeline. No I/O, no clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/remote.h"
#include "core/base/util.h"
#include "tui/monitor_step.h"
#include "tui/screen.h"

#define LEGEND "[+]done [~]running [X]failed"

struct mon_layout mon_layout_for(struct rect a, size_t n_pis, bool logs)
{
	struct mon_layout l;
	l.wide = a.w >= 110 && a.h >= 26;
	l.head = (struct rect){a.y, a.x, 1, a.w};
	l.src = (struct rect){a.y + 1, a.x, l.wide || logs ? 1 : 0, a.w};
	if (!l.wide && logs) { /* the sources line takes a row from the timeline */
		a.y++;
		a.h--;
	}
	if (!l.wide) {
		/* head 1, fleet (header + 3 rows, whose stage marks are the checklist), the
		 * diagnosis 7, the timeline the rest; taller screens give the fleet more rows */
		int extra = a.h - 17 > 0 ? (a.h - 17) / 2 : 0;
		int rows = n_pis < 1 ? 1 : n_pis < (size_t)(3 + extra) ? (int)n_pis : 3 + extra;
		l.pis = (struct rect){a.y + 1, a.x, 1 + rows, a.w};
		int y = a.y + 1 + l.pis.h;
		l.check = (struct rect){y, a.x, 0, a.w};
		l.diag = (struct rect){y, a.x, 7, a.w};
		l.timeline = (struct rect){y + 7, a.x, a.y + a.h - (y + 7), a.w};
		return l;
	}
	int left = 58, diag_h = 7;
	int rows = n_pis < 1 ? 1 : n_pis < 10 ? (int)n_pis : 10;
	if (a.h - diag_h - 14 < rows)
		rows = a.h - diag_h - 14 > 1 ? a.h - diag_h - 14 : 1;
	l.pis = (struct rect){a.y + 2, a.x, 1 + rows, left};
	l.check = (struct rect){a.y + 3 + l.pis.h, a.x, 9, left};
	l.diag = (struct rect){a.y + a.h - diag_h, a.x, diag_h, a.w};
	l.timeline = (struct rect){a.y + 2, a.x + left + 2, a.h - diag_h - 3, a.w - left - 2};
	return l;
}

struct rect mon_area(void)
{
	return screen_step_body();
}

/* Logs feed the step: the stacked layout gives the sources line a row. */
static bool has_logs(const struct mon_step *st)
{
	return st->n_logs || (st->feed && st->feed->logs_only);
}

struct mon_layout mon_layout(const struct mon_step *st)
{
	return mon_layout_for(mon_area(), mon_pi_count(st), has_logs(st));
}

size_t mon_fleet(const struct mon_step *st, struct fleet *fl)
{
	fleet_build(st->feed, st->find, fl);
	return fleet_find_key(fl, st->sel_key);
}

bool mon_line_shown(const struct mon_step *st, const struct diag_pi *p, const struct mon_line *l)
{
	if (st->all || !p)
		return !st->all || !st->find || strcasestr(l->text, st->find);
	return monfeed_line_is_pi(l, p);
}

size_t mon_pi_count(const struct mon_step *st)
{
	struct fleet fl;
	mon_fleet(st, &fl);
	size_t n = fl.n;
	fleet_done(&fl);
	return n;
}

const struct diag_pi *mon_sel_pi(const struct mon_step *st)
{
	struct fleet fl;
	size_t sel = mon_fleet(st, &fl);
	const struct diag_pi *p = fl.n ? fl.rows[sel].p : NULL;
	fleet_done(&fl);
	return p;
}

static void draw_head(const struct mon_step *st, struct rect r)
{
	const struct monfeed *f = st->feed;
	char state[48] = "";
	if (f->paused)
		snprintf(state, sizeof(state), " - PAUSED");
	else if (f->state == MONFEED_ENDED)
		snprintf(state, sizeof(state), " - finished");
	else if (f->state == MONFEED_FAILED)
		snprintf(state, sizeof(state), " - stopped: %s",
			 f->live ? "the capture failed" : "damaged file");
	char speed[32] = "as fast as possible";
	if (f->speed > 0)
		snprintf(speed, sizeof(speed), "at %gx", f->speed);
	if (f->logs_only && st->cap != MON_CAP_NONE && st->err[0]) /* the capture did not start */
		draw_textf(r.y, r.x, r.w, CP_NORMAL, "the logs only%s (%s)", state, st->err);
	else if (f->logs_only)
		draw_textf(r.y, r.x, r.w, CP_NORMAL, "no capture: the logs only%s", state);
	else if (f->connecting)
		draw_textf(r.y, r.x, r.w, CP_NORMAL,
			   "connecting to %s (ssh in batch mode, at most %d s)...", f->what,
			   REMOTE_CONNECT_SECONDS);
	else if (f->live)
		draw_textf(r.y, r.x, r.w, CP_NORMAL,
			   "live on %s - %llu packets - %llu dropped (pcap_stats)%s", f->what,
			   (unsigned long long)f->packets, (unsigned long long)f->dropped, state);
	else
		draw_textf(r.y, r.x, r.w, CP_NORMAL, "replay %s %s - %llu packets%s", f->what,
			   speed, (unsigned long long)f->packets, state);
}

static enum wiz_colour row_colour(const struct fleet_row *r)
{
	static const enum wiz_colour c[] = {CP_ERROR, CP_NORMAL, CP_OK, CP_DIM};
	return c[r->state];
}

/* One row of the fleet table, as wide as w allows: the MAC from 74 columns, the IP from 100. */
static void fleet_row_text(const struct fleet_row *r, int w, char *out, size_t n)
{
	static const char mark[] = {'X', '~', '+', '.'};
	char stages[16], sh[96], mac[18], ip[16];
	fleet_stages(r, stages);
	fleet_short(r, sh, sizeof(sh));
	fleet_mac(r, mac);
	fleet_ip(r, ip);
	if (w >= 100)
		snprintf(out, n, "%c %-12.12s %-17s %-15s %s  %s", mark[r->state], fleet_name(r), mac,
			 ip, stages, sh);
	else if (w >= 74)
		snprintf(out, n, "%c %-12.12s %-17s %s  %s", mark[r->state], fleet_name(r), mac,
			 stages, sh);
	else {
		snprintf(out, n, "%c %-12.12s %s  %s", mark[r->state], fleet_name(r), stages, sh);
	}
}

/* The fleet table: a header with the counts, then the rows (failures first); the selected
 * row lit. */
static void draw_pis(const struct mon_step *st, const struct mon_layout *l)
{
	struct fleet fl;
	size_t si = mon_fleet(st, &fl);
	struct rect r = l->pis;
	if (!fl.total) {
		draw_text(r.y, r.x, r.w, CP_DIM,
			  "No Raspberry Pi seen yet (waiting for a DISCOVER)");
		fleet_done(&fl);
		return;
	}
	char head[200];
	int len = snprintf(head, sizeof(head), "Pi %zu/%zu", fl.n ? si + 1 : 0, fl.n);
	if (st->find)
		len += snprintf(head + len, sizeof(head) - (size_t)len, " matching \"%s\" of %zu",
				st->find, fl.total);
	snprintf(head + len, sizeof(head) - (size_t)len,
		 ": %zu failed, %zu booting, %zu booted, %zu not seen",
		 fl.count[FLEET_FAILED], fl.count[FLEET_BOOTING], fl.count[FLEET_DONE],
		 fl.count[FLEET_NOT_SEEN]);
	draw_text(r.y, r.x, r.w, CP_OK, head);
	int rows = r.h - 1;
	size_t top = wiz_list_top(si, rows);
	char buf[256];
	for (int i = 0; i < rows && top + (size_t)i < fl.n; i++) {
		const struct fleet_row *row = &fl.rows[top + (size_t)i];
		bool sel = top + (size_t)i == si;
		enum wiz_colour c = sel ? CP_SELECT : row_colour(row);
		if (sel)
			draw_fill(r.y + 1 + i, r.x, r.w, c);
		fleet_row_text(row, r.w, buf, sizeof(buf));
		draw_text(r.y + 1 + i, r.x, r.w, c, buf);
	}
	if (top + (size_t)rows < fl.n)
		draw_textf(r.y + r.h - 1, r.x + r.w - 12, 12, CP_DIM, " v %zu more", fl.n - top -
										   (size_t)rows);
	fleet_done(&fl);
}

static void stage_cell(const struct mon_step *st, const struct diag_pi *p, int s, int y, int x,
		       int w)
{
	static const char *const mark[] = {"[ ]", "[~]", "[+]", "[X]"};
	static const enum wiz_colour colour[] = {CP_DIM, CP_HUNK, CP_OK, CP_ERROR};
	enum stage_state state = p ? p->state[s] : STATE_NOT_SEEN;
	draw_text(y, x, w, colour[state], mark[state]);
	draw_textf(y, x + 4, w - 4, state == STATE_NOT_SEEN ? CP_DIM : CP_NORMAL, "%d %s", s,
		   boot_stage_names[s]);
	if (!p || state == STATE_NOT_SEEN || !p->stage_frame[s] || w < 36)
		return;
	struct timeval t = p->stage_time[s], t0 = st->feed->first_ts;
	double rel = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_usec - t0.tv_usec) / 1e6;
	char ref[300];
	monfeed_frame_ref(st->feed, p->stage_frame[s], ref, sizeof(ref));
	draw_textf(y, x + 24, w - 24, CP_DIM, "%s %.3fs", ref, rel);
}

static void draw_checklist(const struct mon_step *st, const struct mon_layout *l)
{
	const struct diag_pi *p = mon_sel_pi(st);
	struct rect r = l->check;
	if (l->wide) {
		draw_text(r.y, r.x, r.w, CP_OK, "Boot stages  " LEGEND);
		for (int s = 1; s < STAGE_COUNT; s++)
			stage_cell(st, p, s, r.y + s, r.x, r.w);
		return;
	}
	/* stacked: the fleet row's marks are the checklist */
}

/* The diagnosis panel: the verdict, then the fix, then the evidence, each whole or not at
 * all (a cut sentence misleads); what does not fit is one Enter away. Then the segment's
 * findings (rival DHCP, STP) when there is room. */
static void draw_diagnosis(const struct mon_step *st, const struct mon_layout *l)
{
	struct rect r = l->diag;
	int y = r.y;
	if (l->wide)
		draw_text(y++, r.x, r.w, CP_OK, "Diagnosis (Enter: in full, with every packet)");
	struct fleet fl;
	size_t si = mon_fleet(st, &fl);
	struct wiz_para ps[8];
	size_t n = 0;
	const struct fleet_row *row = fl.n ? &fl.rows[si] : NULL;
	const struct diag_pi *p = row ? row->p : NULL;
	if (row && row->state == FLEET_NOT_SEEN)
		ps[n++] = (struct wiz_para){CP_DIM, xasprintf("%s: not seen yet - no DHCP DISCOVER "
							      "from it so far (no failure while it "
							      "is off)",
							      fleet_name(row))};
	else if (p) {
		const struct diag_verdict *v = diag_pi_main_verdict(p);
		if (!v && p->n_verdicts)
			v = &p->verdicts[0];
		ps[n++] = (struct wiz_para){p->failed ? CP_ERROR : CP_OK,
					    xasprintf("verdict: %s",
						      p->verdict ? p->verdict : "in progress")};
		if (v && !p->failed)
			ps[n++] = (struct wiz_para){CP_NORMAL, xasprintf("warning: %s", v->cause)};
		if (v && v->fix)
			ps[n++] = (struct wiz_para){CP_OK, xasprintf("fix: %s", v->fix)};
		if (v && v->evidence)
			ps[n++] = (struct wiz_para){CP_DIM, xasprintf("evidence: %s", v->evidence)};
	}
	const struct diag *d = st->feed->diag;
	for (size_t i = 0; i < diag_site_verdict_count(d) && n + 2 <= PNB_ARRAY_LEN(ps); i++) {
		const struct diag_verdict *v = diag_site_verdict_at(d, i);
		ps[n++] = (struct wiz_para){CP_ERROR, xasprintf("site: %s", v->cause)};
		if (v->fix)
			ps[n++] = (struct wiz_para){CP_NORMAL, xasprintf("  fix: %s", v->fix)};
	}
	draw_paragraphs(y, r.x, r.w, r.y + r.h - y, ps, n,
			"... Enter: the full diagnosis (evidence, fix, packets)");
	for (size_t i = 0; i < n; i++)
		free(ps[i].text);
	fleet_done(&fl);
}

/* Collects up to max matching lines, newest first, after skipping `skip` matches. */
static int visible_lines(const struct mon_step *st, const struct diag_pi *p, size_t skip,
			 const struct mon_line **out, int max)
{
	const struct monfeed *f = st->feed;
	int n = 0;
	for (size_t i = f->n_lines; i-- > 0 && n < max;) {
		const struct mon_line *ml = monfeed_line(f, i);
		if (!mon_line_shown(st, p, ml))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		out[n++] = ml;
	}
	return n;
}

static void draw_timeline(const struct mon_step *st, const struct mon_layout *l)
{
	struct rect r = l->timeline;
	const struct diag_pi *p = mon_sel_pi(st);
	char mac[18] = "";
	if (p)
		mac_format(p->mac, ':', mac);
	attrset(draw_attr(CP_DIM));
	mvhline(r.y, r.x, ACS_HLINE, r.w);
	attrset(A_NORMAL);
	draw_textf(r.y, r.x + 1, r.w - 2, CP_OK, " Packets: %s%s ", p && !st->all ? mac : "all",
		   st->scroll ? " (scrolled; End follows)" : "");
	int rows = r.h - 1;
	if (rows <= 0)
		return;
	const struct mon_line *shown[256];
	if (rows > (int)PNB_ARRAY_LEN(shown))
		rows = (int)PNB_ARRAY_LEN(shown);
	int n = visible_lines(st, p, st->scroll, shown, rows);
	if (n < rows && st->scroll) /* scrolled past the oldest: show the top page */
		n = visible_lines(
		    st, p, st->scroll > (size_t)(rows - n) ? st->scroll - (size_t)(rows - n) : 0,
		    shown, rows);
	if (!st->wrap) {
		for (int i = 0; i < n; i++) /* the evidence packets stand out */
			draw_text(r.y + n - i, r.x, r.w,
				  p && fleet_is_evidence(st->feed, p, shown[i]->text) ? CP_HUNK : CP_NORMAL,
				  shown[i]->text);
		return;
	}
	/* W: whole lines, wrapped; the newest at the bottom, as many as fit */
	int need = 0, k = 0;
	while (k < n && need + draw_wrapped_count(r.w, shown[k]->text) <= rows)
		need += draw_wrapped_count(r.w, shown[k++]->text);
	int y = r.y + 1 + (need < rows && k == n ? 0 : rows - need);
	for (int i = k; i-- > 0;)
		y += draw_wrapped(y, r.x, r.w, rows, p && fleet_is_evidence(st->feed, p, shown[i]->text)
							  ? CP_HUNK
							  : CP_NORMAL,
				  shown[i]->text);
}

static void draw_no_feed(const struct wiz *w, const struct mon_step *st, struct rect a)
{
	if (!st->tried) {
		draw_text(a.y, a.x, a.w, CP_DIM, "Starting the capture...");
		return;
	}
	int y = a.y;
	y += draw_wrapped(y, a.x, a.w, 3, CP_ERROR, st->err);
	y++;
	if (st->cap == MON_CAP_REPLAY) {
		draw_wrapped(y, a.x, a.w, 2, CP_NORMAL,
			     "--replay reads pcap and pcapng files (tcpdump -w, tshark -w).");
		return;
	}
	y += draw_wrapped(y, a.x, a.w, 5, CP_NORMAL,
			  "Live capture needs root or CAP_NET_RAW (sudo pinetboot, or setcap "
			  "cap_net_raw+ep on the binary) and the site's interface (Site step). "
			  "Enter tries again; a chooses another capture (an interface, a boot "
			  "server over ssh) or adds a log to read instead. To watch a saved capture: "
			  "pinetboot wizard --replay FILE.pcap [SITE].");
}

void mon_draw(const struct wiz *w, const void *p, struct rect area)
{
	const struct mon_step *st = p;
	if (!st->feed) {
		draw_no_feed(w, st, area);
		return;
	}
	struct mon_layout l = mon_layout_for(area, mon_pi_count(st), has_logs(st));
	draw_head(st, l.head);
	if (l.src.h) {
		char src[512];
		monfeed_sources(st->feed, src, sizeof(src));
		draw_text(l.src.y, l.src.x, l.src.w, CP_DIM, src);
	}
	draw_pis(st, &l);
	draw_checklist(st, &l);
	draw_diagnosis(st, &l);
	draw_timeline(st, &l);
}
