/* testboot — the Review step's "Test boot": a virtual Pi of the chosen profile Pi (core/vpi, the
 * engine of `pinetboot simulate`) boots on a background thread (core/bgjob) against the server
 * that is installed and running on this host now, attached to the site's interface (locally
 * when the interface holds an address here, see core/lab/vpi_local.c), while the Monitor step
 * captures on that interface; when it ends, simulate's own stage report opens over the
 * screen. Esc cancels it from any step. */
#ifndef PNB_TUI_TESTBOOT_H
#define PNB_TUI_TESTBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/wiz.h"

/* Asks which Pi (a choice list saying what the test boots against); n_differ is how many
 * generated files differ from the installed ones (said on screen: the test uses what is
 * installed). Returns wiz_result flags. Starting moves the wizard to the Monitor step. */
int testboot_ask(struct wiz *w, unsigned n_differ);
bool testboot_running(const struct wiz *w);
/* Asks the running boot to stop (it ends at its next wait, within about 0.2 s). */
int testboot_cancel(struct wiz *w);
/* The MAC of the Pi of the latest test boot (NULL before the first) and a number that changes
 * with every new test boot, so the Monitor selects that Pi once per test. */
const uint8_t *testboot_mac(const struct wiz *w, unsigned *generation);
/* Cancels a running boot, waits for its thread and frees everything (at exit). */
void testboot_free(struct wiz *w);

#endif
