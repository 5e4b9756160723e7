/* wizard — `pinetboot wizard [SITE]`: options, the model, and the one main loop. Steps report
 * what happened through result flags; only this loop changes step and repaints (at most every
 * 100 ms). */
#include "tui/wizard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/util.h"
#include "tui/loop.h"
#include "tui/overlay.h"
#include "tui/screen.h"
#include "tui/steps.h"
#include "tui/term.h"
#include "tui/testboot.h"
#include "tui/wiz.h"

#define REDRAW_MIN_MS 100
#define TICK_MS 1000

#define WIZ_MAX_LOGS 16

struct wiz_opts {
	const char *site;
	const char *root, *output, *templates;
	bool mono, clock;
	const char *replay;
	double replay_speed;
	struct cliopt_list logs; /* the caller frees logs.v */
};

static int set_speed(void *opts, const char *arg)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || !(v >= 0 && v <= 1e6)) {
		fprintf(stderr,
			"pinetboot wizard: --replay-speed '%s' is not a factor (expected a number "
			"from 0 to 1000000, 0 = as fast as possible)\n",
			arg);
		return 2;
	}
	((struct wiz_opts *)opts)->replay_speed = v;
	return CLIOPT_DONE;
}

/* The key table as text, or as the man page's fragment (man/pinetboot.1 holds its output). */
static void print_keys(bool man)
{
	for (int a = 1; a < ACT_COUNT; a++) {
		const struct wiz_action_info *ai = wiz_action_info((enum wiz_action)a);
		if (!man) {
			printf("%-12s %-12s %s\n", ai->label, ai->name, ai->help);
			continue;
		}
		fputs(".TP\n.B ", stdout);
		for (const char *c = ai->label; *c; c++) {
			if (*c == '-')
				putchar('\\');
			putchar(*c);
		}
		printf("\n\\fI%s\\fR: %s\n", ai->name, ai->help);
	}
}

/* --keys and --keys-man print the table and end the run (exit 0) */
static int keys(void *opts, const char *arg)
{
	print_keys(false);
	return 0;
}

static int keys_man(void *opts, const char *arg)
{
	print_keys(true);
	return 0;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct wiz_opts, FIELD)
static const struct cli_opt wizard_opts[] = {
    {"root", 'r', "DIR", "look for installed files under DIR (default /)", TO(STR, root)},
    {"output", 'o', "DIR", "export directory (default pinetboot-out)", TO(STR, output)},
    {"templates", 't', "DIR", "template overrides, as for 'pinetboot export'",
     TO(STR, templates)},
    {"mono", 0, NULL, "no colours (also when NO_COLOR is set)", TO(SET, mono)},
    {"clock", 0, NULL, "show the time in the title bar", TO(SET, clock)},
    {"replay", 0, "FILE", "open on the Monitor step, fed from the capture FILE",
     TO(STR, replay)},
    {"replay-speed", 0, "N",
     "replay N times faster than captured (default 20; 0 = as fast as possible; waits over 2 s "
     "are shortened)",
     CLIOPT_TO_FN(set_speed)},
    {"log", 0, "LOG",
     "open on the Monitor step reading LOG too (repeatable): a file, journal:UNIT or "
     "ssh://USER@HOST[:PORT]/journal/UNIT, as 'pinetboot monitor --log'",
     CLIOPT_TO_LIST(struct wiz_opts, logs, WIZ_MAX_LOGS, "at most %d --log sources")},
    {"keys", 0, NULL, "print the key bindings and exit", CLIOPT_TO_FN(keys)},
    {"keys-man", 0, NULL, "print the key bindings as man(7) source and exit",
     CLIOPT_TO_FN(keys_man)},
    {0}};

