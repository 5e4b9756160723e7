/* session — one monitor run, whichever face drives it (ncdu's shape: one engine, pluggable
 * outputs). A session owns the capture source (a pcap file or a live interface), the packet
 * decoder, the boot-stage diagnosis and the printer, and hands each printed line to the face's
 * output. `pinetboot monitor` and the wizard's Monitor step both drive one; neither wires pcap,
 * decoder and diagnosis itself.
 *
 * Other event sources (log files, journals) plug in beside the capture: session_add_source
 * takes a source that yields the same typed events (capture/event.h) in time order, and
 * session_pump merges all sources by time. A face that produces events by other means can
 * also hand them in one by one with session_event.
 *
 * Lifetime: session_new → session_open_file | session_open_live (at most one capture) →
 * [session_save_as] → session_pump / session_tick … → session_finish → read the diagnosis →
 * session_free. A session with only added sources (no capture) is fine too. */
#ifndef PNB_CORE_MONITOR_SESSION_H
#define PNB_CORE_MONITOR_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "capture/event.h"
#include "capture/fmt.h"
#include "core/monitor/diagnose.h"
#include "core/site/profile.h"

/* What the session prints into the face's output. */
enum session_print {
	SESSION_PRINT_NONE, /* nothing: the diagnosis only (monitor -q) */
	SESSION_PRINT_TEXT, /* one line per packet, tcpdump -v style, plus transfer-end lines */
	SESSION_PRINT_JSON, /* one JSON object per event (pinetboot(1), JSON OUTPUT) */
};

/* Who one packet or event concerns, handed to the face's hooks (the wizard's per-Pi filter
 * tags timeline lines with it). Valid only during the call. */
struct session_packet {
	struct timeval ts;
	uint64_t frame;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip; /* host order, 0 if not IP */
};

struct session_opts {
	const struct site *site;    /* cross-checks; NULL for none. Must outlive the session. */
	enum session_print print;
	struct pnb_out out;         /* where printed lines go (pnb_out_file(stdout), a pane…) */
	/* Optional hooks, called in this order for each packet: event (once per event, after
	 * the diagnosis saw it, before it is printed), packet (before the packet's line is
	 * printed), packet_printed (after; also after the line of an event from a log or an
	 * added source). Lines printed outside a packet (transfer ends found by session_tick /
	 * session_finish) come with no hook call. */
	void (*event)(const struct pnb_event *ev, void *user);
	void (*packet)(const struct session_packet *pkt, void *user);
	void (*packet_printed)(void *user);
	void *user;
};

/* An extra event source (a log file, a journal, a remote stream). The session calls:
 *   peek:  the time of the next event without consuming it: 1 (ts set), 0 nothing ready now
 *          (a followed file or a pipe), SESSION_EOF at its end, SESSION_ERROR (error() says).
 *   next:  consumes the next event and hands it to emit (exactly once, or not at all when the
 *          item turned out not to be an event; the source counts such lines itself).
 *   fd:    a descriptor to poll for more (live), or -1 (optional, may be NULL).
 *   error: why it failed (optional).
 *   close: frees src (optional); called by session_free.
 * Events must come in time order within one source; the session merges sources by time. */
struct session_source_ops {
	const char *name;
	int (*peek)(void *src, struct timeval *ts);
	int (*next)(void *src, void (*emit)(const struct pnb_event *ev, void *ctx), void *ctx);
	int (*fd)(void *src);
	const char *(*error)(void *src);
	void (*close)(void *src);
};

enum { SESSION_EOF = -2, SESSION_ERROR = -1 };

/* Counters for summaries; packets are those read from the capture. */
struct session_stats {
	uint64_t packets, bytes, truncated, fragments, flows_evicted;
	uint64_t events;          /* events from every source */
	struct timeval first_ts;  /* of the first packet or event (0 before it) */
};

struct session;
struct log_set;

/* An output that writes to a stdio stream (buffered by the caller as it likes). */
struct pnb_out session_out_file(FILE *f);

/* A session with no source yet. The caller owns it (session_free). */
struct session *session_new(const struct session_opts *o);
void session_free(struct session *s);

/* Opens a capture file (pcap/pcapng). 0; 1 opened, with a warning in err (e.g. a link type
 * that is not decoded); -1 with the reason in err. */
int session_open_file(struct session *s, const char *path, char *err, size_t errlen);
/* Opens iface for live capture (needs root or CAP_NET_RAW) with buffer_mb of kernel buffer;
 * ssh://USER@HOST[:PORT]/IFACE captures on the boot server (source_open_ssh).
 * drop_root: switch to SUDO_UID or nobody once the handle is open. Returns as above. */
int session_open_live(struct session *s, const char *iface, unsigned buffer_mb, bool drop_root,
		      char *err, size_t errlen);
