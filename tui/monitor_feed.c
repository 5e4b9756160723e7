/* monitor_feed — a monitor session's printed lines → the timeline, paced replays. */
#include "tui/monitor_feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log.h"
#include "core/base/fsutil.h"
#include "core/base/util.h"

#define LIVE_BUFFER_MB 64

static void cur_add_mac(struct mon_line *c, const uint8_t mac[6])
{
	static const uint8_t zero[6];
	if (!memcmp(mac, zero, 6) || c->n_macs == PNB_ARRAY_LEN(c->macs))
		return;
	for (unsigned i = 0; i < c->n_macs; i++)
		if (!memcmp(c->macs[i], mac, 6))
			return;
	memcpy(c->macs[c->n_macs++], mac, 6);
}

static void cur_add_ip(struct mon_line *c, uint32_t ip)
{
	if (!ip || c->n_ips == PNB_ARRAY_LEN(c->ips))
		return;
	for (unsigned i = 0; i < c->n_ips; i++)
		if (c->ips[i] == ip)
			return;
	c->ips[c->n_ips++] = ip;
}

static void timeline_push(struct monfeed *f, const char *s, size_t n)
{
	struct mon_line l = f->cur;
	l.text = xstrndup(s, n);
	if (f->n_lines < MONFEED_MAX_LINES) {
		if (f->n_lines == 0)
			f->lines = xcalloc(MONFEED_MAX_LINES, sizeof(*f->lines));
		f->lines[f->n_lines++] = l;
		return;
	}
	free(f->lines[f->first_line].text);
	f->lines[f->first_line] = l;
	f->first_line = (f->first_line + 1) % MONFEED_MAX_LINES;
	f->lines_dropped++;
}

/* The printer's output: one or more '\n'-ended lines per call. */
static void on_text(const char *s, size_t n, void *user)
{
	struct monfeed *f = user;
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		timeline_push(f, s, len);
		n -= nl ? len + 1 : len;
		s += nl ? len + 1 : len;
	}
}

/* Session hooks: who the packet being printed concerns, for the lines it prints. */
static void on_event(const struct pnb_event *ev, void *user)
{
	struct monfeed *f = user;
	if (f->logs_only && !f->first_ts.tv_sec && !f->first_ts.tv_usec)
		f->first_ts = ev->ts; /* the stage times count from the first log event */
	if (ev->kind == EV_DHCP)
		cur_add_mac(&f->cur, ev->u.dhcp.chaddr);
	if (ev->kind == EV_TFTP_XFER) {
		cur_add_mac(&f->cur, ev->u.xfer.client_mac);
		cur_add_ip(&f->cur, ev->u.xfer.client_ip);
	}
}

static void on_packet(const struct session_packet *pkt, void *user)
{
	struct monfeed *f = user;
	if (f->packets++ == 0)
		f->first_ts = pkt->ts;
	cur_add_mac(&f->cur, pkt->src_mac);
	cur_add_mac(&f->cur, pkt->dst_mac);
	cur_add_ip(&f->cur, pkt->src_ip);
	cur_add_ip(&f->cur, pkt->dst_ip);
}

static void on_packet_printed(void *user)
{
	struct monfeed *f = user;
	memset(&f->cur, 0, sizeof(f->cur));
}

/* The parts both kinds of feed share; takes over site. */
static struct monfeed *feed_new(bool live, const char *what, struct site *site)
{
	struct monfeed *f = xcalloc(1, sizeof(*f));
	f->live = live;
	f->what = xstrdup(what);
	if (site) {
		f->site = *site;
		f->has_site = true;
	}
	struct session_opts so = {
		.site = f->has_site ? &f->site : NULL,
		.print = SESSION_PRINT_TEXT,
		.out = {on_text, f},
		.event = on_event,
		.packet = on_packet,
		.packet_printed = on_packet_printed,
		.user = f,
	};
	f->ses = session_new(&so);
	f->diag = session_diag(f->ses);
	return f;
}

/* A session that would not open: the feed goes, the reason stays in err. */
static struct monfeed *feed_failed(struct monfeed *f)
{
	monfeed_free(f);
	return NULL;
}

struct monfeed *monfeed_open_replay(const char *path, double speed, struct site *site, char *err,
				    size_t errlen)
{
	struct monfeed *f = feed_new(false, path, site);
	f->speed = speed;
	/* a link type that is not decoded still replays: its packets say so in the timeline */
	return session_open_file(f->ses, path, err, errlen) < 0 ? feed_failed(f) : f;
}

/* Live: every packet also goes to an unlinked-on-free temporary file, so `w` saves the
 * whole capture and not only what follows the key. */
