/* adopt_job — the Readiness step's "Adopt": `pinetboot adopt` of one Pi (core/pi/adopt) on a
 * thread of its own (core/bgjob), its events kept per step for a progress bar each; a pipe
 * wakes the wizard's poll loop on every event. The boot order step's question (after the new
 * root checked out) opens a box over the screen, y/N, OTP said to be permanent; the thread
 * waits for the answer. */
#ifndef PNB_TUI_ADOPT_JOB_H
#define PNB_TUI_ADOPT_JOB_H

#include <stdbool.h>

#include "tui/wiz.h"

struct adopt_job;

/* Starts the adoption of [pi NAME] of w->site_path through ssh to dest. NULL (status line says
 * why) when it cannot start. The caller owns the job: adopt_job_free. */
struct adopt_job *adopt_job_start(struct wiz *w, const char *pi, const char *dest);
bool adopt_job_running(const struct adopt_job *j);
const char *adopt_job_pi(const struct adopt_job *j);
/* One line per step from row y in r: number, name, a bar, and the last thing it said. Returns
 * the next free row. */
int adopt_job_draw(const struct adopt_job *j, struct rect r, int y);
/* Waits for a running adoption to end (it cannot be stopped midway) and frees j; w NULL when
 * the wizard's loop is gone (at exit). */
void adopt_job_free(struct wiz *w, struct adopt_job *j);

#endif
