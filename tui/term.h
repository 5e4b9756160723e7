/* term — curses setup and the promise that the terminal is restored on every way out: normal
 * quit, fatal errors (term_fatal), exit() from anywhere (atexit), and SIGINT/SIGTERM, which only
 * set a flag the main loop reads. SIGWINCH sets a flag too; term_check_resize applies it. */
#ifndef PNB_TUI_TERM_H
#define PNB_TUI_TERM_H

#include <stdbool.h>

/* Starts curses on the controlling terminal. Returns 0, or -1 with a message in err[256]
 * (stdin/stdout not a terminal, unknown TERM). */
int term_start(bool mono, char err[256]);
/* Ends curses; safe to call more than once and when term_start failed. */
void term_restore(void);
/* Restores the terminal, prints "pinetboot: MESSAGE" and exits with status 2. */
void term_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), or 0. */
int term_stop_signal(void);
/* True (once) when the terminal was resized; the new size is applied to curses. */
bool term_check_resize(void);

#endif
