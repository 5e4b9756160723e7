/* screen — the parts of the screen every step shares: title, step list, status line, help bar,
 * the `?` help screen, choice lists over the screen, and the layout for the current size. */
#ifndef PNB_TUI_SCREEN_H
#define PNB_TUI_SCREEN_H

#include "tui/wiz.h"

#define WIZ_MIN_COLS 80
#define WIZ_MIN_ROWS 24

/* Paints everything from memory. clock is "HH:MM:SS" or NULL. */
void screen_draw(const struct wiz *w, const char *clock);
/* The step area for the current terminal size; screen_step_body: the part of it a step's draw
 * gets (below the title and the "Next:" line). */
struct rect screen_step_area(void);
struct rect screen_step_body(void);

/* A key while the `?` box is up: when the box has more rows than fit, the scrolling actions
 * (Up/Down, PgUp/PgDn/Space, Home/End) move it and return true; any other key returns false
 * and the caller closes the box. */
bool screen_help_key(struct wiz *w, enum wiz_action a);

/* Choice list keys (ch: the raw key, for hot keys); returns result flags. */
int popup_key(struct wiz *w, enum wiz_action a, int ch);
/* A button-1 click on the choice list: picks the row under it; outside the list, closes it. */
int popup_click(struct wiz *w, int y, int x);
void popup_close(struct wiz *w);

/* What the last repaint put at a screen position: the step whose label is at (y, x) in the
 * step bar, or -1; the action whose key is there in the help bar, or ACT_NONE. */
int screen_step_at(int y, int x);
enum wiz_action screen_bar_at(int y, int x);

/* Opens the message log (the last WIZ_LOG_N status messages, newest first) in the viewer. */
void wiz_show_log(struct wiz *w);

#endif
