/* session — capture source and extra event sources → decoder → diagnosis → the face's output.
 * See session.h for the lifetime. The one-capture case keeps the fast path (libpcap reads
 * straight into the decoder); with extra sources each item goes through a time merge. */
#include "core/monitor/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/decode.h"
#include "capture/log.h"
#include "capture/pcap_source.h"
#include "capture/print.h"
#include "capture/remote.h"
#include "core/base/util.h"

struct extra {
	const struct session_source_ops *ops;
	void *src;
	bool done;
};

struct session {
	struct session_opts o;
	struct source *cap;          /* the capture, or NULL */
	struct source *connecting;   /* an ssh:// capture whose ssh is still connecting */
	char *connecting_name;
	char *cap_name;              /* file path or interface */
	bool live;
	bool cap_done;               /* end of the capture (or its failure) was met */
	bool cap_failed;             /* a file capture ended in damage: see input_error */
	char *save_path;             /* session_save_as */
	struct pnb_decoder *dec;
	struct diag *diag;
	struct text_printer *tp;
	struct json_printer *jp;
	struct extra *extras;
	size_t n_extras;
	const char *cur_origin;      /* name of the extra source whose event is being fed */
	struct log_set *ls;          /* --log sources (capture/log.h), merged by time among
					themselves and with a capture file's packets */
	const char *log_ref;         /* JSON: the FILE:LINE of the log event being written */
	bool stopped;                /* session_stop: do not wait for more log lines */
	struct pnb_out face_out;     /* the face's output, behind json_write */
	struct session_stats st;
	char err[768];
	char input_error[512];
};

static void note_time(struct session *s, const struct timeval *ts)
{
	if (!s->st.first_ts.tv_sec && !s->st.first_ts.tv_usec)
		s->st.first_ts = *ts;
}

/* Every event, decoded or fed: the diagnosis first, then the face's hook, then the printer
 * (which for a decoded event only collects it into the packet's line). */
static void take_event(struct session *s, const struct pnb_event *ev)
{
	s->st.events++;
	diag_event(s->diag, ev);
	if (s->o.event)
		s->o.event(ev, s->o.user);
}

static void on_event(const struct pnb_event *ev, void *user)
{
	struct session *s = user;
	/* A packet's event: the log lines written before it come first (merge by time). */
	if (s->ls && !s->live)
		log_set_pump(s->ls, &ev->ts);
	take_event(s, ev);
	if (s->jp)
		json_printer_event(s->jp, ev);
	else if (s->tp)
		text_printer_event(s->tp, ev);
}

static void on_packet(const struct pnb_packet *pkt, void *user)
{
	struct session *s = user;
	note_time(s, &pkt->ts);
	if (s->o.packet) {
		struct session_packet sp = {pkt->ts, pkt->frame, {0}, {0}, pkt->src_ip, pkt->dst_ip};
		memcpy(sp.src_mac, pkt->src_mac, 6);
		memcpy(sp.dst_mac, pkt->dst_mac, 6);
		s->o.packet(&sp, s->o.user);
	}
	if (s->tp)
		text_printer_packet(s->tp, pkt);
	if (s->o.packet_printed)
		s->o.packet_printed(s->o.user);
}

struct pnb_out session_out_file(FILE *f)
{
	return pnb_out_file(f);
}

/* JSON lines pass through here: a log event's object gets "log":"FILE:LINE" first. */
static void json_write(const char *str, size_t n, void *user)
{
	struct session *s = user;
	if (s->log_ref && n > 1 && str[0] == '{') {
		struct line *l = &(struct line){0};
		put_str(l, "{\"log\":");
		put_json_cstr(l, s->log_ref);
		put_ch(l, ',');
		s->face_out.write(l->b, l->n, s->face_out.user);
		s->face_out.write(str + 1, n - 1, s->face_out.user);
		return;
	}
	s->face_out.write(str, n, s->face_out.user);
}

