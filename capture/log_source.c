/* log_source — reading logs: one source per file or stream, read a line at a time; each line
 * split (log_prefix.c) and handed to the parser of the program that wrote it; the events of
 * several sources merged by time. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/log_int.h"
#include "core/base/deadline.h"
#include "core/base/util.h"

/* ---- the set ---- */

struct log_set *log_set_new(pnb_event_fn fn, void *user, const char *tftp_root)
{
	struct log_set *s = xcalloc(1, sizeof(*s));
	s->fn = fn;
	s->user = user;
	if (tftp_root && *tftp_root) {
		s->tftp_root = xstrdup(tftp_root);
		s->root_len = strlen(s->tftp_root);
		while (s->root_len > 1 && s->tftp_root[s->root_len - 1] == '/')
			s->tftp_root[--s->root_len] = '\0';
	}
	return s;
}

void log_set_free(struct log_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct log_src *r = s->src[i];
		if (r->close_it && r->f)
			fclose(r->f);
		log_remote_close(r);
		free(r->tsk);
		if (r->map)
			munmap((void *)r->map, r->map_len);
		free(r->buf);
		free(r->name);
		free(r);
	}
	for (size_t i = 0; i < s->n_notes; i++)
		free(s->notes[i]);
	free(s->tftp_root);
	free(s);
}

int log_set_add_stream(struct log_set *s, FILE *f, const char *name, bool close_it)
{
	if (s->n == LOG_MAX_SOURCES) {
		if (close_it)
			fclose(f);
		return -1;
	}
	struct log_src *r = xcalloc(1, sizeof(*r));
	r->set = s;
	r->idx = (unsigned)s->n;
	r->name = xstrdup(name);
	r->f = f;
	r->close_it = close_it;
	s->src[s->n++] = r;
	return 0;
}

/* A log file opened for reading, or NULL with err (a directory is no log). */
static FILE *open_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat ds;
	if (fstat(fileno(f), &ds) == 0 && S_ISDIR(ds.st_mode)) {
		fclose(f);
		snprintf(err, errlen, "%s: is a directory (expected a log file)", path);
		return NULL;
	}
	return f;
}

int log_check(const char *spec, char *err, size_t errlen)
{
	if (strcmp(spec, "-") == 0)
		return 0;
	if (log_remote_is(spec))
		return log_remote_check(spec, err, errlen);
	FILE *f = open_file(spec, err, errlen);
	if (f)
		fclose(f);
	return f ? 0 : -1;
}

int log_set_add(struct log_set *s, const char *path, char *err, size_t errlen)
{
	if (s->n == LOG_MAX_SOURCES) {
		snprintf(err, errlen, "%s: at most %d logs", path, LOG_MAX_SOURCES);
		return -1;
	}
	if (strcmp(path, "-") == 0)
		return log_set_add_stream(s, stdin, "stdin", false);
	if (log_remote_is(path))
		return log_remote_open(s, path, err, errlen);
	FILE *f = open_file(path, err, errlen);
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOFBF, 1 << 18); /* big reads: a journal is read once, front to back */
	if (log_set_add_stream(s, f, path, true) < 0) {
		snprintf(err, errlen, "%s: too many logs", path);
		return -1;
	}
	struct stat st;
	struct log_src *r = s->src[s->n - 1];
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < ((uint64_t)1 << 40)) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
		if (m != MAP_FAILED) {
			madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			r->map = m;
			r->map_len = (size_t)st.st_size;
		}
	}
	return 0;
}

size_t log_set_count(const struct log_set *s)
{
	return s ? s->n : 0;
}

const char *log_set_name(const struct log_set *s, size_t i)
{
	return s && i < s->n ? s->src[i]->name : NULL;
}

const char *log_set_error(const struct log_set *s, size_t i)
{
	return s && i < s->n ? s->src[i]->err : NULL;
}

