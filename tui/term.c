/* term — curses setup/teardown, signal flags, resize. */
#include "tui/term.h"

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/base/sigflag.h"
#include "core/base/util.h"
#include "tui/wiz.h"

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t resized;
static bool started;
static SCREEN *screen;

static void install_signals(void)
{
	static const int stop[] = {SIGINT, SIGTERM, SIGHUP}, winch[] = {SIGWINCH};
	sigflag_catch(&stop_signal, stop, PNB_ARRAY_LEN(stop));
	sigflag_catch(&resized, winch, PNB_ARRAY_LEN(winch));
}

int term_start(bool mono, char err[256])
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, 256,
			 "the wizard needs a terminal (use the headless commands in scripts; "
			 "see 'pinetboot --help')");
		return -1;
	}
	setlocale(LC_ALL, "");
	install_signals(); /* before newterm, so curses keeps ours for SIGWINCH */
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		snprintf(err, 256, "cannot use terminal type \"%s\" (try TERM=xterm-256color)",
			 getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	started = true;
	atexit(term_restore);
	cbreak(); /* not raw(): C-c still sends SIGINT, which the loop turns into a clean exit */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* Clicks select steps, rows and buttons; presses, not clicks, so nothing waits for the
	 * release (mouseinterval 0). The wheel scrolls. */
	mmask_t mask = BUTTON1_PRESSED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	mask |= BUTTON5_PRESSED;
#endif
	mousemask(mask, NULL);
	mouseinterval(0);
	draw_init_colours(mono);
	return 0;
}

void term_restore(void)
{
	if (!started)
		return;
	started = false;
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
}

void term_fatal(const char *fmt, ...)
{
	term_restore();
	va_list ap;
	va_start(ap, fmt);
	fputs("pinetboot: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

int term_stop_signal(void)
{
	return stop_signal;
}

bool term_check_resize(void)
{
	if (!resized)
		return false;
	resized = 0;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	return true;
}
