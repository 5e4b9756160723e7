/* Unit tests: the Monitor step's model (tui/monitor_feed) on a replayed capture — no terminal:
 * decoding to the end, pacing by timestamps, pause, the per-Pi filter and saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log.h"
#include "tui/monitor_feed.h"

static char pcap[512];

static int find_pcap(void **state)
{
	(void)state;
	unit_path(pcap, sizeof(pcap), "tests/monitor/pcaps/", "pi4-boot.pcap");
	return 0;
}

static struct monfeed *open_or_fail(double speed)
{
	char err[512] = "";
	struct monfeed *f = monfeed_open_replay(pcap, speed, NULL, err, sizeof(err));
	if (!f)
		fail_msg("%s", err);
	return f;
}

/* As fast as possible: every packet, the transfer-end lines, the verdict. */
static void test_fast_replay(void **state)
{
	(void)state;
	struct monfeed *f = open_or_fail(0);
	for (int i = 0; i < 100 && f->state == MONFEED_RUNNING; i++)
		monfeed_pump(f, 1000, 10);
	assert_int_equal(f->state, MONFEED_ENDED);
	assert_int_equal(f->packets, 75);
	assert_true(f->n_lines > 75); /* plus the transfer-end lines */
	assert_int_equal(diag_pi_count(f->diag), 1);
	const struct diag_pi *p = diag_pi_at(f->diag, 0);
	assert_int_equal(p->reached, 4);
	assert_int_equal(p->failed, 5);
	assert_non_null(strstr(f->message, "75 packets"));
	size_t mine = 0;
	for (size_t i = 0; i < f->n_lines; i++)
		mine += monfeed_line_is_pi(monfeed_line(f, i), p);
	assert_true(mine > 70);
	assert_non_null(strstr(monfeed_line(f, 0)->text, "#1 "));
	monfeed_free(f);
}

/* Speed 1: the first packet at once, the next at its own time; a pause stops the clock. */
static void test_paced_replay(void **state)
{
	(void)state;
	struct monfeed *f = open_or_fail(1);
	assert_int_equal(monfeed_pump(f, 1000, 500), 1);
	int due = monfeed_due_in(f, 1000);
	assert_true(due > 0 && due < 100);
	monfeed_set_paused(f, true, 1000);
	assert_int_equal(monfeed_pump(f, 60000, 500), 0);
	assert_int_equal(monfeed_due_in(f, 60000), -1);
	monfeed_set_paused(f, false, 60000);
	assert_int_equal(monfeed_due_in(f, 60000), due);
	assert_int_equal(f->packets, 1);
	/* the whole capture spans 0.62 s */
	monfeed_pump(f, 60000 + 700, 500);
	assert_int_equal(f->state, MONFEED_ENDED);
	assert_int_equal(f->packets, 75);
	monfeed_free(f);
}

/* `w` after 30 packets saves those 30, readable again. */
static void test_save_so_far(void **state)
{
	(void)state;
	struct monfeed *f = open_or_fail(0);
	monfeed_pump(f, 1000, 30);
	assert_int_equal(f->packets, 30);
	char path[64], err[512];
	snprintf(path, sizeof(path), "/tmp/pnb-monfeed-%d.pcap", (int)getpid());
	assert_int_equal(monfeed_save(f, path, err, sizeof(err)), 0);
	monfeed_free(f);
	char saved[512];
	snprintf(saved, sizeof(saved), "%s", pcap);
	snprintf(pcap, sizeof(pcap), "%s", path);
	f = open_or_fail(0);
	monfeed_pump(f, 1000, 1000);
	monfeed_pump(f, 1000, 1000);
	assert_int_equal(f->state, MONFEED_ENDED);
	assert_int_equal(f->packets, 30);
	monfeed_free(f);
	unlink(path);
	snprintf(pcap, sizeof(pcap), "%s", saved);
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[512] = "";
	assert_null(monfeed_open_replay("/nonexistent/boot.pcap", 0, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/boot.pcap"));
}

/* No capture, a log only: its Pi's verdict, FILE:LINE names, the sources line; a log that
 * cannot be read is refused by the session's opener. */
static void test_logs_only(void **state)
{
	(void)state;
	char log[512], err[512] = "";
	unit_path(log, sizeof(log), "tests/data/logs/tbt11-short-iso/", "journal.txt");
	/* judged before anything starts, as the session's opener judges them */
	assert_int_equal(log_check(log, err, sizeof(err)), 0);
	assert_int_equal(log_check("ssh://root@h:22/journal/dnsmasq", err, sizeof(err)), 0);
	assert_int_equal(log_check("/", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(log_check("journal:-x", err, sizeof(err)), -1);
	assert_int_equal(log_check("ssh://root@h/journal/a;b", err, sizeof(err)), -1);
	struct monfeed *f = monfeed_open_logs(NULL);
	assert_int_equal(monfeed_add_log(f, "/nonexistent/x.log", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.log"));
	assert_int_equal(monfeed_add_log(f, log, err, sizeof(err)), 0);
	for (int i = 0; i < 100 && f->state == MONFEED_RUNNING; i++)
		monfeed_pump(f, 1000, 4);
	assert_int_equal(f->state, MONFEED_ENDED);
	assert_int_equal(diag_pi_count(f->diag), 1);
	const struct diag_pi *p = diag_pi_at(f->diag, 0);
	assert_int_equal(p->failed, 4);
	char ref[600], want[600], src[600];
	monfeed_frame_ref(f, p->stage_frame[1], ref, sizeof(ref));
	snprintf(want, sizeof(want), "%s:3", log);
	assert_string_equal(ref, want);
	monfeed_sources(f, src, sizeof(src));
	assert_string_equal(src, "sources: no capture, journal.txt (13 lines, 0 not understood)");
	assert_null(monfeed_log_failure(f));
	assert_true(f->n_lines >= 5);
	assert_true(monfeed_line_is_pi(monfeed_line(f, 0), p));
	monfeed_free(f);
}

/* The sources line counts a big log's lines in groups of three digits. */
static void test_sources_counts(void **state)
{
	(void)state;
	char path[64], err[512] = "", src[600];
	snprintf(path, sizeof(path), "/tmp/pnb-monfeed-%d.log", (int)getpid());
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 1204; i++)
		fprintf(fp, "Dec  7 10:00:00 host cron[1]: line %d\n", i);
	fclose(fp);
	struct monfeed *f = monfeed_open_logs(NULL);
	assert_int_equal(monfeed_add_log(f, path, err, sizeof(err)), 0);
	for (int i = 0; i < 100 && f->state == MONFEED_RUNNING; i++)
		monfeed_pump(f, 1000, 1000);
	monfeed_sources(f, src, sizeof(src));
	char want[128];
	snprintf(want, sizeof(want), "sources: no capture, %s (1,204 lines, 1,204 not understood)",
		 strrchr(path, '/') + 1);
	assert_string_equal(src, want);
	monfeed_free(f);
	unlink(path);
}

UNIT_MAIN_SETUP(find_pcap,
	cmocka_unit_test(test_logs_only),
	cmocka_unit_test(test_sources_counts),
	cmocka_unit_test(test_fast_replay),
	cmocka_unit_test(test_paced_replay),
	cmocka_unit_test(test_save_so_far),
	cmocka_unit_test(test_missing_file))