const struct log_stats *log_set_source_stats(const struct log_set *s, size_t i)
{
	return s && i < s->n ? &s->src[i]->st : NULL;
}

int log_set_fd(const struct log_set *s, size_t i)
{
	return s && i < s->n && !s->src[i]->eof ? fileno(s->src[i]->f) : -1;
}

void log_set_stats(const struct log_set *s, struct log_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; s && i < s->n; i++) {
		out->lines += s->src[i]->st.lines;
		out->understood += s->src[i]->st.understood;
		out->skipped += s->src[i]->st.skipped;
		out->events += s->src[i]->st.events;
	}
}

bool log_frame_ref(const struct log_set *s, uint64_t frame, char *out, size_t n)
{
	if (!s || !(frame & LOG_FRAME_BIT))
		return false;
	size_t idx = (size_t)((frame >> 40) & 0x3fffff);
	uint64_t line = frame & ((1ULL << 40) - 1);
	if (idx >= s->n)
		return false;
	snprintf(out, n, "%s:%llu", s->src[idx]->name, (unsigned long long)line);
	return true;
}

size_t log_set_note_count(const struct log_set *s)
{
	return s ? s->n_notes : 0;
}

const char *log_set_note(const struct log_set *s, size_t i)
{
	return s && i < s->n_notes ? s->notes[i] : NULL;
}

static bool prog_is(const char *prog, const char *p)
{
	return strncmp(prog, p, strlen(p)) == 0;
}

/* Which parser: by the program that wrote the line, else by what the message looks like. */
static bool dispatch(struct log_src *s, struct log_line *l)
{
	const char *pg = l->prog;
	if (l->msg[0] == '-' && strcmp(l->msg, "-- MARK --") == 0)
		return true; /* syslog's heartbeat: only its time matters */
	if (pg[0]) {
		if (prog_is(pg, "dnsmasq"))
			return log_parse_dnsmasq(s, l);
		if (prog_is(pg, "dhcpd"))
			return log_parse_dhcpd(s, l);
		if (prog_is(pg, "kea-dhcp4") || prog_is(pg, "kea"))
			return log_parse_kea(s, l);
		if (prog_is(pg, "in.tftpd") || prog_is(pg, "tftpd") || prog_is(pg, "tftp"))
			return log_parse_tftpd(s, l);
		if (prog_is(pg, "tgtd"))
			return log_parse_tgtd(s, l);
		if (prog_is(pg, "ganesha") || prog_is(pg, "nfs-ganesha") ||
		    prog_is(pg, "rpc.mountd") || prog_is(pg, "mountd"))
			return log_parse_nfsd(s, l);
		if (prog_is(pg, "kernel") || prog_is(pg, "iscsistart") || prog_is(pg, "nfsmount") ||
		    prog_is(pg, "ipconfig"))
			return log_parse_kernel(s, l);
		/* A journal of a tool we do not parse; its message may still be ours (a pasted
		 * bootloader log with a serial console's own prefix, …). */
	} else if (log_parse_tshark_v(s, l) || log_parse_tshark(s, l)) {
		return true; /* tshark's text: no syslog prefix, its own layout */
	}
	if (log_parse_dnsmasq(s, l))
		return true;
	if (!l->has_ts) {
		struct timeval rt;
		char *m = l->msg;
		if (log_rel_time(&m, &rt)) {
			l->kernel_ts = m != l->msg && l->msg[strspn(l->msg, "<0123456789>")] == '[';
			l->msg = m;
			l->ts = s->ts = rt;
			l->has_ts = true;
		} else if (log_tod_time(s, &m, &rt)) {
			l->msg = m;
			l->ts = s->ts = rt;
			l->has_ts = true;
		}
	}
	if (log_parse_dhcpdump(s, l) || log_parse_uart(s, l) || log_parse_kernel(s, l) ||
	    log_parse_tcpdump(s, l))
		return true;
	return log_parse_kea(s, l);
}

