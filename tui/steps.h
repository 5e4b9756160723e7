/* steps — every step's ops table, defined at the end of its own file (tui/step_NAME.c), and
 * the one place the wizard calls them: each wiz_step_* call runs the step's callback, or the
 * standard behaviour where the step leaves it NULL (see struct wiz_step_ops). */
#ifndef PNB_TUI_STEPS_H
#define PNB_TUI_STEPS_H

#include "tui/wiz.h"

extern const struct wiz_step_ops step_site;
extern const struct wiz_step_ops step_pis;
extern const struct wiz_step_ops step_server;
extern const struct wiz_step_ops step_review;
extern const struct wiz_step_ops step_export;
extern const struct wiz_step_ops step_readiness;
extern const struct wiz_step_ops step_flash;
extern const struct wiz_step_ops step_monitor;

/* Step i's state from its init (NULL without one); step i's done releases it. */
void *wiz_step_init(struct wiz *w, unsigned i);
void wiz_step_done(struct wiz *w, unsigned i);
/* The rest act on the current step, w->cur. */
void wiz_step_enter(struct wiz *w);
void wiz_step_leave(struct wiz *w);
int wiz_step_key(struct wiz *w, enum wiz_action a, int ch);
int wiz_step_tick(struct wiz *w);
/* A click at (y, x) inside the step area, below its title and Next lines. */
int wiz_step_click(struct wiz *w, int y, int x);
void wiz_step_draw(const struct wiz *w, struct rect body);
/* The step's "Next:" line into out ("" when it has none). */
void wiz_step_next(const struct wiz *w, char *out, size_t n);
/* The help bar's word for action a on this step, or NULL for the action table's. */
const char *wiz_step_bar_word(const struct wiz *w, enum wiz_action a);
/* The actions step i shows besides the global ones. */
uint64_t wiz_step_actions(unsigned i);
/* Step i's mark in the step list: ' ', '+' or '!'. */
char wiz_step_mark(const struct wiz *w, unsigned i);

#endif