/* session_open_live for a face that must not wait: an ssh:// capture is started and 2 returned
 * while ssh connects (session_connecting is true, session_fd is its pipe to poll; logs, ticks
 * and pumping the logs work meanwhile); session_live_ready then says 0 not yet, 1 open (2 with
 * a warning in err), -1 failed (err; the session has no capture then). Other interfaces open
 * at once, as with session_open_live. */
int session_start_live(struct session *s, const char *iface, unsigned buffer_mb, char *err,
		       size_t errlen);
int session_live_ready(struct session *s, char *err, size_t errlen);
bool session_connecting(const struct session *s);
/* Saves every packet read from now on to path (pcap), and remembers path for session_save.
 * 0, or -1 with err. */
int session_save_as(struct session *s, const char *path, char *err, size_t errlen);
/* Writes what was read so far to path (pcap): a file capture's first packets read again; a
 * live capture's copy (session_save_as must have been called: the wizard points it at a
 * temporary file). 0, or -1 with err. */
int session_save(struct session *s, const char *path, char *err, size_t errlen);

/* Adds a log (a path, or "-" for stdin) read by capture/log.h's parsers: its lines become
 * events merged by time with the other logs and with a capture file's packets (a live
 * capture: what has arrived, in arrival order). Evidence names log lines FILE:LINE. 0, or -1
 * with err. */
#define SESSION_MAX_LOGS 64
int session_add_log(struct session *s, const char *path, char *err, size_t errlen);
/* The logs added so far (counts, notes, FILE:LINE names), or NULL when none. */
const struct log_set *session_logs(const struct session *s);
/* How many logs were added, and why the I-th one failed (a followed command that ended badly)
 * or NULL: what a face reports without reading capture/log.h (the session's, not owned). */
size_t session_log_count(const struct session *s);
const char *session_log_error(const struct session *s, size_t i);
/* How evidence names frame: "FILE:LINE" for a log line, "#N" for packet N. */
void session_frame_ref(const struct session *s, uint64_t frame, char *out, size_t n);
/* The user stopped a run: session_finish takes what the logs hold now and does not wait for a
 * followed log (a journal) to end. */
void session_stop(struct session *s);
/* From now on reading the logs to their end gives up once *flag is set (the face's SIGINT and
 * SIGTERM flag): see log_stop_on. */
void session_stop_on(const volatile sig_atomic_t *flag);
/* Live faces (and runs with logs only): delivers what the logs hold now, merged by time among
 * them, without waiting for a followed log, at most max events. Returns the events delivered,
 * or SESSION_EOF once every log has ended (also when there are none). */
int session_pump_logs(struct session *s, int max);

/* Adds an event source; the session takes ownership of src (ops->close frees it). */
void session_add_source(struct session *s, const struct session_source_ops *ops, void *src);
/* Feeds one event from outside any source: diagnosis, hooks and printing, as if decoded. */
void session_event(struct session *s, const struct pnb_event *ev);

/* The descriptor to poll for the live capture, or -1. */
int session_fd(const struct session *s);
/* Reads up to max packets/events, all sources merged by time. Returns how many (0: nothing
 * ready now on a live source), SESSION_EOF once every source is at its end, SESSION_ERROR
 * when the capture failed (session_error says why; a truncated file ends this way after the
 * packets before the damage). An extra source that fails is dropped with its error kept in
 * session_error, and the others go on. */
int session_pump(struct session *s, int max);
/* The time of the next packet or event of any source (read ahead): 1 with ts, 0 nothing ready,
 * SESSION_EOF. For pacing a replay. */
int session_next_time(struct session *s, struct timeval *ts);
/* Time passes without packets (live, idle): ends idle transfers, timeouts turn into verdicts,
 * pending lines are printed. */
void session_tick(struct session *s, struct timeval now);
/* End of input: open transfers end, end-of-capture rules run, pending lines are printed. */
void session_finish(struct session *s);

/* The last error of any source ("" when none). */
const char *session_error(const struct session *s);
/* Why a capture file ended in damage (truncated), or NULL: the summary reports it and the
 * command exits 2 when no Pi failed. */
const char *session_input_error(const struct session *s);
const struct session_stats *session_stats(struct session *s);
/* Kernel counters of a live capture; false for files. */
bool session_live_stats(struct session *s, uint64_t *received, uint64_t *dropped);
/* The diagnosis, owned by the session. */
const struct diag *session_diag(const struct session *s);
/* True when some Pi failed a boot stage. */
bool session_any_failed(const struct session *s);

/* The end of a run on a terminal (session_summary.c): the per-Pi stage table with verdicts,
 * evidence and fixes, or the last JSON line {"summary": true, "pis": [...], ...} (fields in
 * pinetboot(1), JSON OUTPUT). */
void session_print_table(const struct session *s, FILE *f);
void session_print_json_summary(struct session *s, FILE *f);

#endif
