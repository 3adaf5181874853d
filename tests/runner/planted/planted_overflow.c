/*
 * Planted failure for the runner's own test: the third of four tests
 * writes past the end of a heap block. The runner must fail the binary
 * although the first two tests passed and the fourth never ran.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static void
test_fine(void **state)
{
	(void)state;
	assert_int_equal(1 + 1, 2);
}

static void
test_heap_overflow(void **state)
{
	volatile size_t n = 16;
	char *p = malloc(n);

	(void)state;
	assert_non_null(p);
	p[n] = 'x';
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fine),
	    cmocka_unit_test(test_fine),
	    cmocka_unit_test(test_heap_overflow),
	    cmocka_unit_test(test_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
