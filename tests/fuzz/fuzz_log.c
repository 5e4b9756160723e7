/* fuzz_log — the log parsers (capture/log_*.c): the input is split at NUL bytes into up to
 * four logs (so the time merge and the IP→MAC sharing between logs are fuzzed too), each read
 * line by line through every prefix form and parser; every event goes to the diagnosis and
 * to both printers, so whatever a parser builds is consumed the way the monitor consumes it.
 * The logs are pumped in two steps (up to a time the input's second byte picks, then the
 * rest), as a live monitor does: state a parser keeps between lines (a tshark -V frame, a
 * summary line held under its column header, a dnsmasq xid block) must survive the pause.
 * Seeds: tests/fuzz/log/ (the corpus cases, tshark summary and -V text of the test pcaps). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/log.h"
#include "capture/print.h"
#include "core/monitor/diagnose.h"

struct fz_log {
	struct diag *d;
	struct text_printer *tp;
	struct json_printer *jp;
};

static void sink(const char *s, size_t n, void *user)
{
	(void)s;
	(void)n;
	(void)user;
}

static void on_event(const struct pnb_event *ev, void *user)
{
	struct fz_log *f = user;
	diag_event(f->d, ev);
	text_printer_event(f->tp, ev);
	json_printer_event(f->jp, ev);
}

static bool namer(const void *user, uint64_t frame, char *out, size_t n)
{
	return log_frame_ref(user, frame, out, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pnb_out o = {sink, NULL};
	struct fz_log f = {diag_new(NULL), text_printer_new(&o), json_printer_new(&o)};
	struct log_set *ls = log_set_new(on_event, &f, size && data[0] & 1 ? "/srv/tftp" : NULL);
	diag_set_frame_namer(f.d, namer, ls);
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	size_t start = 0;
	for (int k = 0; k < 4 && start <= size; k++) {
		size_t end = start;
		while (end < size && copy[end])
			end++;
		FILE *fp = fmemopen(copy + start, end - start ? end - start : 1, "r");
		if (fp)
			log_set_add_stream(ls, fp, "fuzz.log", true);
		start = end + 1;
	}
	struct timeval until = {size > 1 ? (time_t)data[1] * 7 : 0, 0};
	log_set_pump(ls, &until);
	log_set_pump(ls, NULL);
	log_set_finish(ls);
	struct timeval end;
	if (log_set_end_time(ls, &end))
		diag_tick(f.d, end);
	diag_finish(f.d);
	text_printer_flush(f.tp);
	struct log_stats st;
	log_set_stats(ls, &st);
	if (st.lines != st.understood + st.skipped)
		abort(); /* every line is counted one way or the other */
	log_set_free(ls);
	free(copy);
	text_printer_free(f.tp);
	json_printer_free(f.jp);
	diag_free(f.d);
	return 0;
}
