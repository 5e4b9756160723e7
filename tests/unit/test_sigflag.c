/* Unit tests: core/base/sigflag — a signal only records its number in its own flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"

#include "core/base/sigflag.h"

static volatile sig_atomic_t stop, other;

static void test_flag_per_signal(void **state)
{
	(void)state;
	static const int stops[] = {SIGUSR1, SIGUSR2}, others[] = {SIGWINCH};
	sigflag_catch(&stop, stops, 2);
	sigflag_catch(&other, others, 1);
	assert_int_equal(stop, 0);
	raise(SIGUSR2);
	assert_int_equal(stop, SIGUSR2);
	assert_int_equal(other, 0);
	raise(SIGWINCH);
	assert_int_equal(other, SIGWINCH);
	/* no SA_RESTART: what a blocking call sees as EINTR */
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	assert_false(sa.sa_flags & SA_RESTART);
}

UNIT_MAIN(cmocka_unit_test(test_flag_per_signal))