static void live_start_tmp_save(struct monfeed *f)
{
	char *path = fs_temp_file("monitor", NULL, 0);
	char err[256];
	if (path && session_save_as(f->ses, path, err, sizeof(err)) != 0) {
		unlink(path);
		free(path);
		path = NULL;
	}
	f->tmp_save = path;
}

struct monfeed *monfeed_open_live(const char *iface, struct site *site, char *err, size_t errlen)
{
	struct monfeed *f = feed_new(true, iface, site);
	int rc = session_start_live(f->ses, iface, LIVE_BUFFER_MB, err, errlen);
	if (rc < 0)
		return feed_failed(f);
	f->connecting = rc == 2;
	if (!f->connecting)
		live_start_tmp_save(f);
	return f;
}

struct monfeed *monfeed_open_logs(struct site *site)
{
	struct monfeed *f = feed_new(false, "no capture", site);
	f->logs_only = true;
	return f;
}

int monfeed_add_log(struct monfeed *f, const char *spec, char *err, size_t errlen)
{
	return session_add_log(f->ses, spec, err, errlen);
}

/* 1204 as "1,204": counts of big logs read at a glance. */
static const char *grouped(uint64_t v, char out[32])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	return out;
}

void monfeed_sources(const struct monfeed *f, char *out, size_t n)
{
	const struct log_set *ls = session_logs(f->ses);
	char lines[32], skipped[32];
	size_t len = (size_t)snprintf(out, n, "sources: %s", f->logs_only ? "no capture" : f->what);
	for (size_t i = 0; i < log_set_count(ls) && len < n; i++) {
		const char *name = log_set_name(ls, i), *slash = strrchr(name, '/');
		if (slash && slash[1] && !strstr(name, "://"))
			name = slash + 1; /* the file's name; FILE:LINE in the evidence keeps the path */
		const struct log_stats *ps = log_set_source_stats(ls, i);
		if (log_set_error(ls, i))
			len += (size_t)snprintf(out + len, n - len, ", %s (failed: m shows why)", name);
		else
			len += (size_t)snprintf(out + len, n - len, ", %s (%s lines, %s not understood)",
						name, grouped(ps->lines, lines),
						grouped(ps->skipped, skipped));
	}
}

void monfeed_frame_ref(const struct monfeed *f, uint64_t frame, char *out, size_t n)
{
	session_frame_ref(f->ses, frame, out, n);
}

const char *monfeed_log_failure(struct monfeed *f)
{
	const struct log_set *ls = session_logs(f->ses);
	for (size_t i = 0; i < log_set_count(ls) && i < 64; i++)
		if (log_set_error(ls, i) && !(f->log_failures_said & (UINT64_C(1) << i))) {
			f->log_failures_said |= UINT64_C(1) << i;
			return log_set_error(ls, i);
		}
	return NULL;
}

void monfeed_free(struct monfeed *f)
{
	if (!f)
		return;
	session_free(f->ses);
	if (f->has_site)
		site_done(&f->site);
	for (size_t i = 0; i < f->n_lines; i++)
		free(f->lines[i].text);
	free(f->lines);
	if (f->tmp_save) {
		unlink(f->tmp_save);
		free(f->tmp_save);
	}
	free(f->what);
	free(f);
}

int monfeed_fd(const struct monfeed *f)
{
	return f && f->live && f->state == MONFEED_RUNNING ? session_fd(f->ses) : -1;
}

/* End of input: open transfers end, end-of-capture rules run. */
static void feed_finish(struct monfeed *f, int rc)
{
	memset(&f->cur, 0, sizeof(f->cur));
	session_stop(f->ses); /* a followed journal beside a replay never ends: not waited for */
	session_finish(f->ses);
	if (rc == SESSION_ERROR) {
		f->state = MONFEED_FAILED;
		snprintf(f->message, sizeof(f->message),
			 "%s: %s (the %llu packets before it are shown)", f->what,
			 session_error(f->ses), (unsigned long long)f->packets);
	} else if (f->logs_only) {
		struct log_stats ls;
		log_set_stats(session_logs(f->ses), &ls);
		f->state = MONFEED_ENDED;
		snprintf(f->message, sizeof(f->message),
			 "the logs are read: %llu lines, %llu not understood", (unsigned long long)ls.lines,
			 (unsigned long long)ls.skipped);
	} else {
		f->state = MONFEED_ENDED;
		snprintf(f->message, sizeof(f->message), "replay of %s finished: %llu packets",
			 f->what, (unsigned long long)f->packets);
	}
}

static int64_t tv_ms(struct timeval a, struct timeval b)
{
	return (int64_t)(a.tv_sec - b.tv_sec) * 1000 + (a.tv_usec - b.tv_usec) / 1000;
}

/* When the peeked packet is due (monotonic ms); learns the first timestamp on the way. */
static int64_t next_due(const struct monfeed *f)
{
	int64_t gap = (int64_t)((double)tv_ms(f->next_ts, f->first_ts) / f->speed);
	return f->start_ms + (gap < 0 ? 0 : gap);
}

