/* monitor_sources — what feeds the Monitor step, chosen with `a`: the capture (the site's
 * interface, another one here, a boot server's over ssh://USER@HOST[:PORT]/IFACE, --replay's
 * file, or none) and logs read beside it (a file, a journal unit here, a boot server's journal
 * over ssh). Every value is judged by the parser the CLI uses (capture/remote for ssh://
 * addresses, the session's log opener for logs); nothing is parsed a second time here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/log.h"
#include "capture/remote.h"
#include "core/base/util.h"
#include "tui/monitor_step.h"

/* The choices of the sources list, in the order shown (the digits pick them). */
enum src_item {
	SRC_SITE,
	SRC_REPLAY,
	SRC_OTHER,
	SRC_NONE,
	SRC_FILE,
	SRC_JOURNAL,
	SRC_SSH_JOURNAL,
	SRC_COUNT
};

/* A question where ssh is offered: it says what ssh needs, since it cannot ask here. */
static void ssh_prompt(struct wiz *w, const char *title, const char *explain, const char *text,
		       wiz_accept_fn fn, struct mon_step *st)
{
	char *full = xasprintf("%s %s.", explain, remote_batch_hint);
	wiz_prompt_open(w, title, full, text, fn, st);
	free(full);
}

/* What would stop the screen: stdin is the terminal the wizard reads its keys on, and opening
 * a FIFO waits for something to write to it. Never a log here. */
static bool refused_here(struct wiz *w, const char *spec)
{
	struct stat sb;
	bool fifo = stat(spec, &sb) == 0 && S_ISFIFO(sb.st_mode);
	if (strcmp(spec, "-") != 0 && !fifo)
		return false;
	wiz_status(w, MSG_ERROR,
		   "%s cannot be a log here (%s): give a file, or journal:UNIT for a journal (not "
		   "added)",
		   spec,
		   fifo ? "a FIFO waits for a writer, and the screen would wait with it"
			: "the wizard reads its keys on stdin");
	return true;
}

void mon_sources_init(struct wiz *w, struct mon_step *st)
{
	st->cap = w->replay ? MON_CAP_REPLAY : MON_CAP_SITE;
	for (size_t i = 0; i < w->n_logs && st->n_logs < MON_MAX_LOGS; i++)
		if (!refused_here(w, w->logs[i]))
			st->logs[st->n_logs++] = xstrdup(w->logs[i]);
}

void mon_sources_done(struct mon_step *st)
{
	for (size_t i = 0; i < st->n_logs; i++)
		free(st->logs[i]);
	st->n_logs = 0;
}

static void drop_log(struct mon_step *st, size_t i)
{
	free(st->logs[i]);
	memmove(st->logs + i, st->logs + i + 1, (st->n_logs - i - 1) * sizeof(st->logs[0]));
	st->n_logs--;
}

void mon_sources_add_all(struct wiz *w, struct mon_step *st)
{
	for (size_t i = 0; i < st->n_logs;) {
		char err[768];
		if (monfeed_add_log(st->feed, st->logs[i], err, sizeof(err)) == 0) {
			i++;
			continue;
		}
		wiz_status(w, MSG_ERROR, "cannot read the log %s (not added)", err);
		drop_log(st, i);
	}
}

/* The capture changes: the feed starts again on the next tick, after the status line said
 * what comes (an ssh connection may take seconds). */
static int recapture(struct wiz *w, struct mon_step *st, enum mon_cap cap, const char *iface)
{
	st->cap = cap;
	if (iface)
		snprintf(st->cap_iface, sizeof(st->cap_iface), "%s", iface);
	st->reopen = true;
	if (cap == MON_CAP_NONE)
		wiz_status(w, MSG_INFO, "no capture: reading the logs only%s",
			   st->n_logs ? "" : " (a adds one)");
	else if (cap == MON_CAP_IFACE && remote_is(iface))
		wiz_status(w, MSG_INFO, "connecting to %s (ssh in batch mode, at most %d s)...",
			   iface, REMOTE_CONNECT_SECONDS);
	else
		wiz_status(w, MSG_INFO, "starting the capture on %s...",
			   cap == MON_CAP_SITE	   ? (w->site.server[SK_INTERFACE]
							      ? w->site.server[SK_INTERFACE]
							      : "the site's interface")
			   : cap == MON_CAP_REPLAY ? w->replay
						   : iface);
	return WIZ_REDRAW;
}

