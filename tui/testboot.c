/* testboot — a virtual Pi booting against this host's server, on a thread of its own. */
#include "tui/testboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bgjob.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"
#include "tui/steps.h"

#define TB_TIMEOUT_S 90

struct testboot {
	struct site site;   /* the thread's own copy of the profile */
	const struct pi *pi;
	char iface[32];
	volatile sig_atomic_t cancel;
	struct bgjob *job;  /* non-NULL while the thread runs */
	/* results, written by the thread, read after bgjob_join */
	struct vpi *v;
	char *err;          /* the virtual Pi could not even be attached */
	/* kept across runs */
	uint8_t mac[6];
	unsigned generation;
};

static const char *const state_names[] = {"-", "running", "ok", "FAILED"};

/* The thread: what `pinetboot simulate` does, then the local attachment is undone here, off
 * the terminal's thread (it runs tc and ip). */
static void job_run(void *arg)
{
	struct testboot *t = arg;
	struct vpi_opts o = {.timeout = TB_TIMEOUT_S, .cancel = &t->cancel};
	t->v = vpi_new(&t->site, t->pi, t->iface, &o, &t->err);
	if (!t->v)
		return;
	if (vpi_net_up(t->v, &t->err) == 0)
		vpi_run(t->v);
	vpi_net_down(t->v);
}

