/* monitor_draw — paints the Monitor step from memory: the feed line, the Pi selector, the
 * stage checklist, the diagnosis and the timeline. No I/O, no clock. */
#include <stdio.h>
#include <string.h>

#include "core/base/util.h"
#include "tui/monitor_step.h"
#include "tui/screen.h"

#define LEGEND "[+]done [~]running [X]failed"

struct mon_layout mon_layout_for(struct rect a, size_t n_pis)
{
	struct mon_layout l;
	l.wide = a.w >= 110 && a.h >= 26;
	l.head = (struct rect){a.y, a.x, 1, a.w};
	if (!l.wide) {
		l.pis = (struct rect){a.y + 1, a.x, 1, a.w};
		l.check = (struct rect){a.y + 2, a.x, 4, a.w};
		l.diag = (struct rect){a.y + 6, a.x, 5, a.w};
		l.timeline = (struct rect){a.y + 11, a.x, a.h - 11, a.w};
		return l;
	}
	int left = 46, diag_h = 7;
	int pis_h = 1 + (n_pis == 0 ? 1 : n_pis < 6 ? (int)n_pis : 6);
	l.pis = (struct rect){a.y + 2, a.x, pis_h, left};
	l.check = (struct rect){a.y + 3 + pis_h, a.x, 9, left};
	l.diag = (struct rect){a.y + a.h - diag_h, a.x, diag_h, a.w};
	l.timeline = (struct rect){a.y + 2, a.x + left + 2, a.h - diag_h - 3, a.w - left - 2};
	return l;
}

struct rect mon_area(void)
{
	struct rect a = screen_step_area();
	a.y += 2;
	a.h -= 2;
	return a;
}

size_t mon_pi_count(const struct mon_step *st)
{
	return st->feed ? diag_pi_count(st->feed->diag) : 0;
}

const struct diag_pi *mon_sel_pi(const struct mon_step *st)
{
	size_t n = mon_pi_count(st);
	return n ? diag_pi_at(st->feed->diag, st->sel < n ? st->sel : n - 1) : NULL;
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
		snprintf(state, sizeof(state), " - stopped: damaged file");
	char speed[32] = "as fast as possible";
	if (f->speed > 0)
		snprintf(speed, sizeof(speed), "at %gx", f->speed);
	if (f->live)
		draw_textf(r.y, r.x, r.w, CP_NORMAL,
			   "live on %s - %llu packets - %llu dropped (pcap_stats)%s", f->what,
			   (unsigned long long)f->packets, (unsigned long long)f->dropped, state);
	else
		draw_textf(r.y, r.x, r.w, CP_NORMAL, "replay %s %s - %llu packets%s", f->what,
			   speed, (unsigned long long)f->packets, state);
}

static const char *pi_label(const struct diag_pi *p, char *buf, size_t n)
{
	char mac[18];
	mac_format(p->mac, ':', mac);
	snprintf(buf, n, "%s %-4s %-8s %s", mac,
		 p->model == PI_MODEL_UNKNOWN ? "?" : model_info(p->model)->name,
		 p->has_serial ? p->serial : "-", p->name ? p->name : "");
	return buf;
}

static enum wiz_colour pi_colour(const struct diag_pi *p)
{
	return p->failed ? CP_ERROR : p->reached == STAGE_COUNT - 1 ? CP_OK : CP_NORMAL;
}

static void draw_pis(const struct mon_step *st, const struct mon_layout *l)
{
	size_t n = mon_pi_count(st);
	const struct diag_pi *sel = mon_sel_pi(st);
	char buf[128];
	struct rect r = l->pis;
	if (!sel) {
		draw_text(r.y, r.x, r.w, CP_DIM,
			  "No Raspberry Pi seen yet (waiting for a DISCOVER)");
		return;
	}
	size_t si = st->sel < n ? st->sel : n - 1;
	if (!l->wide) {
		char line[160];
		snprintf(line, sizeof(line), "Pi %zu/%zu: %s", si + 1, n,
			 pi_label(sel, buf, sizeof(buf)));
		draw_text(r.y, r.x, r.w, pi_colour(sel), line);
		if ((int)strlen(line) + 1 + (int)strlen(LEGEND) <= r.w)
			draw_text(r.y, r.x + r.w - (int)strlen(LEGEND), (int)strlen(LEGEND), CP_DIM,
				  LEGEND);
		return;
	}
	draw_textf(r.y, r.x, r.w, CP_OK, "Pis (%zu) - Up/Down selects", n);
	int rows = r.h - 1;
	size_t top = si >= (size_t)rows ? si - (size_t)rows + 1 : 0;
	for (int i = 0; i < rows && top + (size_t)i < n; i++) {
		const struct diag_pi *p = diag_pi_at(st->feed->diag, top + (size_t)i);
		enum wiz_colour c = p == sel ? CP_SELECT : pi_colour(p);
		draw_fill(r.y + 1 + i, r.x, r.w, c);
		draw_text(r.y + 1 + i, r.x, 2, c, p == sel ? ">" : " ");
		draw_text(r.y + 1 + i, r.x + 2, r.w - 2, c, pi_label(p, buf, sizeof(buf)));
	}
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
	draw_textf(y, x + 24, w - 24, CP_DIM, "#%llu %.3fs", (unsigned long long)p->stage_frame[s],
		   rel);
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
	int half = r.w / 2;
	for (int s = 1; s < STAGE_COUNT; s++)
		stage_cell(st, p, s, r.y + (s - 1) % 4, r.x + (s > 4 ? half : 0), half - 1);
}

