/* deadline — a whole-run time budget: started once, each wait then gets what remains, so a run
 * of many steps ends within the budget however the time is shared out (issue 13 rule 7: every
 * wait has an end). Monotonic clock: a changed wall clock neither extends nor cuts it. */
#ifndef PNB_CORE_DEADLINE_H
#define PNB_CORE_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct deadline {
	int64_t start_ms; /* monotonic, when deadline_start ran */
	int64_t end_ms;   /* start_ms + the budget */
};

/* Milliseconds of the monotonic clock (CLOCK_MONOTONIC). */
int64_t deadline_now_ms(void);
/* Starts a budget of budget_ms from now (a budget below 0 counts as 0). */
void deadline_start(struct deadline *d, int64_t budget_ms);
/* What remains, 0 once the budget is spent. */
int64_t deadline_left_ms(const struct deadline *d);
/* What remains as a poll() timeout: 0 when spent, never more than cap_ms (cap_ms <= 0: no cap
 * but INT_MAX). */
int deadline_poll_ms(const struct deadline *d, int cap_ms);
bool deadline_passed(const struct deadline *d);
/* Time since deadline_start. */
int64_t deadline_spent_ms(const struct deadline *d);

#endif
