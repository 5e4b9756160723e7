/* Unit tests: core/base/doorbell — rings never block, one drain answers them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <poll.h>
#include <stdbool.h>

#include "core/base/doorbell.h"

static bool rung(struct doorbell *d)
{
	struct pollfd p = {.fd = d->fd[0], .events = POLLIN};
	return poll(&p, 1, 0) == 1;
}

static void test_ring_drain(void **state)
{
	(void)state;
	struct doorbell d;
	assert_int_equal(doorbell_open(&d), 0);
	assert_false(rung(&d));
	for (int i = 0; i < 200000; i++) /* far more than a pipe holds: a full pipe still rings */
		doorbell_ring(&d);
	assert_true(rung(&d));
	doorbell_drain(&d);
	assert_false(rung(&d));
	doorbell_close(&d);
	assert_int_equal(d.fd[0], -1);
	doorbell_close(&d); /* twice is harmless */
}

UNIT_MAIN(cmocka_unit_test(test_ring_drain))
