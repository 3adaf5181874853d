/*
 * Planted failure for the runner's own test: every test passes, but one
 * leaks a block, which LeakSanitizer reports after the last result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void *kept;

static void
test_fine(void **state)
{
	(void)state;
	assert_int_equal(2 * 2, 4);
}

static void
test_leak(void **state)
{
	char *p = malloc(64);

	(void)state;
	assert_non_null(p);
	memset(p, 0, 64);
	kept = p;
	kept = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fine),
	    cmocka_unit_test(test_leak),
	    cmocka_unit_test(test_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
