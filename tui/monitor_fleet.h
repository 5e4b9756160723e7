/* monitor_fleet — the Monitor step's fleet: one row per Pi, the ones the capture saw and the
 * profile's Pis it has not seen yet, failures first, then Pis booting, then done, then not seen
 * (grey, not failed: a Pi that is off is no boot failure); the search over name, MAC, serial and
 * IP; and the full diagnosis of one Pi as text (for the viewer). No curses, no I/O. */
#ifndef PNB_TUI_MONITOR_FLEET_H
#define PNB_TUI_MONITOR_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/monitor_feed.h"

enum fleet_state { FLEET_FAILED, FLEET_BOOTING, FLEET_DONE, FLEET_NOT_SEEN };

struct fleet_row {
	const struct diag_pi *p; /* what the capture saw, or NULL (a profile Pi not seen yet) */
	const struct pi *prof;	 /* the profile's Pi, or NULL */
	enum fleet_state state;
};

struct fleet {
	struct fleet_row *rows;
	size_t n;	     /* rows shown (matching the search) */
	size_t total;	     /* all rows */
	size_t count[4];     /* per state, of all rows */
};

/* The rows of feed f (may be NULL: no rows), in display order, those matching find (NULL or
 * "": all). Release with fleet_done. */
void fleet_build(const struct monfeed *f, const char *find, struct fleet *out);
void fleet_done(struct fleet *fl);
/* A row's key for keeping the selection while rows move: the Pi's name, else its MAC. */
void fleet_key(const struct fleet_row *r, char *out, size_t n);
/* The row whose key is key, or 0. */
size_t fleet_find_key(const struct fleet *fl, const char *key);
/* "+ + + X . . . .": the eight stages of r. */
void fleet_stages(const struct fleet_row *r, char out[16]);
/* A short verdict for the table: "FAILED at 4 TFTP firmware", "done", "not seen yet". */
void fleet_short(const struct fleet_row *r, char *out, size_t n);
/* The name to show (the profile's, else "-"), the MAC and IP as text ("-" when unknown). */
const char *fleet_name(const struct fleet_row *r);
void fleet_mac(const struct fleet_row *r, char out[18]);
void fleet_ip(const struct fleet_row *r, char out[16]);
/* True when the timeline line names a packet (or a log line) one of p's findings gives as
 * evidence. */
bool fleet_is_evidence(const struct monfeed *f, const struct diag_pi *p, const char *line);
/* Everything about r: verdict, every finding with evidence and fix, the stages with packet
 * numbers, the site's findings and r's packets (evidence packets marked ">"). Heap text. */
char *fleet_diagnosis(const struct monfeed *f, const struct fleet_row *r);

#endif