/* At most this much of a line is kept: no format pinetboot reads has longer lines, and a log
 * may come from someone else (a device, a file or a stream without newlines): an endless line
 * costs reading time, never memory. A longer line is counted as not understood. */
#define LOG_LINE_MAX 65536

static void line_room(struct log_src *s)
{
	if (s->cap < LOG_LINE_MAX + 2) {
		s->cap = LOG_LINE_MAX + 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
}

/* The next line of a mapped file into s->buf (with its newline, like getline); -1 at the end. */
static ssize_t map_line(struct log_src *s)
{
	if (s->map_pos >= s->map_len)
		return -1;
	const char *p = s->map + s->map_pos;
	size_t left = s->map_len - s->map_pos;
	const char *nl = memchr(p, '\n', left);
	size_t n = nl ? (size_t)(nl - p) + 1 : left;
	s->map_pos += n;
	s->overlong = n > LOG_LINE_MAX;
	if (s->overlong)
		n = LOG_LINE_MAX;
	if (n + 1 > s->cap) {
		s->cap = n + 1 > 256 ? n + 1 : 256;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf, p, n);
	s->buf[n] = '\0';
	return (ssize_t)n;
}

/* Lines one non-blocking call reads without finding an event before it hands control back:
 * an endless stream of lines nothing understands (/dev/zero, binary junk) must not keep a
 * live monitor from its signals, its screen and its other sources. */
#define LOG_IDLE_LINES 4096

static const volatile sig_atomic_t *log_stop; /* log_stop_on */

void log_stop_on(const volatile sig_atomic_t *flag)
{
	log_stop = flag;
}

/* The next line of a stream into s->buf, like getline but keeping at most LOG_LINE_MAX bytes of
 * it; -1 at the end, or with ferror() and EAGAIN when a non-blocking stream has no more yet (the
 * part read so far stays in s->buf and the next call goes on with it). A line without end (a
 * device such as /dev/zero) hands control back every MiB dropped: -2 (come back later) when
 * bounded, -1 (the end) once the user stopped the run. */
static ssize_t stream_line(struct log_src *s, bool bounded)
{
	line_room(s);
	int c;
	size_t dropped = 0;
	while ((c = getc(s->f)) != EOF) {
		if (s->part < LOG_LINE_MAX) {
			s->buf[s->part++] = (char)c;
		} else {
			s->part_over = true;
			if (++dropped >= (1u << 20)) {
				if (bounded)
					return -2;
				if (log_stop && *log_stop)
					return -1;
				dropped = 0;
			}
		}
		if (c == '\n')
			break;
	}
	if (c == EOF && (ferror(s->f) || s->part == 0))
		return -1;
	size_t n = s->part;
	s->buf[n] = '\0';
	s->overlong = s->part_over;
	s->part = 0;
	s->part_over = false;
	return (ssize_t)n;
}

/* Reads lines until one produced events (or the end); with bounded, gives up (false, not at the
 * end) after LOG_IDLE_LINES lines without one. */
static bool fill(struct log_src *s, bool bounded)
{
	static char msgbuf[65536];
	unsigned idle = 0;
	while (s->qhead >= s->nq && !s->eof) {
		if (idle++ >= LOG_IDLE_LINES) {
			if (bounded || (log_stop && *log_stop))
				return false;
			idle = 0;
		}
		s->nq = s->qhead = 0;
		s->scratch_used = 0;
		s->defer_ip = 0;
		ssize_t n = s->map ? map_line(s) : stream_line(s, bounded);
		if (n == -2)
			return false;
		if (n < 0) {
			if (ferror(s->f) && errno == EAGAIN) {
				clearerr(s->f);
				/* A followed log gone quiet: a request held for its dump lines
				 * (dnsmasq writes a dump at once) is sent as it is. */
				if (s->req.open && deadline_now_ms() - s->req.held_ms >= LOG_HOLD_MS) {
					log_ev_dhcp_flush(s);
					return s->qhead < s->nq;
				}
				return false;
			}
			s->eof = true;
			log_remote_ended(s);
			s->frame = LOG_FRAME_BIT | (uint64_t)s->idx << 40 | s->lineno;
			log_tshark_finish(s);
			log_ev_dhcp_flush(s);
			if (!s->decided && s->nq) { /* the text's only events come at its end */
				s->decided = true;
				s->relative = !s->have_abs;
			}
			break;
		}
		while (n > 0 && (s->buf[n - 1] == '\n' || s->buf[n - 1] == '\r'))
			s->buf[--n] = '\0';
		s->lineno++;
		s->st.lines++;
		if (s->overlong || memchr(s->buf, '\0', (size_t)n)) /* binary junk: not a log line */
		{
			s->st.skipped++;
			continue;
		}
		struct log_line l;
		log_split(s, s->buf, &l, msgbuf, sizeof(msgbuf));
		s->frame = LOG_FRAME_BIT | (uint64_t)s->idx << 40 | (s->lineno & ((1ULL << 40) - 1));
		s->ts = s->last_ts;
		if (l.has_ts)
			s->ts = l.ts;
		bool ok = dispatch(s, &l);
		s->have_abs = s->have_abs || l.abs_ts;
		if (!s->decided && s->nq) {
			s->decided = true;
			s->relative = !s->have_abs;
			s->late = s->relative && l.kernel_ts;
		}
		if (s->relative && s->anchored)
			for (unsigned i = 0; i < s->nq; i++)
				timeradd(&s->q[i].ts, &s->anchor, &s->q[i].ts);
		if (l.has_ts) {
			s->last_ts = l.ts;
			s->have_ts = true;
		}
		if (ok)
			s->st.understood++;
		else
			s->st.skipped++;
	}
	return s->qhead < s->nq;
}

static uint64_t deliver_head(struct log_src *s)
{
	uint64_t n = 0;
	while (s->qhead < s->nq) {
		unsigned i = s->qhead++;
		if (s->q_ip[i] && !log_resolve(s, &s->q[i], s->q_ip[i]))
			continue; /* no log named this address's MAC: not tied to a Pi */
		s->set->last_delivered = s->q[i].ts;
		s->set->fn(&s->q[i], s->set->user);
		s->st.events++;
		n++;
	}
	return n;
}

static int tv_cmp(const struct timeval *a, const struct timeval *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return a->tv_usec < b->tv_usec ? -1 : a->tv_usec > b->tv_usec;
}

/* Two logs' events in the same second (syslog has no finer time): a boot asks for its address
 * before its files, so DHCP goes first, then ARP, then the rest. */
static int kind_rank(enum pnb_event_kind k)
{
	return k == EV_DHCP ? 0 : k == EV_ARP ? 1 : 2;
}

static int ev_cmp(const struct pnb_event *a, const struct pnb_event *b)
{
	int c = tv_cmp(&a->ts, &b->ts);
	return c ? c : kind_rank(a->kind) - kind_rank(b->kind);
}

/* A log whose lines carry no wall-clock time (a UART capture, dmesg) cannot be placed among the
 * others exactly: a bootloader's starts where the earliest of them does, a kernel console's
 * after the last of them (the kernel runs once its files were sent); said once each. */
static void place(struct log_src *r, struct timeval at, const char *where)
{
	r->anchored = true;
	r->anchor = at;
	for (unsigned k = r->qhead; k < r->nq; k++)
		timeradd(&r->q[k].ts, &at, &r->q[k].ts);
	if (at.tv_sec)
		log_note(r->set, "%s has no wall-clock times: placed %s", r->name, where);
}

static void anchor(struct log_set *s, const bool *have)
{
	bool abs = false;
	struct timeval t = {0, 0};
	for (size_t i = 0; i < s->n; i++) {
		struct log_src *r = s->src[i];
		if (have[i] && !r->relative && (!abs || tv_cmp(&r->q[r->qhead].ts, &t) < 0)) {
			t = r->q[r->qhead].ts;
			abs = true;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		struct log_src *r = s->src[i];
		if (have[i] && r->relative && !r->late && !r->anchored)
			place(r, abs ? t : (struct timeval){0, 0}, "at the start of the other logs");
	}
}

/* Merges the logs by time up to until (NULL: their ends), at most max events. */
static uint64_t pump(struct log_set *s, const struct timeval *until, uint64_t max, bool bounded)
{
	uint64_t n = 0;
	if (!s)
		return 0;
	while (n < max) {
		struct log_src *best = NULL;
		bool have[LOG_MAX_SOURCES];
		for (size_t i = 0; i < s->n; i++)
			have[i] = fill(s->src[i], bounded);
		anchor(s, have);
		bool others = false;
		for (size_t i = 0; i < s->n; i++)
			others = others || (have[i] && !s->src[i]->late);
		for (size_t i = 0; i < s->n; i++) {
			struct log_src *r = s->src[i];
			if (!have[i] || (r->late && others))
				continue;
			if (r->late && !r->anchored)
				place(r, s->last_delivered, "after the other logs");
			if (!best || ev_cmp(&r->q[r->qhead], &best->q[best->qhead]) < 0)
				best = r;
		}
		if (!best || (until && tv_cmp(&best->q[best->qhead].ts, until) > 0))
			return n;
		n += deliver_head(best);
	}
	return n;
}

uint64_t log_set_pump(struct log_set *s, const struct timeval *until)
{
	return pump(s, until, UINT64_MAX, false);
}

/* Makes r's fd non-blocking; returns the flags to restore (a stream not ours, stdin, shares its
 * file description with the shell), or -1. */
static int nonblocking(struct log_src *r)
{
	int fd = fileno(r->f);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK))
		return -1;
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	return r->close_it ? -1 : fl;
}

