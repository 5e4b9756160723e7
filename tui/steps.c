/* steps — the wizard's steps, in order. A new step is one row here and one file. */
#include "tui/steps.h"

const struct wiz_step_ops *const wiz_steps[] = {
    &step_site, &step_pis, &step_server, &step_review, &step_export, &step_readiness,
    &step_flash, &step_monitor,
};
const unsigned wiz_n_steps = sizeof(wiz_steps) / sizeof(wiz_steps[0]);