const struct cli_cmd wizard_spec = {
    .name = "wizard",
    .usage = "Usage: pinetboot wizard [SITE] [OPTIONS]\n"
        "       pinetboot [OPTIONS]\n"
        "The interactive wizard: edit the site profile SITE (default site.conf; created when\n"
        "missing), its Pis and server choices, review the generated files with a diff\n"
        "against what is installed, export and apply them, write bootstrap cards and flash\n"
        "drives, and watch a fleet of Pis boot. Each step says what to do next; Tab or the\n"
        "digits 1-8 move between steps, ? shows the step's help and every key, m the last\n"
        "messages, and the mouse selects steps, rows and keys.\n",
    .opts = wizard_opts,
    .after = "\n"
        "Environment: PNB_WIZARD_IFACES=\"eth0=192.168.20.1/24,...\" replaces interface\n"
        "detection (tests, demos); see ENVIRONMENT in pinetboot(1).\n\n"
        "Examples:\n"
        "  pinetboot                          open site.conf in the current directory\n"
        "  pinetboot wizard lab.conf -o out   edit lab.conf, export into out/\n\n"
        "Exit status: 0 quit normally, 2 usage error or no usable terminal, 130/143 when\n"
        "interrupted by SIGINT/SIGTERM (the terminal is restored).\n",
    .operand = "file",
};

int wiz_build_site(struct wiz *w, struct site *out)
{
	struct problems ps;
	problems_init(&ps);
	int rc = draft_build(&w->site, w->site_path, out, &ps);
	if (rc != 0) {
		size_t n = problems_count(&ps, PROBLEM_ERROR);
		char *first = problems_first_text(&ps, "");
		wiz_status(w, MSG_ERROR, "%zu problem%s: %s", n, n == 1 ? "" : "s", first);
		free(first);
	}
	problems_done(&ps);
	return rc;
}

int wiz_save(struct wiz *w)
{
	struct site s;
	if (wiz_build_site(w, &s) != 0) {
		site_done(&s);
		return WIZ_REDRAW;
	}
	int rc = profile_save(&s, w->site_path);
	int err = errno;
	site_done(&s);
	if (rc != 0) {
		wiz_status(w, MSG_ERROR, "cannot save %s: %s", w->site_path, strerror(err));
		return WIZ_REDRAW;
	}
	draft_read_lines(&w->site, w->site_path); /* messages cite the lines as saved */
	wiz_status(w, MSG_OK, "saved %s", w->site_path);
	return WIZ_SAVED | WIZ_REDRAW;
}

static void revalidate(struct wiz *w)
{
	problems_done(&w->problems);
	struct site s;
	draft_build(&w->site, w->site_path, &s, &w->problems);
	site_done(&s);
}

static void go_step(struct wiz *w, unsigned next)
{
	wiz_step_leave(w);
	w->text_mode = false;
	if (w->status_seq == w->status_mark) /* an old message would read as one about the new */
		w->status[0] = 0;		     /* step; one the key just set is news */
	w->cur = next;
	wiz_step_enter(w);
}

static int quit_pick(struct wiz *w, void *ctx, unsigned index)
{
	(void)ctx;
	if (index == 0) {
		int r = wiz_save(w);
		if (r & WIZ_SAVED)
			w->quitting = true;
		return r;
	}
	if (index == 1)
		w->quitting = true;
	return WIZ_REDRAW;
}

static void ask_quit(struct wiz *w)
{
	if (!w->dirty) {
		w->quitting = true;
		return;
	}
	static const char *const items[] = {"y  Save and quit", "n  Quit without saving",
					    "Esc  Keep editing"};
	char title[160];
	snprintf(title, sizeof(title), "Unsaved changes to %s", w->site_path);
	wiz_popup_open(w, title, items, 3, 0, quit_pick, NULL);
	wiz_popup_hotkeys(w, "yn");
}