struct session *session_new(const struct session_opts *o)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	s->face_out = o->out;
	s->diag = diag_new(o->site);
	if (o->print == SESSION_PRINT_TEXT) {
		s->tp = text_printer_new(&s->o.out);
	} else if (o->print == SESSION_PRINT_JSON) {
		struct pnb_out jo = {json_write, s};
		s->jp = json_printer_new(&jo);
	}
	s->dec = decoder_new(on_event, on_packet, s);
	s->cap_done = true; /* until a capture is opened */
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	source_close(s->cap);
	source_close(s->connecting);
	free(s->connecting_name);
	for (size_t i = 0; i < s->n_extras; i++)
		if (s->extras[i].ops->close)
			s->extras[i].ops->close(s->extras[i].src);
	free(s->extras);
	log_set_free(s->ls);
	decoder_free(s->dec);
	diag_free(s->diag);
	text_printer_free(s->tp);
	json_printer_free(s->jp);
	free(s->cap_name);
	free(s->save_path);
	free(s);
}

/* After a capture opened: 0, or 1 with a warning when its link type is not decoded. */
static int opened(struct session *s, struct source *src, const char *name, bool live, char *err,
		  size_t errlen)
{
	s->cap = src;
	s->cap_name = xstrdup(name);
	s->live = live;
	s->cap_done = false;
	if (decoder_dlt_supported(source_datalink(src)))
		return 0;
	snprintf(err, errlen,
		 "%s: link type %d (%s) is not decoded (Ethernet, Linux cooked SLL/SLL2 and raw IP "
		 "are)",
		 name, source_datalink(src), source_datalink_name(src));
	return 1;
}

static int one_capture_only(struct session *s, char *err, size_t errlen)
{
	if (!s->cap && !s->connecting)
		return 0;
	snprintf(err, errlen, "a monitor session reads one capture (%s is open)",
		 s->cap ? s->cap_name : s->connecting_name);
	return -1;
}

int session_open_file(struct session *s, const char *path, char *err, size_t errlen)
{
	if (one_capture_only(s, err, errlen) < 0)
		return -1;
	struct source *src = source_open_file(path, err, errlen);
	return src ? opened(s, src, path, false, err, errlen) : -1;
}

int session_open_live(struct session *s, const char *iface, unsigned buffer_mb, bool drop_root,
		      char *err, size_t errlen)
{
	if (one_capture_only(s, err, errlen) < 0)
		return -1;
	struct source *src = remote_is(iface) ? source_open_ssh(iface, err, errlen)
					      : source_open_live(iface, NULL, buffer_mb, err, errlen);
	if (!src)
		return -1;
	/* Root goes before a single packet is decoded: the decoders read hostile bytes. For
	 * ssh:// too when run through sudo: ssh runs as that user, whom root is dropped to, so it
	 * can still be ended (killed); run as root otherwise, ssh is root's and so stays this. */
	uid_t su;
	gid_t sg;
	if (drop_root && (!remote_is(iface) || remote_sudo_user(&su, &sg)) &&
	    source_drop_root(err, errlen) < 0) {
		source_close(src);
		return -1;
	}
	return opened(s, src, iface, true, err, errlen);
}

int session_start_live(struct session *s, const char *iface, unsigned buffer_mb, char *err,
		       size_t errlen)
{
	if (!remote_is(iface))
		return session_open_live(s, iface, buffer_mb, false, err, errlen);
	if (one_capture_only(s, err, errlen) < 0)
		return -1;
	s->connecting = source_start_ssh(iface, err, errlen);
	if (!s->connecting)
		return -1;
	s->connecting_name = xstrdup(iface);
	return 2;
}

