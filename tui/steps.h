/* steps — every step's ops table, defined at the end of its own file (tui/step_NAME.c). */
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

#endif