/* Splits s into lines of at most width columns at spaces, prefix before the first. */
static void wrap_into(char ***items, unsigned *n, const char *prefix, const char *s, int width)
{
	char *text = xasprintf("%s%s", prefix, s), *p = text;
	while (*p) {
		size_t len = strlen(p);
		size_t cut = len;
		if ((int)len > width) {
			cut = (size_t)width;
			while (cut > 10 && p[cut] != ' ')
				cut--;
		}
		*items = xrealloc(*items, (*n + 1) * sizeof(char *));
		(*items)[(*n)++] = xasprintf("%s%.*s", p == text ? "" : "    ", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
	free(text);
}

static int close_report(struct wiz *w, void *ctx, unsigned index)
{
	(void)w;
	(void)ctx;
	(void)index;
	return WIZ_REDRAW;
}

/* simulate's stage report as a list over the screen. */
static void show_report(struct wiz *w, const struct testboot *t)
{
	const struct vpi *v = t->v;
	int width = COLS - 10 > 30 ? COLS - 10 : 30;
	char **items = NULL, title[160];
	unsigned n = 0;
	for (int s = 1; s < STAGE_COUNT; s++) {
		char line[512];
		snprintf(line, sizeof(line), "%d %-18s %-7s %s", s, boot_stage_names[s],
			 state_names[v->st[s].state], v->st[s].detail ? v->st[s].detail : "");
		items = xrealloc(items, (n + 1) * sizeof(char *));
		items[n++] = xstrdup(line);
	}
	if (v->reached == STAGE_ROOT_IN_USE) {
		snprintf(title, sizeof(title), "Test boot of %s: passed", v->name);
		wrap_into(&items, &n, "", "Result: reached stage 8 \"root in use\".", width);
	} else {
		snprintf(title, sizeof(title), "Test boot of %s: FAILED at stage %d", v->name,
			 v->failed);
		char *r = xasprintf("stopped at stage %d \"%s\": %s", v->failed,
				    boot_stage_names[v->failed], v->cause ? v->cause : "no cause");
		wrap_into(&items, &n, "Result: ", r, width);
		free(r);
		if (v->fix)
			wrap_into(&items, &n, "Fix: ", v->fix, width);
	}
	wiz_popup_open(w, title, (const char *const *)items, n, STAGE_COUNT - 1, close_report,
		       NULL);
	for (unsigned i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

static int on_done(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)revents;
	struct testboot *t = ctx;
	loop_remove(&w->loop, fd);
	bgjob_join(t->job);
	t->job = NULL;
	if (!t->v || t->err) {
		wiz_status(w, MSG_ERROR, "test boot: %s", t->err ? t->err : "could not start");
	} else {
		show_report(w, t);
		if (t->v->reached == STAGE_ROOT_IN_USE)
			wiz_status(w, MSG_OK, "test boot of %s: reached stage 8 \"root in use\"",
				   t->v->name);
		else
			wiz_status(w, MSG_ERROR, "test boot of %s: stopped at stage %d \"%s\"",
				   t->v->name, t->v->failed, boot_stage_names[t->v->failed]);
	}
	vpi_free(t->v);
	t->v = NULL;
	free(t->err);
	t->err = NULL;
	site_done(&t->site);
	return WIZ_REDRAW;
}

static unsigned monitor_index(void)
{
	for (unsigned i = 0; i < wiz_n_steps; i++)
		if (wiz_steps[i] == &step_monitor)
			return i;
	return 0;
}

static int start(struct wiz *w, void *ctx, unsigned index)
{
	(void)ctx;
	struct testboot *t = w->testboot;
	struct problems ps;
	problems_init(&ps);
	int rc = draft_build(&w->site, w->site_path, &t->site, &ps);
	problems_done(&ps);
	if (rc != 0 || index >= t->site.n_pis) {
		site_done(&t->site);
		wiz_status(w, MSG_ERROR, "test boot: the profile changed; try again");
		return WIZ_REDRAW;
	}
	t->pi = &t->site.pis[index];
	snprintf(t->iface, sizeof(t->iface), "%s", t->site.interface);
	memcpy(t->mac, t->pi->mac, 6);
	t->cancel = 0;
	t->generation++;
	t->job = bgjob_start(job_run, t);
	if (!t->job) {
		site_done(&t->site);
		wiz_status(w, MSG_ERROR, "test boot: cannot start a thread");
		return WIZ_REDRAW;
	}
	loop_add(&w->loop, bgjob_fd(t->job), POLLIN, on_done, t);
	wiz_status(w, MSG_INFO, "test boot of %s from the server running on %s - Esc stops it",
		   t->pi->name, t->iface);
	w->goto_step = monitor_index();
	return WIZ_GOTO_STEP | WIZ_REDRAW;
}

int testboot_ask(struct wiz *w, unsigned n_differ)
{
	if (testboot_running(w)) {
		wiz_status(w, MSG_ERROR, "a test boot is running; Esc stops it");
		return WIZ_REDRAW;
	}
	struct site s;
	if (wiz_build_site(w, &s) != 0) {
		site_done(&s);
		return WIZ_REDRAW;
	}
	char **items = xcalloc(s.n_pis ? s.n_pis : 1, sizeof(char *));
	for (size_t i = 0; i < s.n_pis; i++) {
		char mac[18];
		mac_format(s.pis[i].mac, ':', mac);
		items[i] = xasprintf("%-16s %-4s %s  serial %s", s.pis[i].name,
				     model_info(s.pis[i].model)->name,
				     s.pis[i].has_mac ? mac : "no MAC",
				     s.pis[i].has_serial ? s.pis[i].serial : "-");
	}
	if (!s.n_pis) {
		wiz_status(w, MSG_ERROR, "test boot: the profile has no Pi yet");
	} else {
		if (!w->testboot)
			w->testboot = xcalloc(1, sizeof(struct testboot));
		char title[160];
		snprintf(title, sizeof(title), "Test boot against the server running on %s: which Pi?",
			 s.interface);
		wiz_popup_open(w, title, (const char *const *)items, (unsigned)s.n_pis, 0, start,
			       NULL);
		if (n_differ)
			wiz_status(w, MSG_INFO,
				   "the test boots what is installed now; %u generated file%s "
				   "differ%s (apply first)",
				   n_differ, n_differ == 1 ? "" : "s", n_differ == 1 ? "s" : "");
		else
			wiz_status(w, MSG_INFO, "the test boots against what is installed and "
						"running on this host now");
	}
	for (size_t i = 0; i < s.n_pis; i++)
		free(items[i]);
	free(items);
	site_done(&s);
	return WIZ_REDRAW;
}

bool testboot_running(const struct wiz *w)
{
	return w->testboot && w->testboot->job;
}

int testboot_cancel(struct wiz *w)
{
	if (!testboot_running(w))
		return WIZ_IGNORED;
	w->testboot->cancel = 1;
	wiz_status(w, MSG_INFO, "test boot: stopping ...");
	return WIZ_REDRAW;
}

const uint8_t *testboot_mac(const struct wiz *w, unsigned *generation)
{
	if (!w->testboot || !w->testboot->generation)
		return NULL;
	*generation = w->testboot->generation;
	return w->testboot->mac;
}

void testboot_free(struct wiz *w)
{
	struct testboot *t = w->testboot;
	if (!t)
		return;
	if (t->job) {
		t->cancel = 1;
		loop_remove(&w->loop, bgjob_fd(t->job));
		bgjob_join(t->job);
		vpi_free(t->v);
		free(t->err);
		site_done(&t->site);
	}
	free(t);
	w->testboot = NULL;
}