int session_live_ready(struct session *s, char *err, size_t errlen)
{
	if (!s->connecting)
		return s->cap ? 1 : -1;
	int rc = source_ssh_ready(s->connecting, err, errlen);
	if (rc == 0)
		return 0;
	struct source *src = s->connecting;
	char *name = s->connecting_name;
	s->connecting = NULL;
	s->connecting_name = NULL;
	if (rc < 0) {
		source_close(src);
		free(name);
		return -1;
	}
	rc = opened(s, src, name, true, err, errlen) + 1;
	free(name);
	return rc;
}

bool session_connecting(const struct session *s)
{
	return s->connecting != NULL;
}

int session_save_as(struct session *s, const char *path, char *err, size_t errlen)
{
	if (!s->cap) {
		snprintf(err, errlen, "%s: no capture to save", path);
		return -1;
	}
	if (source_save(s->cap, path, err, errlen) < 0)
		return -1;
	free(s->save_path);
	s->save_path = xstrdup(path);
	return 0;
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

/* A file capture: its first `packets` packets, read again through a second handle. */
static int save_replayed(struct session *s, const char *path, char *err, size_t errlen)
{
	struct source *src = source_open_file(s->cap_name, err, errlen);
	if (!src)
		return -1;
	int rc = source_save(src, path, err, errlen);
	struct pnb_decoder *d = decoder_new(NULL, NULL, NULL);
	for (uint64_t left = decoder_stats(s->dec)->packets; rc == 0 && left > 0;) {
		int got = source_dispatch(src, d, left > 4096 ? 4096 : (int)left);
		if (got <= 0)
			break;
		left -= (uint64_t)got;
	}
	decoder_free(d);
	source_close(src);
	return rc;
}

int session_save(struct session *s, const char *path, char *err, size_t errlen)
{
	if (!s->cap) {
		snprintf(err, errlen, "no capture to save");
		return -1;
	}
	if (!s->live)
		return save_replayed(s, path, err, errlen);
	if (!s->save_path) {
		snprintf(err, errlen, "the live capture is not being kept (no copy to save from)");
		return -1;
	}
	return copy_file(s->save_path, path, err, errlen);
}

void session_add_source(struct session *s, const struct session_source_ops *ops, void *src)
{
	s->extras = xrealloc(s->extras, (s->n_extras + 1) * sizeof(*s->extras));
	s->extras[s->n_extras++] = (struct extra){ops, src, false};
}

void session_event(struct session *s, const struct pnb_event *ev)
{
	note_time(s, &ev->ts);
	take_event(s, ev);
	if (!s->jp && !s->tp) {
		if (s->o.packet_printed)
			s->o.packet_printed(s->o.user);
		return; /* -q: nothing printed, no FILE:LINE to format */
	}
	char ref[300];
	const char *origin = s->cur_origin;
	if (s->ls && log_frame_ref(s->ls, ev->frame, ref, sizeof(ref)))
		origin = ref;
	if (s->jp) {
		s->log_ref = origin;
		json_printer_event(s->jp, ev);
		s->log_ref = NULL;
	} else if (s->tp) {
		text_printer_event_line(s->tp, ev, origin);
	}
	if (s->o.packet_printed)
		s->o.packet_printed(s->o.user); /* the event's line is out, as a packet's */
}

static void on_log_event(const struct pnb_event *ev, void *user)
{
	session_event(user, ev);
}

static bool name_frame(const void *user, uint64_t frame, char *out, size_t n)
{
	return log_frame_ref(user, frame, out, n);
}

int session_add_log(struct session *s, const char *path, char *err, size_t errlen)
{
	if (!s->ls) {
		s->ls = log_set_new(on_log_event, s, s->o.site ? s->o.site->tftp_root : NULL);
		diag_set_frame_namer(s->diag, name_frame, s->ls);
	}
	if (log_set_count(s->ls) >= SESSION_MAX_LOGS) {
		snprintf(err, errlen, "at most %d logs", SESSION_MAX_LOGS);
		return -1;
	}
	return log_set_add(s->ls, path, err, errlen);
}

void session_frame_ref(const struct session *s, uint64_t frame, char *out, size_t n)
{
	if (!log_frame_ref(s->ls, frame, out, n))
		snprintf(out, n, "#%llu", (unsigned long long)frame);
}

void session_stop(struct session *s)
{
	s->stopped = true;
}

void session_stop_on(const volatile sig_atomic_t *flag)
{
	log_stop_on(flag);
}

int session_pump_logs(struct session *s, int max)
{
	bool ended = true;
	uint64_t n = s->ls ? log_set_pump_avail(s->ls, max > 0 ? (uint64_t)max : 1, &ended) : 0;
	return n ? (int)n : ended ? SESSION_EOF : 0;
}

static void emit_extra(const struct pnb_event *ev, void *ctx)
{
	session_event(ctx, ev);
}

int session_fd(const struct session *s)
{
	if (s->connecting)
		return source_fd(s->connecting);
	return s->cap && s->live && !s->cap_done ? source_fd(s->cap) : -1;
}

/* The capture failed: a file's damage is kept for the summary and the exit status. */
static void capture_failed(struct session *s)
{
	s->cap_done = true;
	snprintf(s->err, sizeof(s->err), "%s", source_error(s->cap));
	if (!s->live) {
		s->cap_failed = true;
		snprintf(s->input_error, sizeof(s->input_error), "%s", source_error(s->cap));
	}
}

/* The capture alone: libpcap reads straight into the decoder. */
static int pump_capture(struct session *s, int max)
{
	if (!s->cap || s->cap_done)
		return s->cap_failed ? SESSION_ERROR : SESSION_EOF;
	int rc = source_dispatch(s->cap, s->dec, max);
	if (s->ls && s->live)
		log_set_pump_ready(s->ls); /* a journal followed beside the capture */
	if (rc == SOURCE_EOF) {
		s->cap_done = true;
		return SESSION_EOF;
	}
	if (rc == SOURCE_ERROR) {
		capture_failed(s);
		return SESSION_ERROR;
	}
	return rc;
}

static void extra_failed(struct session *s, struct extra *x)
{
	const char *why = x->ops->error ? x->ops->error(x->src) : NULL;
	snprintf(s->err, sizeof(s->err), "%s: %s", x->ops->name ? x->ops->name : "source",
		 why && *why ? why : "read error");
	x->done = true;
}

/* The source whose next item comes first: -1 the capture, i >= 0 extra i, -2 nothing ready.
 * *pending is set when some source is not at its end yet. */
static int earliest(struct session *s, struct timeval *best, bool *pending, bool *cap_error)
{
	int who = -2;
	*pending = false;
	*cap_error = false;
	struct timeval ts;
	if (s->cap && !s->cap_done) {
		int rc = source_peek(s->cap, &ts);
		if (rc == 1) {
			who = -1;
			*best = ts;
		} else if (rc == SOURCE_ERROR) {
			*cap_error = true;
		} else if (rc == SOURCE_EOF) {
			s->cap_done = true;
		}
		*pending |= rc >= 0;
	}
	for (size_t i = 0; i < s->n_extras; i++) {
		struct extra *x = &s->extras[i];
		if (x->done)
			continue;
		int rc = x->ops->peek(x->src, &ts);
		if (rc == SESSION_EOF) {
			x->done = true;
		} else if (rc < 0) {
			extra_failed(s, x);
		} else {
			*pending = true;
			if (rc == 1 && (who == -2 || timercmp(&ts, best, <))) {
				who = (int)i;
				*best = ts;
			}
		}
	}
	return who;
}

/* Several sources: one item at a time from whichever comes first (among those ready). */
static int pump_merged(struct session *s, int max)
{
	int n = 0;
	while (n < max) {
		struct timeval ts;
		bool pending, cap_error;
		int who = earliest(s, &ts, &pending, &cap_error);
		if (cap_error) {
			if (n)
				return n; /* the error is reported on the next call */
			capture_failed(s);
			return SESSION_ERROR;
		}
		if (who == -2)
			return n || pending ? n : SESSION_EOF;
		if (who == -1) {
			source_dispatch(s->cap, s->dec, 1);
		} else {
			struct extra *x = &s->extras[who];
			s->cur_origin = x->ops->name;
			if (x->ops->next(x->src, emit_extra, s) < 0)
				extra_failed(s, x);
			s->cur_origin = NULL;
		}
		n++;
	}
	return n;
}

int session_pump(struct session *s, int max)
{
	return s->n_extras ? pump_merged(s, max) : pump_capture(s, max);
}

int session_next_time(struct session *s, struct timeval *ts)
{
	bool pending, cap_error;
	int who = earliest(s, ts, &pending, &cap_error);
	if (cap_error)
		return SESSION_ERROR;
	return who != -2 ? 1 : pending ? 0 : SESSION_EOF;
}

void session_tick(struct session *s, struct timeval now)
{
	decoder_tick(s->dec, now);
	diag_tick(s->diag, now);
	if (s->tp)
		text_printer_flush(s->tp);
}

/* A capture file whose link type is not decoded held nothing the diagnosis could read: said
 * as an input error (the summary carries it, the command exits 2), not as "no Pi seen". */
static void nothing_decodable(struct session *s)
{
	if (!s->cap || s->live || s->input_error[0] || decoder_dlt_supported(source_datalink(s->cap)))
		return;
	snprintf(s->input_error, sizeof(s->input_error),
		 "link type %d (%s) is not decoded: none of the %llu packets could be read "
		 "(Ethernet, Linux cooked SLL/SLL2 and raw IP are)",
		 source_datalink(s->cap), source_datalink_name(s->cap),
		 (unsigned long long)decoder_stats(s->dec)->packets);
}

void session_finish(struct session *s)
{
	nothing_decodable(s);
	/* What the logs hold after the last packet (or all of it, when there are only logs);
	 * a run the user stopped does not wait for a followed log to end. */
	if (s->ls) {
		bool ended;
		if (s->stopped)
			log_set_pump_avail(s->ls, UINT64_MAX, &ended);
		else
			log_set_pump(s->ls, NULL);
		log_set_finish(s->ls);
		/* Lines after a Pi's last event show it was quiet until then (or, after a panic,
		 * for good): the silence rules see that time pass. */
		struct timeval end;
		if (!s->live && log_set_end_time(s->ls, &end))
			diag_tick(s->diag, end);
	}
	decoder_finish(s->dec);
	diag_finish(s->diag);
	if (s->tp)
		text_printer_flush(s->tp);
}

const char *session_error(const struct session *s)
{
	return s->err;
}

const char *session_input_error(const struct session *s)
{
	return s->input_error[0] ? s->input_error : NULL;
}

const struct session_stats *session_stats(struct session *s)
{
	const struct decoder_stats *d = decoder_stats(s->dec);
	s->st.packets = d->packets;
	s->st.bytes = d->bytes;
	s->st.truncated = d->truncated;
	s->st.fragments = d->fragments;
	s->st.flows_evicted = d->flows_evicted;
	return &s->st;
}

bool session_live_stats(struct session *s, uint64_t *received, uint64_t *dropped)
{
	return s->cap && source_stats(s->cap, received, dropped);
}

const struct diag *session_diag(const struct session *s)
{
	return s->diag;
}

const struct log_set *session_logs(const struct session *s)
{
	return s->ls;
}

size_t session_log_count(const struct session *s)
{
	return log_set_count(s->ls);
}

const char *session_log_error(const struct session *s, size_t i)
{
	return log_set_error(s->ls, i);
}

bool session_any_failed(const struct session *s)
{
	for (size_t i = 0; i < diag_pi_count(s->diag); i++)
		if (diag_pi_at(s->diag, i)->failed)
			return true;
	return false;
}
