/* Unit tests: core/monitor/session — a capture file driven to its end, an extra event source
 * merged by time with the capture (what log sources plug into), events fed from outside,
 * and a session with no capture at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/monitor/session.h"

static char pcap[512];

/* The printed lines, concatenated. */
struct out {
	char buf[1 << 16];
	size_t n;
};

static void out_write(const char *s, size_t n, void *user)
{
	struct out *o = user;
	if (o->n + n < sizeof(o->buf)) {
		memcpy(o->buf + o->n, s, n);
		o->n += n;
		o->buf[o->n] = 0;
	}
}

/* A fake log: NETCONSOLE lines at fixed times, in order. */
struct fake {
	const char *const *lines;
	const long *usec; /* since base */
	time_t base;
	size_t n, i;
	bool closed;
};

static int fake_peek(void *src, struct timeval *ts)
{
	struct fake *f = src;
	if (f->i == f->n)
		return SESSION_EOF;
	long long us = (long long)f->base * 1000000 + f->usec[f->i];
	ts->tv_sec = (time_t)(us / 1000000);
	ts->tv_usec = (suseconds_t)(us % 1000000);
	return 1;
}

static int fake_next(void *src, void (*emit)(const struct pnb_event *ev, void *ctx), void *ctx)
{
	struct fake *f = src;
	struct pnb_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_NETCONSOLE;
	fake_peek(f, &ev.ts);
	ev.u.netconsole.line.p = (const uint8_t *)f->lines[f->i];
	ev.u.netconsole.line.len = (uint16_t)strlen(f->lines[f->i]);
	f->i++;
	emit(&ev, ctx);
	return 0;
}

static void fake_close(void *src)
{
	((struct fake *)src)->closed = true;
}

static const struct session_source_ops fake_ops = {
    .name = "fake.log", .peek = fake_peek, .next = fake_next, .close = fake_close};

static struct session *new_session(struct out *o, enum session_print print)
{
	struct session_opts so = {.print = print, .out = {out_write, o}};
	return session_new(&so);
}

static int drain(struct session *s)
{
	int rc, total = 0;
	while ((rc = session_pump(s, 7)) > 0)
		total += rc;
	session_finish(s);
	return rc == SESSION_EOF ? total : rc;
}

static void test_capture_alone(void **state)
{
	(void)state;
	static struct out o;
	o.n = 0;
	struct session *s = new_session(&o, SESSION_PRINT_TEXT);
	char err[512];
	assert_int_equal(session_open_file(s, pcap, err, sizeof(err)), 0);
	assert_int_equal(drain(s), 75);
	assert_int_equal(session_stats(s)->packets, 75);
	assert_int_equal(diag_pi_count(session_diag(s)), 1);
	assert_true(session_any_failed(s));
	assert_null(session_input_error(s));
	assert_non_null(strstr(o.buf, "#75 "));
	session_free(s);
}

/* Log lines land between the packets of their time: before #1, after #3, after the end. */
static void test_merge_by_time(void **state)
{
	(void)state;
	static struct out o;
	o.n = 0;
	static const char *const lines[] = {"early", "middle", "late"};
	static const long usec[] = {-1, 3600, 5000000};
	struct session *s = new_session(&o, SESSION_PRINT_TEXT);
	char err[512];
	assert_int_equal(session_open_file(s, pcap, err, sizeof(err)), 0);
	struct timeval ts;
	assert_int_equal(session_next_time(s, &ts), 1); /* the first packet, read ahead */
	assert_int_equal(ts.tv_usec, 0);
	struct fake f = {lines, usec, ts.tv_sec, 3, 0, false};
	session_add_source(s, &fake_ops, &f);
	assert_int_equal(session_next_time(s, &ts), 1);
	assert_int_equal(ts.tv_sec, f.base - 1);
	assert_int_equal(drain(s), 78);
	assert_int_equal(session_stats(s)->packets, 75);
	const char *early = strstr(o.buf, "fake.log NETCONSOLE"), *one = strstr(o.buf, "#1 ");
	const char *three = strstr(o.buf, "#3 "), *four = strstr(o.buf, "#4 ");
	const char *middle = strstr(o.buf, "\"middle\""), *late = strstr(o.buf, "\"late\"");
	assert_non_null(early);
	assert_non_null(middle);
	assert_non_null(late);
	assert_true(early < one);
	assert_true(three < middle && middle < four);
	assert_true(late > strstr(o.buf, "#75 "));
	session_free(s);
	assert_true(f.closed);
}

/* No capture: an extra source alone, and an event handed in directly (JSON out). */
static void test_sources_without_capture(void **state)
{
	(void)state;
	static struct out o;
	o.n = 0;
	static const char *const lines[] = {"one", "two"};
	static const long usec[] = {0, 1};
	struct fake f = {lines, usec, 0, 2, 0, false};
	struct session *s = new_session(&o, SESSION_PRINT_JSON);
	assert_int_equal(session_fd(s), -1);
	session_add_source(s, &fake_ops, &f);
	assert_int_equal(drain(s), 2);
	struct pnb_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_NETCONSOLE;
	ev.u.netconsole.line.p = (const uint8_t *)"three";
	ev.u.netconsole.line.len = 5;
	session_event(s, &ev);
	assert_int_equal(session_stats(s)->events, 3);
	assert_int_equal(session_stats(s)->packets, 0);
	assert_non_null(strstr(o.buf, "\"three\""));
	assert_int_equal(session_pump(s, 10), SESSION_EOF);
	char err[256];
	assert_int_equal(session_save(s, "/nonexistent/x.pcap", err, sizeof(err)), -1);
	session_free(s);
}

static void test_missing_file(void **state)
{
	(void)state;
	static struct out o;
	struct session *s = new_session(&o, SESSION_PRINT_NONE);
	char err[512] = "";
	assert_int_equal(session_open_file(s, "/nonexistent/boot.pcap", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/boot.pcap"));
	assert_int_equal(session_pump(s, 10), SESSION_EOF);
	session_free(s);
}

static int find_pcap(void **state)
{
	(void)state;
	unit_path(pcap, sizeof(pcap), "tests/monitor/pcaps/", "pi4-boot.pcap");
	return 0;
}

UNIT_MAIN_SETUP(find_pcap,
	cmocka_unit_test(test_capture_alone),
	cmocka_unit_test(test_merge_by_time),
	cmocka_unit_test(test_sources_without_capture),
	cmocka_unit_test(test_missing_file))
