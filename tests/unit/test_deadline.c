/* Unit tests: core/base/deadline, the one whole-run budget (iscsi-check, simulate, runcmd). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <limits.h>
#include <poll.h>

#include "core/base/deadline.h"

/* A long budget: a loaded machine (the ASan pass on 2 cores) may stop this test for a while
 * between two lines, and it must not run out meanwhile. */
static void test_budget_shrinks(void **state)
{
	(void)state;
	struct deadline d;
	deadline_start(&d, 60000);
	assert_false(deadline_passed(&d));
	int64_t left = deadline_left_ms(&d);
	assert_true(left > 0 && left <= 60000);
	assert_true(deadline_poll_ms(&d, 50) <= 50);   /* the cap */
	assert_true(deadline_poll_ms(&d, 0) <= 60000); /* no cap: what is left */
}

static void test_budget_ends(void **state)
{
	(void)state;
	struct deadline d;
	deadline_start(&d, 100);
	poll(NULL, 0, 150);
	assert_true(deadline_passed(&d));
	assert_int_equal(deadline_left_ms(&d), 0);
	assert_int_equal(deadline_poll_ms(&d, 0), 0);
	assert_true(deadline_spent_ms(&d) >= 100);
}

static void test_no_budget(void **state)
{
	(void)state;
	struct deadline d;
	deadline_start(&d, -5); /* below 0 counts as 0 */
	assert_true(deadline_passed(&d));
	deadline_start(&d, (int64_t)INT_MAX * 10); /* a poll timeout never overflows */
	assert_int_equal(deadline_poll_ms(&d, 0), INT_MAX);
}

UNIT_MAIN(
	cmocka_unit_test(test_budget_shrinks),
	cmocka_unit_test(test_budget_ends),
	cmocka_unit_test(test_no_budget))
