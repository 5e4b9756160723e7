/* overlay — the text viewer and the one-line question that open over any step
 * (wiz_viewer_open, wiz_prompt_open in tui/wiz.h); the main loop routes keys and clicks here
 * while one is up. */
#ifndef PNB_TUI_OVERLAY_H
#define PNB_TUI_OVERLAY_H

#include "tui/wiz.h"

bool overlay_up(const struct wiz *w);
/* A key while an overlay is up; returns result flags. */
int overlay_key(struct wiz *w, enum wiz_action a, int ch);
/* A click (wheel: -1 up, 1 down, 0 button 1) while an overlay is up. */
int overlay_click(struct wiz *w, int y, int x, int wheel);
void overlay_draw(const struct wiz *w);
void overlay_close(struct wiz *w);

#endif
