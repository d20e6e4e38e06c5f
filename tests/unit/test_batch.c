/*
 * test_batch.c: the size of the next batch (adapt_limit).
 */
#include <stddef.h>

#include "batch.h"
#include "tap.h"

static void
test_adapt(void)
{
	static const struct {
		int limit;
		double took;
		int want;
		const char *what;
	} cases[] = {
		{ 1000, 0.8, 1000, "on time: the same size" },
		{ 1000, 0.4, 2000, "twice as fast: twice the size" },
		{ 1000, 0.01, 2000, "much faster: at most doubled" },
		{ 1000, 0.0, 2000, "no measurable time: doubled" },
		{ 2000, 1.6, 1000, "twice as slow: half the size" },
		{ 2000, 30.0, 1000, "much slower: at most halved" },
		{ 2000, 0.45, 3555, "in proportion between" },
		{ 80000, 0.1, 100000, "never above the maximum" },
		{ 15, 5.0, 10, "never below the minimum" },
		{ 10, 5.0, 10, "the minimum stays" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(adapt_limit(cases[i].limit, cases[i].took, 10, 100000) ==
			      cases[i].want,
		      "%s", cases[i].what);
}

int
main(void)
{
	test_adapt();
	return tap_done();
}