/* Applies flags from a handler: the only place that changes step or asks to quit. */
static int apply(struct wiz *w, int r)
{
	if (r & WIZ_CHANGED) {
		w->dirty = true;
		w->changes++;
		revalidate(w);
	}
	if (r & WIZ_SAVED)
		w->dirty = false;
	if ((r & WIZ_NEXT_STEP) && w->cur + 1 < wiz_n_steps)
		go_step(w, w->cur + 1);
	if ((r & WIZ_PREV_STEP) && w->cur > 0)
		go_step(w, w->cur - 1);
	if ((r & WIZ_GOTO_STEP) && w->goto_step < wiz_n_steps && w->goto_step != w->cur)
		go_step(w, w->goto_step);
	if (r & WIZ_QUIT)
		ask_quit(w);
	return r & (WIZ_NEXT_STEP | WIZ_PREV_STEP | WIZ_GOTO_STEP | WIZ_QUIT | WIZ_CHANGED)
		   ? WIZ_REDRAW
		   : r;
}

static int global_key(struct wiz *w, enum wiz_action a, int ch)
{
	switch (a) {
	case ACT_NEXT_STEP:
		return WIZ_NEXT_STEP;
	case ACT_PREV_STEP:
		return WIZ_PREV_STEP;
	case ACT_SAVE:
		return wiz_save(w);
	case ACT_HELP:
		w->show_help = true;
		w->help_top = 0;
		return WIZ_REDRAW;
	case ACT_MESSAGES:
		wiz_show_log(w);
		return WIZ_REDRAW;
	case ACT_QUIT:
		return WIZ_QUIT;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return WIZ_REDRAW;
	case ACT_NONE:
		if (ch >= '1' && ch < '1' + (int)wiz_n_steps && ch <= '9') { /* digits jump */
			w->goto_step = (unsigned)(ch - '1');
			return WIZ_GOTO_STEP;
		}
		return WIZ_IGNORED;
	default:
		return WIZ_IGNORED;
	}
}

static int handle_action(struct wiz *w, enum wiz_action a, int ch)
{
	w->status_mark = w->status_seq;
	if (w->show_help) {
		if (!screen_help_key(w, a))
			w->show_help = false;
		return WIZ_REDRAW;
	}
	if (overlay_up(w))
		return apply(w, overlay_key(w, a, ch));
	if (w->popup)
		return apply(w, popup_key(w, a, ch));
	if (COLS < 80 || LINES < 24) /* only quitting makes sense on the notice */
		return a == ACT_QUIT ? apply(w, WIZ_QUIT) : WIZ_HANDLED;
	if (a == ACT_CANCEL && !w->text_mode && testboot_running(w)) /* Esc stops it anywhere */
		return apply(w, testboot_cancel(w));
	int r = wiz_step_key(w, a, ch);
	if (r == WIZ_IGNORED && !w->text_mode)
		r = global_key(w, a, ch);
	return apply(w, r);
}

/* Button 1 selects what is under it (a step in the bar, a key in the help bar, a row or a
 * button of the step, an item of a list); the wheel moves like Up/Down. */
static int handle_mouse(struct wiz *w)
{
	MEVENT ev;
	w->status_mark = w->status_seq;
	if (getmouse(&ev) != OK)
		return WIZ_HANDLED;
	int wheel = ev.bstate & BUTTON4_PRESSED ? -1 : 0;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		wheel = 1;
#endif
	bool click = ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED);
	if (!wheel && !click)
		return WIZ_HANDLED;
	if (w->show_help) {
		if (!wheel || !screen_help_key(w, wheel < 0 ? ACT_UP : ACT_DOWN))
			w->show_help = false;
		return WIZ_REDRAW;
	}
	if (overlay_up(w))
		return apply(w, overlay_click(w, ev.y, ev.x, wheel));
	if (w->popup)
		return apply(w, wheel ? popup_key(w, wheel < 0 ? ACT_UP : ACT_DOWN, 0)
				      : popup_click(w, ev.y, ev.x));
	if (COLS < 80 || LINES < 24 || w->text_mode) /* clicks do not end an edit */
		return WIZ_HANDLED;
	if (wheel)
		return handle_action(w, wheel < 0 ? ACT_UP : ACT_DOWN, 0);
	int step = screen_step_at(ev.y, ev.x);
	if (step >= 0) {
		w->goto_step = (unsigned)step;
		return apply(w, WIZ_GOTO_STEP);
	}
	enum wiz_action a = screen_bar_at(ev.y, ev.x);
	if (a != ACT_NONE)
		return handle_action(w, a, wiz_action_info(a)->key);
	struct rect area = screen_step_area();
	if (ev.y >= area.y + 2 && ev.y < area.y + area.h)
		return apply(w, wiz_step_click(w, ev.y, ev.x));
	return WIZ_HANDLED;
}

