/*
 * Planted failure for the runner's own test: the second test never
 * returns, so only the runner's timeout can end the binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

static void
test_fine(void **state)
{
	(void)state;
	assert_true(1);
}

static void
test_hang(void **state)
{
	(void)state;
	for (;;)
		pause();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fine),
	    cmocka_unit_test(test_hang),
	    cmocka_unit_test(test_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