/* Learns the next packet's timestamp (the session reads it ahead). */
static void peek_next(struct monfeed *f, int64_t now_ms)
{
	if (f->have_next || f->peek_eof)
		return;
	if (session_next_time(f->ses, &f->next_ts) != 1) {
		f->peek_eof = true;
		return;
	}
	f->have_next = true;
	if (f->packets == 0 && f->start_ms == 0) {
		f->first_ts = f->next_ts;
		f->start_ms = now_ms;
	}
	/* long silences in the capture are shortened so demos and tests do not stall */
	int64_t due = next_due(f);
	if (due - now_ms > MONFEED_MAX_GAP_MS)
		f->start_ms -= due - now_ms - MONFEED_MAX_GAP_MS;
}

static int pump_one(struct monfeed *f, int max)
{
	int rc = session_pump(f->ses, max);
	if (rc == SESSION_EOF || rc == SESSION_ERROR)
		feed_finish(f, rc);
	return rc < 0 ? 0 : rc;
}

/* ssh answered (its pipe is readable): the capture opens, or the feed fails with its reason. */
static int connect_step(struct monfeed *f)
{
	char err[sizeof(f->message)] = "";
	int rc = session_live_ready(f->ses, err, sizeof(err));
	if (rc == 0)
		return 0;
	f->connecting = false;
	if (rc < 0) {
		f->connect_failed = true;
		session_stop(f->ses);
		session_finish(f->ses);
		f->state = MONFEED_FAILED;
		memcpy(f->message, err, sizeof(f->message));
		return 0;
	}
	live_start_tmp_save(f);
	return 0;
}

int monfeed_pump(struct monfeed *f, int64_t now_ms, int max)
{
	if (f->state != MONFEED_RUNNING || f->paused)
		return 0;
	if (f->logs_only)
		return monfeed_pump_logs(f, max);
	if (f->connecting)
		return connect_step(f);
	if (f->live || f->speed <= 0)
		return pump_one(f, max);
	int n = 0;
	while (n < max && f->state == MONFEED_RUNNING) {
		peek_next(f, now_ms);
		if (f->have_next && next_due(f) > now_ms)
			break;
		f->have_next = false;
		int got = pump_one(f, 1);
		n += got;
		if (!got && f->state == MONFEED_RUNNING)
			break;
	}
	return n;
}

int monfeed_pump_logs(struct monfeed *f, int max)
{
	if (f->state != MONFEED_RUNNING || f->paused || (!f->live && !f->logs_only))
		return 0; /* a replay's logs come with its packets, merged by time */
	int rc = session_pump_logs(f->ses, max);
	if (rc == SESSION_EOF && f->logs_only)
		feed_finish(f, rc);
	return rc < 0 ? 0 : rc;
}

int monfeed_due_in(const struct monfeed *f, int64_t now_ms)
{
	if (!f || f->live || f->paused || f->state != MONFEED_RUNNING)
		return -1;
	if (!f->have_next)
		return 0;
	int64_t d = next_due(f) - now_ms;
	return d < 0 ? 0 : (int)d;
}

void monfeed_set_paused(struct monfeed *f, bool paused, int64_t now_ms)
{
	if (f->paused == paused)
		return;
	f->paused = paused;
	if (paused)
		f->paused_at = now_ms;
	else if (f->start_ms)
		f->start_ms += now_ms - f->paused_at; /* the replay clock stood still */
}

void monfeed_tick(struct monfeed *f)
{
	if (!f->live || f->state != MONFEED_RUNNING)
		return;
	struct timeval now;
	gettimeofday(&now, NULL);
	memset(&f->cur, 0, sizeof(f->cur));
	session_tick(f->ses, now);
	f->have_stats = session_live_stats(f->ses, &f->received, &f->dropped);
}

int monfeed_save(struct monfeed *f, const char *path, char *err, size_t errlen)
{
	if (f->live && !f->tmp_save) {
		snprintf(err, errlen, "no temporary capture file could be made (TMPDIR)");
		return -1;
	}
	return session_save(f->ses, path, err, errlen);
}

const struct mon_line *monfeed_line(const struct monfeed *f, size_t i)
{
	if (i >= f->n_lines)
		return NULL;
	return &f->lines[(f->first_line + i) % MONFEED_MAX_LINES];
}

bool monfeed_line_is_pi(const struct mon_line *l, const struct diag_pi *p)
{
	for (unsigned i = 0; i < l->n_macs; i++)
		if (!memcmp(l->macs[i], p->mac, 6))
			return true;
	for (unsigned i = 0; p->ip && i < l->n_ips; i++)
		if (l->ips[i] == p->ip)
			return true;
	return false;
}
