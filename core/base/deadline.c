/* deadline — a whole-run time budget on the monotonic clock. */
#include "core/base/deadline.h"

#include <limits.h>
#include <time.h>

int64_t deadline_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void deadline_start(struct deadline *d, int64_t budget_ms)
{
	d->start_ms = deadline_now_ms();
	d->end_ms = d->start_ms + (budget_ms > 0 ? budget_ms : 0);
}

int64_t deadline_left_ms(const struct deadline *d)
{
	int64_t left = d->end_ms - deadline_now_ms();
	return left > 0 ? left : 0;
}

int deadline_poll_ms(const struct deadline *d, int cap_ms)
{
	int64_t left = deadline_left_ms(d), cap = cap_ms > 0 ? cap_ms : INT_MAX;
	return (int)(left < cap ? left : cap);
}

bool deadline_passed(const struct deadline *d)
{
	return deadline_left_ms(d) == 0;
}

int64_t deadline_spent_ms(const struct deadline *d)
{
	return deadline_now_ms() - d->start_ms;
}
