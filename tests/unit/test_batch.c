/*
 * test_batch.c: the size of the next batch (adapt_limit).
 */
#include "batch.h"
#include "tap.h"

static void
test_adapt(void)
{
	CHECK(adapt_limit(1000, 0.8, 10, 100000) == 1000,
	      "on time: the same size");
	CHECK(adapt_limit(1000, 0.4, 10, 100000) == 2000,
	      "twice as fast: twice the size");
	CHECK(adapt_limit(1000, 0.01, 10, 100000) == 2000,
	      "much faster: at most doubled");
	CHECK(adapt_limit(1000, 0.0, 10, 100000) == 2000,
	      "no measurable time: doubled");
	CHECK(adapt_limit(2000, 1.6, 10, 100000) == 1000,
	      "twice as slow: half the size");
	CHECK(adapt_limit(2000, 30.0, 10, 100000) == 1000,
	      "much slower: at most halved");
	CHECK(adapt_limit(2000, 0.45, 10, 100000) == 3555,
	      "in proportion between");
	CHECK(adapt_limit(80000, 0.1, 10, 100000) == 100000,
	      "never above the maximum");
	CHECK(adapt_limit(15, 5.0, 10, 100000) == 10,
	      "never below the minimum");
	CHECK(adapt_limit(10, 5.0, 10, 100000) == 10, "the minimum stays");
}

int
main(void)
{
	test_adapt();
	return tap_done();
}
