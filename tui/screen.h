/* screen — the parts of the screen every step shares: title, step list, status line, help bar,
 * the `?` help screen, choice lists over the screen, and the layout for the current size. */
#ifndef PNB_TUI_SCREEN_H
#define PNB_TUI_SCREEN_H

#include "tui/wiz.h"

#define WIZ_MIN_COLS 80
#define WIZ_MIN_ROWS 24

/* Paints everything from memory. clock is "HH:MM:SS" or NULL. */
void screen_draw(const struct wiz *w, const char *clock);
/* The step area for the current terminal size. */
struct rect screen_step_area(void);

/* A key while the `?` box is up: when the box has more rows than fit, the scrolling actions
 * (Up/Down, PgUp/PgDn/Space, Home/End) move it and return true; any other key returns false
 * and the caller closes the box. */
bool screen_help_key(struct wiz *w, enum wiz_action a);

/* Choice list keys; returns result flags. */
int popup_key(struct wiz *w, enum wiz_action a);
void popup_close(struct wiz *w);

#endif