uint64_t log_set_pump_avail(struct log_set *s, uint64_t max, bool *ended)
{
	int restore[LOG_MAX_SOURCES];
	*ended = true;
	for (size_t i = 0; s && i < s->n; i++)
		restore[i] = s->src[i]->map ? -1 : nonblocking(s->src[i]);
	uint64_t n = pump(s, NULL, max, true);
	for (size_t i = 0; s && i < s->n; i++) {
		*ended = *ended && s->src[i]->eof && s->src[i]->qhead >= s->src[i]->nq;
		if (restore[i] >= 0)
			fcntl(fileno(s->src[i]->f), F_SETFL, restore[i]);
	}
	return n;
}

uint64_t log_set_pump_ready(struct log_set *s)
{
	uint64_t n = 0;
	for (size_t i = 0; s && i < s->n; i++) {
		struct log_src *r = s->src[i];
		nonblocking(r);
		for (int k = 0; k < 4096 && fill(r, true); k++)
			n += deliver_head(r);
	}
	return n;
}

bool log_set_end_time(const struct log_set *s, struct timeval *out)
{
	bool have = false;
	for (size_t i = 0; s && i < s->n; i++) {
		const struct log_src *r = s->src[i];
		struct timeval t = r->last_ts;
		if (r->relative)
			timeradd(&t, &r->anchor, &t);
		if (r->terminal) {
			/* Nothing follows a panic or a failed boot mode until the Pi restarts:
			 * longer than any stage waits. */
			t.tv_sec += 600;
		}
		if (r->have_ts && (!have || tv_cmp(&t, out) > 0)) {
			*out = t;
			have = true;
		}
	}
	return have;
}

void log_set_finish(struct log_set *s)
{
	for (size_t i = 0; s && i < s->n; i++) {
		struct log_src *r = s->src[i];
		log_tshark_finish(r);
		log_ev_dhcp_flush(r);
		deliver_head(r);
	}
}