static int handle_key(struct wiz *w, int ch)
{
	if (ch == KEY_RESIZE)
		return WIZ_REDRAW;
	if (ch == KEY_MOUSE)
		return handle_mouse(w);
	return handle_action(w, wiz_action_for_key(ch, w->text_mode), ch);
}

static int on_terminal(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)fd;
	(void)ctx;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		term_fatal("the terminal went away; unsaved changes to %s are lost", w->site_path);
	int r = 0, ch;
	while (!w->quitting && (ch = getch()) != ERR)
		r |= handle_key(w, ch);
	return r;
}

static void clock_text(char out[16])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%H:%M:%S", &tm);
}

static int tick_ms(const struct wiz *w)
{
	int ms = wiz_steps[w->cur]->tick_ms;
	return ms > 0 ? ms : TICK_MS;
}

/* Repaints when asked, at most every REDRAW_MIN_MS; returns the flags still pending and
 * lowers *timeout so a throttled repaint happens in time. */
static int maybe_draw(struct wiz *w, int flags, int64_t now, int64_t *last_draw, int *timeout)
{
	if (!(flags & WIZ_REDRAW))
		return flags;
	if (now - *last_draw < REDRAW_MIN_MS) {
		if (*last_draw + REDRAW_MIN_MS - now < *timeout)
			*timeout = (int)(*last_draw + REDRAW_MIN_MS - now);
		return flags;
	}
	char clock[16];
	if (w->show_clock)
		clock_text(clock);
	screen_draw(w, w->show_clock ? clock : NULL);
	*last_draw = now;
	return flags & ~WIZ_REDRAW;
}

static int run_loop(struct wiz *w)
{
	loop_add(&w->loop, STDIN_FILENO, POLLIN, on_terminal, NULL);
	int flags = WIZ_REDRAW;
	int64_t last_draw = -REDRAW_MIN_MS, last_tick = loop_now_ms();
	while (!w->quitting && !term_stop_signal()) {
		if (term_check_resize())
			flags |= WIZ_REDRAW;
		int64_t now = loop_now_ms();
		int timeout = (int)(last_tick + tick_ms(w) - now);
		flags = maybe_draw(w, flags, now, &last_draw, &timeout);
		flags |= apply(w, loop_poll(&w->loop, w, timeout < 0 ? 0 : timeout));
		now = loop_now_ms();
		if (now - last_tick >= tick_ms(w)) {
			last_tick = now;
			flags |= apply(w, wiz_step_tick(w));
			if (w->show_clock)
				flags |= WIZ_REDRAW;
		}
	}
	loop_remove(&w->loop, STDIN_FILENO);
	int sig = term_stop_signal();
	return sig ? 128 + sig : 0;
}

/* A new site: the first interface with an IPv4 address, or the first interface. */
static void default_server(struct wiz *w)
{
	for (size_t i = 0; i < w->n_ifaces; i++)
		if (w->ifaces[i].addr[0]) {
			draft_set(&w->site.server[SK_INTERFACE], w->ifaces[i].name);
			draft_set(&w->site.server[SK_ADDRESS], w->ifaces[i].addr);
			return;
		}
	if (w->n_ifaces)
		draft_set(&w->site.server[SK_INTERFACE], w->ifaces[0].name);
}

