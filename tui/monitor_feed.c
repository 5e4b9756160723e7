/* monitor_feed — capture source → decoder → diagnosis + text printer → timeline lines. */
#include "tui/monitor_feed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/decode.h"
#include "capture/pcap_source.h"
#include "capture/print.h"
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

static void on_event(const struct pnb_event *ev, void *user)
{
	struct monfeed *f = user;
	diag_event(f->diag, ev);
	if (ev->kind == EV_DHCP)
		cur_add_mac(&f->cur, ev->u.dhcp.chaddr);
	if (ev->kind == EV_TFTP_XFER) {
		cur_add_mac(&f->cur, ev->u.xfer.client_mac);
		cur_add_ip(&f->cur, ev->u.xfer.client_ip);
	}
	text_printer_event(f->tp, ev);
}

static void on_packet(const struct pnb_packet *pkt, void *user)
{
	struct monfeed *f = user;
	if (f->packets++ == 0)
		f->first_ts = pkt->ts;
	cur_add_mac(&f->cur, pkt->src_mac);
	cur_add_mac(&f->cur, pkt->dst_mac);
	cur_add_ip(&f->cur, pkt->src_ip);
	cur_add_ip(&f->cur, pkt->dst_ip);
	text_printer_packet(f->tp, pkt);
	memset(&f->cur, 0, sizeof(f->cur));
}

static void on_peek(const struct pnb_packet *pkt, void *user)
{
	struct monfeed *f = user;
	f->next_ts = pkt->ts;
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
	f->diag = diag_new(f->has_site ? &f->site : NULL);
	struct pnb_out out = {on_text, f};
	f->tp = text_printer_new(&out);
	f->dec = decoder_new(on_event, on_packet, f);
	return f;
}

struct monfeed *monfeed_open_replay(const char *path, double speed, struct site *site, char *err,
				    size_t errlen)
{
	struct source *s = source_open_file(path, err, errlen);
	if (!s) {
		if (site)
			site_done(site);
		return NULL;
	}
	struct monfeed *f = feed_new(false, path, site);
	f->src = s;
	f->speed = speed;
	if (speed > 0) {
		f->peek_src = source_open_file(path, err, errlen);
		f->peek_dec = decoder_new(NULL, on_peek, f);
	}
	return f;
}

/* Live: every packet also goes to an unlinked-on-free temporary file, so `w` saves the
 * whole capture and not only what follows the key. */
static void live_start_tmp_save(struct monfeed *f)
{
	char *path = fs_temp_file("monitor", NULL, 0);
	char err[256];
	if (path && source_save(f->src, path, err, sizeof(err)) != 0) {
		unlink(path);
		free(path);
		path = NULL;
	}
	f->tmp_save = path;
}

struct monfeed *monfeed_open_live(const char *iface, struct site *site, char *err, size_t errlen)
{
	struct source *s = source_open_live(iface, NULL, LIVE_BUFFER_MB, err, errlen);
	if (!s) {
		if (site)
			site_done(site);
		return NULL;
	}
	struct monfeed *f = feed_new(true, iface, site);
	f->src = s;
	live_start_tmp_save(f);
	return f;
}

void monfeed_free(struct monfeed *f)
{
	if (!f)
		return;
	source_close(f->src);
	source_close(f->peek_src);
	decoder_free(f->peek_dec);
	decoder_free(f->dec);
	text_printer_free(f->tp);
	diag_free(f->diag);
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
	return f && f->live && f->state == MONFEED_RUNNING ? source_fd(f->src) : -1;
}

/* End of input: open transfers end, end-of-capture rules run. */
static void feed_finish(struct monfeed *f, int rc)
{
	memset(&f->cur, 0, sizeof(f->cur));
	decoder_finish(f->dec);
	text_printer_flush(f->tp);
	diag_finish(f->diag);
	if (rc == SOURCE_ERROR) {
		f->state = MONFEED_FAILED;
		snprintf(f->message, sizeof(f->message),
			 "%s: %s (the %llu packets before it are shown)", f->what,
			 source_error(f->src), (unsigned long long)f->packets);
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

/* Reads the next packet's timestamp from the look-ahead handle. */
static void peek_next(struct monfeed *f, int64_t now_ms)
{
	if (f->have_next || f->peek_eof)
		return;
	if (!f->peek_src || source_dispatch(f->peek_src, f->peek_dec, 1) <= 0) {
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
	int rc = source_dispatch(f->src, f->dec, max);
	if (rc == SOURCE_EOF || rc == SOURCE_ERROR)
		feed_finish(f, rc);
	return rc < 0 ? 0 : rc;
}

int monfeed_pump(struct monfeed *f, int64_t now_ms, int max)
{
	if (f->state != MONFEED_RUNNING || f->paused)
		return 0;
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
	decoder_tick(f->dec, now);
	text_printer_flush(f->tp);
	diag_tick(f->diag, now);
	f->have_stats = source_stats(f->src, &f->received, &f->dropped);
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = in < 0 || out < 0 ? -1 : 0;
	char buf[65536];
	ssize_t n;
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		if (n < 0 || write(out, buf, (size_t)n) != n)
			rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", in < 0 ? from : to, strerror(errno));
	if (out >= 0 && close(out) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		rc = -1;
	}
	if (in >= 0)
		close(in);
	return rc;
}

/* Replay: the first f->packets packets of the file, read again through a second handle. */
static int save_replayed(struct monfeed *f, const char *path, char *err, size_t errlen)
{
	struct source *s = source_open_file(f->what, err, errlen);
	if (!s)
		return -1;
	int rc = source_save(s, path, err, errlen);
	struct pnb_decoder *d = decoder_new(NULL, NULL, NULL);
	for (uint64_t left = f->packets; rc == 0 && left > 0;) {
		int got = source_dispatch(s, d, left > 4096 ? 4096 : (int)left);
		if (got <= 0)
			break;
		left -= (uint64_t)got;
	}
	decoder_free(d);
	source_close(s);
	return rc;
}

int monfeed_save(struct monfeed *f, const char *path, char *err, size_t errlen)
{
	if (!f->live)
		return save_replayed(f, path, err, errlen);
	if (!f->tmp_save) {
		snprintf(err, errlen, "no temporary capture file could be made (TMPDIR)");
		return -1;
	}
	return copy_file(f->tmp_save, path, err, errlen);
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
