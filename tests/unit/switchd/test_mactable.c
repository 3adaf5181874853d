/* The MAC table: learning, lookup, aging, station moves, the size limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mactable.h"

static void
mac_of(uint8_t *mac, unsigned n)
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void
test_learn_lookup(void **state)
{
	struct mactable t;
	uint8_t a[6], b[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 16, 300), 0);
	mac_of(a, 1);
	mac_of(b, 2);
	assert_int_equal(mactable_lookup(&t, a, 0, 0), -1);
	assert_int_equal(mactable_learn(&t, a, 0, 3, 0), MACTABLE_NEW);
	assert_int_equal(mactable_learn(&t, b, 0, 1, 0), MACTABLE_NEW);
	assert_int_equal(mactable_lookup(&t, a, 0, 1), 3);
	assert_int_equal(mactable_lookup(&t, b, 0, 1), 1);
	/* The same address on another VLAN is another station. */
	assert_int_equal(mactable_lookup(&t, a, 7, 1), -1);
	assert_int_equal(mactable_learn(&t, a, 0, 3, 2), MACTABLE_REFRESHED);
	assert_int_equal(t.count, 2);
	mactable_destroy(&t);
}

static void
test_aging(void **state)
{
	struct mactable t;
	uint8_t a[6], b[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 16, 10), 0);
	mac_of(a, 1);
	mac_of(b, 2);
	mactable_learn(&t, a, 0, 0, 100);
	mactable_learn(&t, b, 0, 1, 105);
	assert_int_equal(mactable_age(&t, 109.9), 0);
	assert_int_equal(mactable_age(&t, 110), 1);
	assert_int_equal(mactable_lookup(&t, a, 0, 110), -1);
	assert_int_equal(mactable_lookup(&t, b, 0, 110), 1);
	/* A refresh restarts the clock. */
	mactable_learn(&t, b, 0, 1, 114);
	assert_int_equal(mactable_age(&t, 120), 0);
	/* Lookup alone never returns an expired entry, sweep or not. */
	assert_int_equal(mactable_lookup(&t, b, 0, 124), -1);
	assert_int_equal(t.count, 0);
	mactable_destroy(&t);
}

static void
test_no_aging(void **state)
{
	struct mactable t;
	uint8_t a[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 16, 0), 0);
	mac_of(a, 1);
	mactable_learn(&t, a, 0, 2, 0);
	assert_int_equal(mactable_age(&t, 1e9), 0);
	assert_int_equal(mactable_lookup(&t, a, 0, 1e9), 2);
	mactable_destroy(&t);
}

static void
test_station_move(void **state)
{
	struct mactable t;
	uint8_t a[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 16, 300), 0);
	mac_of(a, 1);
	mactable_learn(&t, a, 0, 0, 0);
	assert_int_equal(mactable_learn(&t, a, 0, 2, 1), MACTABLE_MOVED);
	assert_int_equal(mactable_lookup(&t, a, 0, 1), 2);
	assert_int_equal(t.count, 1);
	mactable_destroy(&t);
}

static void
test_limit(void **state)
{
	struct mactable t;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 100, 300), 0);
	for (unsigned i = 0; i < 100; i++) {
		mac_of(mac, i);
		assert_int_equal(mactable_learn(&t, mac, 0, 1, 0),
				 MACTABLE_NEW);
	}
	mac_of(mac, 100);
	assert_int_equal(mactable_learn(&t, mac, 0, 1, 0), MACTABLE_FULL);
	assert_int_equal(mactable_lookup(&t, mac, 0, 0), -1);
	/* Known stations are still refreshed and moved when full. */
	mac_of(mac, 5);
	assert_int_equal(mactable_learn(&t, mac, 0, 2, 0), MACTABLE_MOVED);
	/* Space freed by aging is used again. */
	assert_int_equal(mactable_age(&t, 400), 100);
	mac_of(mac, 100);
	assert_int_equal(mactable_learn(&t, mac, 0, 1, 400), MACTABLE_NEW);
	mactable_destroy(&t);
}

static void
test_flush(void **state)
{
	struct mactable t;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 64, 300), 0);
	for (unsigned i = 0; i < 30; i++) {
		mac_of(mac, i);
		mactable_learn(&t, mac, 0, (int)(i % 3), 0);
	}
	assert_int_equal(mactable_flush(&t, 1), 10);
	assert_int_equal(t.count, 20);
	mac_of(mac, 1);
	assert_int_equal(mactable_lookup(&t, mac, 0, 0), -1);
	mac_of(mac, 2);
	assert_int_equal(mactable_lookup(&t, mac, 0, 0), 2);
	assert_int_equal(mactable_flush(&t, -1), 20);
	assert_int_equal(t.count, 0);
	mactable_destroy(&t);
}

static void
test_list_sorted(void **state)
{
	const struct mac_entry *list[8];
	struct mactable t;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(mactable_init(&t, 8, 300), 0);
	for (unsigned i = 0; i < 6; i++) {
		mac_of(mac, 6 - i);
		mactable_learn(&t, mac, 0, (int)(i % 2), 0);
	}
	assert_int_equal(mactable_list(&t, list, 8), 6);
	for (int i = 1; i < 6; i++) {
		assert_true(list[i - 1]->port <= list[i]->port);
		if (list[i - 1]->port == list[i]->port)
			assert_true(memcmp(list[i - 1]->mac, list[i]->mac, 6) <
				    0);
	}
	assert_int_equal(mactable_list(&t, list, 3), 3);
	mactable_destroy(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_learn_lookup),
	    cmocka_unit_test(test_aging),
	    cmocka_unit_test(test_no_aging),
	    cmocka_unit_test(test_station_move),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_list_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