static int wiz_open(struct wiz *w, const struct wiz_opts *o)
{
	memset(w, 0, sizeof(*w));
	problems_init(&w->problems);
	loop_init(&w->loop);
	w->site_path = xstrdup(o->site ? o->site : "site.conf");
	w->root_dir = xstrdup(o->root ? o->root : "/");
	w->out_dir = xstrdup(o->output ? o->output : "pinetboot-out");
	w->templates_dir = o->templates ? xstrdup(o->templates) : NULL;
	w->show_clock = o->clock;
	w->mono = o->mono || getenv("NO_COLOR");
	w->n_ifaces = ifaces_detect(w->ifaces, PNB_ARRAY_LEN(w->ifaces));
	w->replay = o->replay;
	w->replay_speed = o->replay_speed;
	w->logs = o->logs.v;
	w->n_logs = o->logs.n;
	struct stat st;
	if (stat(w->site_path, &st) == 0) {
		struct problems ps;
		problems_init(&ps);
		int rc = draft_load(&w->site, w->site_path, &ps);
		if (rc != 0) {
			char *m = problems_first_text(&ps, "cannot read the profile");
			fprintf(stderr, "pinetboot wizard: %s\n", m);
			free(m);
		}
		problems_done(&ps);
		if (rc != 0)
			return -1;
		wiz_status(w, MSG_INFO, "opened %s - Tab moves between steps, ? shows every key",
			   w->site_path);
	} else {
		draft_init(&w->site);
		default_server(w);
		/* a replay or logs read without a profile quit without asking */
		w->dirty = !o->replay && !o->logs.n;
		wiz_status(w, MSG_INFO, "new site %s - Tab moves between steps, ? shows every key",
			   w->site_path);
	}
	revalidate(w);
	w->step_state = xcalloc(wiz_n_steps, sizeof(void *));
	for (unsigned i = 0; i < wiz_n_steps; i++) {
		w->step_state[i] = wiz_step_init(w, i);
		if ((w->replay || w->n_logs) && !strcmp(wiz_steps[i]->name, "Monitor"))
			w->cur = i; /* --replay and --log open on the Monitor step */
	}
	return 0;
}

static void wiz_close(struct wiz *w)
{
	testboot_free(w); /* before the steps: its descriptor is in the loop */
	overlay_close(w);
	for (unsigned i = 0; i < w->log_n; i++)
		free(w->log[i]);
	for (unsigned i = 0; w->step_state && i < wiz_n_steps; i++)
		wiz_step_done(w, i);
	free(w->step_state);
	popup_close(w);
	loop_done(&w->loop);
	draft_done(&w->site);
	problems_done(&w->problems);
	free(w->site_path);
	free(w->root_dir);
	free(w->out_dir);
	free(w->templates_dir);
	free(w->card_dir);
}

static int wizard_run(const struct wiz_opts *o)
{
	struct wiz w;
	if (wiz_open(&w, o) != 0) {
		wiz_close(&w);
		return 2;
	}
	char err[256];
	if (term_start(w.mono, err) != 0) {
		fprintf(stderr, "pinetboot wizard: %s\n", err);
		wiz_close(&w);
		return 2;
	}
	wiz_step_enter(&w);
	int rc = run_loop(&w);
	term_restore();
	if (w.dirty)
		fprintf(stderr, "pinetboot wizard: %s without saving %s\n",
			rc ? "interrupted" : "quit", w.site_path);
	wiz_close(&w);
	return rc;
}

int wizard_main(int argc, char **argv)
{
	struct wiz_opts o = {.replay_speed = 20};
	/* argv[0] is "wizard" when the user typed it; else these are top-level options */
	const char *who = strcmp(argv[0], "wizard") == 0 ? "wizard" : NULL;
	int rc = cliopt_parse_as(&wizard_spec, who, argc, argv, &o);
	if (rc == CLIOPT_DONE)
		rc = cliopt_operand(who, argc, argv, &o.site, " (one SITE at most)");
	if (rc == CLIOPT_DONE)
		rc = wizard_run(&o);
	free(o.logs.v);
	return rc;
}
