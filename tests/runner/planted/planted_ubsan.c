/*
 * Planted failure for the runner's own test: the second test overflows a
 * signed integer, which UndefinedBehaviorSanitizer reports.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_fine(void **state)
{
	(void)state;
	assert_true(1);
}

static void
test_signed_overflow(void **state)
{
	volatile int big = INT_MAX;
	int sum;

	(void)state;
	sum = big + 1;
	assert_true(sum != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fine),
	    cmocka_unit_test(test_signed_overflow),
	    cmocka_unit_test(test_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