/* "label: text", wrapped; returns the rows used. */
static int labelled(int y, int x, int w, int max, enum wiz_colour c, const char *label,
		    const char *text)
{
	if (!text || !*text || max <= 0)
		return 0;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s%s", label, text);
	return draw_wrapped(y, x, w, max, c, buf);
}

static void draw_site_verdicts(const struct mon_step *st, struct rect r, int y)
{
	const struct diag *d = st->feed->diag;
	for (size_t i = 0; i < diag_site_verdict_count(d) && y < r.y + r.h; i++) {
		const struct diag_verdict *v = diag_site_verdict_at(d, i);
		y += labelled(y, r.x, r.w, r.y + r.h - y, CP_ERROR, "site: ", v->cause);
		y += labelled(y, r.x + 2, r.w - 2, r.y + r.h - y, CP_NORMAL, "fix: ", v->fix);
	}
}

static void draw_diagnosis(const struct mon_step *st, const struct mon_layout *l)
{
	struct rect r = l->diag;
	const struct diag_pi *p = mon_sel_pi(st);
	int y = r.y, end = r.y + r.h;
	if (l->wide)
		draw_text(y++, r.x, r.w, CP_OK, "Diagnosis");
	if (!p) {
		draw_site_verdicts(st, (struct rect){y, r.x, end - y, r.w}, y);
		return;
	}
	const struct diag_verdict *v = diag_pi_main_verdict(p);
	if (!v && p->n_verdicts)
		v = &p->verdicts[0];
	y += labelled(y, r.x, r.w, 2, p->failed ? CP_ERROR : CP_OK,
		      "verdict: ", p->verdict ? p->verdict : "in progress");
	if (!v) {
		draw_site_verdicts(st, (struct rect){y, r.x, end - y, r.w}, y);
		return;
	}
	if (!p->failed) /* a warning: the verdict sentence does not say it */
		y += labelled(y, r.x, r.w, 1, CP_NORMAL, "warning: ", v->cause);
	y += labelled(y, r.x, r.w, 1, CP_DIM, "evidence: ", v->evidence);
	y += labelled(y, r.x, r.w, end - y, CP_OK, "fix: ", v->fix);
	if (y < end) /* room left: what is wrong on the segment (rival DHCP, STP) */
		draw_site_verdicts(st, (struct rect){y, r.x, end - y, r.w}, y);
}

/* Collects up to max matching lines, newest first, after skipping `skip` matches. */
static int visible_lines(const struct mon_step *st, const struct diag_pi *p, size_t skip,
			 const struct mon_line **out, int max)
{
	const struct monfeed *f = st->feed;
	int n = 0;
	for (size_t i = f->n_lines; i-- > 0 && n < max;) {
		const struct mon_line *ml = monfeed_line(f, i);
		if (p && !st->all && !monfeed_line_is_pi(ml, p))
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
	for (int i = 0; i < n; i++)
		draw_text(r.y + n - i, r.x, r.w, CP_NORMAL, shown[i]->text);
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
	if (w->replay) {
		draw_wrapped(y, a.x, a.w, 2, CP_NORMAL,
			     "--replay reads pcap and pcapng files (tcpdump -w, tshark -w).");
		return;
	}
	y += draw_wrapped(y, a.x, a.w, 4, CP_NORMAL,
			  "Live capture needs root or CAP_NET_RAW (sudo pinetboot, or setcap "
			  "cap_net_raw+ep on the binary) and the site's interface (Site step). "
			  "Enter tries again. To watch a saved capture instead: "
			  "pinetboot wizard --replay FILE.pcap [SITE].");
}

void mon_draw(const struct wiz *w, const void *p, struct rect area)
{
	const struct mon_step *st = p;
	if (!st->feed) {
		draw_no_feed(w, st, area);
		return;
	}
	struct mon_layout l = mon_layout_for(area, mon_pi_count(st));
	draw_head(st, l.head);
	draw_pis(st, &l);
	draw_checklist(st, &l);
	draw_diagnosis(st, &l);
	draw_timeline(st, &l);
}