/* A capture typed: an interface here, or ssh://USER@HOST[:PORT]/IFACE checked by the parser
 * of `monitor -i` before anything runs. */
static int typed_capture(struct wiz *w, void *ctx, const char *typed)
{
	struct mon_step *st = ctx;
	if (!*typed)
		return WIZ_REDRAW;
	struct remote_addr ra;
	char err[512];
	if (remote_is(typed) && !remote_parse_iface(typed, &ra, err, sizeof(err))) {
		wiz_status(w, MSG_ERROR, "%s", err);
		return WIZ_REDRAW;
	}
	return recapture(w, st, MON_CAP_IFACE, typed);
}

static int pick_iface(struct wiz *w, void *ctx, unsigned i)
{
	struct mon_step *st = ctx;
	if (i < w->n_ifaces)
		return recapture(w, st, MON_CAP_IFACE, w->ifaces[i].name);
	ssh_prompt(w, "Capture on",
		   "An interface here (eth1), or ssh://USER@HOST[:PORT]/IFACE to capture on the boot "
		   "server: tcpdump runs there and its pcap comes back over ssh, as with 'pinetboot "
		   "monitor -i'.",
		   remote_is(st->cap_iface) ? st->cap_iface : "", typed_capture, st);
	return WIZ_REDRAW;
}

static int other_capture(struct wiz *w, struct mon_step *st)
{
	struct iface_list l;
	iface_list_make(&l, w->ifaces, w->n_ifaces);
	l.items[l.n] = "type a name, or ssh://USER@HOST[:PORT]/IFACE...";
	wiz_popup_open(w, "Capture on", l.items, l.n + 1, 0, pick_iface, st);
	return WIZ_REDRAW;
}

/* A log to add: into the running live capture's session, else the feed starts again with it
 * (a replay from its start, the logs read again). The session's opener judges it. */
static int add_log(struct wiz *w, struct mon_step *st, const char *spec)
{
	if (!*spec || refused_here(w, spec))
		return WIZ_REDRAW;
	if (st->n_logs == MON_MAX_LOGS) {
		wiz_status(w, MSG_ERROR, "at most %d logs", MON_MAX_LOGS);
		return WIZ_REDRAW;
	}
	char err[768];
	struct monfeed *f = st->feed;
	if (f && f->live && f->state == MONFEED_RUNNING) {
		if (monfeed_add_log(f, spec, err, sizeof(err)) != 0) {
			wiz_status(w, MSG_ERROR, "cannot read the log %s (not added)", err);
			return WIZ_REDRAW;
		}
		st->logs[st->n_logs++] = xstrdup(spec);
		wiz_status(w, MSG_OK, "reading %s beside the capture", spec);
		return WIZ_REDRAW;
	}
	/* The feed starts again: the log is judged first, so a bad one changes nothing. */
	if (log_check(spec, err, sizeof(err)) != 0) {
		wiz_status(w, MSG_ERROR, "cannot read the log %s (not added)", err);
		return WIZ_REDRAW;
	}
	if (!f && st->tried && st->cap != MON_CAP_NONE && st->cap != MON_CAP_REPLAY) {
		wiz_status(w, MSG_INFO, "the capture is not running: reading the logs only");
		st->cap = MON_CAP_NONE;
	} else if (f && f->live) {
		wiz_status(w, MSG_INFO, "the capture has stopped: reading the logs only");
		st->cap = MON_CAP_NONE;
	}
	size_t before = st->n_logs;
	st->logs[st->n_logs++] = xstrdup(spec);
	mon_open_feed(w, st);
	if (st->n_logs > before)
		wiz_status(w, MSG_OK, "reading %s%s", spec,
			   st->cap == MON_CAP_REPLAY ? " (the replay starts again with it)" : "");
	return WIZ_REDRAW;
}

static int typed_file(struct wiz *w, void *ctx, const char *typed)
{
	return add_log(w, ctx, typed);
}

static int typed_unit(struct wiz *w, void *ctx, const char *typed)
{
	if (!*typed)
		return WIZ_REDRAW;
	char spec[300];
	snprintf(spec, sizeof(spec), LOG_JOURNAL_PREFIX "%s", typed);
	return add_log(w, ctx, spec);
}

