/* monitor_feed — the Monitor step's model, without curses: what the wizard adds to a monitor
 * session (core/monitor/session, which owns capture, decoder and diagnosis): replay pacing,
 * the timeline of printed packet lines and who each line concerns (the per-Pi filter). The
 * step's draw function reads this; only the pump/key paths do I/O.
 *
 * Replay is paced by the capture timestamps: the session reads one packet ahead to learn when
 * the next packet is due, so each packet appears at its own time (divided by the speed
 * factor; waits longer than MONFEED_MAX_GAP_MS are shortened). */
#ifndef PNB_TUI_MONITOR_FEED_H
#define PNB_TUI_MONITOR_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/monitor/diagnose.h"
#include "core/monitor/session.h"
#include "core/site/profile.h"

#define MONFEED_MAX_GAP_MS 2000
#define MONFEED_MAX_LINES 50000 /* oldest timeline lines are dropped beyond this */

/* One printed timeline line and who it concerns, for the per-Pi filter. */
struct mon_line {
	char *text;
	uint8_t macs[4][6];
	uint32_t ips[4];
	unsigned n_macs, n_ips;
};

enum monfeed_state { MONFEED_RUNNING, MONFEED_ENDED, MONFEED_FAILED };

struct monfeed {
	bool live;
	bool logs_only; /* no capture: the logs feed it alone */
	bool connecting; /* live over ssh://: ssh is still connecting (the fd says when) */
	bool connect_failed; /* ... and then failed: no capture came (message says why) */
	char *what;   /* "eth0", the file name, or "no capture" */
	double speed; /* replay: 0 = as fast as possible */
	enum monfeed_state state;
	char message[512]; /* why it ended or failed */
	struct session *ses;
	const struct diag *diag; /* the session's */
	struct site site;
	bool has_site;
	/* the timeline ring */
	struct mon_line *lines;
	size_t n_lines, first_line; /* ring: first_line is the oldest */
	uint64_t lines_dropped;
	struct mon_line cur; /* who the packet being decoded concerns */
	/* counters */
	uint64_t packets;
	struct timeval first_ts;
	uint64_t received, dropped; /* live: pcap_stats */
	bool have_stats;
	/* replay pacing */
	bool have_next, peek_eof;
	struct timeval next_ts;
	int64_t start_ms; /* monotonic ms when the first packet was due */
	bool paused;
	int64_t paused_at;
	char *tmp_save; /* live: every packet is saved here so `w` can copy the whole capture */
	uint64_t log_failures_said; /* bit i: log i's failure went to the status line */
};

/* Opens a replay of path (pcap/pcapng). site may be NULL (no cross-checks); otherwise its
 * contents move into the feed, and on success as on failure the caller must not site_done it.
 * Returns NULL with a message in err. The caller owns the result (monfeed_free). */
struct monfeed *monfeed_open_replay(const char *path, double speed, struct site *site, char *err,
				    size_t errlen);
/* Opens iface for live capture (needs root or CAP_NET_RAW); as above. An ssh:// capture
 * connects without waiting: the feed is `connecting` until its fd turns readable, and then
 * monfeed_pump opens it (or fails: state FAILED, the reason in message, no packets). */
struct monfeed *monfeed_open_live(const char *iface, struct site *site, char *err, size_t errlen);
/* A feed with no capture: only the logs added with monfeed_add_log feed it (their lines merged
 * by time); it ends when every log has. site as above. Never NULL. */
struct monfeed *monfeed_open_logs(struct site *site);
/* Adds a log (a path, journal:UNIT, ssh://USER@HOST[:PORT]/journal/UNIT), opened and checked by
 * the session (core/monitor/session, capture/log). 0, or -1 with the reason in err. */
int monfeed_add_log(struct monfeed *f, const char *spec, char *err, size_t errlen);
/* Live and log-only feeds: delivers what the logs hold now (never waits for a followed one);
 * a log-only feed whose logs all ended is finished. Returns the events delivered. */
int monfeed_pump_logs(struct monfeed *f, int max);
/* "sources: eth0, dnsmasq.log (1,204 lines, 3 not understood)": what feeds f, with each log's
 * counts ("failed" for a log that did). */
void monfeed_sources(const struct monfeed *f, char *out, size_t n);
/* How the diagnosis names frame: "#N" for a packet, "FILE:LINE" for a log line. */
void monfeed_frame_ref(const struct monfeed *f, uint64_t frame, char *out, size_t n);
/* The failure of a log not said yet (then marked said), or NULL. */
const char *monfeed_log_failure(struct monfeed *f);
void monfeed_free(struct monfeed *f);
/* The descriptor to poll (live), or -1. */
int monfeed_fd(const struct monfeed *f);
/* Decodes what is due at now_ms (monotonic): live, up to max packets ready; replay, the
 * packets whose time has come, at most max (any number when speed is 0 is still bounded by
 * max). Returns the number decoded; at the end of a file the feed is finished (state ENDED,
 * or FAILED with the reason in message for a damaged file). */
int monfeed_pump(struct monfeed *f, int64_t now_ms, int max);
/* Milliseconds until the next replayed packet is due (0: now; -1: nothing pending). */
int monfeed_due_in(const struct monfeed *f, int64_t now_ms);
void monfeed_set_paused(struct monfeed *f, bool paused, int64_t now_ms);
/* Live: idle time passes (ends idle transfers, timeouts) and the drop counters refresh. */
void monfeed_tick(struct monfeed *f);
/* Writes what was captured or replayed so far to path (pcap). 0, or -1 with err. */
int monfeed_save(struct monfeed *f, const char *path, char *err, size_t errlen);
/* The i-th timeline line, oldest first. */
const struct mon_line *monfeed_line(const struct monfeed *f, size_t i);
/* True when line l concerns Pi p (its MAC, or its address). */
bool monfeed_line_is_pi(const struct mon_line *l, const struct diag_pi *p);

#endif
