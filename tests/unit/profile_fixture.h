/* profile_fixture — site profiles loaded from text for the unit tests, one row a profile: what
 * the loader must return, how many problems it must report, and what else to check. Include it
 * after unit.h. */
#ifndef PNB_TESTS_PROFILE_FIXTURE_H
#define PNB_TESTS_PROFILE_FIXTURE_H

#include "core/site/profile.h"

struct load_case {
	const char *text;
	int rc;       /* profile_load_string's result */
	int problems; /* how many it reports, -1: not checked */
	void (*check)(const struct site *s, const struct problems *ps); /* NULL: nothing more */
};

static inline void load_cases(const struct load_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct site s;
		struct problems ps;
		problems_init(&ps);
		print_message("profile %zu\n", i);
		int rc = profile_load_string("site.conf", c[i].text, &s, &ps);
		if (rc != c[i].rc || (c[i].problems >= 0 && ps.n != (size_t)c[i].problems)) {
			problems_print(&ps, stderr);
			fail_msg("returned %d with %zu problems", rc, ps.n);
		}
		if (c[i].check)
			c[i].check(&s, &ps);
		site_done(&s);
		problems_done(&ps);
	}
}

#define LOAD_CASES(cases) load_cases(cases, sizeof(cases) / sizeof(cases[0]))

#endif