static int pick_source(struct wiz *w, void *ctx, unsigned i)
{
	struct mon_step *st = ctx;
	switch (i < st->n_src_order ? (enum src_item)st->src_order[i] : SRC_COUNT) {
	case SRC_SITE:
		return recapture(w, st, MON_CAP_SITE, NULL);
	case SRC_REPLAY:
		return recapture(w, st, MON_CAP_REPLAY, NULL);
	case SRC_OTHER:
		return other_capture(w, st);
	case SRC_NONE:
		return recapture(w, st, MON_CAP_NONE, NULL);
	case SRC_FILE:
		wiz_prompt_open(w, "Add a log file",
				"A log read beside the capture, its lines merged by time: dnsmasq, "
				"isc-dhcpd, Kea, tftpd-hpa, tgtd, rpc.mountd (syslog files or "
				"journalctl output), the Pi's UART or HDMI text, a kernel console, "
				"pasted tcpdump text. Evidence from it names FILE:LINE.",
				"", typed_file, st);
		return WIZ_REDRAW;
	case SRC_JOURNAL:
		wiz_prompt_open(w, "Add a journal unit",
				"A systemd unit on this machine (dnsmasq, tftpd-hpa, tgt, ...): its "
				"last 2000 lines, then followed (journalctl -f -u UNIT).",
				"dnsmasq", typed_unit, st);
		return WIZ_REDRAW;
	case SRC_SSH_JOURNAL:
		ssh_prompt(w, "Add the boot server's journal",
			   "ssh://USER@HOST[:PORT]/journal/UNIT: that unit's journal on the boot "
			   "server, its last 2000 lines, then followed (journalctl -f over ssh).",
			   "ssh://", typed_file, st);
		return WIZ_REDRAW;
	default:
		return WIZ_REDRAW;
	}
}

int mon_sources_open(struct wiz *w, struct mon_step *st)
{
	const char *iface = w->site.server[SK_INTERFACE];
	char lines[SRC_COUNT][160];
	const char *items[SRC_COUNT];
	char keys[SRC_COUNT + 1];
	unsigned n = 0;
	const char *now = "  (now)";
	for (enum src_item k = 0; k < SRC_COUNT; k++) {
		const char *text = NULL, *mark = "";
		char buf[128];
		switch (k) {
		case SRC_SITE:
			snprintf(buf, sizeof(buf), "Capture on the site's interface (%s)",
				 iface ? iface : "none set");
			text = buf;
			mark = st->cap == MON_CAP_SITE ? now : "";
			break;
		case SRC_REPLAY:
			if (!w->replay)
				continue;
			snprintf(buf, sizeof(buf), "Replay %s", w->replay);
			text = buf;
			mark = st->cap == MON_CAP_REPLAY ? now : "";
			break;
		case SRC_OTHER:
			if (st->cap == MON_CAP_IFACE)
				snprintf(buf, sizeof(buf), "Capture elsewhere: %.80s", st->cap_iface);
			else
				snprintf(buf, sizeof(buf), "Capture on another interface or ssh://...");
			text = buf;
			mark = st->cap == MON_CAP_IFACE ? now : "";
			break;
		case SRC_NONE:
			text = "No capture: the logs only";
			mark = st->cap == MON_CAP_NONE ? now : "";
			break;
		case SRC_FILE:
			text = "Add a log file...";
			break;
		case SRC_JOURNAL:
			if (!log_journal_available())
				continue; /* no systemd journal on this machine */
			text = "Add a journal unit here (journalctl -u UNIT)...";
			break;
		case SRC_SSH_JOURNAL:
			text = "Add the boot server's journal (ssh://USER@HOST/journal/UNIT)...";
			break;
		case SRC_COUNT:
			continue;
		}
		st->src_order[n] = (int)k;
		keys[n] = (char)('1' + n);
		snprintf(lines[n], sizeof(lines[n]), "%c  %s%s", keys[n], text, mark);
		items[n] = lines[n];
		n++;
	}
	keys[n] = 0;
	st->n_src_order = n;
	wiz_popup_open(w, "Monitor sources (digit or Enter; Esc cancels)", items, n, 0, pick_source,
		       st);
	wiz_popup_hotkeys(w, keys);
	return WIZ_REDRAW;
}
